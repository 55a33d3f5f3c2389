/* eventfd's counter, waiters and pollers: eventfd.h. */
#include "eventfd.h"
#include "sys/linux_abi.h"

#define LINUX_POLLIN  0x001
#define LINUX_POLLOUT 0x004
#define VALUE_SIZE 8

struct eventfd_poller {
    struct eventfd_poller *next;
    uint64_t notification;
};

static void *allocate(struct eventfd_core *core, size_t size)
{
    return core->services.allocate(core->services.context, size);
}

static void release(struct eventfd_core *core, void *block)
{
    core->services.free(core->services.context, block);
}

void eventfd_core_init(struct eventfd_core *core, const struct eventfd_services *services)
{
    *core = (struct eventfd_core){ .services = *services };
    file_table_init(&core->files, services->allocate_page, services->context);
}

int eventfd_create(struct eventfd_core *core, uint64_t initial, uint32_t flags,
                   uint64_t *handle)
{
    if (flags & ~(EVENTFD_SEMAPHORE | LINUX_O_NONBLOCK))
        return -LINUX_EINVAL;
    struct eventfd *eventfd = allocate(core, sizeof *eventfd);
    if (!eventfd)
        return -LINUX_ENOMEM;
    *eventfd = (struct eventfd){ .count = (uint32_t)initial,
                                 .semaphore = flags & EVENTFD_SEMAPHORE };
    int error = file_table_open(&core->files, eventfd,
                                LINUX_O_RDWR | (flags & LINUX_O_NONBLOCK), handle);
    if (error < 0) {
        release(core, eventfd);
        return error;
    }
    eventfd->next = core->all;
    if (core->all)
        core->all->previous = eventfd;
    core->all = eventfd;
    return 0;
}

/* Signals every poller once: the count changed, or the eventfd goes. */
static void notify_pollers(struct eventfd_core *core, struct eventfd *eventfd)
{
    while (eventfd->pollers) {
        struct eventfd_poller *poller = eventfd->pollers;
        eventfd->pollers = poller->next;
        core->services.notify(core->services.context, poller->notification);
        release(core, poller);
    }
}

void eventfd_release(struct eventfd_core *core, struct eventfd *eventfd)
{
    /* Nobody waits (a waiter holds its description); pollers are told. */
    notify_pollers(core, eventfd);
    if (eventfd->previous)
        eventfd->previous->next = eventfd->next;
    else
        core->all = eventfd->next;
    if (eventfd->next)
        eventfd->next->previous = eventfd->previous;
    release(core, eventfd);
}

/* A waiter lets go of the description it held: whether that was the
 * last reference, so the eventfd went. */
static bool let_go(struct eventfd_core *core, struct eventfd_waiter *waiter)
{
    void *last;
    file_table_close(&core->files, waiter->handle, &last);
    waiter->next = core->spare_waiters;
    core->spare_waiters = waiter;
    if (last)
        eventfd_release(core, last);
    return last != 0;
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
    const struct eventfd_services *services = &core->services;
    bool progress = true;
    while (progress) {
        progress = false;
        while (eventfd->readers && eventfd->count) {
            struct eventfd_waiter *reader = eventfd->readers;
            eventfd->readers = reader->next;
            uint64_t before = eventfd->count;
            uint64_t value = take(eventfd);
            if (services->answer_reader(services->context, reader->caller, reader->small,
                                        value))
                progress = true;
            else
                eventfd->count = before;
            let_go(core, reader);
        }
        for (struct eventfd_waiter **link = &eventfd->writers; *link;) {
            struct eventfd_waiter *writer = *link;
            if (!fits(eventfd, writer->value)) {
                link = &writer->next;
                continue;
            }
            *link = writer->next;
            if (services->answer_writer(services->context, writer->caller)) {
                eventfd->count += writer->value;
                progress = true;
            }
            let_go(core, writer);
        }
    }
}

/* Keeps the caller waiting on list, holding its description. */
static int64_t wait_on(struct eventfd_core *core, struct eventfd_waiter **list, uint64_t handle,
                       uint64_t caller, bool small, uint64_t value, bool may_wait)
{
    if (!may_wait)
        return -LINUX_ENOMEM;
    struct eventfd_waiter *waiter = core->spare_waiters;
    if (waiter)
        core->spare_waiters = waiter->next;
    else if (!(waiter = allocate(core, sizeof *waiter)))
        return -LINUX_ENOMEM;
    if (file_table_retain(&core->files, handle) < 0) {
        waiter->next = core->spare_waiters;
        core->spare_waiters = waiter;
        return -LINUX_ENOMEM;
    }
    *waiter = (struct eventfd_waiter){ .caller = caller, .handle = handle, .value = value,
                                       .small = small };
    while (*list)
        list = &(*list)->next;
    *list = waiter;
    return EVENTFD_QUEUED;
}

static struct eventfd *find(struct eventfd_core *core, uint64_t handle, bool *nonblocking)
{
    struct file_description *file = file_table_find(&core->files, handle);
    if (!file)
        return 0;
    *nonblocking = file->flags & LINUX_O_NONBLOCK;
    return file->object;
}

int64_t eventfd_read(struct eventfd_core *core, uint64_t handle, uint64_t caller, bool small,
                     uint64_t length, bool may_wait, uint64_t *value)
{
    bool nonblocking;
    struct eventfd *eventfd = find(core, handle, &nonblocking);
    if (!eventfd)
        return -LINUX_EBADF;
    if (length < VALUE_SIZE)
        return -LINUX_EINVAL;
    /* Waiting readers come first: the count is theirs. */
    if (!eventfd->count || eventfd->readers) {
        if (nonblocking)
            return -LINUX_EAGAIN;
        return wait_on(core, &eventfd->readers, handle, caller, small, 0, may_wait);
    }
    *value = take(eventfd);
    serve_waiters(core, eventfd);
    notify_pollers(core, eventfd);
    return VALUE_SIZE;
}

int64_t eventfd_write(struct eventfd_core *core, uint64_t handle, uint64_t caller,
                      uint64_t length, uint64_t value, bool may_wait)
{
    bool nonblocking;
    struct eventfd *eventfd = find(core, handle, &nonblocking);
    if (!eventfd)
        return -LINUX_EBADF;
    if (length < VALUE_SIZE || value == UINT64_MAX)
        return -LINUX_EINVAL;
    /* A write that fits goes in, whoever waits for room for more. */
    if (!fits(eventfd, value)) {
        if (nonblocking)
            return -LINUX_EAGAIN;
        return wait_on(core, &eventfd->writers, handle, caller, false, value, may_wait);
    }
    eventfd->count += value;
    serve_waiters(core, eventfd);
    notify_pollers(core, eventfd);
    return VALUE_SIZE;
}

/* Linux's eventfd_poll: POLLIN and POLLOUT only, never their
 * RDNORM and WRNORM twins. */
static uint32_t ready_events(const struct eventfd *eventfd)
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
    struct eventfd *eventfd = find(core, handle, &nonblocking);
    if (!eventfd)
        return -LINUX_EBADF;
    uint32_t ready = ready_events(eventfd) & events;
    if (ready || !notification)
        return ready;
    struct eventfd_poller *poller = allocate(core, sizeof *poller);
    if (!poller)
        return -LINUX_ENOMEM;
    *poller = (struct eventfd_poller){ .next = eventfd->pollers, .notification = notification };
    eventfd->pollers = poller;
    *kept = true;
    return 0;
}

/* Drops the waiters of one list whose callers went: whether the eventfd
 * went with the last of them (its lists were empty then). */
static bool prune_list(struct eventfd_core *core, struct eventfd_waiter **list)
{
    while (*list) {
        struct eventfd_waiter *waiter = *list;
        if (core->services.caller_waits(core->services.context, waiter->caller)) {
            list = &waiter->next;
            continue;
        }
        *list = waiter->next;
        core->services.forget(core->services.context, waiter->caller);
        if (let_go(core, waiter))
            return true;
    }
    return false;
}

void eventfd_prune(struct eventfd_core *core)
{
    struct eventfd *next;
    for (struct eventfd *eventfd = core->all; eventfd; eventfd = next) {
        next = eventfd->next;
        if (!prune_list(core, &eventfd->readers))
            prune_list(core, &eventfd->writers);
    }
}
