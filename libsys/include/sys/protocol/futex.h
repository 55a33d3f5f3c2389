/*
 * The futex protocol (servers/futex; docs/protocols/futex.md). A process
 * reaches it through LINUX_SLOT_FUTEX, badged with its pid. A futex is
 * named by a key: 0 means private (the server keys it by the caller's pid
 * and address); a shared futex uses the key procmgr returns for that
 * address (PROC_FUTEX_KEY), equal in every process that maps the same
 * word, and the server then ignores the address except for its alignment.
 *
 *   label           registers in                                windows            result
 *   FUTEX_WAIT      key, address, expected | bitset << 32,       0: the word (R)    0, -EAGAIN, -ETIMEDOUT
 *                   deadline
 *   FUTEX_WAKE      key, address, count, bitset                                     woken
 *   FUTEX_REQUEUE   key, address, wake_count, requeue_count,     0: the word (R) when compare
 *                   key2, address2, compare, expected                                woken + requeued
 *   FUTEX_WAKE_OP   key, address, count, key2, address2,                            woken on both
 *                   count2, wake2
 *   FUTEX_WAITV     count, deadline, base                        0: the words (R)   index woken,
 *                                                                1: the entries (R) -EAGAIN, -ETIMEDOUT
 *
 * The server reads the word through the window while it decides, so the
 * compare and the queueing are one step against every WAKE (Linux's
 * guarantee). deadline is absolute, in CNTVCT_EL0 ticks; 0 waits forever.
 * bitset 0 is EINVAL, as in Linux; FUTEX_WAIT/WAKE pass ~0. compare 0
 * makes FUTEX_REQUEUE, 1 FUTEX_CMP_REQUEUE (anything else is EINVAL).
 *
 * expected, bitset and the counts are Linux's 32-bit arguments: the server
 * uses the low 32 bits of their registers, the counts as signed ints
 * (FUTEX_WAIT's two share one register: four registers in all, which the
 * kernel's IPC fast path carries). As
 * in Linux, a WAKE count of 0 or less still wakes one waiter, a negative
 * REQUEUE count is EINVAL, and both REQUEUE forms return woken + requeued.
 *
 * FUTEX_WAKE_OP wakes up to count waiters of the first futex and, if
 * wake2 is 1, up to count2 of the second (any bitset, as Linux's
 * futex_wake_op; a count of 0 or less wakes one). The personality does
 * the operation on the second word itself, an atomic read-modify-write
 * in the caller's own memory (a bad address faults there: EFAULT), and
 * sends wake2 = whether the comparison of the old value held. Linux's
 * guarantees still hold: the operation is one atomic instruction
 * sequence against every other thread; a waiter queued before it
 * (compared and queued in one step here) is queued before this message
 * arrives, so it is woken, oldest first; a waiter that compares after
 * the operation sees the new value. The one difference, a waiter that
 * saw the new value and queued in the moment between the operation and
 * this message may be among the woken, is a wake a futex user must
 * expect anyway (it re-checks its word), and it never takes a place
 * before an older waiter, since each queue is FIFO. wake2 other than 0
 * or 1 is EINVAL.
 *
 * FUTEX_WAITV waits on count (1..FUTEX_WAITV_MAX) futexes at once, the
 * entries in window 1 (struct futex_waitv_entry each, in the caller's
 * order); window 0 spans every entry's word: base is its address, and
 * the word of an entry at address is at offset address - base. The
 * server compares all the words and queues the caller on every futex in
 * one step (the first word that differs: -EAGAIN, nothing queued); a
 * wake of any of them (FUTEX_WAKE, WAKE_OP, REQUEUE, counting it once)
 * answers the entry's index and takes the caller off all the others; a
 * requeue moves that entry alone. Entries wait with bitset ~0.
 *
 * Other errors: EINVAL for an address not 4-byte aligned, a FUTEX_WAITV
 * count out of range or a message with too few registers; EFAULT when a
 * word or the entries cannot be read through their window (no window,
 * too short, not readable, unmapped); ENOMEM when the server holds as
 * many waiting callers or words as it has room for (Linux never fails
 * that way); ENOSYS for an unknown label. A waiter whose call is
 * cancelled (a signal) is dropped without an answer.
 *
 * The server makes its reply objects (one per waiting caller) itself,
 * from the untyped memory and free slots its boot info lists.
 */
#ifndef SYS_PROTOCOL_FUTEX_H
#define SYS_PROTOCOL_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

enum futex_label {
    FUTEX_WAIT = 0x400,
    FUTEX_WAKE,
    FUTEX_REQUEUE,
    FUTEX_WAKE_OP,
    FUTEX_WAITV,
};

/* The summary: a page the server lends read-only through any session
 * (MEMORY_MAP and MEMORY_PAGE of sys/protocol/memory.h at offset 0),
 * counting for each of its hash buckets the waiters queued there and the
 * waits being decided. A FUTEX_WAKE finds nobody when its bucket counts
 * none, so the client need not call: a waiter counts itself before the
 * server compares its word, and a waker looks at the count after it
 * stored its own (a barrier between on each side), so either the waker
 * sees the count or the waiter sees the new word (EAGAIN). A count may
 * be too high for a while (a cancelled waiter, another futex of the
 * bucket), which costs a call, never a wake. */
#define FUTEX_SUMMARY_BUCKETS   128
#define FUTEX_SUMMARY_IDENTITY  (1ULL << 59)    /* MEMORY_MAP's: no file's */

struct futex_summary {
    uint16_t waiting[FUTEX_SUMMARY_BUCKETS];
};

/* The bucket of a futex: a private one by (pid, address), a shared one by
 * procmgr's key (pid 0): Fibonacci hashing, the top 7 bits of a
 * multiplication by 2^64 / phi, which every bit of the name reaches
 * (addresses and keys are 4-byte aligned; pages are mixed in from above). */
static inline unsigned futex_summary_bucket(bool shared, uint64_t pid, uint64_t word)
{
    uint64_t name = word ^ (word >> 12) ^ (pid << 32) ^ (shared ? 1 : 0);
    return (unsigned)((name * 0x9e3779b97f4a7c15ULL) >> 57);
}

_Static_assert(FUTEX_SUMMARY_BUCKETS == 1 << 7, "the hash gives 7 bits");

/* Linux's limit on the futexes of one futex_waitv. */
#define FUTEX_WAITV_MAX 128

/* One futex of a FUTEX_WAITV, as window 1 carries them. */
struct futex_waitv_entry {
    uint64_t key;               /* 0: private */
    uint64_t address;
    uint32_t expected;          /* the value the word must hold to sleep */
};

#endif
