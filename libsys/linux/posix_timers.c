/*
 * POSIX timers: timer_create and its kin are procmgr's
 * (servers/procmgr/posix_timers.c), which sends their signals; times go
 * as counter ticks, CLOCK_REALTIME's absolute ones with the ticks from
 * the epoch to boot.
 */
#include "clock_math.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "tern/ipc_buffer.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

#define TIMER_ABSTIME 1

/* struct sigevent on arm64: the value, the signal, how to notify, then
 * SIGEV_THREAD_ID's thread (and what SIGEV_THREAD needs, which musl
 * turns into SIGEV_THREAD_ID). */
struct linux_sigevent {
    uint64_t value;
    int32_t signal;
    int32_t notify;
    int32_t tid;
    uint8_t rest[44];
};

int64_t sys_timer_create(int64_t clock, const struct linux_sigevent *event, int32_t *timer)
{
    struct linux_sigevent wanted = {.notify = -1};     /* none: SIGALRM with the id */
    if (event) {
        if (!linux_user_range((uint64_t)(uintptr_t)event, sizeof wanted))
            return -LINUX_EFAULT;
        wanted = *event;
        if (wanted.notify == -1)
            return -LINUX_EINVAL;
    }
    if (!linux_user_range((uint64_t)(uintptr_t)timer, sizeof *timer))
        return -LINUX_EFAULT;
    tern_set_mr(4, (uint64_t)(uint32_t)wanted.tid);
    tern_set_mr(5, linux_thread_id());     /* CLOCK_THREAD_CPUTIME_ID's thread */
    uint64_t mr[4] = {(uint64_t)(int64_t)(int32_t)clock, (uint64_t)(int64_t)wanted.notify,
                      (uint64_t)(uint32_t)wanted.signal, wanted.value};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_TIMER_CREATE, 6, 0, 0, mr);
    if (result < 0)
        return result;
    *timer = (int32_t)result;
    return 0;
}

int64_t sys_timer_settime(int64_t timer, int64_t flags, const struct linux_itimerspec *wanted,
                          struct linux_itimerspec *old)
{
    if (!wanted)
        return -LINUX_EINVAL;
    if (!linux_user_range((uint64_t)(uintptr_t)wanted, sizeof *wanted))
        return -LINUX_EFAULT;
    struct linux_itimerspec setting = *wanted;
    if (!timespec_is_valid(&setting.value) || !timespec_is_valid(&setting.interval))
        return -LINUX_EINVAL;
    uint64_t frequency = linux_counter_frequency();
    tern_set_mr(4, linux_epoch_offset_ticks());
    uint64_t mr[4] = {(uint64_t)(int64_t)(int32_t)timer, (uint32_t)flags & TIMER_ABSTIME,
                      timespec_to_ticks(&setting.value, frequency),
                      timespec_to_ticks(&setting.interval, frequency)};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_TIMER_SETTIME, 5, 0, 0, mr);
    return result < 0 || !old ? result : linux_store_itimerspec(old, mr[1], mr[2]);
}

int64_t sys_timer_gettime(int64_t timer, struct linux_itimerspec *current)
{
    uint64_t mr[4] = {(uint64_t)(int64_t)(int32_t)timer, 0, 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_TIMER_GETTIME, 1, 0, 0, mr);
    return result < 0 ? result : linux_store_itimerspec(current, mr[1], mr[2]);
}

int64_t sys_timer_getoverrun(int64_t timer)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_TIMER_GETOVERRUN, 1,
                         (uint64_t)(int64_t)(int32_t)timer, 0, 0, 0);
}

int64_t sys_timer_delete(int64_t timer)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_TIMER_DELETE, 1,
                         (uint64_t)(int64_t)(int32_t)timer, 0, 0, 0);
}
