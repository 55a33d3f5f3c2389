/*
 * AF_UNIX sockets (sys/protocol/unix.h, docs/protocols/unix.md): the calls
 * that make, name, connect and end sockets, each one or two calls to the
 * unix server; a file-system name is first looked up or made by vfs,
 * whose answer is the node's capability the unix server takes. A socket
 * is a descriptor like any other, so read, write, poll, dup, fork and
 * close need nothing here. Data: socket_data.c; control messages:
 * socket_control.c; options: socket_options.c.
 */
#include "descriptors.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "sockets.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"
#include "sys/syscall.h"

#define SOCKET_FLAGS    (LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)

/* The same through the session, which names the socket by its
 * descriptor: the server answers -EBADF for one that is not its own. */
static int64_t session_call(uint64_t label, unsigned length, unsigned caps, unsigned windows,
                            uint64_t mr[4])
{
    int64_t result = linux_call(socket_session(), label, length, caps, windows, mr);
    return result == -LINUX_EBADF ? -LINUX_ENOTSOCK : result;
}

/* Copies in a caller's address, checked as Linux's unix_validate_addr
 * (but for AF_UNSPEC when unspecified_too: a datagram socket's connect
 * to it disconnects, which the server decides). */
int64_t socket_read_address(uint64_t address, int64_t length, struct socket_address *name,
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

/* vfs's VFS_BIND_SOCKET or VFS_SOCKET_NODE for a path name: the node's
 * capability lands in node. */
int64_t socket_node(uint64_t label, const struct socket_address *name, uint64_t node)
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
int64_t socket_write_address(uint64_t address, uint64_t length_pointer, int32_t room,
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
int64_t socket_read_room(uint64_t length_pointer, int32_t *room)
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
    return linux_call_receiving(slot, socket_session(), label, 2, 0, 0, mr);
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
    int64_t result = socket_read_address(address, length, name, label == UNIX_CONNECT);
    if (result < 0)
        return result;
    if (!socket_names_path(name))
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
    int64_t result = socket_result(linux_call(socket, UNIX_NAME, 1, 0, 1, mr));
    if (result < 0)
        return result;
    uint64_t full = (uint64_t)result < sizeof name ? (uint64_t)result : sizeof name;
    return socket_write_address(address, length_pointer, room, name, full);
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
        int64_t result = socket_read_room(length_pointer, &room);
        if (result < 0)
            return result;
    }
    int64_t accepted = linux_fd_reserve(0);
    if (accepted < 0)
        return accepted;
    uint64_t slot = linux_fd_slot((unsigned)accepted);
    uint64_t mr[4] = {(uint64_t)(flags & LINUX_SOCK_NONBLOCK), 0, 0, 0};
    int64_t result = socket_result(linux_call_receiving(slot, (uint64_t)socket, UNIX_ACCEPT, 2,
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
    int64_t result = socket_read_room(length_pointer, &room);
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
    return socket_result(linux_request((uint64_t)socket, UNIX_SHUTDOWN, 1, (uint64_t)how, 0, 0, 0));
}

