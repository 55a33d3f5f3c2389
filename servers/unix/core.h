/*
 * The unix socket server's state machine: AF_UNIX sockets of the three
 * types as Linux 6.1's net/unix/af_unix.c keeps them, with no IPC in it
 * (main.c binds it to sys/protocol/unix.h and sys/protocol/file.h).
 *
 * A socket is the object of open file descriptions in a struct
 * file_table (sys/file_table.h): its handle is the badge of its
 * descriptors. Its receive queue holds messages (a stream's segments, a
 * datagram or a record) or, for a listening socket, the embryonic
 * sockets of connections not yet accepted. A message's bytes are counted
 * against its sender's send buffer until they are read, as Linux charges
 * an skb's truesize to the sender's sk_wmem_alloc.
 *
 * Sockets are counted: their description (until the last descriptor
 * goes, which releases the socket as unix_release_sock does), a peer
 * pointing at them, each message they sent still queued, a listener's
 * queue holding them, a waiter sending or connecting to them. Memory
 * goes with the last count.
 *
 * Blocking as in the pipe core: a call that cannot go on waits on the
 * queue of the socket whose change can let it on (its own for reads,
 * accepts and stream writes; the receiver for a datagram to a full
 * queue; the listener for a connect to a full backlog), holding its
 * description. A changed socket's waiters run again in order. Client
 * memory is reached only through the copy services, and a change is
 * committed only once its copies worked, so a caller that vanished
 * changes nothing.
 */
#ifndef SERVERS_UNIX_CORE_H
#define SERVERS_UNIX_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/client_accounts.h"
#include "sys/file_table.h"
#include "sys/watch.h"

/* What a client may hold (sys/client_accounts.h): each socket is charged
 * to the process that made it (a connection's server side, to the
 * listener's maker) and its user; a process holds as many as it could
 * hold descriptors (RLIMIT_NOFILE's highest, LINUX_MAX_FDS), then
 * socket and socketpair answer -EMFILE, a user but root half the
 * descriptions the table has, then -ENFILE (connect: -ENOMEM, as
 * Linux's when it cannot make the server's side). */
#define UNIX_PROCESS_SOCKETS 4096u
#define UNIX_USER_SOCKETS (FILE_TABLE_CAPACITY / 2)
/* What a user's sockets may have queued (their messages' charges, as
 * SIOCOUTQ counts them), root exempt: every socket's queue comes from
 * the server's 16 MiB, which 35 full send buffers used up. Past it a
 * send waits, or is -EAGAIN, as if its own buffer were full, while the
 * socket has messages of its own queued (their reading wakes it); with
 * none it is -ENOBUFS, Linux's answer when a send finds no memory. */
#define UNIX_USER_QUEUED_BYTES (2u << 20)

/* What a call returns when its caller now waits. */
#define UNIX_QUEUED INT64_MIN
/* A copy service's result when the caller is no longer there. */
#define UNIX_COPY_GONE 1
/* A send's result when the message must carry its sender's credentials
 * (SO_PASSCRED on either side) and the call does not say who sends (it
 * came through the socket, not the session): nothing was done, and the
 * caller sends again with its identity (UNIX_SEND_AS). Positive, above
 * any byte count. */
#define UNIX_NEEDS_IDENTITY ((int64_t)1 << 40)
/* The credentials a receiver with SO_PASSCRED reads for a message that
 * carries none (Linux's pid 0 and overflow ids, scm_recv's munged
 * INVALID_UID and INVALID_GID). */
#define UNIX_OVERFLOW_ID    65534
/* UNIX_RECV's MR1 (above msg_flags): MR4-MR6 are the credentials. */
#define UNIX_RECEIVED_CREDENTIALS ((uint64_t)1 << 32)

/* Linux's socket types. */
#define UNIX_STREAM     1
#define UNIX_DGRAM      2
#define UNIX_RAW        3   /* made a datagram socket, as Linux does */
#define UNIX_SEQPACKET  5

/* Linux's MSG_* flags the server knows. */
#define UNIX_MSG_OOB        0x1
#define UNIX_MSG_PEEK       0x2
#define UNIX_MSG_TRUNC      0x20
#define UNIX_MSG_DONTWAIT   0x40
#define UNIX_MSG_EOR        0x80
#define UNIX_MSG_WAITALL    0x100
#define UNIX_MSG_NOSIGNAL   0x4000
#define UNIX_MSG_CTRUNC     0x8

/* SCM_RIGHTS: Linux's SCM_MAX_FD, the most descriptors one message
 * carries. */
#define UNIX_MAX_RIGHTS     253

/* SOL_SOCKET's options (Linux's numbers). */
#define UNIX_SO_TYPE        3
#define UNIX_SO_ERROR       4
#define UNIX_SO_SNDBUF      7
#define UNIX_SO_RCVBUF      8
#define UNIX_SO_PASSCRED    16
#define UNIX_SO_PEERCRED    17
#define UNIX_SO_RCVLOWAT    18
#define UNIX_SO_ACCEPTCONN  30
#define UNIX_SO_PROTOCOL    38
#define UNIX_SO_DOMAIN      39
#define UNIX_SO_PEEK_OFF    42
#define UNIX_SO_RCVTIMEO    20
#define UNIX_SO_SNDTIMEO    21

/* SO_RCVTIMEO and SO_SNDTIMEO as the protocol carries them (unix.h):
 * 0 waits forever, UNIX_TIMEOUT_NOW never waits, else jiffies at HZ 250. */
#define UNIX_TIMEOUT_NOW    UINT64_MAX

/* Linux's defaults and limits: net.core.wmem_default and rmem_default
 * (and the _max a setsockopt is clamped to), SOCK_MIN_SNDBUF and
 * SOCK_MIN_RCVBUF, net.unix.max_dgram_qlen, net.core.somaxconn. */
#define UNIX_BUFFER_DEFAULT     212992
#define UNIX_SNDBUF_MINIMUM     4608
#define UNIX_RCVBUF_MINIMUM     2304
#define UNIX_DGRAM_QUEUE        10
#define UNIX_SOMAXCONN          4096
/* What a queued message costs its sender beyond its bytes: Linux's
 * skb truesize overhead (struct sk_buff and skb_shared_info). */
#define UNIX_MESSAGE_OVERHEAD   576
/* The most bytes one stream segment takes (Linux: SKB_MAX_HEAD(0) +
 * 32 KiB), and half the send buffer less 64. */
#define UNIX_SEGMENT_MAX        36544

/* sockaddr_un: sun_family and 108 bytes of path. A path name's length
 * counts its NUL, so a 108-byte path without one is 111 (Linux's). */
#define UNIX_ADDRESS_SIZE       110
#define UNIX_ADDRESS_MAX        111
#define UNIX_FAMILY             1       /* AF_UNIX */
#define UNIX_FAMILY_UNSPEC      0

/* shutdown's bits (Linux's RCV_SHUTDOWN, SEND_SHUTDOWN). */
#define UNIX_SHUT_RECEIVE   1u
#define UNIX_SHUT_SEND      2u
#define UNIX_SHUT_BOTH      3u

struct unix_credentials {
    uint32_t pid, uid, gid;
};

/* A sockaddr_un as a caller gave it (length: its address length) with,
 * for a path name, the vfs node it names (0: none was given). */
struct unix_address {
    uint32_t length;
    uint64_t node;
    uint8_t bytes[UNIX_ADDRESS_MAX + 1];
};

/* A descriptor passed with SCM_RIGHTS, held by the server: one of its
 * own sockets (socket: value is a description's handle, whose one
 * reference the right owns) or another server's descriptor (value: the
 * slot main.c kept it in, whose one reference, taken by the sender's
 * FILE_RETAIN, the right owns). */
struct unix_right {
    uint64_t value;
    bool socket;
};

/* Descriptors in order: a message's, those staged under a key, or those
 * held for a receiver under a key (internal.h). */
struct unix_rights;

/* How a finished call that waited is answered. */
struct unix_answer {
    int64_t result;
    unsigned registers;         /* 1, or 2 with values[0], or 4, or 7 */
    uint64_t values[6];         /* MR1 .. MR6 */
    uint64_t descriptor;        /* an accept's new socket: hand out a descriptor */
    /* A small read's bytes (FILE_READ_SMALL), result of them, to send
     * in the answer's registers from MR1 on; else NULL. */
    const uint8_t *bytes;
};

struct unix_services {
    /* Zeroed blocks, and blocks as they come (a message's bytes, which
     * its copy fills); NULL when out of memory. */
    void *(*allocate)(void *context, size_t size);
    void *(*allocate_unzeroed)(void *context, size_t size);
    void (*free)(void *context, void *block);
    /* Bytes [offset, offset + length) of the caller's window: 0,
     * -EFAULT, or UNIX_COPY_GONE. */
    int (*copy_from_caller)(void *context, uint64_t caller, unsigned window, uint64_t offset,
                            void *destination, uint64_t length);
    int (*copy_to_caller)(void *context, uint64_t caller, unsigned window, uint64_t offset,
                          const void *source, uint64_t length);
    /* Answers a waiter: whether its caller took it (if not, the core
     * undoes what the answer gave: an accepted socket goes back). */
    bool (*answer)(void *context, uint64_t caller, const struct unix_answer *answer);
    bool (*caller_waits)(void *context, uint64_t caller);
    /* A waiter left without an answer: its handle is the server's again. */
    void (*forget)(void *context, uint64_t caller);
    /* A call waits again having done this much (bytes written or read):
     * what its caller gets if a signal ends the wait. */
    void (*progress)(void *context, uint64_t caller, uint64_t done);
    /* A poller's notification: signal it once; the core forgets it. */
    void (*notify)(void *context, uint64_t notification);
    /* Drops another server's descriptor the server held (a right not
     * delivered): FILE_CLOSE on it, and its slot freed. */
    void (*release_right)(void *context, uint64_t slot);
    /* A duplicate of another server's descriptor the server held, for a
     * peek (Linux's unix_peek_fds takes another reference to each file):
     * a new slot that owns a reference of its own; 0 if none was made. */
    uint64_t (*duplicate_right)(void *context, uint64_t slot);
    void *context;
};

enum unix_state {
    UNIX_UNCONNECTED,       /* Linux's TCP_CLOSE */
    UNIX_LISTENING,
    UNIX_CONNECTED,         /* TCP_ESTABLISHED (a datagram socket: it has a peer) */
};

struct unix_message;
struct unix_waiter;
struct unix_poller;
struct unix_user;

struct unix_queue {
    struct unix_waiter *first, *last;
};

struct unix_socket {
    struct client_owner owner;  /* charged to its maker (a listener's embryo: the listener's) */
    uint32_t type;
    enum unix_state state;
    uint32_t references;
    bool released;              /* its last description went (Linux's SOCK_DEAD) */
    bool named;
    bool dirty;                 /* on the core's list of sockets to settle */
    uint8_t shutdown;           /* UNIX_SHUT_* */
    int32_t error;              /* pending sk_err, a positive errno */
    uint32_t woken;             /* wake-up keys since it was last settled */
    struct unix_socket *peer;
    struct unix_socket *listener;   /* an embryo's, until accepted */
    struct unix_address name;
    struct unix_credentials credentials;        /* its creator's (stat) */
    struct unix_credentials peer_credentials;   /* SO_PEERCRED */
    bool has_peer_credentials;
    struct unix_message *first, *last;  /* the receive queue */
    uint32_t queue_length;
    uint64_t write_allocated;   /* Linux's sk_wmem_alloc */
    int32_t send_buffer, receive_buffer, receive_lowat, peek_offset;
    uint32_t backlog;           /* Linux's sk_max_ack_backlog */
    bool pass_credentials;
    uint64_t timeout[2];        /* SO_RCVTIMEO, SO_SNDTIMEO (main.c's) */
    uint64_t pair_handle;       /* UNIX_PAIR: the other end, until taken */
    struct unix_rights *staged; /* UNIX_STAGE_RIGHTS's, per key */
    struct unix_rights *held;   /* received, per key, until taken (UNIX_TAKE_RIGHT) */
    uint64_t inode;             /* for fstat */
    /* Its description's handle (0: an embryo, none yet): the rights to
     * it name it, and its references are the file table's. */
    uint64_t handle;
    /* Rights to it in messages (Linux's inflight: unix_inflight when a
     * message takes them, unix_notinflight when it lets them go), and
     * the garbage collector's marks (garbage.c). */
    uint32_t inflight;
    uint32_t gc_count;
    bool gc_candidate;
    struct unix_socket *gc_next, *gc_stack;   /* candidates; reachable to scan */
    struct unix_queue waiters;
    struct unix_poller *pollers;
    struct watch_list watches;
    struct unix_socket *next_named, *next_dirty;
    struct unix_socket *next_socket, *previous_socket;
};

struct unix_core {
    struct unix_services services;
    struct file_table *files;
    struct unix_socket *named;          /* every bound socket */
    struct unix_socket *sockets;        /* every socket */
    struct unix_socket *dirty;
    struct unix_waiter *waiters;        /* every waiter, for prune */
    uint32_t autobind_next;
    uint64_t next_inode;
    struct unix_rights *dropped;        /* rights to our sockets, closed when settling */
    uint64_t inflight;                  /* every socket's in flight (unix_tot_inflight) */
    struct client_accounts accounts;    /* what each client holds: sockets */
    struct unix_user *users;            /* the users with descriptors in flight */
    bool collect;                       /* a socket was released with some in flight */
};

/* A call from a caller that may wait: send, receive, accept or connect. */
enum unix_call_kind {
    UNIX_CALL_RECEIVE,
    UNIX_CALL_SEND,
    UNIX_CALL_ACCEPT,
    UNIX_CALL_CONNECT,
};

struct unix_call {
    enum unix_call_kind kind;
    uint64_t handle;            /* the socket's description */
    uint64_t caller;
    uint64_t length;
    uint32_t flags;             /* MSG_*; accept: SOCK_NONBLOCK for the new socket */
    bool nonblocking;           /* besides MSG_DONTWAIT and the description's O_NONBLOCK */
    bool message_answer;        /* UNIX_RECV's MR1 and MR2, UNIX_SEND's and FILE_WRITE's SIGPIPE mark */
    uint64_t address_room;      /* a receive: room in window 1 for the sender's name */
    /* A send's destination, a connect's name (NULL: none): the caller's
     * while the call runs at once, a waiter's copy in its record. */
    const struct unix_address *address;
    struct unix_credentials who;    /* a connect: the caller */
    bool may_wait;              /* false: the server cannot keep the caller (-ENOMEM) */
    /* A send's descriptors (the call owns them: they go with the message
     * or are released: unix_gather_rights); a receive's key, under which
     * the descriptors of the message it reads are held (0: released,
     * MSG_CTRUNC). */
    struct unix_rights *rights;
    uint64_t key;
    uint32_t rights_received;   /* out: how many are held under key */
    /* Descriptors in flight per user (Linux's user->unix_inflight and
     * too_many_unix_fds): an identified send's count against user (its
     * session's euid) while a message holds them. A limited one (the
     * sender said its RLIMIT_NOFILE soft limit and is not root) is
     * -ETOOMANYREFS when its user already has more than rights_limit in
     * flight. */
    uint32_t user;
    bool limited;
    uint64_t rights_limit;
    /* A small call's data in the server (FILE_READ_SMALL, FILE_WRITE_SMALL:
     * at most a few hundred bytes, and a stream read's SO_RCVLOWAT is 1):
     * a write's bytes, or where a read puts them; NULL: the caller's
     * window 0. A waiter keeps them in its record: a write's copy then
     * claims the caller first (caller_waits), a read is answered before
     * it takes the bytes, so what either commits reaches its caller. */
    uint8_t *bytes;
    /* SCM_CREDENTIALS. A send: identified when the caller's identity is
     * known (UNIX_SEND_AS), sender the credentials its messages carry
     * (the caller's, or claimed: then carried whatever SO_PASSCRED says,
     * as Linux's explicit ones). A receive on a socket with SO_PASSCRED:
     * out, credentials_answer and the credentials of what it read (a
     * stream read does not go past a message with others). */
    bool identified, claimed;
    struct unix_credentials sender;
    bool credentials_answer;
    struct unix_credentials credentials;
    /* Out, for an answer now (a waiter's go in struct unix_answer). */
    bool sigpipe;
    uint32_t message_flags;
    uint32_t address_length;
    uint64_t new_handle;        /* an accept's */
};

void unix_core_init(struct unix_core *core, const struct unix_services *services,
                    struct file_table *files);

/* Process pid ended: the sockets it made that others still hold stay
 * charged to it alone (sys/client_accounts.h). */
void unix_process_ended(struct unix_core *core, uint32_t pid);

/* socket(2): -ESOCKTNOSUPPORT for another type, -EINVAL for flags other
 * than SOCK_NONBLOCK and SOCK_CLOEXEC, -EMFILE (the process holds
 * UNIX_PROCESS_SOCKETS), -ENFILE, -ENOMEM. */
int64_t unix_create(struct unix_core *core, uint32_t type, uint32_t flags,
                    const struct unix_credentials *who, uint64_t *handle);
/* socketpair(2): one end in *handle, the other kept until unix_take_peer. */
int64_t unix_create_pair(struct unix_core *core, uint32_t type, uint32_t flags,
                         const struct unix_credentials *who, uint64_t *handle);
int64_t unix_take_peer(struct unix_core *core, uint64_t handle, uint64_t *other);

int64_t unix_bind(struct unix_core *core, uint64_t handle, const struct unix_address *address);
int64_t unix_listen(struct unix_core *core, uint64_t handle, int64_t backlog,
                    const struct unix_credentials *who);
int64_t unix_shutdown(struct unix_core *core, uint64_t handle, uint64_t how);
/* getsockname (peer false) and getpeername: the name's full length. */
int64_t unix_name(struct unix_core *core, uint64_t handle, bool peer, struct unix_address *name);
/* getsockopt: the value; SO_PEERCRED's credentials in *credentials. */
int64_t unix_get_option(struct unix_core *core, uint64_t handle, uint64_t option,
                        struct unix_credentials *credentials);
int64_t unix_set_option(struct unix_core *core, uint64_t handle, uint64_t option,
                        int64_t value);
/* SIOCINQ (FIONREAD) and SIOCOUTQ. */
int64_t unix_bytes_readable(struct unix_core *core, uint64_t handle);
int64_t unix_bytes_unsent(struct unix_core *core, uint64_t handle);

/* send, receive, accept and connect: the result, or UNIX_QUEUED. */
int64_t unix_call(struct unix_core *core, struct unix_call *call);

/* poll(2): the events among events (POLLHUP, POLLERR always count); if
 * none and notification is not 0 it is kept (*kept) and signalled once
 * when the socket changes. */
int64_t unix_poll(struct unix_core *core, uint64_t handle, uint32_t events,
                  uint64_t notification, bool *kept);
uint32_t unix_events(const struct unix_socket *socket);
bool unix_watch_target(struct unix_core *core, uint64_t handle, struct watch_target *target);
struct unix_socket *unix_socket_of(struct unix_core *core, uint64_t handle);

/* The file table's release: the socket's last description went. */
void unix_release(struct unix_core *core, struct unix_socket *socket);
/* FILE_CLOSE: one reference less, released with the last. */
int unix_close(struct unix_core *core, uint64_t handle);

/* SCM_RIGHTS. Each function here owns the rights it is given: what it
 * does not keep it releases (a socket's description closed, another
 * server's descriptor through services.release_right).
 *
 * UNIX_STAGE_RIGHTS: rights appended to those staged under key (not 0)
 * on the socket; -EINVAL beyond UNIX_MAX_RIGHTS (everything staged
 * under key released too), -EBADF, -ENOMEM. */
int64_t unix_stage_rights(struct unix_core *core, uint64_t handle, uint64_t key,
                          const struct unix_right *rights, unsigned count);
/* A send's rights: those staged under key (0: none) then these, in
 * *gathered (0 when there are none) for unix_call's call->rights. Errors
 * as unix_stage_rights; all released then. */
int64_t unix_gather_rights(struct unix_core *core, uint64_t handle, uint64_t key,
                           const struct unix_right *rights, unsigned count,
                           struct unix_rights **gathered);
/* UNIX_TAKE_RIGHT: the next right held under key, now the caller's: 0,
 * -ENOENT when none is left, -EBADF. */
int64_t unix_take_right(struct unix_core *core, uint64_t handle, uint64_t key,
                        struct unix_right *right);
/* UNIX_DROP_RIGHTS: releases what is held under key. */
int64_t unix_drop_rights(struct unix_core *core, uint64_t handle, uint64_t key);
/* Releases one right (one the server could not hand over). */
void unix_release_right(struct unix_core *core, const struct unix_right *right);
/* Releases a set no call took (unix_call's rights when main.c gives up). */
void unix_release_rights(struct unix_core *core, struct unix_rights *rights);
/* How many descriptors the user has in flight: sent by identified sends
 * and not yet received or discarded. */
uint64_t unix_user_inflight(const struct unix_core *core, uint32_t uid);

/* SCM_CREDENTIALS's check of claimed credentials against the caller's
 * (Linux's scm_check_creds, with what a session's badge knows: its pid,
 * euid and egid): -EINVAL for an id of -1, -EPERM for a pid other than
 * the caller's or a uid or gid other than its effective one, unless the
 * caller's euid is 0. Whether the pid names a process is not known here
 * (the personality asks procmgr: -ESRCH). */
int64_t unix_check_claim(const struct unix_credentials *caller,
                         const struct unix_credentials *claim);

/* Drops every waiter whose caller vanished; returns how many. */
unsigned unix_prune(struct unix_core *core);
unsigned unix_waiter_count(const struct unix_core *core);
unsigned unix_socket_count(const struct unix_core *core);
/* The garbage collector (Linux's unix_gc) now, as unix_settle runs it
 * after a socket was released while rights to sockets were in flight:
 * how many sockets it found unreachable, released by the time it
 * returns. */
unsigned unix_collect(struct unix_core *core);

#endif
