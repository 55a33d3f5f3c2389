/*
 * System V message queues as Linux 6.1's ipc/msg.c has them: msgget,
 * msgsnd, msgrcv and msgctl. Plain C with no IPC in it (main.c binds it
 * to sys/protocol/sysv.h; tests/host/test_sysv_msg.c tests it).
 *
 * A caller that waits is a waiter: an opaque handle (for the server, the
 * reply object its caller is bound to). A sender waits with its message
 * already in the server (Linux loads it first); a receiver with what it
 * asks for. A message goes straight to the oldest waiting receiver it
 * suits (pipelined_send), and each receive lets waiting senders in, in
 * arrival order, while their messages fit. Waiters are answered through
 * struct msg_replies, which says whether the caller took the answer: a
 * sender's message goes in only then, and a receiver that is gone is
 * passed over (the message goes to the next, or the queue).
 *
 * Every function returns a non-negative result or -errno.
 */
#ifndef SERVERS_SYSV_MSG_H
#define SERVERS_SYSV_MSG_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc_ids.h"
#include "list.h"
#include "services.h"
#include "sys/client_accounts.h"
#include "sys/client_buffer.h"
#include "sys/protocol/sysv.h"

/* What msg_send and msg_receive return when the caller now waits. */
#define MSG_QUEUED INT64_MIN

/* What a user's messages may take, in every queue of every namespace
 * (each message's text and record, counted to its sender's user until it
 * is received or its queue goes; root exempt): the server's 16 MiB hold
 * every queue, segment and set, which 508 full queues of one process
 * used up. Past it msgsnd is -ENOMEM, Linux's answer when it cannot
 * load a message. The accounts (sys/client_accounts.h) count messages
 * too, without ceilings: a queue may hold thousands. */
#define MSG_USER_BYTES (4u << 20)

struct msg_message {
    struct list_link link;
    struct client_owner sender;     /* whose user pays for it */
    int64_t type;
    uint64_t length;
    uint8_t text[];
};

struct msg_queue {
    struct ipc_object ipc;      /* first: what the ids table holds */
    int64_t stime, rtime;
    uint64_t cbytes, qnum, qbytes;
    uint32_t lspid, lrpid;
    struct list messages;       /* the oldest first */
    struct list receivers, senders;     /* waiters, the oldest first */
};

struct msg_waiter {
    struct list_link link;
    uint64_t handle;
    struct sysv_caller caller;  /* its permissions are checked again after IPC_SET */
    struct msg_message *message;    /* a sender's */
    int64_t type;               /* a receiver's msgtyp (made positive for "at most"), */
    int32_t search;             /* how it picks one (Linux's convert_mode) */
    uint64_t size;              /* its buffer's size, */
    bool truncate;              /* and whether a longer text is cut (MSG_NOERROR) */
};

/* How the core answers waiters (the server's deferred replies). */
struct msg_replies {
    /* Answers the waiter: result, and for a receiver the message it
     * takes (type, text and length, at most result bytes of it; NULL
     * for a sender or an error). Whether its caller took it; the handle
     * is the server's again either way. */
    bool (*answer)(void *context, uint64_t handle, int64_t result, const struct msg_message *message);
    /* Whether the waiter's caller still waits. */
    bool (*waits)(void *context, uint64_t handle);
    /* Lets go of a waiter whose caller is gone, without an answer. */
    void (*forget)(void *context, uint64_t handle);
    void *context;
};

struct msg_core {
    struct sysv_services services;
    struct msg_replies replies;
    struct ipc_ids ids;
    uint64_t messages, bytes;   /* in every queue: MSG_INFO's msgmap, msgtql */
    /* The namespace's settings (/proc/sys/kernel): msgmax, msgmnb;
     * msgmni is ids.limit. */
    int32_t max_message_size, max_queue_bytes;
    struct client_accounts *senders;    /* every namespace's: MSG_USER_BYTES */
};

void msg_core_init(struct msg_core *core, const struct sysv_services *services,
                   const struct msg_replies *replies, struct client_accounts *senders);
/* The senders' accounts every namespace's core shares. */
void msg_senders_init(struct client_accounts *senders, const struct sysv_services *services);

/* msgget: the queue's id; ENOENT, EEXIST, EACCES, ENOSPC (MSGMNI), ENOMEM. */
int64_t msg_get(struct msg_core *core, const struct sysv_caller *caller, int32_t key,
                int32_t flags);
/* A message of length bytes from caller to fill in for msg_send, or
 * NULL: no memory, or its user would be past MSG_USER_BYTES (-ENOMEM). */
struct msg_message *msg_new(struct msg_core *core, const struct sysv_caller *caller,
                            int64_t type, uint64_t length);
void msg_free(struct msg_core *core, struct msg_message *message);
/* msgsnd of message (the core's from then on, whatever the result): 0,
 * -errno (EINVAL, EACCES, EAGAIN, EIDRM...) or MSG_QUEUED (may_wait
 * false: -ENOMEM instead). The caller checked the sizes and the type. */
int64_t msg_send(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                 struct msg_message *message, int32_t flags, uint64_t handle, bool may_wait);
/* msgrcv into a buffer of size bytes: the length given (at most size),
 * with *taken the message (the caller's to free after copying it out,
 * unless MSG_COPY, when it stays the queue's: copy it before anything
 * else runs), -errno (EINVAL, EACCES, E2BIG, ENOMSG, EIDRM) or
 * MSG_QUEUED. */
int64_t msg_receive(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                    uint64_t size, int64_t type, int32_t flags, uint64_t handle, bool may_wait,
                    struct msg_message **taken);
/* msgctl: IPC_STAT, MSG_STAT, MSG_STAT_ANY, IPC_INFO, MSG_INFO, IPC_SET,
 * IPC_RMID, with buffer the caller's struct. */
int64_t msg_control(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                    int32_t cmd, const struct client_buffer *buffer);
/* Drops waiters whose callers went. */
void msg_prune(struct msg_core *core);

#endif
