/*
 * PI futexes, which procmgr keeps (futex_pi.c).
 */
#ifndef LINUX_FUTEX_PI_H
#define LINUX_FUTEX_PI_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_abi.h"

struct linux_timespec;

/* Whether a futex command is one of the PI ones futex_pi.c does (one
 * test: every futex call asks). */
static inline bool linux_futex_is_pi(uint64_t command)
{
    const uint64_t pi = 1u << LINUX_FUTEX_LOCK_PI | 1u << LINUX_FUTEX_UNLOCK_PI |
                        1u << LINUX_FUTEX_TRYLOCK_PI | 1u << LINUX_FUTEX_WAIT_REQUEUE_PI |
                        1u << LINUX_FUTEX_CMP_REQUEUE_PI | 1u << LINUX_FUTEX_LOCK_PI2;
    return command < 64 && ((pi >> command) & 1);
}

/* FUTEX_LOCK_PI, FUTEX_LOCK_PI2 (clock_realtime: FUTEX_CLOCK_REALTIME),
 * FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI of the aligned word at address;
 * FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI of the condition word at
 * address onto the PI word at address2, with futex(2)'s other arguments. */
int64_t linux_futex_pi(uint64_t address, uint64_t command, bool clock_realtime,
                       const struct linux_timespec *timeout, uint64_t value, uint64_t address2,
                       uint64_t value3);

#endif
