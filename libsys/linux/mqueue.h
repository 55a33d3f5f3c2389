/*
 * The queues of /dev/mqueue by path: what vfs's VFS_IN_MQUEUE answer
 * (sys/protocol/vfs.h) leaves to the mqueue server, the queue's name
 * being the path's last component (mqueue.c).
 */
#ifndef LINUX_MQUEUE_H
#define LINUX_MQUEUE_H

#include <stdint.h>
#include "sys/linux_abi.h"

/* open(2) of the queue: MQ_OPEN with open's flags and mode (O_CREAT
 * makes a queue of the default attributes), the descriptor received
 * into slot. 0 or -errno. */
int64_t linux_mqueue_open_name(uint64_t slot, const char *name, uint64_t length, uint64_t flags,
                               uint64_t mode);
/* stat(2) (stat not NULL) and access(2) (access: R_OK, W_OK, X_OK or 0). */
int64_t linux_mqueue_stat_name(const char *name, uint64_t length, uint64_t access,
                               struct linux_stat *stat);
/* unlink(2). */
int64_t linux_mqueue_unlink_name(const char *name, uint64_t length);

#endif
