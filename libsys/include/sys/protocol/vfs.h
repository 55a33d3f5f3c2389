/*
 * The vfs protocol: the path namespace. Sent through a session capability
 * (LINUX_SLOT_VFS), whose badge carries the caller's credentials, which
 * procmgr mints (VFS_SESSION_BADGE) and re-mints when they change, so vfs
 * checks permissions against credentials nobody can forge. Descriptors it
 * hands out speak the file protocol (file.h).
 *
 * Paths travel in window 0 (read), length in a register, not
 * NUL-terminated. A path relative to a directory other than the root
 * names that directory by sending its descriptor as capability 0: vfs
 * sees the OFD badge (an unwrapped capability of its own endpoint).
 * Relative paths without capability 0 are relative to "/" (the
 * personality always sends LINUX_SLOT_CWD or the dirfd).
 * Modes arrive with the umask already applied.
 *
 *   label         registers in                     windows                result; caps
 *   VFS_OPEN      path_length, flags, mode         0: path                0; cap: the new descriptor
 *   VFS_MKDIR     path_length, mode                0: path                0
 *   VFS_MKNOD     path_length, mode, device        0: path                0 (S_IFIFO, S_IFREG, S_IFSOCK)
 *   VFS_UNLINK    path_length, flags (AT_REMOVEDIR)  0: path              0
 *   VFS_STAT      path_length, flags (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH)
 *                                                  0: path, 1: struct linux_stat (W)   0
 *   VFS_ACCESS    path_length, mode (R_OK...), flags (AT_EACCESS)  0: path   0
 *   VFS_RENAME    old_length, new_length           0: old path, 1: new path   0
 *                 (capability 0: old directory, capability 1: new directory)
 *   VFS_CHMOD     path_length, mode[, flags]       0: path                0
 *                 (flags, optional: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH; with
 *                 AT_EMPTY_PATH an empty path names capability 0: fchmod)
 *   VFS_CHOWN     path_length, uid, gid, flags     0: path                0 (uid/gid 0xffffffff: unchanged)
 *   VFS_GETCWD    length                           0: buffer (W)          bytes written, with the NUL
 *                 (capability 0: the directory; the result is its absolute path)
 *   VFS_LINK      old_length, new_length, flags    0: old path, 1: new path   0
 *                 (capability 0: old directory, capability 1: new directory;
 *                 flags: AT_SYMLINK_FOLLOW, AT_EMPTY_PATH, with which an
 *                 empty old path names capability 0 itself)
 *   VFS_BIND_SOCKET  path_length, mode             0: path                0; cap: the node's
 *                 (a new node of type S_IFSOCK, as bind(2) makes: -EEXIST when the
 *                 path exists; mode with the umask applied)
 *   VFS_SOCKET_NODE  path_length                   0: path                0; cap: the node's
 *                 (connect(2) and sendto(2)'s lookup: -ECONNREFUSED for a node that
 *                 is not a socket, -EACCES without write permission on it)
 *
 * A socket node's capability is one to the unix server badged
 * UNIX_NODE_BADGE(inode) (unix.h): the personality passes it to the
 * unix server, which learns the node from the badge. Opening a socket
 * node is -ENXIO, as on Linux.
 *
 * VFS_OPEN takes O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY,
 * O_NOFOLLOW, O_NONBLOCK, O_PATH and the access mode; O_CLOEXEC is the
 * personality's business. Opening a FIFO answers VFS_OPENED_FIFO (a
 * positive result) with a capability to the pipe server badged for that
 * FIFO: the opener finishes the open with PIPE_OPEN_FIFO through it
 * (pipe.h), which may wait for the other end. VFS_OPEN_EXEC in flags asks for a regular file
 * the caller may execute (EACCES otherwise), opened for reading: procmgr
 * reads programs for execve through it.
 *
 * /dev/mqueue holds the mqueue server's queues, not files of vfs: VFS_OPEN,
 * VFS_STAT, VFS_ACCESS and VFS_UNLINK of a path naming one answer
 * VFS_IN_MQUEUE (a positive result) with MR1 the offset of the queue's
 * name in the path and MR2 its length, and the caller asks the mqueue
 * server by that name (mqueue.h). A queue has no other path operations:
 * VFS_CHMOD and VFS_CHOWN answer -EOPNOTSUPP, VFS_LINK -EXDEV, and
 * VFS_MKDIR, VFS_MKNOD and VFS_LINK into the directory -EPERM.
 *
 * procmgr keeps the terminals' sessions (file.h, FILE_TERMINAL_REFERRAL)
 * and speaks to vfs about the console through a capability badged
 * VFS_PROCMGR_BADGE, which no process holds:
 *   VFS_TERMINAL_LISTEN        (cap 0: a notification)   0: vfs signals it
 *                              when a terminal has signals for its
 *                              foreground group (the keyboard's ^C, ^\, ^Z;
 *                              SIGWINCH for a new window size)
 *   VFS_TERMINAL_TAKE_SIGNALS  terminal                  the signals raised
 *                              since last asked (bit n: signal n)
 *   VFS_TERMINAL_CONTROLLED    terminal, controlled      0: whether a session
 *                              has it (its keyboard is watched meanwhile, so
 *                              a ^C reaches a job that reads nothing)
 *   VFS_TERMINAL_PUSH          terminal, byte            0: the byte as if
 *                              typed (TIOCSTI, once procmgr allowed it)
 *   VFS_USERFAULTFD_DEVICE     (cap 0: a descriptor)     0 if it is one of
 *                              /dev/userfaultfd, else -EBADF (procmgr asks
 *                              before USERFAULTFD_IOC_NEW skips userfaultfd's
 *                              privilege rule: sys/linux_userfault.h)
 */
#ifndef SYS_PROTOCOL_VFS_H
#define SYS_PROTOCOL_VFS_H

#include <stdint.h>
#include "sys/servers.h"

enum vfs_label {
    VFS_OPEN = 0x200,
    VFS_MKDIR,
    VFS_MKNOD,
    VFS_UNLINK,
    VFS_STAT,
    VFS_ACCESS,
    VFS_RENAME,
    VFS_CHMOD,
    VFS_GETCWD,
    VFS_CHOWN,
    VFS_LINK,
    VFS_TERMINAL_LISTEN,
    VFS_TERMINAL_TAKE_SIGNALS,
    VFS_TERMINAL_CONTROLLED,
    VFS_TERMINAL_PUSH,
    VFS_BIND_SOCKET,
    VFS_SOCKET_NODE,
    VFS_USERFAULTFD_DEVICE,
};


#define VFS_OPEN_EXEC   (1ULL << 40)
#define VFS_OPENED_FIFO 1           /* VFS_OPEN's result for a FIFO */
#define VFS_IN_MQUEUE   2           /* the path names a queue in /dev/mqueue */

/* Session badges: bit 62 marks a session (OFD badges never have it),
 * then the uid in bits 0-23 and the gid in bits 24-47. */
#define VFS_SESSION_FLAG        (1ULL << 62)
#define VFS_SESSION_BADGE(uid, gid) SESSION_CREDENTIALS_BADGE(VFS_SESSION_FLAG, uid, gid)
#define VFS_SESSION_UID(badge)  ((uint32_t)((badge) & 0xffffff))
#define VFS_SESSION_GID(badge)  ((uint32_t)(((badge) >> 24) & 0xffffff))

/* procmgr's capability: a session flag with bits no credentials have. */
#define VFS_PROCMGR_BADGE       (VFS_SESSION_FLAG | (1ULL << 48))
/* The console's terminal number: its device number, 5:1. */
#define VFS_CONSOLE_TERMINAL    0x501

/* vfs's own fixed slots (after enum server_slot). */
enum vfs_slot {
    VFS_SLOT_PIPE = 16,             /* the pipe server's endpoint: mint FIFO capabilities */
    VFS_SLOT_MQUEUE,                /* its session of the mqueue server: list /dev/mqueue */
    VFS_SLOT_UNIX,                  /* the unix server's endpoint: mint socket nodes' capabilities */
};

#endif
