/* pidfds: pidfd.h. */
#include "pidfd.h"
#include "sys/linux_abi.h"

#define LINUX_POLLIN     0x001
#define LINUX_POLLRDNORM 0x040

void pidfd_core_init(struct pidfd_core *core, struct event_descriptors *descriptors)
{
    *core = (struct pidfd_core){ .descriptors = descriptors };
}

int pidfd_create(struct pidfd_core *core, uint32_t pid, bool ended, uint32_t flags,
                 uint64_t *handle)
{
    const struct event_services *services = &core->descriptors->services;
    if (flags & ~(uint32_t)LINUX_O_NONBLOCK)
        return -LINUX_EINVAL;
    struct pidfd *pidfd = services->allocate(services->context, sizeof *pidfd);
    if (!pidfd)
        return -LINUX_ENOMEM;
    *pidfd = (struct pidfd){ .head.kind = EVENT_KIND_PIDFD, .pid = pid, .ended = ended };
    int error = file_table_open(core->descriptors->files, pidfd, LINUX_O_RDWR | flags, handle);
    if (error < 0) {
        services->free(services->context, pidfd);
        return error;
    }
    pidfd->next = core->all;
    if (core->all)
        core->all->previous = pidfd;
    core->all = pidfd;
    return 0;
}

void pidfd_release(struct pidfd_core *core, struct pidfd *pidfd)
{
    event_notify_pollers(core->descriptors, &pidfd->pollers);
    watch_list_drop(&pidfd->watches);
    if (pidfd->previous)
        pidfd->previous->next = pidfd->next;
    else
        core->all = pidfd->next;
    if (pidfd->next)
        pidfd->next->previous = pidfd->previous;
    core->descriptors->services.free(core->descriptors->services.context, pidfd);
}

static struct pidfd *find(struct pidfd_core *core, uint64_t handle)
{
    bool nonblocking;
    return event_find(core->descriptors, handle, EVENT_KIND_PIDFD, &nonblocking);
}

int pidfd_query(struct pidfd_core *core, uint64_t handle, uint32_t *pid, bool *ended,
                bool *nonblocking)
{
    struct pidfd *pidfd = event_find(core->descriptors, handle, EVENT_KIND_PIDFD, nonblocking);
    if (!pidfd)
        return -LINUX_EBADF;
    *pid = pidfd->pid;
    *ended = pidfd->ended;
    return 0;
}

uint32_t pidfd_events(const struct pidfd *pidfd)
{
    return pidfd->ended ? LINUX_POLLIN | LINUX_POLLRDNORM : 0;
}

int64_t pidfd_poll(struct pidfd_core *core, uint64_t handle, uint32_t events,
                   uint64_t notification, bool *kept)
{
    *kept = false;
    struct pidfd *pidfd = find(core, handle);
    if (!pidfd)
        return -LINUX_EBADF;
    uint32_t ready = pidfd_events(pidfd) & events;
    if (ready || !notification)
        return ready;
    int error = event_keep_poller(core->descriptors, &pidfd->pollers, notification);
    *kept = error == 0;
    return error;
}

void pidfd_process_ended(struct pidfd_core *core, uint32_t pid)
{
    for (struct pidfd *pidfd = core->all; pidfd; pidfd = pidfd->next) {
        if (pidfd->pid == pid && !pidfd->ended) {
            pidfd->ended = true;
            event_notify_pollers(core->descriptors, &pidfd->pollers);
            watch_list_changed(&pidfd->watches);
        }
    }
}
