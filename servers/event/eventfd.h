/*
 * eventfd: a 64-bit counter as Linux 6.1's fs/eventfd.c keeps it, with
 * no IPC in it (main.c binds it to sys/protocol/event.h and the file
 * protocol; tests/host/test_event_eventfd.c).
 *
 * A read takes the whole count (or 1 with EFD_SEMAPHORE) and a write adds
 * to it, up to EVENTFD_MAXIMUM. A read of 0 or a write that would pass
 * the maximum waits, unless the description is O_NONBLOCK (-EAGAIN).
 * Waiters are served in arrival order, a reader as soon as the count is
 * not 0, a writer as soon as its value fits. A waiter holds its
 * description (a close meanwhile does not end the wait), and is answered
 * through the services: what it reads or adds counts only if its caller
 * took the answer, so a caller that vanished (a signal ended its call,
 * or it was killed) changes nothing.
 */
#ifndef SERVERS_EVENT_EVENTFD_H
#define SERVERS_EVENT_EVENTFD_H

#include "sys/watch.h"
#include "waiters.h"

/* ULLONG_MAX - 1: the most the count may hold. */
#define EVENTFD_MAXIMUM 0xfffffffffffffffeULL
/* eventfd2's flags (EFD_CLOEXEC is the personality's). */
#define EVENTFD_SEMAPHORE 1u

struct eventfd {
    struct event_object head;                   /* EVENT_KIND_EVENTFD */
    uint64_t count;
    bool semaphore;
    struct event_waiter *readers, *writers;     /* oldest first */
    struct event_poller *pollers;
    struct watch_list watches;          /* epoll's (sys/watch.h) */
    struct eventfd *next, *previous;            /* among every eventfd */
};

struct eventfd_core {
    struct event_descriptors *descriptors;
    struct eventfd *all;
};

void eventfd_core_init(struct eventfd_core *core, struct event_descriptors *descriptors);

/* eventfd2: a counter of initial (an unsigned int) and flags
 * (EVENTFD_SEMAPHORE, O_NONBLOCK), opened read-write: its OFD's handle in
 * *handle. -EINVAL for other flags, -ENOMEM, -ENFILE. */
int eventfd_create(struct eventfd_core *core, uint64_t initial, uint32_t flags,
                   uint64_t *handle);

/* A read into length bytes: the value read (*value; the result is 8),
 * -EINVAL under 8 bytes, -EAGAIN, -EBADF, or EVENT_QUEUED (may_wait
 * false: -ENOMEM instead) with caller and small kept for the answer. */
int64_t eventfd_read(struct eventfd_core *core, uint64_t handle, uint64_t caller, bool small,
                     uint64_t length, bool may_wait, uint64_t *value);
/* A write of length bytes whose first 8 are value: 8, -EINVAL under 8
 * bytes or for ULLONG_MAX, -EAGAIN, -EBADF, or EVENT_QUEUED. */
int64_t eventfd_write(struct eventfd_core *core, uint64_t handle, uint64_t caller,
                      uint64_t length, uint64_t value, bool may_wait);

/* FILE_POLL: POLLIN with a count, POLLOUT while 1 more fits (Linux's
 * eventfd_poll, which has no POLLRDNORM or POLLWRNORM); if none of
 * events and notification is not 0, it is kept (*kept) and signalled at
 * the counter's next change. */
int64_t eventfd_poll(struct eventfd_core *core, uint64_t handle, uint32_t events,
                     uint64_t notification, bool *kept);

/* The last OFD of an eventfd went (the file table's release). */
/* Its poll events now: POLLIN with a count, POLLOUT with room (Linux's
 * eventfd_poll). */
uint32_t eventfd_events(const struct eventfd *eventfd);
void eventfd_release(struct eventfd_core *core, struct eventfd *eventfd);
/* Lets go of every waiter whose caller went. */
void eventfd_prune(struct eventfd_core *core);

#endif
