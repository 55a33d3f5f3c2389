/* timerfd's timers: timerfd.h. */
#include "timerfd.h"
#include "sys/linux_abi.h"

#define LINUX_POLLIN 0x001
#define VALUE_SIZE 8

void timerfd_core_init(struct timerfd_core *core, struct event_descriptors *descriptors)
{
    *core = (struct timerfd_core){ .descriptors = descriptors };
}

int timerfd_create(struct timerfd_core *core, bool wall, uint32_t flags, uint64_t *handle)
{
    const struct event_services *services = &core->descriptors->services;
    if (flags & ~(uint32_t)LINUX_O_NONBLOCK)
        return -LINUX_EINVAL;
    struct timerfd *timerfd = services->allocate(services->context, sizeof *timerfd);
    if (!timerfd)
        return -LINUX_ENOMEM;
    *timerfd = (struct timerfd){ .head.kind = EVENT_KIND_TIMERFD, .wall = wall };
    int error = file_table_open(core->descriptors->files, timerfd, LINUX_O_RDWR | flags,
                                handle);
    if (error < 0) {
        services->free(services->context, timerfd);
        return error;
    }
    timerfd->next = core->all;
    if (core->all)
        core->all->previous = timerfd;
    core->all = timerfd;
    return 0;
}

void timerfd_release(struct timerfd_core *core, struct timerfd *timerfd)
{
    event_notify_pollers(core->descriptors, &timerfd->pollers);
    watch_list_drop(&timerfd->watches);
    if (timerfd->previous)
        timerfd->previous->next = timerfd->next;
    else
        core->all = timerfd->next;
    if (timerfd->next)
        timerfd->next->previous = timerfd->previous;
    core->descriptors->services.free(core->descriptors->services.context, timerfd);
}

static uint64_t now(const struct timerfd_core *core)
{
    const struct event_services *services = &core->descriptors->services;
    return services->now(services->context);
}

/* Counts the expirations up to now (Linux's hrtimer_forward for an
 * interval timer, which a read adds as overruns). */
static void advance(struct timerfd *timerfd, uint64_t time)
{
    if (!timerfd->deadline || time < timerfd->deadline)
        return;
    uint64_t passed = timerfd->interval ? (time - timerfd->deadline) / timerfd->interval : 0;
    timerfd->expirations += 1 + passed;
    timerfd->deadline = timerfd->interval ? timerfd->deadline + (passed + 1) * timerfd->interval
                                          : 0;
}

/* Readers take the count, oldest first: the first whose caller is still
 * there gets it all. Pollers hear of any. A timer closed while its
 * reader waited goes with that reader. */
static void serve(struct timerfd_core *core, struct timerfd *timerfd)
{
    const struct event_services *services = &core->descriptors->services;
    while (timerfd->readers && (timerfd->expirations || timerfd->canceled)) {
        struct event_waiter *reader = timerfd->readers;
        timerfd->readers = reader->next;
        if (timerfd->canceled) {
            if (services->answer_error(services->context, reader->caller, -LINUX_ECANCELED))
                timerfd->canceled = false, timerfd->expirations = 0;
        } else if (services->answer_reader(services->context, reader->caller, reader->small,
                                           timerfd->expirations)) {
            timerfd->expirations = 0;
        }
        if (event_let_go(core->descriptors, reader))
            return;
    }
    if (timerfd->expirations || timerfd->canceled)
        event_notify_pollers(core->descriptors, &timerfd->pollers);
    watch_list_woken(&timerfd->watches,
                     timerfd->expirations || timerfd->canceled ? LINUX_POLLIN : 0);
}

static struct timerfd *find(struct timerfd_core *core, uint64_t handle, bool *nonblocking)
{
    return event_find(core->descriptors, handle, EVENT_KIND_TIMERFD, nonblocking);
}

static struct timerfd_setting setting_of(const struct timerfd *timerfd, uint64_t time)
{
    return (struct timerfd_setting){
        .remaining = timerfd->deadline ? timerfd->deadline - time : 0,
        .interval = timerfd->interval };
}

int timerfd_settime(struct timerfd_core *core, uint64_t handle, bool absolute,
                    bool cancel_on_set, uint64_t value, uint64_t interval,
                    uint64_t epoch_offset, struct timerfd_setting *old)
{
    bool nonblocking;
    struct timerfd *timerfd = find(core, handle, &nonblocking);
    if (!timerfd)
        return -LINUX_EINVAL;
    uint64_t time = now(core);
    advance(timerfd, time);
    *old = setting_of(timerfd, time);
    timerfd->expirations = 0;
    timerfd->interval = interval;
    timerfd->canceled = false;
    /* Linux's timerfd_setup_cancel: only an absolute wall timer. */
    timerfd->at_wall_instant = value && absolute && timerfd->wall;
    timerfd->cancel_on_set = absolute && timerfd->wall && cancel_on_set;
    if (!value) {
        timerfd->deadline = 0;
    } else if (absolute) {
        uint64_t offset = timerfd->wall ? epoch_offset : 0;
        /* An instant already past expires at once: 1 is long past. */
        timerfd->deadline = value > offset ? value - offset : 1;
    } else {
        timerfd->deadline = time + value < time ? UINT64_MAX : time + value;
    }
    advance(timerfd, time);
    serve(core, timerfd);
    return 0;
}

int timerfd_gettime(struct timerfd_core *core, uint64_t handle, struct timerfd_setting *setting)
{
    bool nonblocking;
    struct timerfd *timerfd = find(core, handle, &nonblocking);
    if (!timerfd)
        return -LINUX_EINVAL;
    uint64_t time = now(core);
    advance(timerfd, time);
    *setting = setting_of(timerfd, time);
    return 0;
}

int64_t timerfd_read(struct timerfd_core *core, uint64_t handle, uint64_t caller, bool small,
                     uint64_t length, bool may_wait, uint64_t *value)
{
    bool nonblocking;
    struct timerfd *timerfd = find(core, handle, &nonblocking);
    if (!timerfd)
        return -LINUX_EBADF;
    if (length < VALUE_SIZE)
        return -LINUX_EINVAL;
    advance(timerfd, now(core));
    if (timerfd->canceled && !timerfd->readers) {
        timerfd->canceled = false;
        timerfd->expirations = 0;
        watch_list_woken(&timerfd->watches, 0);
        return -LINUX_ECANCELED;
    }
    if (!timerfd->expirations || timerfd->readers) {
        if (nonblocking)
            return -LINUX_EAGAIN;
        return event_wait(core->descriptors, &timerfd->readers, handle, caller, small, 0,
                          may_wait);
    }
    *value = timerfd->expirations;
    timerfd->expirations = 0;
    watch_list_woken(&timerfd->watches, 0);
    return VALUE_SIZE;
}

int timerfd_set_ticks(struct timerfd_core *core, uint64_t handle, uint64_t ticks)
{
    bool nonblocking;
    struct timerfd *timerfd = find(core, handle, &nonblocking);
    if (!timerfd)
        return -LINUX_ENOTTY;
    if (!ticks)
        return -LINUX_EINVAL;
    advance(timerfd, now(core));
    timerfd->expirations = ticks;
    serve(core, timerfd);
    return 0;
}

int64_t timerfd_poll(struct timerfd_core *core, uint64_t handle, uint32_t events,
                     uint64_t notification, bool *kept)
{
    *kept = false;
    bool nonblocking;
    struct timerfd *timerfd = find(core, handle, &nonblocking);
    if (!timerfd)
        return -LINUX_EBADF;
    advance(timerfd, now(core));
    uint32_t ready = timerfd_events(timerfd) & events;
    if (ready || !notification)
        return ready;
    int error = event_keep_poller(core->descriptors, &timerfd->pollers, notification);
    *kept = error == 0;
    return error;
}

uint32_t timerfd_events(const struct timerfd *timerfd)
{
    return timerfd->expirations || timerfd->canceled ? LINUX_POLLIN : 0;
}

void timerfd_clock_set(struct timerfd_core *core, uint64_t epoch_offset)
{
    uint64_t old = core->epoch_offset, time = now(core);
    core->epoch_offset = epoch_offset;
    struct timerfd *next;
    for (struct timerfd *timerfd = core->all; timerfd; timerfd = next) {
        next = timerfd->next;
        if (timerfd->at_wall_instant && timerfd->deadline) {
            /* The same instant of the realtime clock, on the counter now. */
            uint64_t deadline = timerfd->deadline + old - epoch_offset;
            timerfd->deadline = (int64_t)(deadline - time) <= 0 || !deadline ? time : deadline;
        }
        if (timerfd->cancel_on_set)
            timerfd->canceled = true;
        uint64_t before = timerfd->expirations;
        advance(timerfd, time);
        if (timerfd->cancel_on_set || timerfd->expirations != before)
            serve(core, timerfd);
    }
}

void timerfd_expire(struct timerfd_core *core)
{
    uint64_t time = now(core);
    struct timerfd *next;
    for (struct timerfd *timerfd = core->all; timerfd; timerfd = next) {
        next = timerfd->next;
        uint64_t before = timerfd->expirations;
        advance(timerfd, time);
        if (timerfd->expirations != before)
            serve(core, timerfd);
    }
}

uint64_t timerfd_earliest(const struct timerfd_core *core)
{
    uint64_t earliest = 0;
    for (const struct timerfd *timerfd = core->all; timerfd; timerfd = timerfd->next) {
        /* Every armed timer: a poll or an epoll may look at any. */
        if (timerfd->deadline && (!earliest || timerfd->deadline < earliest))
            earliest = timerfd->deadline;
    }
    return earliest;
}

void timerfd_prune(struct timerfd_core *core)
{
    struct timerfd *next;
    for (struct timerfd *timerfd = core->all; timerfd; timerfd = next) {
        next = timerfd->next;
        event_prune(core->descriptors, &timerfd->readers);
    }
}
