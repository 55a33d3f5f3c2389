/*
 * One POSIX message queue as Linux 6.1's ipc/mqueue.c keeps it, with no
 * IPC in it (tests/host/test_mqueue_queue.c): the attributes mq_open
 * accepts and what a queue costs its creator's RLIMIT_MSGQUEUE, the
 * messages in priority order (the highest first, first in first out
 * within a priority), poll's events, the mq_notify registration and when
 * it fires, and the line a read of the queue's file gives.
 *
 * Messages are made by the caller (mq_message_new) before the queue is
 * touched, as Linux loads a message before it locks the queue, so a copy
 * from a client that fails changes nothing. Who waits to send or to
 * receive is the server's business: the queue says whether it is full or
 * empty.
 */
#ifndef SERVERS_MQUEUE_QUEUE_H
#define SERVERS_MQUEUE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MQ_PRIO_MAX: priorities are below it. */
#define MQ_PRIORITIES 32768u
/* The ceilings even a privileged (CAP_SYS_RESOURCE) creator meets. */
#define MQ_HARD_MSGMAX 65536
#define MQ_HARD_MSGSIZEMAX (16 * 1024 * 1024)
/* Room for the line a read of a queue's file gives, whatever its values
 * (Linux's buffer is 80 bytes, which the values a queue can have never
 * fill). */
#define MQ_STATUS_SIZE 96

/* An IPC namespace's /proc/sys/fs/mqueue settings. */
struct mq_limits {
    int64_t msg_max, msgsize_max;           /* what an unprivileged mq_open may ask */
    int64_t msg_default, msgsize_default;   /* what mq_open without attributes gets */
    int64_t queues_max;                     /* queues an unprivileged creator may add to */
};

/* Linux's defaults (DFLT_MSGMAX, DFLT_MSGSIZEMAX, DFLT_MSG, DFLT_MSGSIZE,
 * DFLT_QUEUESMAX). */
#define MQ_DEFAULT_LIMITS ((struct mq_limits){ 10, 8192, 10, 8192, 256 })

struct mq_services {
    void *(*allocate)(void *context, size_t size);     /* NULL without memory */
    void (*free)(void *context, void *block);
    void *context;
};

struct mq_message {
    struct mq_message *next;
    uint32_t priority;
    uint32_t length;
    uint8_t bytes[];
};

/* The messages of one priority, oldest first; levels are kept highest
 * priority first. */
struct mq_level {
    struct mq_level *lower;
    struct mq_message *first, *last;
    uint32_t priority;
};

/* An mq_notify registration: owner is the registering process's pid (0:
 * none); kind is SIGEV_NONE, SIGEV_SIGNAL or SIGEV_THREAD. */
struct mq_notification {
    int32_t owner;
    int32_t kind;
    int32_t signal;
    uint64_t value;             /* sigev_value */
};

struct mq_queue {
    const struct mq_services *services;
    int64_t max_messages, message_size, messages;
    uint64_t bytes;             /* in the messages now: Linux's qsize */
    struct mq_level *levels;
    struct mq_level *spare;     /* a level kept for the next new priority */
    struct mq_notification notification;
};

/* mq_open's attributes: the namespace's defaults when the caller gave
 * none, else maxmsg and msgsize, which must be positive and within the
 * namespace's limits (privileged: within the hard ones); -EINVAL if not. */
int mq_attributes_check(const struct mq_limits *limits, bool privileged, int64_t max_messages,
                        int64_t message_size);
void mq_attributes_default(const struct mq_limits *limits, int64_t *max_messages,
                           int64_t *message_size);
/* What a queue of those attributes counts against its creator's
 * RLIMIT_MSGQUEUE: its messages' bytes and Linux's bookkeeping for them
 * (mqueue_get_inode: 48 bytes a message, 48 a possible priority level). */
uint64_t mq_charge(int64_t max_messages, int64_t message_size);

/* An empty queue with checked attributes. */
void mq_queue_init(struct mq_queue *queue, const struct mq_services *services,
                   int64_t max_messages, int64_t message_size);
/* Frees every message (the queue's last reference went). */
void mq_queue_destroy(struct mq_queue *queue);

/* A message of length bytes (at most the queue's message size: the
 * caller checked, EMSGSIZE) to fill in, or NULL without memory. */
struct mq_message *mq_message_new(struct mq_queue *queue, uint32_t priority, uint32_t length);
void mq_message_free(struct mq_queue *queue, struct mq_message *message);

bool mq_queue_full(const struct mq_queue *queue);
bool mq_queue_empty(const struct mq_queue *queue);
/* Adds a message to a queue that is not full: 0, or -ENOMEM (a new
 * priority level, and then the message is still the caller's). */
int mq_queue_put(struct mq_queue *queue, struct mq_message *message);
/* Takes the highest-priority, oldest message, or NULL when empty. */
struct mq_message *mq_queue_take(struct mq_queue *queue);
/* poll's events: FILE_POLLIN | FILE_POLLRDNORM with a message,
 * FILE_POLLOUT | FILE_POLLWRNORM with room for one. */
uint32_t mq_queue_poll(const struct mq_queue *queue);

/* mq_notify with a sigevent: -EINVAL for a kind Linux does not know or a
 * SIGEV_SIGNAL with an invalid signal, -EBUSY when another registration
 * stands, else 0 (the caller's, with pid owner). */
int mq_notify_register(struct mq_queue *queue, int32_t owner, int32_t kind, int32_t signal,
                       uint64_t value);
/* mq_notify with NULL, and each close by the owner (Linux's flush): the
 * registration goes if owner made it; else nothing happens. */
void mq_notify_unregister(struct mq_queue *queue, int32_t owner);
/* After a message went into the queue (not straight to a waiting
 * receiver): whether the registration fires now, because the queue was
 * empty before. If so, *fired is what it was, and it is gone: a
 * SIGEV_SIGNAL with a signal the caller delivers (SI_MESGQ, the sender's
 * pid and uid, the value), SIGEV_NONE and SIGEV_SIGNAL with signal 0
 * nothing. */
bool mq_notify_due(struct mq_queue *queue, struct mq_notification *fired);

/* The queue file's line, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d
 * NOTIFY_PID:%-6d\n", in line (MQ_STATUS_SIZE bytes); its length. */
size_t mq_queue_status(const struct mq_queue *queue, char *line);

#endif
