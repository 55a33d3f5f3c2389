/*
 * What the event server's descriptors share (eventfd.c, timerfd.c): one
 * table of open file descriptions, whose objects each begin with their
 * kind; callers kept waiting for a value, each holding its description
 * while it waits; and pollers' notifications. Plain C with no IPC in it.
 */
#ifndef SERVERS_EVENT_WAITERS_H
#define SERVERS_EVENT_WAITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/client_accounts.h"
#include "sys/file_table.h"

/* The first member of every descriptor's object. */
enum event_kind {
    EVENT_KIND_EVENTFD = 1,
    EVENT_KIND_TIMERFD,
    EVENT_KIND_PIDFD,
    EVENT_KIND_EPOLL,       /* an epoll instance: its registrations are the personality's */
    EVENT_KIND_SIGNALFD,    /* a signalfd: its mask and reads are the personality's */
};

/* The head of every descriptor's object: its kind, and the client it is
 * charged to (sys/client_accounts.h; none for a pidfd, which procmgr
 * makes for a process whose descriptors bound them). */
struct event_object {
    enum event_kind kind;
    struct client_owner owner;
};

/* What a client may hold: a process as many objects as it could hold
 * descriptors (RLIMIT_NOFILE's highest, LINUX_MAX_FDS), then -EMFILE; a
 * user other than root half the descriptions the table has, then
 * -ENFILE, as Linux's eventfd, timerfd_create, signalfd and
 * epoll_create answer when files run out. */
#define EVENT_PROCESS_OBJECTS 4096u
#define EVENT_USER_OBJECTS (FILE_TABLE_CAPACITY / 2)

/* What a read or write returns when its caller now waits. */
#define EVENT_QUEUED INT64_MIN

struct event_services {
    void *(*allocate)(void *context, size_t size);     /* NULL without memory */
    void (*free)(void *context, void *block);
    /* Answers a waiting reader with the value it reads (small: through
     * the registers, else its window), or a waiting writer with 8:
     * whether its caller took it. The caller's handle is the server's
     * again either way. */
    bool (*answer_reader)(void *context, uint64_t caller, bool small, uint64_t value);
    bool (*answer_writer)(void *context, uint64_t caller);
    /* Answers a waiting reader with an error (-ECANCELED). */
    bool (*answer_error)(void *context, uint64_t caller, int64_t error);
    /* Whether a waiter's caller is still there; let go of one that is not. */
    bool (*caller_waits)(void *context, uint64_t caller);
    void (*forget)(void *context, uint64_t caller);
    /* A poller's notification: signal it once; the core forgets it. */
    void (*notify)(void *context, uint64_t notification);
    /* The last description of an object went: its kind's release. */
    void (*release)(void *context, void *object);
    uint64_t (*now)(void *context);                    /* the counter */
    void *context;
};

/* A reader or writer kept waiting. */
struct event_waiter {
    struct event_waiter *next;
    uint64_t caller;
    uint64_t handle;            /* the OFD it waits through, retained meanwhile */
    uint64_t value;             /* a writer's */
    bool small;                 /* a reader's answer goes in the registers */
};

struct event_poller {
    struct event_poller *next;
    uint64_t notification;
};

struct event_descriptors {
    struct event_services services;
    struct file_table *files;
    struct event_waiter *spare_waiters;     /* kept for the next wait */
    struct client_accounts accounts;        /* what each client holds */
};

/* The accounts' ceilings and memory (the services'): once, after the
 * services are set. */
void event_accounts_init(struct event_descriptors *descriptors);
/* Charges the object of a description just made (handle) to process pid
 * of user uid: 0, or -EMFILE, -ENFILE, -ENOMEM, and the description is
 * closed (the object released). */
int event_charge(struct event_descriptors *descriptors, uint64_t handle, uint32_t pid,
                 uint32_t uid);
/* Gives back what an object going (its release) was charged. */
void event_uncharge(struct event_descriptors *descriptors, void *object);
/* Process pid ended: what it made and others hold stays charged to it alone. */
void event_client_ended(struct event_descriptors *descriptors, uint32_t pid);

/* The object of handle if it is of kind (and its OFD's O_NONBLOCK in
 * *nonblocking), else NULL. */
void *event_find(struct event_descriptors *descriptors, uint64_t handle, enum event_kind kind,
                 bool *nonblocking);
/* Keeps the caller waiting at the end of list, holding the description:
 * EVENT_QUEUED, or -ENOMEM (also when may_wait is false). */
int64_t event_wait(struct event_descriptors *descriptors, struct event_waiter **list,
                   uint64_t handle, uint64_t caller, bool small, uint64_t value, bool may_wait);
/* The waiter, off its list, lets go of its description: whether that was
 * the last reference, so the object went. */
bool event_let_go(struct event_descriptors *descriptors, struct event_waiter *waiter);
/* Frees the waiter records kept for the next wait (when a process ends). */
void event_free_spares(struct event_descriptors *descriptors);
/* Drops the waiters of list whose callers went: whether the object went
 * with the last of them (its lists were empty then). */
bool event_prune(struct event_descriptors *descriptors, struct event_waiter **list);
/* FILE_POLL's notification kept (0 or -ENOMEM), or every poller
 * signalled once and forgotten (the object changed, or goes). */
int event_keep_poller(struct event_descriptors *descriptors, struct event_poller **pollers,
                      uint64_t notification);
void event_notify_pollers(struct event_descriptors *descriptors, struct event_poller **pollers);

#endif
