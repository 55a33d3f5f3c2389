/*
 * Event descriptors (protocol/event.h): eventfd2 and timerfd_create make
 * one through the process's session of the event server
 * (LINUX_SLOT_EVENT); from then on it is a descriptor like any other,
 * read, written and polled through the file protocol, so nothing else
 * here knows it. timerfd_settime and timerfd_gettime are the timerfd's
 * own labels, with times as ticks of the counter.
 */
#include "clock_math.h"
#include "descriptors.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/event.h"

int64_t sys_eventfd2(uint64_t initial, uint64_t flags_argument)
{
    uint32_t flags = (uint32_t)flags_argument;     /* an int */
    if (flags & ~(uint32_t)(EVENT_EFD_SEMAPHORE | EVENT_EFD_NONBLOCK | EVENT_EFD_CLOEXEC))
        return -LINUX_EINVAL;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t mr[4] = {(uint32_t)initial, flags & ~(uint32_t)EVENT_EFD_CLOEXEC, 0, 0};
    int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), LINUX_SLOT_EVENT,
                                          EVENT_EVENTFD, 2, 0, 0, mr);
    return linux_fd_settle((unsigned)fd, result, flags & EVENT_EFD_CLOEXEC);
}

int64_t sys_timerfd_create(int64_t clock, uint64_t flags_argument)
{
    uint32_t flags = (uint32_t)flags_argument;     /* an int */
    if (flags & ~(uint32_t)(EVENT_TFD_NONBLOCK | EVENT_TFD_CLOEXEC))
        return -LINUX_EINVAL;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t mr[4] = {(uint64_t)(int32_t)clock, flags & ~(uint32_t)EVENT_TFD_CLOEXEC, 0, 0};
    int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), LINUX_SLOT_EVENT,
                                          EVENT_TIMERFD, 2, 0, 0, mr);
    return linux_fd_settle((unsigned)fd, result, flags & EVENT_TFD_CLOEXEC);
}

/* A timerfd label through fd's capability: another server's descriptor
 * does not know it (-ENOSYS), which is Linux's -EINVAL ("not a timerfd"). */
static int64_t timer_call(int64_t fd, uint64_t label, unsigned registers, uint64_t mr[4])
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    int64_t result = linux_call((uint64_t)slot, label, registers, 0, 0, mr);
    return result == -LINUX_ENOSYS ? -LINUX_EINVAL : result;
}

int64_t sys_timerfd_settime(int64_t fd, int64_t flags, const struct linux_itimerspec *wanted,
                            struct linux_itimerspec *old)
{
    /* Linux's order: the setting is read first, then the flags and the
     * setting are judged, then the descriptor. */
    if (!linux_user_range((uint64_t)(uintptr_t)wanted, sizeof *wanted))
        return -LINUX_EFAULT;
    struct linux_itimerspec setting = *wanted;
    if (((uint32_t)flags & ~(uint32_t)(EVENT_TIMER_ABSTIME | EVENT_TIMER_CANCEL_ON_SET)) ||
        !timespec_is_valid(&setting.value) || !timespec_is_valid(&setting.interval))
        return -LINUX_EINVAL;
    uint64_t frequency = linux_counter_frequency();
    uint64_t mr[4] = {(uint32_t)flags & (EVENT_TIMER_ABSTIME | EVENT_TIMER_CANCEL_ON_SET),
                      timespec_to_ticks(&setting.value, frequency),
                      timespec_to_ticks(&setting.interval, frequency),
                      linux_epoch_offset_ticks()};
    int64_t result = timer_call(fd, EVENT_TIMERFD_SETTIME, 4, mr);
    return result < 0 || !old ? result : linux_store_itimerspec(old, mr[1], mr[2]);
}

int64_t sys_timerfd_gettime(int64_t fd, struct linux_itimerspec *current)
{
    uint64_t mr[4] = {0};
    int64_t result = timer_call(fd, EVENT_TIMERFD_GETTIME, 0, mr);
    return result < 0 ? result : linux_store_itimerspec(current, mr[1], mr[2]);
}
