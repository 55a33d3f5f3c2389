/*
 * The mqueue server's state machine: POSIX message queues as Linux 6.1's
 * ipc/mqueue.c keeps them, with no IPC in it (main.c binds it to
 * sys/protocol/mqueue.h and the file protocol; tests/host/
 * test_mqueue_core.c). core.c keeps the queues, their names and the
 * descriptions; transfer.c sends, receives and keeps the waiters.
 *
 * Queues have names (one flat name space, as /dev/mqueue is) and live
 * while their name or an open file description (OFD, sys/file_table.h)
 * refers to them. Each queue's messages and attributes are queue.h's.
 *
 * Blocking: a send to a full queue or a receive from an empty one
 * becomes a waiter with the caller's opaque handle (for the server, the
 * reply object its caller is bound to), unless the OFD is O_NONBLOCK
 * (-EAGAIN) or its deadline passed (-ETIMEDOUT). A waiting sender's
 * message is already in the server (Linux loads it before it sleeps).
 * Waiters are served in arrival order, as Linux's are among threads of
 * one priority: a send to a queue with a waiting receiver hands the
 * message straight to it (the queue stays empty: no mq_notify), and a
 * receive that makes room puts the oldest waiting sender's message in.
 * A waiter whose caller went (a signal ended its call) is dropped when
 * its turn comes, having taken or put nothing.
 */
#ifndef SERVERS_MQUEUE_CORE_H
#define SERVERS_MQUEUE_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "queue.h"
#include "sys/file_table.h"
#include "sys/watch.h"
#include "sys/protocol/mqueue.h"

/* What a send or receive returns when its caller now waits. */
#define MQ_QUEUED INT64_MIN
/* A copy service's result when the caller is no longer there. */
#define MQ_COPY_GONE 1
/* NAME_MAX: the longest queue name. */
#define MQ_NAME_MAX 255

struct mq_core_services {
    void *(*allocate)(void *context, size_t size);     /* NULL without memory */
    void (*free)(void *context, void *block);
    void *(*allocate_page)(void *context);             /* for the OFD table */
    /* Bytes of a caller's window 0: 0, -EFAULT or MQ_COPY_GONE. */
    int (*copy_from_caller)(void *context, uint64_t caller, void *destination, uint64_t length);
    int (*copy_to_caller)(void *context, uint64_t caller, const void *source, uint64_t length);
    /* Answers a waiter (result, and a received message's priority, with
     * its bytes when they go in the answer: at most MQ_SMALL_MAX, else
     * NULL); whether its caller was still there to take it. */
    bool (*answer)(void *context, uint64_t caller, int64_t result, uint32_t priority,
                   const void *bytes, uint64_t length);
    /* Whether a waiter's caller is still there. */
    bool (*caller_waits)(void *context, uint64_t caller);
    /* A waiter left without an answer: its handle is the server's again. */
    void (*forget)(void *context, uint64_t caller);
    /* A poller's notification: signal it once; the core forgets it. */
    void (*notify)(void *context, uint64_t notification);
    uint64_t (*now)(void *context);                    /* the deadlines' clock */
    void *context;
};

/* Who asks: the session's process, its credentials and the IPC
 * namespace whose queues it names (sys/ipc_namespace.h). */
struct mq_caller {
    int32_t pid;
    uint32_t uid, gid;
    uint64_t queue_limit;       /* its soft RLIMIT_MSGQUEUE, in bytes */
    uint32_t namespace;
};

/* What one user's queues take, against RLIMIT_MSGQUEUE (mq_charge). */
struct mq_user {
    struct mq_user *next;
    uint32_t uid;
    uint64_t bytes;
};

struct mq_waiter;
struct mq_poller;

/* A fired SIGEV_SIGNAL registration, until procmgr takes it. */
struct mq_notice {
    struct mq_notice *next;
    struct mq_notification fired;
};

struct mq_object {
    struct mq_queue queue;
    char name[MQ_NAME_MAX + 1];
    uint32_t namespace;         /* whose name space the name is in */
    bool named;                 /* still has its name (not unlinked) */
    uint32_t descriptions;      /* OFDs of it */
    uint32_t uid, gid, mode;
    uint64_t inode;
    uint64_t charge;            /* to its creator's user */
    struct mq_waiter *senders, *receivers;     /* oldest first */
    struct mq_poller *pollers;
    struct watch_list watches;  /* epoll's (sys/watch.h) */
    struct mq_object *next, *previous;      /* among every queue */
};

/* Another IPC namespace's settings, once root changed one. */
struct mq_namespace_limits {
    struct mq_namespace_limits *next;
    uint32_t namespace;
    struct mq_limits limits;
};

struct mq_core {
    struct mq_core_services services;
    struct mq_services queue_services;
    struct mq_limits limits;    /* the initial namespace's (/proc/sys/fs/mqueue) */
    struct mq_namespace_limits *other_limits;
    struct file_table files;
    struct mq_object *objects;  /* every queue, named or only open */
    uint32_t queue_count;       /* in every namespace */
    struct mq_user *users;      /* those with queues */
    uint64_t next_inode;
    struct mq_notice *notices, *last_notice;   /* oldest first */
};

struct mq_attributes {
    int64_t flags, max_messages, message_size, messages;
};

void mq_core_init(struct mq_core *core, const struct mq_core_services *services);

/* An IPC namespace's /proc/sys/fs/mqueue settings: Linux's defaults
 * until root changes them (mq_core_limits_to_change: NULL without
 * memory). They go with the namespace (mq_core_namespace_ended). */
const struct mq_limits *mq_core_limits(const struct mq_core *core, uint32_t namespace);
struct mq_limits *mq_core_limits_to_change(struct mq_core *core, uint32_t namespace);

/* mq_open: name (without the slash musl strips) of length bytes; flags
 * Linux's (access mode, O_CREAT, O_EXCL, O_NONBLOCK); mode the
 * permission bits with the umask applied; attributes NULL or
 * {maxmsg, msgsize}. The new OFD's handle in *handle. */
int mq_core_open(struct mq_core *core, const struct mq_caller *caller, const char *name,
                 uint64_t length, uint32_t flags, uint32_t mode, const int64_t *attributes,
                 uint64_t *handle);
/* mq_unlink: the name goes; the queue lives on while open. */
int mq_core_unlink(struct mq_core *core, const struct mq_caller *caller, const char *name,
                   uint64_t length);

/* Names are the caller's namespace's.
 *
 * A queue by name, as stat and access find a file in /dev/mqueue: 0
 * with it in *found, the name's errors, -ENOENT, or -EACCES when the
 * caller lacks the access wanted (R_OK 4, W_OK 2, X_OK 1; 0 for none). */
int mq_core_lookup(struct mq_core *core, const struct mq_caller *caller, const char *name,
                   uint64_t length, uint32_t wanted, const struct mq_object **found);
/* /dev/mqueue's listing: the named queue of the initial namespace (whose
 * file system /dev/mqueue is) with the smallest inode number at least
 * `from`, or NULL. */
const struct mq_object *mq_core_next_named(const struct mq_core *core, uint64_t from);

/* mq_timedsend of length bytes, from bytes (a small send's, which came
 * with the request) or else the caller's window (deadline 0: none): 0,
 * -errno, or MQ_QUEUED (the caller waits; may_wait false: -ENOMEM
 * instead). *notified: the message fired a signal registration, whose
 * notice waits for mq_core_take_notice. */
int64_t mq_core_send(struct mq_core *core, uint64_t handle, uint64_t caller, uint64_t length,
                     uint32_t priority, uint64_t deadline, bool may_wait, const void *bytes,
                     bool *notified);
/* mq_timedreceive into a buffer of length bytes: the message's length
 * (its priority in *priority), -errno, or MQ_QUEUED. A message of at
 * most MQ_SMALL_MAX bytes goes into small (for the answer), a longer one
 * to the caller's window. */
int64_t mq_core_receive(struct mq_core *core, uint64_t handle, uint64_t caller, uint64_t length,
                        uint64_t deadline, bool may_wait, uint32_t *priority, uint8_t *small);
/* mq_getsetattr: the attributes before, and with set the OFD's
 * O_NONBLOCK becomes flags' (other flags: -EINVAL, checked first). */
int mq_core_attributes(struct mq_core *core, uint64_t handle, bool set, int64_t flags,
                       struct mq_attributes *old);
/* epoll: a description's watches go on its queue's list, its events are
 * poll's (sys/watch.h). False for no such description. */
bool mq_core_watch(struct mq_core *core, uint64_t handle, struct watch_target *target);
/* FILE_POLL: the events among `events` the queue has now; if none and
 * notification is not 0, it is kept (*kept) and signalled once at the
 * queue's next change. */
int64_t mq_core_poll(struct mq_core *core, uint64_t handle, uint32_t events,
                     uint64_t notification, bool *kept);
/* FILE_READ of the queue's file: its status line, from the OFD's
 * position; the bytes in line, their count returned. */
int64_t mq_core_status(struct mq_core *core, uint64_t handle, char *line);

/* mq_notify through the OFD handle for process owner: register (kind,
 * signal, value) or, not registering, unregister (only its own). */
int mq_core_notify(struct mq_core *core, uint64_t handle, int32_t owner, bool registering,
                   int32_t kind, int32_t signal, uint64_t value);
/* The oldest fired notice, taken: false if none. */
bool mq_core_take_notice(struct mq_core *core, struct mq_notification *notice);
/* Process pid ended: its registrations go. */
void mq_core_process_ended(struct mq_core *core, int32_t pid);
/* The last process of IPC namespace `namespace` ended: its queues lose
 * their names, and go once no descriptor holds them. */
void mq_core_namespace_ended(struct mq_core *core, uint32_t namespace);

/* The last OFD of object went (the file table's release). */
void mq_core_release(struct mq_core *core, struct mq_object *object);
/* Answers the waiters whose deadline passed (-ETIMEDOUT). */
void mq_core_expire(struct mq_core *core);
/* The earliest deadline of any waiter, 0 for none. */
uint64_t mq_core_earliest_deadline(const struct mq_core *core);
/* Drops the waiters whose callers went. */
void mq_core_prune(struct mq_core *core);

#endif
