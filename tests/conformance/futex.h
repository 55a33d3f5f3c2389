/* The futex(2) uapi the futex tests need (musl has no linux/futex.h). */
#ifndef CONFORMANCE_FUTEX_H
#define CONFORMANCE_FUTEX_H

#include <limits.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* FUTEX_WAKE_OP's operation on the second word, and the comparison of
 * its old value that decides whether the second word's waiters wake. */
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5
#define FUTEX_OP(op, oparg, cmp, cmparg)                                    \
    ((((unsigned)(op) & 0xf) << 28) | (((unsigned)(cmp) & 0xf) << 24) |     \
     (((unsigned)(oparg) & 0xfff) << 12) | ((unsigned)(cmparg) & 0xfff))

/* futex_waitv(2) (musl has no number for it yet). */
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define FUTEX_32 2
#define FUTEX_WAITV_MAX 128

struct futex_waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t __reserved;
};

static inline long futex_wait(int *word, int expected,
                              const struct timespec *timeout, int flags)
{
    return syscall(SYS_futex, word, FUTEX_WAIT | flags, expected, timeout);
}

static inline long futex_wake(int *word, int count, int flags)
{
    return syscall(SYS_futex, word, FUTEX_WAKE | flags, count);
}

/* FUTEX_WAKE_OP: wake up to `count` waiters on `word`, do `op` on
 * `word2` and, if its comparison held, wake up to `count2` on `word2`. */
static inline long futex_wake_op(int *word, int count, int *word2, int count2,
                                 unsigned op, int flags)
{
    return syscall(SYS_futex, word, FUTEX_WAKE_OP | flags, count, (long)count2,
                   word2, op);
}

/* futex_waitv with an absolute timeout on clock (NULL: none). */
static inline long futex_waitv(struct futex_waitv *waiters, unsigned count,
                               const struct timespec *timeout, int clock)
{
    return syscall(SYS_futex_waitv, waiters, count, 0, timeout, clock);
}

/* FUTEX_CMP_REQUEUE: wake `wake` waiters on `word`, move up to `move`
 * more to `target`, if *word still equals `expected`. */
static inline long futex_cmp_requeue(int *word, int wake, int move,
                                     int *target, int expected, int flags)
{
    return syscall(SYS_futex, word, FUTEX_CMP_REQUEUE | flags, wake,
                   (long)move, target, expected);
}

/* Park every thread now sleeping on `word` on `parking` instead, until
 * `count` have been moved in all: then exactly `count` are known to be
 * asleep on `parking`. This is how the tests know a waiter is asleep
 * without reading its state from /proc. */
static inline int futex_park_waiters(int *word, int *parking, int count,
                                     int flags)
{
    int parked = 0;
    while (parked < count) {
        long moved = futex_cmp_requeue(word, 0, INT_MAX, parking,
                                       __atomic_load_n(word, __ATOMIC_ACQUIRE),
                                       flags);
        if (moved > 0)
            parked += (int)moved;
        else
            usleep(1000);
    }
    return parked;
}

#endif
