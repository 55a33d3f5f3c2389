/*
 * timerfd: a timer whose expirations a read counts, as Linux 6.1's
 * fs/timerfd.c keeps it, with no IPC in it (main.c binds it to
 * sys/protocol/event.h and the file protocol; tests/host/
 * test_event_timerfd.c).
 *
 * Times are ticks of the virtual counter. A timer is armed with its next
 * expiry (a deadline) and an interval (0: once). Expirations are counted
 * from the clock when they are looked at, so the count is exact whenever
 * the server wakes: a read takes it (and waits while it is 0, unless
 * the description is O_NONBLOCK: -EAGAIN), setting the timer resets it.
 * The server's timer wakes it for the earliest armed timer
 * (timerfd_earliest): a reader, a poller or an epoll may look at any.
 */
#ifndef SERVERS_EVENT_TIMERFD_H
#define SERVERS_EVENT_TIMERFD_H

#include "sys/watch.h"
#include "waiters.h"

struct timerfd {
    struct event_object head;           /* EVENT_KIND_TIMERFD */
    bool wall;                          /* a CLOCK_REALTIME timer: absolute times from the epoch */
    uint64_t deadline;                  /* the next expiry; 0: disarmed */
    uint64_t interval;                  /* 0: it expires once */
    uint64_t expirations;               /* since the last read or setting */
    bool at_wall_instant;               /* set for an instant of the realtime clock */
    bool cancel_on_set;                 /* ...with TFD_TIMER_CANCEL_ON_SET */
    bool canceled;                      /* the clock was set since: ECANCELED */
    struct event_waiter *readers;       /* oldest first */
    struct event_poller *pollers;
    struct watch_list watches;          /* epoll's (sys/watch.h) */
    struct timerfd *next, *previous;    /* among every timerfd */
};

struct timerfd_core {
    struct event_descriptors *descriptors;
    struct timerfd *all;
    uint64_t epoch_offset;              /* the time of day's (sys/counter.h) */
};

/* What timerfd_gettime shows: ticks to the next expiry (0: disarmed) and
 * the interval. */
struct timerfd_setting {
    uint64_t remaining, interval;
};

void timerfd_core_init(struct timerfd_core *core, struct event_descriptors *descriptors);

/* timerfd_create: a disarmed timer, wall for CLOCK_REALTIME and
 * CLOCK_REALTIME_ALARM, flags O_NONBLOCK or none (else -EINVAL), opened
 * read-write as Linux's is: its handle in *handle. -ENOMEM, -ENFILE. */
int timerfd_create(struct timerfd_core *core, bool wall, uint32_t flags, uint64_t *handle);

/* timerfd_settime: value 0 disarms; else the first expiry is value ticks
 * from now, or with absolute the instant value on the timer's clock (a
 * wall clock's less epoch_offset, the counter's ticks since the epoch at
 * boot), then every interval ticks. The count goes back to 0. An
 * absolute wall timer moves with the time of day (timerfd_clock_set);
 * with cancel_on_set too (TFD_TIMER_CANCEL_ON_SET) a setting of the clock
 * cancels it: its next read is -ECANCELED. The setting before in *old.
 * -EINVAL for a handle that is no timerfd. */
int timerfd_settime(struct timerfd_core *core, uint64_t handle, bool absolute,
                    bool cancel_on_set, uint64_t value, uint64_t interval,
                    uint64_t epoch_offset, struct timerfd_setting *old);
/* The time of day was set: its epoch offset is now epoch_offset. */
void timerfd_clock_set(struct timerfd_core *core, uint64_t epoch_offset);
int timerfd_gettime(struct timerfd_core *core, uint64_t handle, struct timerfd_setting *now);

/* A read into length bytes: the expirations (*value; the result is 8),
 * -EINVAL under 8 bytes, -ECANCELED once after the clock was set, -EAGAIN,
 * or EVENT_QUEUED (as eventfd_read). */
int64_t timerfd_read(struct timerfd_core *core, uint64_t handle, uint64_t caller, bool small,
                     uint64_t length, bool may_wait, uint64_t *value);
/* TFD_IOC_SET_TICKS: the count becomes ticks (0: -EINVAL), which wakes a
 * reader. */
int timerfd_set_ticks(struct timerfd_core *core, uint64_t handle, uint64_t ticks);
/* FILE_POLL: POLLIN with expirations; else a notification is kept for
 * the next one (as eventfd_poll). */
int64_t timerfd_poll(struct timerfd_core *core, uint64_t handle, uint32_t events,
                     uint64_t notification, bool *kept);

/* The server's timer fired: due timers count their expirations, and
 * their readers and pollers are served. */
void timerfd_expire(struct timerfd_core *core);
/* The earliest expiry of an armed timer; 0: none. */
uint64_t timerfd_earliest(const struct timerfd_core *core);

/* Its poll events as of the last expiry the core saw: POLLIN with
 * expirations unread. */
uint32_t timerfd_events(const struct timerfd *timerfd);
void timerfd_release(struct timerfd_core *core, struct timerfd *timerfd);
void timerfd_prune(struct timerfd_core *core);

#endif
