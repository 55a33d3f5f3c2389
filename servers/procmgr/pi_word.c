/*
 * The PI futex word (pi_word.h).
 */
#include "pi_word.h"
#include "sys/linux_abi.h"

enum pi_lock_step pi_lock_step(uint32_t word, uint32_t tid, bool waiters, uint32_t *desired)
{
    uint32_t owner = word & PI_WORD_TID_MASK;
    if (owner == tid)
        return PI_LOCK_DEADLOCK;
    if (owner == 0) {
        *desired = tid | (word & PI_WORD_OWNER_DIED) | (waiters ? PI_WORD_WAITERS : 0);
        return PI_LOCK_ACQUIRE;
    }
    *desired = word | PI_WORD_WAITERS;
    return PI_LOCK_WAIT;
}

int pi_unlock_step(uint32_t word, uint32_t tid, uint32_t next, uint32_t *desired)
{
    if ((word & PI_WORD_TID_MASK) != tid)
        return -LINUX_EPERM;
    /* Neither FUTEX_WAITERS nor FUTEX_OWNER_DIED stays: the unlocker
     * owned it, and the next owner's own unlock clears a stale waiters
     * bit (as Linux's wake_futex_pi sets it unconditionally). */
    *desired = next ? next | PI_WORD_WAITERS : 0;
    return 0;
}

uint32_t pi_inherited_word(uint32_t word, uint32_t next)
{
    return next | PI_WORD_WAITERS | (word & PI_WORD_OWNER_DIED);
}
