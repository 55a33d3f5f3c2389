/*
 * The bytes of a writable regular file: data pages of VFS_PAGE_SIZE in a
 * radix tree of index pages (512 entries each), as tall as the file needs
 * (height 1: the root is the only data page; each level more multiplies
 * the reach by 512, up to VFS_MAX_FILE_SIZE at height 4). Pages never
 * written are holes and read as zeros.
 */
#ifndef SERVERS_VFS_FILE_DATA_H
#define SERVERS_VFS_FILE_DATA_H

#include "core.h"

struct file_data {
    void *root;                     /* NULL, a data page (height 1) or an index page */
    uint8_t height;                 /* 0: nothing allocated */
    uint64_t page_count;            /* data pages allocated (st_blocks) */
};

/* The data page holding bytes [page_index * VFS_PAGE_SIZE, +VFS_PAGE_SIZE),
 * or NULL for a hole. */
void *file_data_find(const struct file_data *data, uint64_t page_index);
/* As file_data_find, allocating (zeroed) the page and the index pages on
 * the way; NULL without memory or beyond VFS_MAX_FILE_SIZE. */
void *file_data_get(struct vfs *vfs, struct file_data *data, uint64_t page_index);
/* Frees every data page from first_dropped on, and the index pages left
 * empty (first_dropped 0: everything). */
void file_data_truncate(struct vfs *vfs, struct file_data *data, uint64_t first_dropped);

#endif
