/*
 * pidfd: a descriptor that names a process, as Linux 6.1's kernel/pid.c
 * and pidfd_fops make it, with no IPC in it (main.c; tests/host/
 * test_event_pidfd.c). procmgr makes pidfds (it knows which processes
 * exist) and tells the server when a process ends (its exit notices);
 * the pidfd is then readable for poll. procmgr asks a pidfd which
 * process it names when a process signals, waits for or takes a
 * descriptor through it.
 */
#ifndef SERVERS_EVENT_PIDFD_H
#define SERVERS_EVENT_PIDFD_H

#include "sys/watch.h"
#include "waiters.h"

struct pidfd {
    struct event_object head;           /* EVENT_KIND_PIDFD */
    uint32_t pid;
    bool ended;                         /* the process exited (or was reaped) */
    struct event_poller *pollers;
    struct watch_list watches;          /* epoll's (sys/watch.h) */
    struct pidfd *next, *previous;      /* among every pidfd */
};

struct pidfd_core {
    struct event_descriptors *descriptors;
    struct pidfd *all;
};

void pidfd_core_init(struct pidfd_core *core, struct event_descriptors *descriptors);

/* A pidfd of process pid, ended already or not; flags O_NONBLOCK or none
 * (else -EINVAL), open for reading and writing: its handle in *handle.
 * -ENOMEM, -ENFILE. */
int pidfd_create(struct pidfd_core *core, uint32_t pid, bool ended, uint32_t flags,
                 uint64_t *handle);
/* The process a pidfd names, whether it ended and whether the
 * description is O_NONBLOCK: 0, or -EBADF for a handle that is no pidfd. */
int pidfd_query(struct pidfd_core *core, uint64_t handle, uint32_t *pid, bool *ended,
                bool *nonblocking);
/* FILE_POLL: POLLIN | POLLRDNORM once the process ended; else a
 * notification is kept for then. */
int64_t pidfd_poll(struct pidfd_core *core, uint64_t handle, uint32_t events,
                   uint64_t notification, bool *kept);
/* procmgr's notice: process pid ended. */
void pidfd_process_ended(struct pidfd_core *core, uint32_t pid);

/* Its poll events: readable once the process ended. */
uint32_t pidfd_events(const struct pidfd *pidfd);
void pidfd_release(struct pidfd_core *core, struct pidfd *pidfd);

#endif
