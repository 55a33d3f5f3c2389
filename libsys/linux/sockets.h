/*
 * The personality's AF_UNIX sockets, shared by sockets.c (making, naming,
 * connecting), socket_data.c (sending and receiving), socket_control.c
 * (SCM_RIGHTS, SCM_CREDENTIALS) and socket_options.c.
 */
#ifndef LINUX_SOCKETS_H
#define LINUX_SOCKETS_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_abi.h"
#include "server_call.h"
#include "sys/linux_process.h"
#include "sys/protocol/unix.h"

/* A sockaddr_un as the caller gave it, with a NUL after it (a path name
 * need not carry its own). */
struct socket_address {
    uint8_t bytes[LINUX_SOCKADDR_UN_SIZE + 1];
    uint64_t length;
};

#define LINUX_AF_UNSPEC 0

/* The process's session of the unix server. */
static inline uint64_t socket_session(void)
{
    return linux_session_slot(SERVER_UNIX);
}

/* A descriptor of another server answers the socket labels -ENOSYS. */
static inline int64_t socket_result(int64_t result)
{
    return result == -LINUX_ENOSYS ? -LINUX_ENOTSOCK : result;
}

/* A socket's type (SO_TYPE), or -ENOTSOCK for another server's
 * descriptor. */
static inline int64_t socket_type(uint64_t socket)
{
    return socket_result(linux_request(socket, UNIX_GET_OPTION, 1, LINUX_SO_TYPE, 0, 0, 0));
}

/* A file-system name (not abstract, not the bare family of autobind). */
static inline bool socket_names_path(const struct socket_address *name)
{
    return name->bytes[0] == LINUX_AF_UNIX && name->length > LINUX_SUN_PATH_OFFSET &&
           name->bytes[LINUX_SUN_PATH_OFFSET] != 0;
}

/* Copies in a caller's address, checked as Linux's unix_validate_addr
 * (but for AF_UNSPEC when unspecified_too: a datagram socket's connect
 * to it disconnects, which the server decides). */
int64_t socket_read_address(uint64_t address, int64_t length, struct socket_address *name,
                            bool unspecified_too);
/* vfs's VFS_BIND_SOCKET or VFS_SOCKET_NODE for a path name: the node's
 * capability lands in node. */
int64_t socket_node(uint64_t label, const struct socket_address *name, uint64_t node);
/* Copies a name the server gave (full_length bytes, at most room of
 * them) out to the caller, and its full length, as Linux's
 * move_addr_to_user. */
int64_t socket_write_address(uint64_t address, uint64_t length_pointer, int32_t room,
                             const uint8_t *name, uint64_t full_length);
/* The room a caller's socklen_t says it has, read where it points. */
int64_t socket_read_room(uint64_t length_pointer, int32_t *room);

/* ---- Control messages (socket_control.c) ---- */

#define LINUX_SCM_RIGHTS        1
#define LINUX_SCM_CREDENTIALS   2
#define LINUX_SCM_MAX_FD        253
#define CMSG_HEADER_SIZE        16      /* struct cmsghdr */

/* A sendmsg's SCM_RIGHTS descriptors: their slots, each retained (one
 * more reference, which the message owns from then on). */
struct passed_rights {
    uint64_t slots[LINUX_SCM_MAX_FD];
    unsigned count;
};

/* A sendmsg's SCM_CREDENTIALS (struct ucred), the last one's. */
struct claimed_credentials {
    uint32_t pid, uid, gid;
    bool claimed;
};

/* Drops the retained descriptors from `from` on (FILE_CLOSE). */
void socket_release_rights(const struct passed_rights *rights, unsigned from);
/* Reads a sendmsg's control messages as Linux's __scm_send does, and
 * retains the descriptors; 0 or -errno (nothing retained then). */
int64_t socket_read_control(uint64_t control, uint64_t length, struct passed_rights *rights,
                            struct claimed_credentials *claim);
/* Stages all but the last room rights (three a call, under this thread's
 * key); *first: the first that goes with the message. Returns the key
 * (0: none staged) or -errno (the rights are released then). */
int64_t socket_stage_rights(uint64_t socket, const struct passed_rights *rights, unsigned room,
                            unsigned *first);
/* The receiving side: an SCM_CREDENTIALS message, and the descriptors a
 * message carried, into the caller's control buffer; each returns the
 * control length used and may set MSG_CTRUNC. */
uint64_t socket_put_credentials(uint64_t control, uint64_t room,
                                const struct claimed_credentials *credentials,
                                uint64_t *message_flags);
uint64_t socket_take_rights(uint64_t socket, uint64_t held, uint64_t control, uint64_t room,
                            bool cloexec, uint64_t *message_flags);

#endif
