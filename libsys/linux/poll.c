/*
 * ppoll: readiness of descriptors. Every descriptor is vfs's so far (files,
 * directories, the console, /dev/null and /dev/zero), and those are always
 * ready, as Linux's regular files are; the console has no input yet, so a
 * read of it ends at once too. With no descriptors, ppoll sleeps (musl's
 * pause() is ppoll(0, 0, NULL)). Waiting for descriptors that may block
 * comes with the pipe server, whose poll other servers will join.
 */
#include "descriptors.h"
#include "limits.h"
#include "personality.h"
#include "syscalls.h"
#include "sys/linux_abi.h"

#define POLLIN      0x001
#define POLLPRI     0x002
#define POLLOUT     0x004
#define POLLNVAL    0x020
#define POLLRDNORM  0x040
#define POLLWRNORM  0x100

struct linux_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

int64_t sys_ppoll(struct linux_pollfd *fds, uint64_t count, const struct linux_timespec *timeout,
                  const void *signal_mask, uint64_t mask_size)
{
    (void)signal_mask, (void)mask_size;     /* no signals are delivered yet */
    if (count > linux_descriptor_limit())
        return -LINUX_EINVAL;
    if (count == 0) {
        if (timeout == 0)
            return sys_pause();
        return sys_nanosleep(timeout, 0) < 0 ? -LINUX_EINVAL : 0;
    }
    if (fds == 0)
        return -LINUX_EFAULT;
    int64_t ready = 0;
    for (uint64_t i = 0; i < count; i++) {
        struct linux_pollfd *entry = &fds[i];
        entry->revents = 0;
        if (entry->fd < 0)
            continue;
        if (linux_fd_capability(entry->fd) < 0)
            entry->revents = POLLNVAL;
        else
            entry->revents = entry->events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
        ready += entry->revents != 0;
    }
    return ready;
}
