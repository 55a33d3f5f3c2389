/*
 * Event descriptors (protocol/event.h): eventfd2 makes one through the
 * process's session of the event server (LINUX_SLOT_EVENT); from then on
 * it is a descriptor like any other, read, written and polled through
 * the file protocol, so nothing else here knows it.
 */
#include "descriptors.h"
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
