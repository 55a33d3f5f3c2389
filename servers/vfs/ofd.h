/*
 * Open file descriptions: libsys's file table (sys/file_table.h) whose
 * objects are nodes. An OFD holds its node open (node->open_count); the
 * offset is the description's position.
 */
#ifndef SERVERS_VFS_OFD_H
#define SERVERS_VFS_OFD_H

#include "node.h"
#include "sys/file_table.h"

static inline struct vfs_node *ofd_node(const struct file_description *ofd)
{
    return ofd->object;
}

/* A new OFD with one reference, holding the node open. ENFILE when the
 * table is full, ENOMEM without memory for it. */
int ofd_create(struct vfs *vfs, struct vfs_node *node, uint32_t flags, uint64_t *handle);
/* The live OFD with this handle, or NULL. */
static inline struct file_description *ofd_find(const struct vfs *vfs, uint64_t handle)
{
    return file_table_find(&vfs->files, handle);
}

#endif
