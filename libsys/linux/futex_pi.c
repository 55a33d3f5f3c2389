/*
 * PI futexes (FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI,
 * FUTEX_UNLOCK_PI, FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI): procmgr
 * keeps them, since the owner runs at its
 * waiters' priority and priorities are procmgr's (PROC_FUTEX_PI; its
 * servers/procmgr/pi_futexes.c). The word goes as window 0, which procmgr
 * compare-exchanges; a lock a signal interrupts is tried again
 * (-ERESTARTNOINTR).
 */
#include "futex_pi.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"


#define WORD_WINDOW (TERN_WINDOW_READ | TERN_WINDOW_WRITE)

/* FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI: the condition word at
 * address and the PI word at address2. */
static int64_t requeue(uint64_t address, uint64_t command, bool clock_realtime,
                       const struct linux_timespec *timeout, uint64_t value, uint64_t address2,
                       uint64_t value3)
{
    if (address2 & 3)
        return -LINUX_EINVAL;
    bool waits = command == LINUX_FUTEX_WAIT_REQUEUE_PI;
    uint64_t fourth;            /* the deadline, or the count to requeue */
    if (waits) {
        int64_t status = linux_futex_deadline(timeout, true, clock_realtime, &fourth);
        if (status < 0)
            return status;
    } else {
        /* FUTEX_CMP_REQUEUE_PI's timeout argument is the count to
         * requeue; it wakes exactly one (the one that takes the lock). */
        int32_t count = (int32_t)(uintptr_t)timeout;
        if ((int32_t)value != 1 || count < 0)
            return -LINUX_EINVAL;
        fourth = (uint64_t)count;
        value = value3;
    }
    if (address == address2)
        return -LINUX_EINVAL;
    linux_set_window(0, address, sizeof(uint32_t), WORD_WINDOW);
    if (waits)
        linux_set_window(1, address2, sizeof(uint32_t), WORD_WINDOW);
    tern_set_mr(4, address2);
    tern_set_mr(5, (uint32_t)value);
    uint64_t operation = waits ? PROC_FUTEX_PI_WAIT_REQUEUE : PROC_FUTEX_PI_CMP_REQUEUE;
    uint64_t mr[4] = {linux_thread_id(), operation, address, fourth};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_FUTEX_PI, 6, 0, waits ? 2 : 1, mr);
}

int64_t linux_futex_pi(uint64_t address, uint64_t command, bool clock_realtime,
                       const struct linux_timespec *timeout, uint64_t value, uint64_t address2,
                       uint64_t value3)
{
    if (command == LINUX_FUTEX_WAIT_REQUEUE_PI || command == LINUX_FUTEX_CMP_REQUEUE_PI)
        return requeue(address, command, clock_realtime, timeout, value, address2, value3);
    uint64_t operation = command == LINUX_FUTEX_UNLOCK_PI    ? PROC_FUTEX_PI_UNLOCK
                         : command == LINUX_FUTEX_TRYLOCK_PI ? PROC_FUTEX_PI_TRYLOCK
                                                             : PROC_FUTEX_PI_LOCK;
    uint64_t deadline = 0;
    if (operation == PROC_FUTEX_PI_LOCK) {
        bool realtime = command == LINUX_FUTEX_LOCK_PI || clock_realtime;
        int64_t status = linux_futex_deadline(timeout, true, realtime, &deadline);
        if (status < 0)
            return status;
    }
    linux_set_window(0, address, sizeof(uint32_t), WORD_WINDOW);
    uint64_t mr[4] = {linux_thread_id(), operation, address, deadline};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_FUTEX_PI, 4, 0, 1, mr);
}
