/* The futex(2) uapi the futex tests need (musl has no linux/futex.h). */
#ifndef CONFORMANCE_FUTEX_H
#define CONFORMANCE_FUTEX_H

#include <limits.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static inline long futex_wait(int *word, int expected,
                              const struct timespec *timeout, int flags)
{
    return syscall(SYS_futex, word, FUTEX_WAIT | flags, expected, timeout);
}

static inline long futex_wake(int *word, int count, int flags)
{
    return syscall(SYS_futex, word, FUTEX_WAKE | flags, count);
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
