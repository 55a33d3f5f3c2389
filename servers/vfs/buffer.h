/*
 * Copies to a client's buffer (struct vfs_buffer) in pieces of at most
 * BUFFER_COPY_PIECE bytes, so that no single copy keeps the kernel busy
 * for long.
 */
#ifndef SERVERS_VFS_BUFFER_H
#define SERVERS_VFS_BUFFER_H

#include "core.h"

#define BUFFER_COPY_PIECE (64 * 1024)

/* Linux never moves more than this in one read or write (MAX_RW_COUNT). */
#define BUFFER_MAX_TRANSFER 0x7ffff000ULL

/* Returns how many bytes reached the client: length, or fewer if a copy
 * failed. */
uint64_t buffer_copy_to_client(const struct vfs_buffer *buffer, uint64_t offset,
                               const void *source, uint64_t length);
/* The same with zeros. */
uint64_t buffer_zero_client(const struct vfs_buffer *buffer, uint64_t offset, uint64_t length);

/* The result of a transfer that moved `done` bytes and then stopped on
 * `error`: what was done, or the error if nothing was. */
static inline int64_t buffer_result(uint64_t done, int error)
{
    return done > 0 ? (int64_t)done : error;
}

#endif
