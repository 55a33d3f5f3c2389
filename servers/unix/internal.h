/*
 * What the pieces of the unix core share: core.c (sockets, names,
 * connections, options, poll, release), transfer.c (send and receive,
 * accept and connect as steps that finish or say which socket they wait
 * on) and waiters.c (the queues, settling changed sockets, prune). Not
 * for main.c.
 */
#ifndef SERVERS_UNIX_INTERNAL_H
#define SERVERS_UNIX_INTERNAL_H

#include "core.h"
#include "sys/linux_abi.h"

/* A message's bytes, in blocks of at most UNIX_CHUNK_BYTES (a block and
 * the heap's header fill 64 KiB): every chunk but the last is full, and
 * the last is only as large as its bytes. A stream segment
 * (UNIX_SEGMENT_MAX) is one chunk, so it moves in one window copy. */
#define UNIX_CHUNK_BYTES (65536 - 16 - sizeof(void *))
struct unix_chunk {
    struct unix_chunk *next;
    uint8_t bytes[UNIX_CHUNK_BYTES];
};
_Static_assert(UNIX_SEGMENT_MAX <= UNIX_CHUNK_BYTES, "a stream segment is one chunk");

/* An entry of a receive queue: a message, or a listener's embryo. */
struct unix_message {
    struct unix_message *next;
    struct unix_socket *sender;     /* counted; charged `charge` */
    struct unix_socket *embryo;     /* counted; a listener's queue only */
    uint64_t length;
    uint64_t consumed;              /* a stream segment's bytes read */
    uint64_t charge;
    struct unix_rights *rights;     /* SCM_RIGHTS it carries, or 0 */
    bool has_credentials;           /* SCM_CREDENTIALS it carries */
    struct unix_credentials credentials;
    struct unix_chunk *chunks;
};

/* A user's descriptors in flight (Linux's user_struct's unix_inflight):
 * on core->users while it has some. */
struct unix_user {
    struct unix_user *next;
    uint32_t uid;
    uint64_t inflight;
};

/* A set of rights in order: a message's (key unused), or a socket's
 * staged or held under key. taken: how many UNIX_TAKE_RIGHT gave. */
struct unix_rights {
    struct unix_rights *next;
    struct unix_user *user;         /* a message's: counted against it (0: nobody) */
    uint64_t key;
    uint32_t count, taken, capacity;
    struct unix_right right[];
};

/* A call in progress: on the stack while it runs at once, copied into a
 * record when it waits. */
struct unix_waiter {
    struct unix_waiter *next, *previous;    /* in its socket's queue */
    struct unix_socket *waits_on;
    struct unix_waiter *next_waiter, *previous_waiter;  /* core->waiters */
    struct unix_call call;
    struct unix_socket *socket;     /* the caller's; its description is held */
    struct unix_socket *target;     /* counted: a send's receiver, a connect's listener */
    struct unix_message *message;   /* a datagram made, waiting for room */
    uint64_t done;                  /* bytes sent or received so far */
    bool started;
    bool answered;                  /* by its step (unix_answer_first) */
};

enum step_outcome {
    STEP_DONE,
    STEP_WAIT,      /* on waits_on; what was done so far is in the waiter */
    STEP_GONE,      /* the caller vanished during a copy: nothing changed this round */
};

struct step {
    enum step_outcome outcome;
    int64_t result;
    struct unix_socket *waits_on;
};

/* ---- core.c ---- */
void unix_hold(struct unix_socket *socket);
void unix_put(struct unix_core *core, struct unix_socket *socket);
/* Frees the socket if nothing counts it and it is not being settled. */
void unix_free_if_unused(struct unix_core *core, struct unix_socket *socket);
/* Whether a send may queue a message now (sock_alloc_send_pskb's room),
 * must wait for its socket's messages to be read (its send buffer is
 * full, or its maker's user has UNIX_USER_QUEUED_BYTES queued), or
 * never will (the user is over with nothing of this socket's queued). */
enum unix_room { UNIX_ROOM_NOW, UNIX_ROOM_LATER, UNIX_ROOM_NONE };
enum unix_room unix_send_room(const struct unix_socket *socket);

/* A socket charged to who (its account's ceilings, core.h) in *made:
 * 0, -EMFILE, -ENFILE, -ENOMEM. */
int unix_new_socket(struct unix_core *core, uint32_t type, const struct unix_credentials *who,
                    struct unix_socket **made);
/* The socket bound to address for a caller of type: -ECONNREFUSED,
 * -EPROTOTYPE (a path name of another type), -EINVAL (a bad address). */
int64_t unix_find(struct unix_core *core, const struct unix_address *address, uint32_t type,
                  struct unix_socket **found);
int64_t unix_check_address(const struct unix_address *address);
/* unix_autobind: an abstract name of five hex digits, unless named. */
int64_t unix_autobind(struct unix_core *core, struct unix_socket *socket);
/* Releases a socket (its description went, or its listener's did). */
void unix_release_socket(struct unix_core *core, struct unix_socket *socket, bool embryo);
/* One reference less to a description, releasing its socket with the
 * last, without settling (the caller settles). */
int unix_close_description(struct unix_core *core, uint64_t handle);
/* sock_error: the pending error, cleared (negative), or 0. */
int64_t unix_take_error(struct unix_socket *socket);
/* Whether the socket's queue is over its backlog (unix_recvq_full). */
bool unix_queue_full(const struct unix_socket *socket);
void unix_dgram_disconnected(struct unix_core *core, struct unix_socket *socket,
                             struct unix_socket *old_peer);

/* ---- transfer.c ---- */
struct step unix_step(struct unix_core *core, struct unix_waiter *call);
void unix_enqueue_message(struct unix_socket *socket, struct unix_message *message);
/* Frees a message, uncharging its sender (which is marked changed). */
void unix_free_message(struct unix_core *core, struct unix_message *message);
/* Frees every message of the socket's queue (not a listener's). */
void unix_purge(struct unix_core *core, struct unix_socket *socket);

/* ---- rights.c ---- */
/* Releases every right of the set not taken, and the set. */
void unix_rights_free(struct unix_core *core, struct unix_rights *rights);
/* Releases every set of a list. */
void unix_rights_free_list(struct unix_core *core, struct unix_rights **list);
/* A receive takes a message's rights: held under the call's key, or
 * released (key 0: MSG_CTRUNC). */
void unix_deliver_rights(struct unix_core *core, struct unix_waiter *call,
                         struct unix_message *message);
/* A peek at a message with rights (Linux's unix_peek_fds): duplicates
 * of them, held under the call's key as a receive's would be (key 0:
 * none, MSG_CTRUNC); the message keeps its own. */
void unix_peek_rights(struct unix_core *core, struct unix_waiter *call,
                      const struct unix_message *message);
/* Linux's too_many_unix_fds for a send with rights: -ETOOMANYREFS when
 * it is limited and its user has more than its limit in flight; else 0. */
int64_t unix_check_rights_limit(const struct unix_core *core, const struct unix_call *call);
/* A message takes a send's rights (call->rights, then 0; none: nothing
 * to do), counting the sockets among them in flight and, for an
 * identified send, every one against its user: 0, or -ENOMEM (the call
 * keeps them). And lets them go (its rights, now 0, uncounted). */
int64_t unix_attach_rights(struct unix_core *core, struct unix_message *message,
                           struct unix_call *call);
struct unix_rights *unix_detach_rights(struct unix_core *core, struct unix_message *message);
/* Closes the descriptions of released rights to our sockets (settling). */
bool unix_close_dropped(struct unix_core *core);

/* ---- garbage.c ---- */
/* The collector: takes the unreachable sockets' messages that hold
 * them off their queues and frees them, leaving the closes of their
 * rights to settling (unix_settle runs it); how many it found. */
unsigned unix_gc(struct unix_core *core);

/* ---- waiters.c ---- */
/* The socket changed: its waiters and pollers get another look, its
 * watches a wake-up for woken (poll events, Linux's wake-up keys). */
void unix_mark_changed(struct unix_core *core, struct unix_socket *socket, uint32_t woken);
void unix_settle(struct unix_core *core);
int64_t unix_run_call(struct unix_core *core, struct unix_waiter *call);
/* A small read run from its queue has its bytes in the server, so no
 * failed copy would tell that its caller went: it is answered before it
 * takes them (whether the caller took the answer), and takes them only
 * if so. */
bool unix_answers_first(const struct unix_waiter *call);
bool unix_answer_first(struct unix_core *core, struct unix_waiter *call, int64_t result);
/* Notifies and forgets every poller of the socket. */
void unix_drop_pollers(struct unix_core *core, struct unix_socket *socket);

#define UNIX_WAKE_IN  (0x001 | 0x040)           /* POLLIN | POLLRDNORM */
#define UNIX_WAKE_OUT (0x004 | 0x100 | 0x200)   /* POLLOUT | POLLWRNORM | POLLWRBAND */
/* Not a poll event: a datagram left a receive queue, so the sockets
 * connected to it may write again. */
#define UNIX_WAKE_ROOM 0x80000000u

#endif
