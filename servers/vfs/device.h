/*
 * The character devices in /dev. The console writes through the
 * console_write service (the kernel's debug console); its input is
 * main.c's (console_input.c), here reads return end of file. It answers
 * the terminal ioctls through its line discipline (vfs->console). /dev/null swallows
 * writes and reads end of file; /dev/zero reads zeros.
 */
#ifndef SERVERS_VFS_DEVICE_H
#define SERVERS_VFS_DEVICE_H

#include "node.h"

/* Linux's device numbers (st_rdev), major << 8 | minor. */
#define DEVICE_NUMBER_TTY       ((5u << 8) | 0)
#define DEVICE_NUMBER_CONSOLE   ((5u << 8) | 1)
#define DEVICE_NUMBER_CONSOLE_ERRORS ((5u << 8) | 3)   /* tern's own: /dev/stderr */
#define DEVICE_NUMBER_NULL      ((1u << 8) | 3)
#define DEVICE_NUMBER_ZERO      ((1u << 8) | 5)
/* A misc device (major 10): Linux's minor is dynamic; this is one. */
#define DEVICE_NUMBER_USERFAULTFD ((10u << 8) | 126)

int64_t device_read(const struct vfs_node *node, const struct client_buffer *buffer,
                    uint64_t length);
int64_t device_write(struct vfs *vfs, const struct vfs_node *node,
                     const struct client_buffer *buffer, uint64_t length);
/* Terminals cannot seek (ESPIPE); null and zero stay at offset 0. */
/* /dev/console, /dev/tty and /dev/stderr: the terminal. */
bool device_is_console(const struct vfs_node *node);
bool device_is_seekable(const struct vfs_node *node);
/* The console's ioctls work on vfs->console (terminal.h); the job-control
 * ones and TIOCSTI answer FILE_TERMINAL_REFERRAL (sys/protocol/file.h).
 * /dev/userfaultfd's USERFAULTFD_IOC_NEW answers USERFAULT_DEVICE_REFERRAL
 * (sys/linux_userfault.h), any other request -EINVAL; it reads and writes
 * nothing (-EINVAL), as Linux's has no read or write. */
bool device_is_userfaultfd(const struct vfs_node *node);
int64_t device_ioctl(struct vfs *vfs, const struct vfs_node *node, uint64_t request,
                     const struct client_buffer *argument);

#endif
