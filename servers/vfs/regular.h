/*
 * The contents of regular files: archive files read in place from the
 * boot archive, tmpfs files in pages (sys/file_pages.h, which keeps the
 * promise that bytes past the size read as zeros once the file grows over
 * them). Only tmpfs files are written or resized: the archive is
 * read-only.
 */
#ifndef SERVERS_VFS_REGULAR_H
#define SERVERS_VFS_REGULAR_H

#include "node.h"

/* Copies up to length bytes from offset to the client's buffer; returns
 * the count (0 at or past the end) or -EFAULT. */
int64_t regular_read(const struct vfs_node *node, const struct client_buffer *buffer,
                     uint64_t length, uint64_t offset);
/* Copies length bytes from the client to offset, growing the file;
 * returns the count, or -EFBIG / -ENOSPC / -EFAULT if none was written. */
int64_t regular_write(struct vfs *vfs, struct vfs_node *node, const struct client_buffer *buffer,
                      uint64_t length, uint64_t offset);
/* Sets the size (at most PAGE_TREE_MAX_SIZE), freeing pages past it. */
void regular_resize(struct vfs *vfs, struct vfs_node *node, uint64_t size);

#endif
