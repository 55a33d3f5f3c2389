/*
 * AF_UNIX sockets (sys/protocol/unix.h, docs/protocols/unix.md): each call
 * is one or two calls to the unix server; a file-system name is first
 * looked up or made by vfs, whose answer is the node's capability the
 * unix server takes. A socket is a descriptor like any other, so read,
 * write, poll, dup, fork and close need nothing here. A descriptor of
 * another server answers the socket labels -ENOSYS: ENOTSOCK here.
 *
 * Descriptors travel with SCM_RIGHTS: the sender retains each (FILE_RETAIN,
 * as dup does) and passes its capability, up to three a message, staging
 * the rest first; the receiver takes them one by one into new
 * descriptors (docs/protocols/unix.md).
 *
 * Credentials travel with SCM_CREDENTIALS and SO_PASSCRED: who sends is
 * known to the server only through the session's badge, so a send that
 * claims credentials or passes descriptors goes through the session
 * (UNIX_SEND_AS), and a plain one the server answers
 * UNIX_IDENTITY_NEEDED (the receiver wants to know) goes again that way;
 * write() and writev() too (linux_socket_write_as). A receiver with
 * SO_PASSCRED gets an SCM_CREDENTIALS message before any SCM_RIGHTS one.
 *
 * SO_RCVTIMEO and SO_SNDTIMEO are kept and timed by the server: a
 * timed call that a signal interrupts ends with the -EINTR the server
 * left with its reply (no restart, as Linux's), one that timed out with
 * -EAGAIN or the count it moved (server_call.c passes both on).
 *
 * recvmmsg's timeout is Linux's: looked at after each message, never
 * ending a wait.
 */
#include "clock_math.h"
#include "descriptors.h"
#include "file_transfer.h"
#include "iovec.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"
#include "sys/syscall.h"

#define SOCKET_FLAGS    (LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)
#define GATHERED_LIMIT  4096

/* A sockaddr_un as the caller gave it, with a NUL after it (a path name
 * need not carry its own). */
struct socket_address {
    uint8_t bytes[LINUX_SOCKADDR_UN_SIZE + 1];
    uint64_t length;
};

static uint64_t unix_session(void)
{
    return linux_session_slot(SERVER_UNIX);
}

static int64_t not_a_socket(int64_t result)
{
    return result == -LINUX_ENOSYS ? -LINUX_ENOTSOCK : result;
}

/* The same through the session, which names the socket by its
 * descriptor: the server answers -EBADF for one that is not its own. */
static int64_t session_call(uint64_t label, unsigned length, unsigned caps, unsigned windows,
                            uint64_t mr[4])
{
    int64_t result = linux_call(unix_session(), label, length, caps, windows, mr);
    return result == -LINUX_EBADF ? -LINUX_ENOTSOCK : result;
}

#define LINUX_AF_UNSPEC 0

/* Copies in a caller's address, checked as Linux's unix_validate_addr
 * (but for AF_UNSPEC when unspecified_too: a datagram socket's connect
 * to it disconnects, which the server decides). */
static int64_t read_address(uint64_t address, int64_t length, struct socket_address *name,
                            bool unspecified_too)
{
    if (length < (int64_t)sizeof(uint16_t) || length > LINUX_SOCKADDR_UN_SIZE)
        return -LINUX_EINVAL;
    if (!linux_user_range(address, (uint64_t)length))
        return -LINUX_EFAULT;
    linux_touch_pages(address, (uint64_t)length, false);
    __builtin_memcpy(name->bytes, (const void *)(uintptr_t)address, (uint64_t)length);
    name->bytes[length] = 0;
    name->length = (uint64_t)length;
    uint16_t family = (uint16_t)(name->bytes[0] | name->bytes[1] << 8);
    bool known = family == LINUX_AF_UNIX || (unspecified_too && family == LINUX_AF_UNSPEC);
    return known ? 0 : -LINUX_EINVAL;
}

/* A file-system name (not abstract, not the bare family of autobind). */
static bool names_path(const struct socket_address *name)
{
    return name->bytes[0] == LINUX_AF_UNIX && name->length > LINUX_SUN_PATH_OFFSET &&
           name->bytes[LINUX_SUN_PATH_OFFSET] != 0;
}

/* vfs's VFS_BIND_SOCKET or VFS_SOCKET_NODE for a path name: the node's
 * capability lands in node. */
static int64_t socket_node(uint64_t label, const struct socket_address *name, uint64_t node)
{
    uint64_t length;
    const char *path = (const char *)&name->bytes[LINUX_SUN_PATH_OFFSET];
    int64_t result = linux_path_argument(LINUX_AT_FDCWD, path, false, &length);
    if (result < 0)
        return result;
    uint64_t mr[4] = {length, linux_apply_umask(0777), 0, 0};
    return linux_call_receiving(node, LINUX_SLOT_VFS, label, label == VFS_BIND_SOCKET ? 2 : 1,
                                1, 1, mr);
}

/* A call through the session that names the socket (capability 0) and,
 * for a path name, its node (capability 1), with the address as window 0. */
static int64_t call_with_name(uint64_t label, uint64_t socket, const struct socket_address *name,
                              uint64_t node, uint64_t argument)
{
    tern_set_cap(0, socket);
    if (node)
        tern_set_cap(1, node);
    linux_set_window(0, (uint64_t)(uintptr_t)name->bytes, name->length, TERN_WINDOW_READ);
    uint64_t mr[4] = {name->length, argument, 0, 0};
    return session_call(label, 2, node ? 2 : 1, 1, mr);
}

/* Copies a name the server gave (full_length bytes, at most room of
 * them) out to the caller, and its full length, as Linux's
 * move_addr_to_user. */
static int64_t write_address(uint64_t address, uint64_t length_pointer, int32_t room,
                             const uint8_t *name, uint64_t full_length)
{
    uint64_t copied = full_length < (uint64_t)room ? full_length : (uint64_t)room;
    if (copied && !linux_user_range(address, copied))
        return -LINUX_EFAULT;
    linux_touch_pages(address, copied, true);
    __builtin_memcpy((void *)(uintptr_t)address, name, copied);
    *(int32_t *)(uintptr_t)length_pointer = (int32_t)full_length;
    return 0;
}

/* The room a caller's socklen_t says it has, read where it points. */
static int64_t read_room(uint64_t length_pointer, int32_t *room)
{
    if (!linux_user_range(length_pointer, sizeof *room))
        return -LINUX_EFAULT;
    linux_touch_pages(length_pointer, sizeof *room, true);
    *room = *(const int32_t *)(uintptr_t)length_pointer;
    return *room < 0 ? -LINUX_EINVAL : 0;
}

#define LINUX_AF_INET   2
#define LINUX_AF_INET6  10
#define LINUX_NPROTO    46      /* families Linux numbers */
#define LINUX_SOCK_MAX  11      /* types it numbers */

/* Linux's checks in its order (__sys_socket, __sock_create, unix_create;
 * the server refuses the types it does not make: -ESOCKTNOSUPPORT). AF_UNIX
 * is the only family here; a pair of the internet families, which Linux
 * has, is -EOPNOTSUPP there as here (they make no pairs). */
static int64_t check_type(int64_t domain, int64_t type, int64_t protocol, bool pair)
{
    if (type & ~(int64_t)(LINUX_SOCK_TYPE_MASK | SOCKET_FLAGS))
        return -LINUX_EINVAL;
    if (domain < 0 || domain >= LINUX_NPROTO)
        return -LINUX_EAFNOSUPPORT;
    if ((type & LINUX_SOCK_TYPE_MASK) >= LINUX_SOCK_MAX)
        return -LINUX_EINVAL;
    if (pair && (domain == LINUX_AF_INET || domain == LINUX_AF_INET6))
        return -LINUX_EOPNOTSUPP;
    if (domain != LINUX_AF_UNIX)
        return -LINUX_EAFNOSUPPORT;
    if (protocol != 0 && protocol != LINUX_AF_UNIX)
        return -LINUX_EPROTONOSUPPORT;
    return 0;
}

/* A new socket through the session (UNIX_SOCKET or UNIX_PAIR) into a
 * reserved descriptor's slot. The server answers -ESOCKTNOSUPPORT or
 * -EINVAL for the types it does not make. */
static int64_t make_socket(uint64_t label, int64_t type, uint64_t slot)
{
    uint64_t mr[4] = {(uint64_t)(type & LINUX_SOCK_TYPE_MASK),
                      (uint64_t)(type & LINUX_SOCK_NONBLOCK), 0, 0};
    return linux_call_receiving(slot, unix_session(), label, 2, 0, 0, mr);
}

int64_t sys_socket(int64_t domain, int64_t type, int64_t protocol)
{
    int64_t result = check_type(domain, type, protocol, false);
    if (result < 0)
        return result;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    result = make_socket(UNIX_SOCKET, type, linux_fd_slot((unsigned)fd));
    return linux_fd_settle((unsigned)fd, result, type & LINUX_SOCK_CLOEXEC);
}

int64_t sys_socketpair(int64_t domain, int64_t type, int64_t protocol, int32_t *fds)
{
    int64_t result = check_type(domain, type, protocol, true);
    if (result < 0)
        return result;
    if (!linux_user_range((uint64_t)(uintptr_t)fds, 2 * sizeof *fds))
        return -LINUX_EFAULT;
    linux_touch_pages((uint64_t)(uintptr_t)fds, 2 * sizeof *fds, true);
    int64_t first = linux_fd_reserve(0);
    if (first < 0)
        return first;
    int64_t second = linux_fd_reserve(0);
    if (second < 0) {
        linux_fd_release((unsigned)first);
        return second;
    }
    uint64_t first_slot = linux_fd_slot((unsigned)first);
    result = make_socket(UNIX_PAIR, type, first_slot);
    if (result >= 0) {
        uint64_t mr[4] = {0, 0, 0, 0};
        result = linux_call_receiving(linux_fd_slot((unsigned)second), first_slot,
                                      UNIX_TAKE_PEER, 0, 0, 0, mr);
        if (result < 0)
            linux_capability_close(first_slot);
    }
    bool cloexec = type & LINUX_SOCK_CLOEXEC;
    linux_fd_settle((unsigned)first, result, cloexec);
    linux_fd_settle((unsigned)second, result, cloexec);
    if (result < 0)
        return result;
    fds[0] = (int32_t)first;
    fds[1] = (int32_t)second;
    return 0;
}

/* Takes a path name out of vfs again when the socket did not take it
 * (bound already, or not a socket): Linux's unix_bind_bsd unlinks it. */
static void unlink_name(const struct socket_address *name)
{
    uint64_t length;
    const char *path = (const char *)&name->bytes[LINUX_SUN_PATH_OFFSET];
    if (linux_path_argument(LINUX_AT_FDCWD, path, false, &length) == 0) {
        uint64_t mr[4] = {length, 0, 0, 0};
        linux_call(LINUX_SLOT_VFS, VFS_UNLINK, 2, 1, 1, mr);
    }
}

/* bind(2) and connect(2): label through the session, naming the socket
 * and the address; a path name is vfs's first (vfs_label), and the call
 * takes its node. *made_node: vfs made one (bind's), which a failed call
 * leaves behind. */
static int64_t call_by_name(uint64_t label, uint64_t vfs_label, int64_t fd, uint64_t address,
                            int64_t length, struct socket_address *name, bool *made_node)
{
    *made_node = false;
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    int64_t result = read_address(address, length, name, label == UNIX_CONNECT);
    if (result < 0)
        return result;
    if (!names_path(name))
        return call_with_name(label, (uint64_t)socket, name, 0, 0);
    uint64_t node = linux_scratch_slot();
    result = socket_node(vfs_label, name, node);
    if (result < 0)
        return result;
    *made_node = vfs_label == VFS_BIND_SOCKET;
    result = call_with_name(label, (uint64_t)socket, name, node, 0);
    linux_slot_delete(node);
    return result;
}

int64_t sys_bind(int64_t fd, uint64_t address, int64_t length)
{
    struct socket_address name;
    bool made_node;
    int64_t result = call_by_name(UNIX_BIND, VFS_BIND_SOCKET, fd, address, length, &name,
                                  &made_node);
    if (result < 0 && made_node)
        unlink_name(&name);
    return result == -LINUX_EEXIST ? -LINUX_EADDRINUSE : result;
}

int64_t sys_listen(int64_t fd, int64_t backlog)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    tern_set_cap(0, (uint64_t)socket);
    uint64_t mr[4] = {(uint64_t)backlog, 0, 0, 0};
    return session_call(UNIX_LISTEN, 1, 1, 0, mr);
}

int64_t sys_connect(int64_t fd, uint64_t address, int64_t length)
{
    struct socket_address name;
    bool made_node;
    return call_by_name(UNIX_CONNECT, VFS_SOCKET_NODE, fd, address, length, &name, &made_node);
}

/* UNIX_NAME through a socket's slot, copied out as getsockname does. */
static int64_t name_of(uint64_t socket, uint64_t which, uint64_t address, uint64_t length_pointer,
                       int32_t room)
{
    uint8_t name[LINUX_SOCKADDR_UN_SIZE];
    linux_set_window(0, (uint64_t)(uintptr_t)name, sizeof name, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {which, 0, 0, 0};
    int64_t result = not_a_socket(linux_call(socket, UNIX_NAME, 1, 0, 1, mr));
    if (result < 0)
        return result;
    uint64_t full = (uint64_t)result < sizeof name ? (uint64_t)result : sizeof name;
    return write_address(address, length_pointer, room, name, full);
}

int64_t sys_accept4(int64_t fd, uint64_t address, uint64_t length_pointer, int64_t flags)
{
    if (flags & ~(int64_t)SOCKET_FLAGS)
        return -LINUX_EINVAL;
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    int32_t room = 0;
    if (address) {
        int64_t result = read_room(length_pointer, &room);
        if (result < 0)
            return result;
    }
    int64_t accepted = linux_fd_reserve(0);
    if (accepted < 0)
        return accepted;
    uint64_t slot = linux_fd_slot((unsigned)accepted);
    uint64_t mr[4] = {(uint64_t)(flags & LINUX_SOCK_NONBLOCK), 0, 0, 0};
    int64_t result = not_a_socket(linux_call_receiving(slot, (uint64_t)socket, UNIX_ACCEPT, 2,
                                                       0, 0, mr));
    result = linux_fd_settle((unsigned)accepted, result, flags & LINUX_SOCK_CLOEXEC);
    if (result >= 0 && address)
        name_of(slot, UNIX_NAME_PEER, address, length_pointer, room);
    return result;
}

static int64_t socket_name(int64_t fd, uint64_t which, uint64_t address, uint64_t length_pointer)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    int32_t room;
    int64_t result = read_room(length_pointer, &room);
    if (result < 0)
        return result;
    return name_of((uint64_t)socket, which, address, length_pointer, room);
}

int64_t sys_getsockname(int64_t fd, uint64_t address, uint64_t length_pointer)
{
    return socket_name(fd, UNIX_NAME_OWN, address, length_pointer);
}

int64_t sys_getpeername(int64_t fd, uint64_t address, uint64_t length_pointer)
{
    return socket_name(fd, UNIX_NAME_PEER, address, length_pointer);
}

int64_t sys_shutdown(int64_t fd, int64_t how)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    if (how < LINUX_SHUT_RD || how > LINUX_SHUT_RDWR)
        return -LINUX_EINVAL;
    return not_a_socket(linux_request((uint64_t)socket, UNIX_SHUTDOWN, 1, (uint64_t)how, 0, 0, 0));
}

/* ---- Data ---- */

/* Whether a socket is a datagram one: only they look a destination up
 * (a stream socket's answer is -EISCONN or -EOPNOTSUPP, a seqpacket
 * socket's ignores it, whatever the path names). */
static bool is_datagram(uint64_t socket)
{
    return linux_request(socket, UNIX_GET_OPTION, 1, LINUX_SO_TYPE, 0, 0, 0) == LINUX_SOCK_DGRAM;
}

/* ---- Descriptors passed (SCM_RIGHTS) ---- */

#define LINUX_SCM_RIGHTS        1
#define LINUX_SCM_CREDENTIALS   2
#define LINUX_SCM_MAX_FD        253
#define CMSG_HEADER_SIZE        16      /* struct cmsghdr */

static uint64_t cmsg_align(uint64_t length)
{
    return (length + 7) & ~7ULL;
}

/* A sendmsg's SCM_RIGHTS descriptors: their slots, each retained (one
 * more reference, which the message owns from then on). */
struct passed_rights {
    uint64_t slots[LINUX_SCM_MAX_FD];
    unsigned count;
};

static void release_rights(const struct passed_rights *rights, unsigned from)
{
    uint64_t pid = (uint64_t)linux_process_info()->pid;
    for (unsigned i = from; i < rights->count; i++)
        linux_request(rights->slots[i], FILE_CLOSE, 1, pid, 0, 0, 0);
}

/* A sendmsg's SCM_CREDENTIALS (struct ucred), the last one's. */
struct claimed_credentials {
    uint32_t pid, uid, gid;
    bool claimed;
};

#define UCRED_SIZE 12

/* A claimed pid that names no process is -ESRCH (Linux's find_get_pid),
 * which only procmgr knows: asked (kill's signal 0) when the server
 * would let the claim through, for root claiming another pid. The
 * server checks the claim itself (unix_check_claim). */
static int64_t check_claimed_pid(const struct claimed_credentials *claim)
{
    if (!claim->claimed || claim->uid == UINT32_MAX || claim->gid == UINT32_MAX ||
        claim->pid == (uint32_t)linux_process_info()->pid || sys_geteuid() != 0)
        return 0;
    if ((int32_t)claim->pid <= 0)
        return -LINUX_ESRCH;
    int64_t result = sys_kill((int32_t)claim->pid, 0);
    return result == -LINUX_ESRCH ? result : 0;
}

/* Reads a sendmsg's control messages as Linux's __scm_send does: another
 * level's are ignored, SCM_RIGHTS's descriptors are gathered (at most
 * 253), SCM_CREDENTIALS's claim kept (its length must be a ucred's),
 * anything else is -EINVAL. Then retains the descriptors. */
static int64_t read_control(uint64_t control, uint64_t length, struct passed_rights *rights,
                            struct claimed_credentials *claim)
{
    rights->count = 0;
    claim->claimed = false;
    if (!length)
        return 0;
    if (!linux_user_range(control, length))
        return -LINUX_EFAULT;
    linux_touch_pages(control, length, false);
    for (uint64_t offset = 0; offset + CMSG_HEADER_SIZE <= length;) {
        const uint8_t *header = (const uint8_t *)(uintptr_t)(control + offset);
        uint64_t cmsg_length = *(const uint64_t *)header;
        int32_t level = *(const int32_t *)(header + 8);
        int32_t type = *(const int32_t *)(header + 12);
        if (cmsg_length < CMSG_HEADER_SIZE || cmsg_length > length - offset)
            return -LINUX_EINVAL;
        if (level == LINUX_SOL_SOCKET && type == LINUX_SCM_CREDENTIALS) {
            if (cmsg_length != CMSG_HEADER_SIZE + UCRED_SIZE)
                return -LINUX_EINVAL;
            const uint32_t *ucred = (const uint32_t *)(header + CMSG_HEADER_SIZE);
            *claim = (struct claimed_credentials){ucred[0], ucred[1], ucred[2], true};
        } else if (level == LINUX_SOL_SOCKET && type != LINUX_SCM_RIGHTS) {
            return -LINUX_EINVAL;
        } else if (level == LINUX_SOL_SOCKET) {
            const int32_t *fds = (const int32_t *)(header + CMSG_HEADER_SIZE);
            uint64_t count = (cmsg_length - CMSG_HEADER_SIZE) / sizeof *fds;
            if (rights->count + count > LINUX_SCM_MAX_FD)
                return -LINUX_EINVAL;
            for (uint64_t i = 0; i < count; i++) {
                int64_t slot = linux_fd_capability(fds[i]);
                if (slot < 0)
                    return slot;
                rights->slots[rights->count++] = (uint64_t)slot;
            }
        }
        offset += cmsg_align(cmsg_length);
    }
    int64_t found = check_claimed_pid(claim);
    if (found < 0)
        return found;
    for (unsigned i = 0; i < rights->count; i++) {
        int64_t result = linux_request(rights->slots[i], FILE_RETAIN, 0, 0, 0, 0, 0);
        if (result < 0) {
            rights->count = i;
            release_rights(rights, 0);
            return result;
        }
    }
    return 0;
}

/* All but the last few rights go ahead of the message, three a call,
 * under this thread's key; the rest (*first on) go with it. */
static int64_t stage_rights(uint64_t socket, const struct passed_rights *rights, unsigned room,
                            unsigned *first)
{
    unsigned staged = 0;
    while (rights->count - staged > room) {
        unsigned batch = rights->count - staged - room;
        batch = batch > TERN_MSG_MAX_CAPS ? TERN_MSG_MAX_CAPS : batch;
        for (unsigned i = 0; i < batch; i++)
            tern_set_cap(i, rights->slots[staged + i]);
        uint64_t mr[4] = {linux_thread_id(), 0, 0, 0};
        int64_t result = not_a_socket(linux_call(socket, UNIX_STAGE_RIGHTS, 1, batch, 0, mr));
        if (result < 0) {
            /* The unix server released what it had (a descriptor of
             * another server kept none); the rest are still ours. */
            release_rights(rights, result == -LINUX_ENOTSOCK ? staged : staged + batch);
            return result;
        }
        staged += batch;
    }
    *first = staged;
    return staged ? (int64_t)linux_thread_id() : 0;
}

/* The send itself: UNIX_SEND through the socket, or UNIX_SEND_AS
 * through the session with the socket as capability 0 and the claim (if
 * any) in MR4-MR7; caps[0..count) follow. */
static int64_t send_call(uint64_t socket, bool as, const uint64_t *caps, unsigned count,
                         unsigned windows, uint64_t mr[4],
                         const struct claimed_credentials *claim)
{
    unsigned index = 0;
    if (as)
        tern_set_cap(index++, socket);
    for (unsigned i = 0; i < count; i++)
        tern_set_cap(index++, caps[i]);
    if (!as)
        return not_a_socket(linux_write_call(socket, UNIX_SEND, 4, index, windows, mr));
    bool claimed = claim && claim->claimed;
    tern_set_mr(4, claimed ? claim->pid : 0);
    tern_set_mr(5, claimed ? claim->uid : 0);
    tern_set_mr(6, claimed ? claim->gid : 0);
    tern_set_mr(7, claimed);
    int64_t result = linux_write_call(unix_session(), UNIX_SEND_AS, 8, index, windows, mr);
    return result == -LINUX_EBADF ? -LINUX_ENOTSOCK : result;
}

/* One UNIX_SEND of a buffer to the destination name (NULL: the peer),
 * with the descriptors passed (NULL: none), which the server releases if
 * the send fails, and the credentials claimed (NULL: none; one not
 * claimed: the sender's identity is needed). One with descriptors or
 * credentials goes through the session (UNIX_SEND_AS); so does
 * a plain one again when the server needs its sender's identity. */
static int64_t send_buffer(uint64_t socket, uint64_t buffer, uint64_t length, uint64_t flags,
                           const struct socket_address *name, const struct passed_rights *rights,
                           const struct claimed_credentials *claim)
{
    bool as = claim || (rights && rights->count);
    uint64_t node = 0;
    uint64_t caps[TERN_MSG_MAX_CAPS];
    unsigned windows = 1, count = 0;
    if (name) {
        if (names_path(name) && is_datagram(socket)) {
            node = linux_scratch_slot();
            int64_t result = socket_node(VFS_SOCKET_NODE, name, node);
            if (result < 0) {
                if (rights)
                    release_rights(rights, 0);
                return result;
            }
            caps[count++] = node;
        }
        windows = 2;
    }
    uint64_t key = 0;
    unsigned first = 0;
    if (rights && rights->count) {
        int64_t staged = stage_rights(socket, rights, TERN_MSG_MAX_CAPS - count - 1, &first);
        if (staged < 0) {
            if (node)
                linux_slot_delete(node);
            return staged;
        }
        key = (uint64_t)staged;
        for (unsigned i = first; i < rights->count; i++)
            caps[count++] = rights->slots[i];
    }
    if (length > LINUX_MAX_RW_COUNT)
        length = LINUX_MAX_RW_COUNT;
    int64_t result;
    for (;;) {
        linux_set_window(0, buffer, length, TERN_WINDOW_READ);
        if (name)
            linux_set_window(1, (uint64_t)(uintptr_t)name->bytes, name->length,
                             TERN_WINDOW_READ);
        uint64_t mr[4] = {length, flags, name ? name->length : 0, key};
        result = send_call(socket, as, caps, count, windows, mr, claim);
        if (result != UNIX_IDENTITY_NEEDED || as)
            break;
        as = true;      /* a plain send: nothing passed, nothing lost */
    }
    if (result == UNIX_IDENTITY_NEEDED)
        result = -LINUX_EIO;        /* a server that asks again */
    if (node)
        linux_slot_delete(node);
    if (result == -LINUX_ENOTSOCK && rights)
        release_rights(rights, first);      /* another server kept none */
    return result;
}

int64_t linux_socket_write_as(uint64_t slot, uint64_t buffer, uint64_t length)
{
    struct claimed_credentials none = {0, 0, 0, false};
    return send_buffer(slot, buffer, length, 0, 0, 0, &none);
}

/* SIGPIPE for a stream that cannot take the data, when the server's
 * reply says so, unless MSG_NOSIGNAL. */
static int64_t sent(int64_t result, uint64_t flags)
{
    bool marked = (result == -LINUX_EPIPE || result > 0) &&
                  linux_thread_state()->reply_asked_sigpipe;
    if (marked && !(flags & LINUX_MSG_NOSIGNAL))
        linux_raise_signal(LINUX_SIGPIPE, PROC_TGKILL_AS_KILL);
    return result;
}

int64_t sys_sendto(int64_t fd, uint64_t buffer, uint64_t length, uint64_t flags,
                   uint64_t address, int64_t address_length)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    struct socket_address name;
    bool named = address && address_length;
    if (named) {
        int64_t result = read_address(address, address_length, &name, false);
        if (result < 0)
            return result;
    }
    return sent(send_buffer((uint64_t)socket, buffer, length, flags, named ? &name : 0, 0, 0),
                flags);
}

/* One UNIX_RECV into a buffer; the sender's name into name (room for a
 * sockaddr_un) when it is not NULL, its length in *name_length, the
 * message flags in *message_flags. */
static int64_t receive_buffer(uint64_t socket, uint64_t buffer, uint64_t length, uint64_t flags,
                              uint8_t *name, uint64_t *name_length, uint64_t *message_flags,
                              uint64_t key, uint64_t *rights_held,
                              struct claimed_credentials *credentials)
{
    if (length > LINUX_MAX_RW_COUNT)
        length = LINUX_MAX_RW_COUNT;
    linux_set_window(0, buffer, length, TERN_WINDOW_WRITE);
    if (name)
        linux_set_window(1, (uint64_t)(uintptr_t)name, LINUX_SOCKADDR_UN_SIZE, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {length, flags, name ? LINUX_SOCKADDR_UN_SIZE : 0, key};
    int64_t result = not_a_socket(linux_call(socket, UNIX_RECV, 4, 0, name ? 2 : 1, mr));
    if (result >= 0) {
        *message_flags = (uint32_t)mr[1];
        *name_length = mr[2] < LINUX_SOCKADDR_UN_SIZE ? mr[2] : LINUX_SOCKADDR_UN_SIZE;
        *rights_held = mr[3];
        /* SO_PASSCRED: the credentials of what was read. */
        bool passed = mr[1] & UNIX_RECV_CREDENTIALS;
        if (credentials)
            *credentials = (struct claimed_credentials){
                passed ? (uint32_t)tern_get_mr(4) : 0, passed ? (uint32_t)tern_get_mr(5) : 0,
                passed ? (uint32_t)tern_get_mr(6) : 0, passed};
    }
    return result;
}

int64_t sys_recvfrom(int64_t fd, uint64_t buffer, uint64_t length, uint64_t flags,
                     uint64_t address, uint64_t length_pointer)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    int32_t room = 0;
    if (address) {
        int64_t result = read_room(length_pointer, &room);
        if (result < 0)
            return result;
    }
    uint8_t name[LINUX_SOCKADDR_UN_SIZE];
    uint64_t name_length = 0, message_flags = 0, rights_held = 0;
    int64_t result = receive_buffer((uint64_t)socket, buffer, length, flags, address ? name : 0,
                                    &name_length, &message_flags, 0, &rights_held, 0);
    if (result >= 0 && address) {
        int64_t error = write_address(address, length_pointer, room, name, name_length);
        if (error < 0)
            return error;
    }
    return result;
}

/* struct msghdr as arm64 lays it out. */
struct linux_msghdr {
    uint64_t name;
    uint32_t name_length;
    uint32_t padding;
    uint64_t iov;
    uint64_t iov_count;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t padding2;
};

/* The message's data as one buffer: its only one, or the small total
 * gathered in (or to be scattered from) gathered; else the first. */
/* A message's data as one buffer, as a datagram or record must go: its
 * only buffer, or all of them gathered in (or to be scattered from) one
 * here: on the stack up to 4 KiB, beyond in a mapping made for the call. */
struct message_data {
    const struct linux_iovec *iov;
    int count;
    uint64_t buffer, length;
    uint64_t mapped;            /* the mapping's length, 0 if none */
    uint8_t stack[GATHERED_LIMIT];
};

static int64_t message_data_open(struct message_data *data, const struct linux_iovec *iov,
                                 int64_t count, int64_t total, bool sending)
{
    data->iov = iov;
    data->count = (int)count;
    data->mapped = 0;
    if (count <= 1) {
        data->buffer = count ? iov[0].base : 0;
        data->length = count ? iov[0].length : 0;
        return 0;
    }
    uint8_t *into = data->stack;
    if (total > GATHERED_LIMIT) {
        uint64_t size = ((uint64_t)total + LINUX_PAGE_SIZE - 1) & ~(uint64_t)(LINUX_PAGE_SIZE - 1);
        int64_t address = sys_mmap(0, size, LINUX_PROT_READ | LINUX_PROT_WRITE,
                                   LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
        if (address < 0)
            return address;
        into = (uint8_t *)(uintptr_t)address;
        data->mapped = size;
    }
    if (sending)
        iovec_gather(iov, (int)count, into);
    data->buffer = (uint64_t)(uintptr_t)into;
    data->length = (uint64_t)total;
    return 0;
}

/* Scatters a receive's moved bytes back (if gathered) and unmaps. */
static void message_data_close(struct message_data *data, int64_t moved)
{
    if (data->count > 1 && moved > 0)
        iovec_scatter(data->iov, data->count, (const uint8_t *)(uintptr_t)data->buffer,
                      (uint64_t)moved < data->length ? (uint64_t)moved : data->length);
    if (data->mapped)
        sys_munmap(data->buffer, data->mapped);
}

static int64_t read_message_header(uint64_t message, struct linux_msghdr *header, bool writes)
{
    if (!linux_user_range(message, sizeof *header))
        return -LINUX_EFAULT;
    linux_touch_pages(message, sizeof *header, writes);
    *header = *(const struct linux_msghdr *)(uintptr_t)message;
    const struct linux_iovec *iov = (const struct linux_iovec *)(uintptr_t)header->iov;
    int64_t total = iovec_total_length(iov, (int64_t)header->iov_count);
    if (total < 0)
        return total;
    if (header->iov_count && !linux_user_range(header->iov, header->iov_count * sizeof *iov))
        return -LINUX_EFAULT;
    return total;
}

static int64_t send_message(int64_t fd, uint64_t message, uint64_t flags)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    struct linux_msghdr header;
    int64_t total = read_message_header(message, &header, false);
    if (total < 0)
        return total;
    struct socket_address name;
    bool named = header.name && header.name_length;
    if (named) {
        int64_t result = read_address(header.name, header.name_length, &name, false);
        if (result < 0)
            return result;
    }
    struct passed_rights rights;
    struct claimed_credentials claim;
    int64_t retained = read_control(header.control, header.control_length, &rights, &claim);
    if (retained < 0)
        return retained;
    struct message_data data;
    int64_t opened = message_data_open(&data, (const struct linux_iovec *)(uintptr_t)header.iov,
                                       (int64_t)header.iov_count, total, true);
    if (opened < 0) {
        release_rights(&rights, 0);
        return opened;
    }
    int64_t result = send_buffer((uint64_t)socket, data.buffer, data.length, flags,
                                 named ? &name : 0, &rights, claim.claimed ? &claim : 0);
    message_data_close(&data, 0);
    return sent(result, flags);
}

/* SCM_CREDENTIALS into the control buffer as Linux's put_cmsg: cut
 * (MSG_CTRUNC) when it does not fit, nothing below a header. Returns the
 * control length used. */
static uint64_t put_credentials(uint64_t control, uint64_t room,
                                const struct claimed_credentials *credentials,
                                uint64_t *message_flags)
{
    uint64_t length = CMSG_HEADER_SIZE + UCRED_SIZE;
    if (!control || room < CMSG_HEADER_SIZE) {
        *message_flags |= LINUX_MSG_CTRUNC;
        return 0;
    }
    if (room < length) {
        *message_flags |= LINUX_MSG_CTRUNC;
        length = room;
    }
    uint8_t message[CMSG_HEADER_SIZE + UCRED_SIZE];
    *(uint64_t *)message = length;
    ((int32_t *)message)[2] = LINUX_SOL_SOCKET;
    ((int32_t *)message)[3] = LINUX_SCM_CREDENTIALS;
    uint32_t *ucred = (uint32_t *)(message + CMSG_HEADER_SIZE);
    ucred[0] = credentials->pid;
    ucred[1] = credentials->uid;
    ucred[2] = credentials->gid;
    __builtin_memcpy((void *)(uintptr_t)control, message, length);
    uint64_t used = cmsg_align(CMSG_HEADER_SIZE + UCRED_SIZE);
    return used < room ? used : room;
}

/* Takes the descriptors a received message carried (held under this
 * thread's key) into new descriptors, as many as the control buffer
 * holds (Linux's scm_detach_fds); the rest are dropped and the message
 * marked MSG_CTRUNC. Returns the control length used. */
static uint64_t take_rights(uint64_t socket, uint64_t held, uint64_t control, uint64_t room,
                            bool cloexec, uint64_t *message_flags)
{
    uint64_t fit = room >= CMSG_HEADER_SIZE ? (room - CMSG_HEADER_SIZE) / sizeof(int32_t) : 0;
    int32_t *fds = (int32_t *)(uintptr_t)(control + CMSG_HEADER_SIZE);
    uint64_t taken = 0;
    for (; taken < held && taken < fit; taken++) {
        int64_t fd = linux_fd_reserve(0);
        if (fd < 0)
            break;
        uint64_t mr[4] = {linux_thread_id(), 0, 0, 0};
        int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), socket,
                                              UNIX_TAKE_RIGHT, 1, 0, 0, mr);
        if (linux_fd_settle((unsigned)fd, result, cloexec) < 0)
            break;
        fds[taken] = (int32_t)fd;
    }
    if (taken < held) {
        linux_request(socket, UNIX_DROP_RIGHTS, 1, linux_thread_id(), 0, 0, 0);
        *message_flags |= LINUX_MSG_CTRUNC;
    }
    if (!taken)
        return 0;
    uint64_t *header = (uint64_t *)(uintptr_t)control;
    header[0] = CMSG_HEADER_SIZE + taken * sizeof(int32_t);
    ((int32_t *)header)[2] = LINUX_SOL_SOCKET;
    ((int32_t *)header)[3] = LINUX_SCM_RIGHTS;
    uint64_t used = cmsg_align(header[0]);
    return used < room ? used : room;
}

static int64_t receive_message(int64_t fd, uint64_t message, uint64_t flags)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    struct linux_msghdr header;
    int64_t total = read_message_header(message, &header, true);
    if (total < 0)
        return total;
    struct message_data data;
    int64_t opened = message_data_open(&data, (const struct linux_iovec *)(uintptr_t)header.iov,
                                       (int64_t)header.iov_count, total, false);
    if (opened < 0)
        return opened;
    bool takes_rights = header.control && header.control_length >= CMSG_HEADER_SIZE;
    if (takes_rights && !linux_user_range(header.control, header.control_length)) {
        message_data_close(&data, 0);
        return -LINUX_EFAULT;
    }
    if (takes_rights)
        linux_touch_pages(header.control, header.control_length, true);
    uint8_t name[LINUX_SOCKADDR_UN_SIZE];
    uint64_t name_length = 0, message_flags = 0, rights_held = 0;
    struct claimed_credentials credentials;
    int64_t result = receive_buffer((uint64_t)socket, data.buffer, data.length,
                                    flags & ~(uint64_t)LINUX_MSG_CMSG_CLOEXEC,
                                    header.name ? name : 0, &name_length, &message_flags,
                                    takes_rights ? linux_thread_id() : 0, &rights_held,
                                    &credentials);
    message_data_close(&data, result);
    if (result < 0)
        return result;
    uint64_t control_used = 0;
    if (credentials.claimed)
        control_used = put_credentials(takes_rights ? header.control : 0, header.control_length,
                                       &credentials, &message_flags);
    if (rights_held && takes_rights)
        control_used += take_rights((uint64_t)socket, rights_held, header.control + control_used,
                                    header.control_length - control_used,
                                    flags & LINUX_MSG_CMSG_CLOEXEC, &message_flags);
    else if (rights_held)
        message_flags |= LINUX_MSG_CTRUNC;     /* the server released them */
    struct linux_msghdr *out = (struct linux_msghdr *)(uintptr_t)message;
    if (header.name) {
        uint64_t copied = name_length < header.name_length ? name_length : header.name_length;
        if (copied && !linux_user_range(header.name, copied))
            return -LINUX_EFAULT;
        linux_touch_pages(header.name, copied, true);
        __builtin_memcpy((void *)(uintptr_t)header.name, name, copied);
        out->name_length = (uint32_t)name_length;
    }
    out->control_length = control_used;
    out->flags = (int32_t)message_flags;
    return result;
}

int64_t sys_sendmsg(int64_t fd, uint64_t message, uint64_t flags)
{
    return send_message(fd, message, flags);
}

int64_t sys_recvmsg(int64_t fd, uint64_t message, uint64_t flags)
{
    return receive_message(fd, message, flags);
}

/* struct mmsghdr: a msghdr and the length it moved. */
#define MMSGHDR_SIZE        64
#define MMSGHDR_LENGTH      56
#define LINUX_MSG_WAITFORONE 0x10000
#define LINUX_UIO_MAXIOV_MESSAGES 1024

/* sendmmsg and recvmmsg: one message after the other, the count done, or
 * the first one's error when none went (Linux's __sys_sendmmsg). A
 * deadline (counter ticks; 0: none) is looked at after each message, as
 * Linux's do_recvmmsg does: it never ends a wait for one. */
static int64_t each_message(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags,
                            bool sending, uint64_t deadline)
{
    if (count > LINUX_UIO_MAXIOV_MESSAGES)
        count = LINUX_UIO_MAXIOV_MESSAGES;
    uint64_t done = 0;
    for (; done < count; done++) {
        uint64_t message = vector + done * MMSGHDR_SIZE;
        int64_t result = sending ? send_message(fd, message, flags)
                                 : receive_message(fd, message,
                                                   flags & ~(uint64_t)LINUX_MSG_WAITFORONE);
        if (result < 0)
            return done ? (int64_t)done : result;
        *(uint32_t *)(uintptr_t)(message + MMSGHDR_LENGTH) = (uint32_t)result;
        if (!sending && (flags & LINUX_MSG_WAITFORONE))
            flags = (flags & ~(uint64_t)LINUX_MSG_WAITFORONE) | LINUX_MSG_DONTWAIT;
        if (deadline && linux_counter_now() >= deadline)
            return (int64_t)done + 1;
    }
    return (int64_t)done;
}

int64_t sys_sendmmsg(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags)
{
    return each_message(fd, vector, count, flags, true, 0);
}

int64_t sys_recvmmsg(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags,
                     uint64_t timeout)
{
    if (!timeout)
        return each_message(fd, vector, count, flags, false, 0);
    struct linux_timespec *left = (struct linux_timespec *)(uintptr_t)timeout;
    if (!linux_user_range(timeout, sizeof *left))
        return -LINUX_EFAULT;
    linux_touch_pages(timeout, sizeof *left, true);
    if (!timespec_is_valid(left))
        return -LINUX_EINVAL;
    uint64_t frequency = linux_counter_frequency();
    uint64_t deadline = deadline_after(linux_counter_now(), timespec_to_ticks(left, frequency));
    int64_t result = each_message(fd, vector, count, flags, false, deadline);
    /* The time left goes back, as Linux's recvmmsg writes it. */
    uint64_t now = linux_counter_now();
    *left = ticks_to_timespec(now < deadline ? deadline - now : 0, frequency);
    return result;
}

/* ---- Options ---- */

/* Options of a level other than SOL_SOCKET: unix sockets have none
 * (-EOPNOTSUPP), but a descriptor that is no socket is -ENOTSOCK first. */
static int64_t other_level(uint64_t socket)
{
    int64_t result = not_a_socket(
        linux_request(socket, UNIX_GET_OPTION, 1, LINUX_SO_TYPE, 0, 0, 0));
    return result < 0 ? result : -LINUX_EOPNOTSUPP;
}

/* SO_RCVTIMEO and SO_SNDTIMEO (and their _NEW numbers, the same
 * struct on arm64): the server keeps Linux's timeo in jiffies at HZ 250
 * (0: forever; UNIX_TIMEOUT_NEVER_WAITS: a negative time, as Linux's
 * timeo of 0), as sock_set_timeout and sock_get_timeout convert it. */
#define TIMEOUT_HZ                  250
#define UNIX_TIMEOUT_NEVER_WAITS    UINT64_MAX
#define MICROSECONDS                1000000

static int64_t timeout_option(int64_t option)
{
    if (option == LINUX_SO_RCVTIMEO || option == LINUX_SO_RCVTIMEO_NEW)
        return LINUX_SO_RCVTIMEO;
    if (option == LINUX_SO_SNDTIMEO || option == LINUX_SO_SNDTIMEO_NEW)
        return LINUX_SO_SNDTIMEO;
    return 0;
}

static int64_t set_timeout(uint64_t socket, int64_t option, uint64_t value, int64_t length)
{
    int64_t time[2];
    if (length < (int64_t)sizeof time)
        return -LINUX_EINVAL;
    if (!linux_user_range(value, sizeof time))
        return -LINUX_EFAULT;
    linux_touch_pages(value, sizeof time, false);
    __builtin_memcpy(time, (const void *)(uintptr_t)value, sizeof time);
    if (time[1] < 0 || time[1] >= MICROSECONDS)
        return -LINUX_EDOM;
    uint64_t jiffies = 0;
    if (time[0] < 0)
        jiffies = UNIX_TIMEOUT_NEVER_WAITS;
    else if ((time[0] || time[1]) && time[0] < INT64_MAX / TIMEOUT_HZ - 1)
        jiffies = (uint64_t)time[0] * TIMEOUT_HZ +
                  ((uint64_t)time[1] + MICROSECONDS / TIMEOUT_HZ - 1) / (MICROSECONDS / TIMEOUT_HZ);
    return not_a_socket(linux_request(socket, UNIX_SET_OPTION, 2, (uint64_t)option, jiffies,
                                      0, 0));
}

static int64_t get_timeout(uint64_t socket, int64_t option, int64_t time[2])
{
    uint64_t mr[4] = {(uint64_t)option, 0, 0, 0};
    int64_t result = not_a_socket(linux_call(socket, UNIX_GET_OPTION, 1, 0, 0, mr));
    if (result < 0)
        return result;
    uint64_t jiffies = mr[1];
    time[0] = time[1] = 0;
    if (jiffies && jiffies != UNIX_TIMEOUT_NEVER_WAITS) {
        time[0] = (int64_t)(jiffies / TIMEOUT_HZ);
        time[1] = (int64_t)((jiffies % TIMEOUT_HZ) * MICROSECONDS / TIMEOUT_HZ);
    }
    return 0;
}

int64_t sys_getsockopt(int64_t fd, int64_t level, int64_t option, uint64_t value,
                       uint64_t length_pointer)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    if (level != LINUX_SOL_SOCKET)
        return other_level((uint64_t)socket);
    int32_t room;
    int64_t result = read_room(length_pointer, &room);
    if (result < 0)
        return result;
    if (timeout_option(option)) {
        int64_t time[2];
        result = get_timeout((uint64_t)socket, timeout_option(option), time);
        if (result < 0)
            return result;
        uint64_t copied = sizeof time < (uint64_t)room ? sizeof time : (uint64_t)room;
        if (copied && !linux_user_range(value, copied))
            return -LINUX_EFAULT;
        linux_touch_pages(value, copied, true);
        __builtin_memcpy((void *)(uintptr_t)value, time, copied);
        *(int32_t *)(uintptr_t)length_pointer = (int32_t)copied;
        return 0;
    }
    uint64_t mr[4] = {(uint64_t)option, 0, 0, 0};
    result = not_a_socket(linux_call((uint64_t)socket, UNIX_GET_OPTION, 1, 0, 0, mr));
    if (result < 0)
        return result;
    int32_t words[3] = {(int32_t)result, 0, 0};
    uint64_t size = sizeof(int32_t);
    if (option == LINUX_SO_PEERCRED) {
        words[0] = (int32_t)mr[1];
        words[1] = (int32_t)mr[2];
        words[2] = (int32_t)mr[3];
        size = sizeof words;
    }
    uint64_t copied = size < (uint64_t)room ? size : (uint64_t)room;
    if (copied && !linux_user_range(value, copied))
        return -LINUX_EFAULT;
    linux_touch_pages(value, copied, true);
    __builtin_memcpy((void *)(uintptr_t)value, words, copied);
    *(int32_t *)(uintptr_t)length_pointer = (int32_t)copied;
    return 0;
}

int64_t sys_setsockopt(int64_t fd, int64_t level, int64_t option, uint64_t value,
                       int64_t length)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    if (level != LINUX_SOL_SOCKET)
        return other_level((uint64_t)socket);
    if (length < (int64_t)sizeof(int32_t))
        return -LINUX_EINVAL;
    if (!linux_user_range(value, sizeof(int32_t)))
        return -LINUX_EFAULT;
    if (timeout_option(option))
        return set_timeout((uint64_t)socket, timeout_option(option), value, length);
    linux_touch_pages(value, sizeof(int32_t), false);
    int32_t number = *(const int32_t *)(uintptr_t)value;
    return not_a_socket(linux_request((uint64_t)socket, UNIX_SET_OPTION, 2, (uint64_t)option,
                                      (uint64_t)(int64_t)number, 0, 0));
}
