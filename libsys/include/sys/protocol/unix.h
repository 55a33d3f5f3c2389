/*
 * The unix socket protocol (servers/unix; docs/protocols/unix.md): AF_UNIX
 * sockets of the three types, SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET.
 * A socket is a descriptor speaking the file protocol (file.h: read,
 * write, poll, epoll's watches, FIONREAD, fcntl's flags, close; dup and
 * fork through FILE_RETAIN), badged with its open file description in the
 * unix server; the labels below add what is particular to sockets.
 *
 * A process reaches the server through its session (linux_session_slot(
 * SERVER_UNIX), SESSION_BY_PROCESS: the badge carries its pid, euid and
 * egid, which is how the server knows who connects or listens, for
 * SO_PEERCRED). Calls that need the caller's identity go through the
 * session and name the socket by passing its descriptor as capability 0:
 * a capability to the server's own endpoint, which the kernel hands over
 * as its badge (server_received_badge). The others go through the socket.
 *
 * A file-system name is a vfs node of type S_IFSOCK; vfs hands out, for
 * a node being bound or connected to, a capability to this server badged
 * UNIX_NODE_BADGE(inode) (VFS_BIND_SOCKET and VFS_SOCKET_NODE, vfs.h), and
 * the personality passes it on as capability 1 (UNIX_BIND, UNIX_CONNECT)
 * or 0 (UNIX_SEND): the server learns the node from the badge, which
 * nobody else can make. An abstract name (sun_path[0] == 0) is the
 * server's own; the personality sends it as the sockaddr's bytes.
 *
 *   label           through     registers in                   caps in       result; caps out
 *   UNIX_SOCKET     session     type, flags                                  0; cap: the socket
 *   UNIX_PAIR       session     type, flags                                  0; cap: one end (its
 *                   peer waits in it until UNIX_TAKE_PEER)
 *   UNIX_TAKE_PEER  socket                                                   0; cap: the other end
 *                   of the pair made with it (once; -EINVAL after)
 *   UNIX_BIND       session     address length; window 0:      0: socket     0
 *                   the sockaddr_un (R)                        1: node (a path name)
 *   UNIX_LISTEN     session     backlog                        0: socket     0
 *   UNIX_CONNECT    session     address length, nonblocking;   0: socket     0
 *                   window 0: the sockaddr_un (R)              1: node (a path name)
 *   UNIX_ACCEPT     socket      flags (SOCK_NONBLOCK), nonblocking           0; cap: the new socket
 *   UNIX_SEND       socket      length, flags, address length, 0: node (a path    bytes sent
 *                               staging key (0: none)          destination), then
 *                   window 0: the data (R); window 1: the      up to 3 descriptors
 *                   destination sockaddr_un (R) when address   (SCM_RIGHTS)
 *                   length is not 0
 *   UNIX_RECV       socket      length, flags, address room,   bytes (MSG_TRUNC: the datagram's
 *                               key (0: takes no descriptors)  length); MR1: msg_flags out
 *                   window 0: the buffer (W); window 1: room      (MSG_TRUNC, MSG_EOR, MSG_CTRUNC);
 *                   for the sender's sockaddr_un (W)              MR2: the sender address's length;
 *                                                                 MR3: descriptors now held under
 *                                                                 (socket, key)
 *   UNIX_SHUTDOWN   socket      how (SHUT_RD, SHUT_WR, SHUT_RDWR)            0
 *   UNIX_NAME       socket      which (UNIX_NAME_OWN, UNIX_NAME_PEER);       the address's full
 *                   window 0: room for a sockaddr_un (W)                     length (getsockname)
 *   UNIX_GET_OPTION socket      option (SOL_SOCKET's SO_*)                   the value; SO_PEERCRED:
 *                                                                 MR1 pid, MR2 uid, MR3 gid
 *   UNIX_SET_OPTION socket      option, value                                0
 *                   (SO_RCVTIMEO, SO_SNDTIMEO: the value in jiffies at HZ
 *                   250, 0 forever, UINT64_MAX never waits; UNIX_GET_OPTION
 *                   answers it in MR1, MR0 0)
 *   UNIX_STAGE_RIGHTS socket    key (not 0)                    1 to 3        0
 *                                                              descriptors
 *   UNIX_TAKE_RIGHT socket      key                                          0; cap: the next held
 *                   descriptor, in order (-ENOENT: none left)
 *   UNIX_DROP_RIGHTS socket     key                                          0 (what is still held
 *                   under key is released)
 *   UNIX_SEND_AS    session     UNIX_SEND's MR0-MR3; MR4-MR6   0: socket,    as UNIX_SEND
 *                               claimed pid, uid, gid; MR7:    then UNIX_SEND's
 *                               1 if claimed (SCM_CREDENTIALS) caps
 *                               MR8 (with descriptors): the sender's
 *                               RLIMIT_NOFILE soft limit
 *                   windows as UNIX_SEND's
 *
 * SCM_CREDENTIALS and SO_PASSCRED: a message carries credentials when its
 * sender claimed them (UNIX_SEND_AS with MR7) or when the sender's or the
 * receiver's socket has SO_PASSCRED (then the sender's pid, euid and
 * egid, from its session's badge). UNIX_SEND, FILE_WRITE and
 * FILE_WRITE_SMALL say nobody's identity: when it is needed they answer
 * UNIX_IDENTITY_NEEDED having done nothing (descriptors passed with
 * UNIX_SEND are released: send them with UNIX_SEND_AS), and the
 * personality sends again with UNIX_SEND_AS. A claim is checked against
 * the badge as Linux's scm_check_creds does: -EINVAL for a uid or gid of
 * -1, -EPERM for a pid, uid or gid not the caller's (pid, euid, egid)
 * unless its euid is 0. Stricter than Linux: the real and saved ids are
 * not in the badge, so an unprivileged process may claim only its
 * effective ones; and an implicit message carries the effective ids
 * where Linux's carries the real ones. Whether a pid names a process
 * (-ESRCH) the personality asks procmgr before sending. UNIX_RECV on a
 * socket with SO_PASSCRED answers 7 registers: UNIX_RECV_CREDENTIALS in
 * MR1 and the credentials of what it read in MR4-MR6 (a message with
 * none: pid 0, uid and gid 65534, Linux's; a stream read of nothing: 0,
 * 0, 0); a stream read with SO_PASSCRED does not go past a message whose
 * credentials differ from the first one's.
 *
 * types and flags are Linux's (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET
 * 5; SOCK_NONBLOCK is O_NONBLOCK; SOCK_CLOEXEC is the personality's); the
 * address length is socklen_t's, checked as Linux's unix_validate_addr
 * does (-EINVAL below sizeof(sa_family_t) or above sizeof(struct
 * sockaddr_un), a family other than AF_UNIX). The message flags are
 * Linux's MSG_* (MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC,
 * MSG_NOSIGNAL, MSG_EOR); "nonblocking" is 1 when the descriptor is
 * O_NONBLOCK or MSG_DONTWAIT is set, as the personality sees it.
 *
 * Blocking: a call that must wait (a read or UNIX_RECV of an empty
 * socket, a send to a full one, an accept with nobody connecting, a
 * connect to a full backlog) keeps the caller's reply until it can go on,
 * unless nonblocking (-EAGAIN). A signal ends the wait (the personality
 * returns -EINTR or restarts, as for pipes). A socket's SO_RCVTIMEO or
 * SO_SNDTIMEO ends the wait at its deadline: -EAGAIN, or the count moved;
 * a signal ends such a wait with -EINTR (the reply's interrupted result),
 * never restarted.
 *
 * Every reply to FILE_WRITE, FILE_WRITE_SMALL and UNIX_SEND carries a
 * second register, UNIX_REPLY_SIGPIPE when Linux would raise SIGPIPE (a
 * stream write after the peer or this side shut writing: -EPIPE; a
 * seqpacket socket's -EPIPE comes without, as Linux's unix_dgram_sendmsg
 * raises none), which the personality raises unless MSG_NOSIGNAL.
 *
 * SCM_RIGHTS: the personality sends FILE_RETAIN for each descriptor it
 * passes, so each right the server holds owns one reference. A send's
 * descriptors are those staged under its key (UNIX_STAGE_RIGHTS, more
 * than 3), then its own capabilities after the node; at most 253 in a
 * message (SCM_MAX_FD: -EINVAL beyond, and what was staged under the key
 * is released). They go with the message (a stream: with the first bytes
 * of the send); a send that fails releases them. A receive that reads a
 * message with descriptors holds them for the receiver under (socket,
 * key), replacing what was held there, and answers their number in MR3;
 * a stream read stops after such a message. MSG_PEEK leaves them in
 * the message and holds duplicates instead (each a reference of its
 * own, as Linux's unix_peek_fds). Key 0 (and FILE_READ): they are
 * released (a peek's: none made), MSG_CTRUNC. UNIX_TAKE_RIGHT hands them out one per
 * call, UNIX_DROP_RIGHTS releases the rest. A capability that is neither
 * another server's nor one of this server's sockets is -EBADF. Staged
 * and held descriptors go when the socket's description closes; a
 * message's when it is discarded. A UNIX_SEND_AS's descriptors count
 * against the session's euid while in flight; one that gives MR8 from a
 * user other than root is -ETOOMANYREFS while that user has more than
 * MR8 in flight (Linux's too_many_unix_fds).
 *
 * Errors are Linux's (docs/protocols/unix.md): -EINVAL for a socket bound
 * twice or a bad address, -EADDRINUSE for an abstract name in use,
 * -ECONNREFUSED for a name nobody listens on, -EPROTOTYPE for a name of
 * another type, -EISCONN, -ENOTCONN, -EOPNOTSUPP (listen or accept on a
 * datagram socket), -EMSGSIZE, -EPIPE, -ECONNRESET, -EDESTADDRREQ, and
 * -ENOSYS for an unknown label (the personality turns that into
 * -ENOTSOCK: the descriptor is some other server's).
 */
#ifndef SYS_PROTOCOL_UNIX_H
#define SYS_PROTOCOL_UNIX_H

#include <stdint.h>
#include "sys/protocol/pipe.h"

enum unix_label {
    UNIX_SOCKET = 0xc00,
    UNIX_PAIR,
    UNIX_TAKE_PEER,
    UNIX_BIND,
    UNIX_LISTEN,
    UNIX_CONNECT,
    UNIX_ACCEPT,
    UNIX_SEND,
    UNIX_RECV,
    UNIX_SHUTDOWN,
    UNIX_NAME,
    UNIX_GET_OPTION,
    UNIX_SET_OPTION,
    UNIX_STAGE_RIGHTS,
    UNIX_TAKE_RIGHT,
    UNIX_DROP_RIGHTS,
    UNIX_SEND_AS,
};

/* A send's answer when the receiver must learn who sends (SO_PASSCRED)
 * and the call did not say: nothing was done; send again as
 * UNIX_SEND_AS. Positive, above any byte count. */
#define UNIX_IDENTITY_NEEDED    ((int64_t)1 << 40)
/* UNIX_RECV's MR1, above msg_flags: MR4-MR6 are the message's
 * credentials (SO_PASSCRED). */
#define UNIX_RECV_CREDENTIALS   ((uint64_t)1 << 32)

/* SCM_MAX_FD: the most descriptors one message carries. */
#define UNIX_MAX_RIGHTS_PER_MESSAGE 253

/* Badges: sessions and vfs's nodes are marked; anything else is a
 * socket's open file description. */
#define UNIX_SESSION_FLAG       (1ULL << 62)
#define UNIX_NODE_FLAG          (1ULL << 61)
#define UNIX_NODE_BADGE(inode)  (UNIX_NODE_FLAG | (uint64_t)(inode))

#define UNIX_NAME_OWN           0
#define UNIX_NAME_PEER          1

/* Reply register 1 of a write (above): the same mark as a pipe's. */
#define UNIX_REPLY_SIGPIPE      PIPE_REPLY_SIGPIPE

#endif
