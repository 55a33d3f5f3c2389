/*
 * The pipe server's state machine: pipes and FIFOs as Linux's fs/pipe.c
 * keeps them, with no IPC in it (main.c binds it to sys/protocol/pipe.h
 * and sys/protocol/file.h).
 *
 * A pipe is a ring of page-sized buffers with Linux's head/tail
 * discipline: head and tail are free-running counters, head - tail
 * buffers are in use, slot i is ring[i & (ring_size - 1)], ring_size is a
 * power of two and max_usage (the capacity in pages) at most ring_size.
 * A write first tops up the last buffer (only with the remainder of its
 * length modulo a page, and only if that fits whole: so a write of at
 * most PIPE_BUF bytes is never split), then fills fresh pages one per
 * slot. Readers take bytes from the tail; a packet buffer (O_DIRECT
 * writer) is read whole or its rest discarded.
 *
 * An end is an open file description (OFD): a pipe, an access mode and
 * status flags, and a reference count (FILE_RETAIN / FILE_CLOSE). Its
 * handle, the badge of its descriptors, carries a generation so a stale
 * descriptor never reaches a later end.
 *
 * Blocking: a call that cannot go on becomes a waiter with the caller's
 * opaque handle (for the server, the reply object its caller is bound
 * to), queued in arrival order on the pipe it waits for. Whenever a pipe
 * changes, its waiters run again in order and those that finish are
 * answered through the services; pollers whose end became ready are
 * notified once and forgotten.
 *
 * Client memory is reached only through the services' copies, per
 * caller: bytes leave the ring only once they reached the reader, and a
 * writer's bytes enter it only once all of this round's copies worked, so
 * a caller that vanished mid-call changes nothing. A small read or write
 * (FILE_READ_SMALL, FILE_WRITE_SMALL) brings its bytes along instead, or
 * takes them back in its answer: the request's bytes, which a waiter
 * keeps in its record; before such a waiter runs again the core makes
 * sure its caller is still there, for the same reason.
 */
#ifndef SERVERS_PIPE_CORE_H
#define SERVERS_PIPE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/client_accounts.h"
#include "sys/watch.h"

#define PIPE_PAGE_SIZE 4096u

/* What a client may hold (sys/client_accounts.h): a pipe's ends are
 * charged to the process that made it (pipe(2)) and to its user, as
 * Linux charges a pipe's buffers to its maker's user. A process holds
 * at most as many ends as it could hold descriptors (RLIMIT_NOFILE's
 * highest, LINUX_MAX_FDS), then -EMFILE; a user other than root at most
 * half of the server's ends, then -ENFILE (Linux's answer when a user
 * is over pipe-user-pages-hard). FIFOs' ends are charged to nobody:
 * vfs hands them out, and their opener's pid is not known here. */
#define PIPE_PROCESS_ENDS 4096u
/* A user's pipes' capacity in pages, as Linux's pipe-user-pages-soft and
 * pipe-user-pages-hard (root exempt): past the soft limit a new pipe
 * gets PIPE_MIN_SLOTS pages instead of 16 and F_SETPIPE_SZ may not grow
 * one (-EPERM); past the hard limit a new pipe is -ENFILE. Linux's soft
 * limit is 16,384 pages (64 MiB) and its hard one unset; here every
 * user's buffers come from the server's share, whose 64 MiB hold about
 * 30 MiB of buffers (a hoarder that fills its pipes finds no more), so
 * 8 MiB and 16 MiB: one user cannot fill them (128 whole pipes, then
 * 1,024 of two pages). A FIFO's pages are nobody's. */
#define PIPE_USER_PAGES_SOFT 2048u
#define PIPE_USER_PAGES_HARD 4096u
#define PIPE_MIN_SLOTS 2u           /* Linux's PIPE_MIN_DEF_BUFFERS */

/* What an operation returns when its caller now waits (the caller handle
 * is the core's until it is answered or forgotten). No result is ever
 * this: reads and writes count bytes, errors are small negatives. */
#define PIPE_QUEUED INT64_MIN

/* A copy service's result when the caller is no longer there. */
#define PIPE_COPY_GONE 1

/* The most bytes one read or write moves, as Linux's MAX_RW_COUNT. */
#define PIPE_MAX_TRANSFER 0x7ffff000ull

/* SPLICE_F_NONBLOCK and every SPLICE_F_* flag Linux knows. */
#define PIPE_SPLICE_NONBLOCK 2u
#define PIPE_SPLICE_ALL_FLAGS 0xfu

/* How a finished call is answered. */
struct pipe_answer {
    int64_t result;
    uint64_t end;       /* a FIFO open: the new end's handle (hand out a descriptor) */
    bool sigpipe;       /* Linux would have sent SIGPIPE to the caller */
    /* A read whose data stayed in the server (pipe_request.bytes): its
     * result bytes, to send in the answer; else NULL. */
    const uint8_t *bytes;
};

struct pipe_services {
    /* Pages for buffers (PIPE_PAGE_SIZE bytes, page-aligned), and small
     * zeroed blocks for records and rings; NULL when out of memory. */
    void *(*allocate_page)(void *context);
    void (*free_page)(void *context, void *page);
    void *(*allocate)(void *context, size_t size);
    void (*free)(void *context, void *block);
    /* Bytes [offset, offset + length) of the caller's buffer: 0, -EFAULT,
     * or PIPE_COPY_GONE. */
    int (*copy_from_caller)(void *context, uint64_t caller, uint64_t offset, void *destination,
                            uint64_t length);
    int (*copy_to_caller)(void *context, uint64_t caller, uint64_t offset, const void *source,
                          uint64_t length);
    /* Answers a waiter; returns whether its caller was still there to
     * take it (if not, the core undoes what the answer would have given:
     * a FIFO open's end is released, a small call's read or write is not
     * done). The answer must reach the caller or not, atomically: the
     * kernel's Reply says which. */
    bool (*answer)(void *context, uint64_t caller, const struct pipe_answer *answer);
    /* Whether the caller of a waiter is still there. */
    bool (*caller_waits)(void *context, uint64_t caller);
    /* A waiter left without an answer (cancelled, or its caller
     * vanished): its handle is the server's again. */
    void (*forget)(void *context, uint64_t caller);
    /* A write waits again having put done bytes in so far: what its
     * caller's call returns if a signal ends the wait (Linux's write
     * returns the count then, not EINTR). May be NULL. */
    void (*progress)(void *context, uint64_t caller, uint64_t done);
    /* A poller's notification: signal it once; the core forgets it. */
    void (*notify)(void *context, uint64_t notification);
    /* A clock for the pipe's times (may be NULL: times stay 0). */
    uint64_t (*now)(void *context);
    void *context;
};

/* One slot of the ring. */
struct pipe_buffer {
    uint8_t *page;
    uint16_t offset;
    uint16_t length;
    uint16_t flags;
};
#define PIPE_BUFFER_CAN_MERGE 1u    /* a later write may append to it */
#define PIPE_BUFFER_PACKET    2u    /* read as one packet (O_DIRECT) */

struct pipe_waiter;
struct pipe_poller;

/* Waiters in arrival order. */
struct pipe_queue {
    struct pipe_waiter *first;
    struct pipe_waiter *last;
};

struct pipe {
    struct pipe_buffer *ring;
    unsigned ring_size;             /* a power of two */
    unsigned max_usage;             /* the capacity in pages, at most ring_size */
    unsigned head, tail;
    unsigned readers, writers;      /* ends open for reading / writing */
    unsigned reader_opens;          /* Linux's r_counter: opens for reading so far */
    unsigned writer_opens;          /* w_counter */
    unsigned files;                 /* ends that name the pipe */
    bool fifo;
    bool charged;                   /* each end is charged to owner (not a FIFO's) */
    struct client_owner owner;
    unsigned accounted;             /* its capacity in pages, counted to owner's user */
    bool dirty;                     /* on the server's list of pipes to settle */
    bool dead;                      /* its last end went: freed when settled */
    uint64_t node;                  /* a FIFO's node in vfs */
    uint64_t inode;                 /* an anonymous pipe's inode number */
    uint64_t access_time, modify_time, change_time;
    struct pipe_queue read_waiters;     /* reads, and splice/tee waiting for input */
    struct pipe_queue write_waiters;    /* writes, and splice/tee waiting for room */
    struct pipe_queue open_waiters;     /* FIFO opens waiting for the other side */
    struct pipe_poller *pollers;
    struct watch_list watches;      /* epoll's, on both ends (sys/watch.h) */
    uint32_t woken;                 /* the wake-ups' events since the last settling */
    struct pipe *next_dirty;
    struct pipe *next_fifo, *previous_fifo;
};

struct pipe_end {
    struct pipe *pipe;              /* NULL: free */
    uint32_t flags;                 /* access mode and status flags (Linux's f_flags) */
    uint32_t references;            /* descriptors and waiters using it */
    uint32_t generation;
    uint32_t writers_seen;          /* Linux's f_pipe: POLLHUP only once writer_opens moved */
    uint32_t next_free;
};

struct pipe_server {
    struct pipe_services services;
    struct pipe_end *ends;
    unsigned end_capacity;
    unsigned free_end;              /* index of the first free end, end_capacity: none */
    struct pipe *fifos;
    struct pipe *dirty;
    struct pipe_waiter *waiters;    /* every waiter, for cancel and prune */
    struct pipe_waiter *spare_waiters;  /* finished records kept for reuse (waiters.c) */
    unsigned spare_count;
    uint64_t next_inode;
    struct client_accounts accounts;    /* what each client holds (ends) */
};

/* A read, write, splice or tee. */
struct pipe_request {
    uint64_t end;                   /* the end read or written (splice, tee: the input) */
    uint64_t out_end;               /* splice, tee: the output */
    uint64_t length;
    uint32_t flags;                 /* splice, tee: SPLICE_F_* */
    uint64_t caller;                /* the caller's handle, for copies and a later answer */
    /* A small call's data in the server (at most a few hundred bytes): a
     * write's bytes, or where a read puts them; NULL: the caller's
     * buffer, through the copy services. */
    uint8_t *bytes;
    bool may_wait;                  /* false: the server cannot keep the caller (-ENOMEM) */
    bool sigpipe;                   /* out: Linux would have sent SIGPIPE */
};

/* What FILE_STAT needs to know of an end's pipe. */
struct pipe_status {
    bool fifo;
    uint64_t identity;              /* FIFO: its node; pipe: its inode number */
    uint64_t access_time, modify_time, change_time;
};

void pipe_server_init(struct pipe_server *server, const struct pipe_services *services,
                      struct pipe_end *ends, unsigned end_capacity);

/* A new pipe for process pid of user uid, with its read end in *end
 * (flags: O_NONBLOCK kept; O_DIRECT is the writer's business, as Linux
 * gives it only to the write end). Errors: -EINVAL (flags other than
 * O_NONBLOCK, O_DIRECT), -EMFILE (the process holds PIPE_PROCESS_ENDS),
 * -ENFILE (its user holds its share of ends or is past
 * PIPE_USER_PAGES_HARD, or no free end), -ENOMEM. */
int64_t pipe_create(struct pipe_server *server, uint32_t flags, uint32_t pid, uint32_t uid,
                    uint64_t *end);

/* A write end of end's pipe (O_NONBLOCK, O_DIRECT from flags), as
 * opening /proc/self/fd/N for writing does: never waits. Charged to the
 * pipe's maker: -EMFILE, -ENFILE as pipe_create. */
int64_t pipe_open_writer(struct pipe_server *server, uint64_t end, uint32_t flags,
                         uint64_t *new_end);

/* Opens FIFO node (flags: the access mode, O_NONBLOCK, other status
 * flags kept): 0 with *end, PIPE_QUEUED (the caller waits for the other
 * side; its answer carries the end), -ENXIO (O_NONBLOCK writer, no
 * reader), -EINVAL (no access mode), -ENFILE, -ENOMEM. */
int64_t pipe_open_fifo(struct pipe_server *server, uint64_t node, uint32_t flags,
                       uint64_t caller, bool may_wait, uint64_t *end);

/* read(2), write(2), splice(2) and tee(2) between pipes: the result, or
 * PIPE_QUEUED. Errors as Linux's: -EBADF (bad end, wrong access mode),
 * -EAGAIN, -EPIPE (request->sigpipe set), -EFAULT, -EINVAL (splice/tee:
 * the same pipe, unknown flags), -ENOMEM. A caller that vanished during a
 * copy is reported through the copy service and nothing changed. */
int64_t pipe_read(struct pipe_server *server, struct pipe_request *request);
int64_t pipe_write(struct pipe_server *server, struct pipe_request *request);
int64_t pipe_splice(struct pipe_server *server, struct pipe_request *request);
int64_t pipe_tee(struct pipe_server *server, struct pipe_request *request);

/* F_GETFL, F_SETFL (only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME change). */
int64_t pipe_get_flags(struct pipe_server *server, uint64_t end);
int64_t pipe_set_flags(struct pipe_server *server, uint64_t end, uint32_t flags);

/* F_GETPIPE_SZ; F_SETPIPE_SZ with Linux's rules: size (an unsigned int)
 * rounded up to a power-of-two number of pages, at least one; -EINVAL
 * above 2^31; -EPERM when growing above PIPE_MAX_CAPACITY unprivileged,
 * or past the maker's user's PIPE_USER_PAGES_SOFT;
 * -EBUSY when fewer slots than the buffers held; the new capacity. */
int64_t pipe_get_size(struct pipe_server *server, uint64_t end);
int64_t pipe_set_size(struct pipe_server *server, uint64_t end, uint32_t size, bool privileged);

/* FIONREAD: the bytes held. */
int64_t pipe_bytes_held(struct pipe_server *server, uint64_t end);

/* poll(2): the events of end among events (POLLHUP, POLLERR always
 * count). If none and notification is not 0, the core keeps it
 * (*kept) and notifies it once when the end has something to report. */
int64_t pipe_poll(struct pipe_server *server, uint64_t end, uint32_t events,
                  uint64_t notification, bool *kept);

/* epoll: an end's watches go on its pipe's list, and its events are
 * poll's (sys/watch.h). False for no such end. */
bool pipe_watch_target(struct pipe_server *server, uint64_t end, struct watch_target *target);

int64_t pipe_retain(struct pipe_server *server, uint64_t end);
int64_t pipe_close(struct pipe_server *server, uint64_t end);
int64_t pipe_status(struct pipe_server *server, uint64_t end, struct pipe_status *status);

/* Process pid ended: what it made and others still hold stays charged
 * to it alone (sys/client_accounts.h). */
void pipe_process_ended(struct pipe_server *server, uint32_t pid);

/* Drops every waiter whose caller vanished; returns how many. */
unsigned pipe_prune(struct pipe_server *server);

/* Frees the finished waiter records kept for reuse (when a process
 * ends, and for tests: what is left once every end is closed). */
void pipe_free_spare_records(struct pipe_server *server);

/* How many callers wait (for tests and the pool). */
unsigned pipe_waiter_count(const struct pipe_server *server);

#endif
