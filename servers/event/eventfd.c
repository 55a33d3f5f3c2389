/* eventfd's counter: eventfd.h. */
#include "eventfd.h"
#include "sys/linux_abi.h"

#define LINUX_POLLIN  0x001
#define LINUX_POLLOUT 0x004
#define VALUE_SIZE 8

void eventfd_core_init(struct eventfd_core *core, struct event_descriptors *descriptors)
{
    *core = (struct eventfd_core){ .descriptors = descriptors };
}

int eventfd_create(struct eventfd_core *core, uint64_t initial, uint32_t flags,
                   uint64_t *handle)
{
    const struct event_services *services = &core->descriptors->services;
    if (flags & ~(EVENTFD_SEMAPHORE | LINUX_O_NONBLOCK))
        return -LINUX_EINVAL;
    struct eventfd *eventfd = services->allocate(services->context, sizeof *eventfd);
    if (!eventfd)
        return -LINUX_ENOMEM;
    *eventfd = (struct eventfd){ .head.kind = EVENT_KIND_EVENTFD, .count = (uint32_t)initial,
                                 .semaphore = flags & EVENTFD_SEMAPHORE };
    int error = file_table_open(core->descriptors->files, eventfd,
                                LINUX_O_RDWR | (flags & LINUX_O_NONBLOCK), handle);
    if (error < 0) {
        services->free(services->context, eventfd);
        return error;
    }
    eventfd->next = core->all;
    if (core->all)
        core->all->previous = eventfd;
    core->all = eventfd;
    return 0;
}

void eventfd_release(struct eventfd_core *core, struct eventfd *eventfd)
{
    /* Nobody waits (a waiter holds its description); pollers are told. */
    event_notify_pollers(core->descriptors, &eventfd->pollers);
    watch_list_drop(&eventfd->watches);
    if (eventfd->previous)
        eventfd->previous->next = eventfd->next;
    else
        core->all = eventfd->next;
    if (eventfd->next)
        eventfd->next->previous = eventfd->previous;
    core->descriptors->services.free(core->descriptors->services.context, eventfd);
}

/* eventfd_ctx_do_read: what a read takes. */
static uint64_t take(struct eventfd *eventfd)
{
    uint64_t value = eventfd->semaphore ? 1 : eventfd->count;
    eventfd->count -= value;
    return value;
}

static bool fits(const struct eventfd *eventfd, uint64_t value)
{
    return EVENTFD_MAXIMUM - eventfd->count >= value;
}

/* Serves the waiters whose turn came, oldest first: readers while there
 * is a count, then every writer whose value fits (as Linux wakes them all
 * and each looks again), and again while that lets the other kind go on.
 * A waiter whose caller went is dropped on the way, having changed
 * nothing. */
static void serve_waiters(struct eventfd_core *core, struct eventfd *eventfd)
{
    const struct event_services *services = &core->descriptors->services;
    bool progress = true;
    while (progress) {
        progress = false;
        while (eventfd->readers && eventfd->count) {
            struct event_waiter *reader = eventfd->readers;
            eventfd->readers = reader->next;
            uint64_t before = eventfd->count;
            uint64_t value = take(eventfd);
            if (services->answer_reader(services->context, reader->caller, reader->small,
                                        value))
                progress = true;
            else
                eventfd->count = before;
            event_let_go(core->descriptors, reader);
        }
        for (struct event_waiter **link = &eventfd->writers; *link;) {
            struct event_waiter *writer = *link;
            if (!fits(eventfd, writer->value)) {
                link = &writer->next;
                continue;
            }
            *link = writer->next;
            if (services->answer_writer(services->context, writer->caller)) {
                eventfd->count += writer->value;
                progress = true;
            }
            event_let_go(core->descriptors, writer);
        }
    }
}

int64_t eventfd_read(struct eventfd_core *core, uint64_t handle, uint64_t caller, bool small,
                     uint64_t length, bool may_wait, uint64_t *value)
{
    bool nonblocking;
    struct eventfd *eventfd = event_find(core->descriptors, handle, EVENT_KIND_EVENTFD,
                                         &nonblocking);
    if (!eventfd)
        return -LINUX_EBADF;
    if (length < VALUE_SIZE)
        return -LINUX_EINVAL;
    /* Waiting readers come first: the count is theirs. */
    if (!eventfd->count || eventfd->readers) {
        if (nonblocking)
            return -LINUX_EAGAIN;
        return event_wait(core->descriptors, &eventfd->readers, handle, caller, small, 0,
                          may_wait);
    }
    *value = take(eventfd);
    serve_waiters(core, eventfd);
    event_notify_pollers(core->descriptors, &eventfd->pollers);
    watch_list_woken(&eventfd->watches, LINUX_POLLOUT);
    return VALUE_SIZE;
}

int64_t eventfd_write(struct eventfd_core *core, uint64_t handle, uint64_t caller,
                      uint64_t length, uint64_t value, bool may_wait)
{
    bool nonblocking;
    struct eventfd *eventfd = event_find(core->descriptors, handle, EVENT_KIND_EVENTFD,
                                         &nonblocking);
    if (!eventfd)
        return -LINUX_EBADF;
    if (length < VALUE_SIZE || value == UINT64_MAX)
        return -LINUX_EINVAL;
    /* A write that fits goes in, whoever waits for room for more. */
    if (!fits(eventfd, value)) {
        if (nonblocking)
            return -LINUX_EAGAIN;
        return event_wait(core->descriptors, &eventfd->writers, handle, caller, false, value,
                          may_wait);
    }
    eventfd->count += value;
    serve_waiters(core, eventfd);
    event_notify_pollers(core->descriptors, &eventfd->pollers);
    watch_list_woken(&eventfd->watches, LINUX_POLLIN);
    return VALUE_SIZE;
}

/* Linux's eventfd_poll: POLLIN and POLLOUT only, never their
 * RDNORM and WRNORM twins. */
uint32_t eventfd_events(const struct eventfd *eventfd)
{
    uint32_t ready = 0;
    if (eventfd->count)
        ready |= LINUX_POLLIN;
    if (eventfd->count < EVENTFD_MAXIMUM)
        ready |= LINUX_POLLOUT;
    return ready;
}

int64_t eventfd_poll(struct eventfd_core *core, uint64_t handle, uint32_t events,
                     uint64_t notification, bool *kept)
{
    *kept = false;
    bool nonblocking;
    struct eventfd *eventfd = event_find(core->descriptors, handle, EVENT_KIND_EVENTFD,
                                         &nonblocking);
    if (!eventfd)
        return -LINUX_EBADF;
    uint32_t ready = eventfd_events(eventfd) & events;
    if (ready || !notification)
        return ready;
    int error = event_keep_poller(core->descriptors, &eventfd->pollers, notification);
    *kept = error == 0;
    return error;
}

void eventfd_prune(struct eventfd_core *core)
{
    struct eventfd *next;
    for (struct eventfd *eventfd = core->all; eventfd; eventfd = next) {
        next = eventfd->next;
        if (!event_prune(core->descriptors, &eventfd->readers))
            event_prune(core->descriptors, &eventfd->writers);
    }
}
