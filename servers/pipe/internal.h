/*
 * What the pieces of the pipe core share: core.c (ends, pipes, opens,
 * attributes), transfer.c (reads, writes, splice and tee as steps that
 * either finish or say what they wait for) and waiters.c (the queues,
 * settling a pipe after a change, cancel and prune). Not for main.c.
 */
#ifndef SERVERS_PIPE_INTERNAL_H
#define SERVERS_PIPE_INTERNAL_H

#include "core.h"
#include "sys/linux_abi.h"

enum waiter_kind {
    WAIT_READ,
    WAIT_WRITE,
    WAIT_SPLICE,
    WAIT_TEE,
    WAIT_OPEN,
};

/* What a write round has copied but not yet put in the ring. */
struct staged_write {
    uint64_t merged;        /* bytes appended to the last buffer */
    unsigned buffers;       /* fresh buffers past head */
    uint64_t bytes;         /* merged + the fresh buffers' bytes */
};

/* A small call run from its queue changes the pipe only once its answer
 * has reached the caller (its bytes are in the server: no failed copy
 * would say the caller left). Its step leaves here what it would do. */
struct pending_change {
    bool pending;
    unsigned read_counter;          /* a read: the tail it took the pipe to */
    uint64_t read_partial;          /* and the bytes taken from that buffer */
    struct staged_write write;      /* a write: what it copied, uncommitted */
};

/* A call in progress: on the stack while it runs at once, copied into a
 * record when it has to wait. */
struct pipe_waiter {
    struct pipe_waiter *next, *previous;            /* in its queue */
    struct pipe_queue *queue;
    struct pipe_waiter *next_waiter, *previous_waiter;  /* server->waiters */
    enum waiter_kind kind;
    uint64_t caller;
    uint8_t *bytes;                 /* a small call's data (pipe_request.bytes) */
    struct pipe_end *end;           /* read, write, open: the end; splice, tee: the input */
    struct pipe_end *out_end;       /* splice, tee: the output */
    uint64_t length;
    uint64_t done;                  /* a write: bytes in the pipe so far */
    uint32_t flags;                 /* splice, tee: SPLICE_F_* */
    unsigned opens_seen;            /* open: the other side's open counter when it began */
    bool started;                   /* a write: past its first round (no more merging) */
    bool sigpipe;
    bool answer_first;              /* from its queue, small: see struct pending_change */
    struct pending_change change;
};

struct pipe_poller {
    struct pipe_poller *next;
    struct pipe_end *end;
    uint32_t events;
    uint64_t notification;
};

enum step_outcome {
    STEP_DONE,      /* finished: answer result */
    STEP_WAIT,      /* wait on queue (nothing lost: progress so far is in the waiter) */
    STEP_GONE,      /* the caller vanished during a copy: nothing changed this round */
};

struct step {
    enum step_outcome outcome;
    int64_t result;
    struct pipe_queue *queue;
};

/* ---- core.c ---- */
struct pipe_end *pipe_end_of(struct pipe_server *server, uint64_t handle);
uint64_t pipe_handle_of(const struct pipe_server *server, const struct pipe_end *end);
void pipe_end_release(struct pipe_server *server, struct pipe_end *end);
bool pipe_end_reads(const struct pipe_end *end);
bool pipe_end_writes(const struct pipe_end *end);
uint32_t pipe_end_events(const struct pipe_end *end);
uint64_t pipe_now(struct pipe_server *server);
void pipe_free(struct pipe_server *server, struct pipe *pipe);

static inline unsigned pipe_occupancy(const struct pipe *pipe)
{
    return pipe->head - pipe->tail;
}

static inline bool pipe_is_empty(const struct pipe *pipe)
{
    return pipe->head == pipe->tail;
}

static inline bool pipe_is_full(const struct pipe *pipe)
{
    return pipe_occupancy(pipe) >= pipe->max_usage;
}

static inline struct pipe_buffer *pipe_slot(const struct pipe *pipe, unsigned counter)
{
    return &pipe->ring[counter & (pipe->ring_size - 1)];
}

/* ---- transfer.c ---- */
struct step pipe_step(struct pipe_server *server, struct pipe_waiter *call);
/* A small write into an empty pipe whose oldest reader waits with a small
 * read: its first bytes go straight into that reader's answer, as if they
 * had passed through the ring. Returns how many (0: none waited, or the
 * pipe is not empty). */
uint64_t pipe_hand_to_reader(struct pipe_server *server, struct pipe *pipe, const uint8_t *bytes,
                             uint64_t length);
/* What a call with answer_first left pending: done if its answer was
 * delivered, else dropped. */
void pipe_settle_change(struct pipe_server *server, struct pipe_waiter *call, bool delivered);

/* ---- waiters.c ---- */
/* The pipe changed: its waiters and pollers get another look at settle,
 * and its epoll watches a wake-up for woken (poll events, as Linux's
 * wake-up keys: POLLIN for data written, POLLOUT for room made in a full
 * pipe, WATCH_WAKE_ALL for an end opened or closed; 0 for a change that
 * wakes nobody, a partial read). */
void pipe_mark_changed(struct pipe_server *server, struct pipe *pipe, uint32_t woken);
/* Runs the waiters and pollers of every changed pipe until nothing moves;
 * frees pipes whose last end went. */
void pipe_settle(struct pipe_server *server);
/* Runs call at once; if it must wait, keeps it (retaining its ends).
 * Returns the result, PIPE_QUEUED, or -ENOMEM if it cannot wait. */
int64_t pipe_run_call(struct pipe_server *server, struct pipe_waiter *call, bool may_wait);
/* Notifies and forgets every poller of end (it is closing). */
void pipe_drop_pollers(struct pipe_server *server, struct pipe *pipe, const struct pipe_end *end);
/* Drops the open waiters of pipe whose callers vanished. */
void pipe_prune_openers(struct pipe_server *server, struct pipe *pipe);
/* Drops the waiters using end whose callers vanished. */
void pipe_prune_end(struct pipe_server *server, const struct pipe_end *end);

#endif
