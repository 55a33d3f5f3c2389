/*
 * Pools of fixed-size records (struct vfs_pool in core.h): nodes and
 * directory entries. Records are carved out of whole pages and kept on
 * the pool's free list when freed; pages are never given back, since the
 * records of a page come and go one by one.
 */
#ifndef SERVERS_VFS_POOL_H
#define SERVERS_VFS_POOL_H

#include "core.h"

/* An empty pool of records of record_size bytes (at least a pointer's). */
void pool_init(struct vfs_pool *pool, size_t record_size);
/* A record, its contents undefined; NULL without memory. */
void *pool_take(struct vfs *vfs, struct vfs_pool *pool);
/* Gives a record of the pool back to it. */
void pool_give(struct vfs_pool *pool, void *record);

#endif
