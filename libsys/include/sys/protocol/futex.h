/*
 * The futex protocol (servers/futex; docs/protocols/futex.md). A process
 * reaches it through LINUX_SLOT_FUTEX, badged with its pid. A futex is
 * named by a key: 0 means private (the server keys it by the caller's pid
 * and address); a shared futex uses the key procmgr returns for that
 * address (PROC_FUTEX_KEY), equal in every process that maps the same
 * word, and the server then ignores the address except for its alignment.
 *
 *   label           registers in                                windows            result
 *   FUTEX_WAIT      key, address, expected, deadline, bitset     0: the word (R)    0, -EAGAIN, -ETIMEDOUT
 *   FUTEX_WAKE      key, address, count, bitset                                     woken
 *   FUTEX_REQUEUE   key, address, wake_count, requeue_count,     0: the word (R) when compare
 *                   key2, address2, compare, expected                                woken + requeued
 *
 * The server reads the word through the window while it decides, so the
 * compare and the queueing are one step against every WAKE (Linux's
 * guarantee). deadline is absolute, in CNTVCT_EL0 ticks; 0 waits forever.
 * bitset 0 is EINVAL, as in Linux; FUTEX_WAIT/WAKE pass ~0. compare 0
 * makes FUTEX_REQUEUE, 1 FUTEX_CMP_REQUEUE (anything else is EINVAL).
 *
 * expected, bitset and the counts are Linux's 32-bit arguments: the server
 * uses the low 32 bits of their registers, the counts as signed ints. As
 * in Linux, a WAKE count of 0 or less still wakes one waiter, a negative
 * REQUEUE count is EINVAL, and both REQUEUE forms return woken + requeued.
 *
 * Other errors: EINVAL for an address not 4-byte aligned or a message
 * with too few registers; EFAULT when the word cannot be read through
 * window 0 (no window, too short, not readable, unmapped); ENOMEM when the
 * server holds as many waiters as it has room for (Linux never fails
 * that way); ENOSYS for an unknown label. A waiter whose call is cancelled
 * (a signal) is dropped without an answer.
 *
 * The server makes its reply objects (one per waiter) itself, from the
 * untyped memory and free slots its boot info lists.
 */
#ifndef SYS_PROTOCOL_FUTEX_H
#define SYS_PROTOCOL_FUTEX_H

enum futex_label {
    FUTEX_WAIT = 0x400,
    FUTEX_WAKE,
    FUTEX_REQUEUE,
};

#endif
