/*
 * Open file descriptions: a node, an offset and status flags, shared by
 * every descriptor (capability) made from one open, and counted by
 * FILE_RETAIN / FILE_CLOSE. They sit in a table of slots in pages
 * allocated as needed; a handle is the slot index with the slot's
 * generation, so a handle that outlives its OFD matches nothing.
 */
#ifndef SERVERS_VFS_OFD_H
#define SERVERS_VFS_OFD_H

#include "node.h"

struct vfs_ofd {
    struct vfs_node *node;          /* NULL: the slot is free */
    uint64_t offset;
    uint32_t flags;                 /* access mode and status flags, as F_GETFL shows them */
    uint32_t references;
    uint32_t generation;
    uint32_t next_free;             /* free slots: index + 1 of the next, 0 ends */
};

/* A new OFD with one reference, holding the node open. ENFILE when the
 * table is full, ENOMEM without memory for it. */
int ofd_create(struct vfs *vfs, struct vfs_node *node, uint32_t flags, uint64_t *handle);
/* The live OFD with this handle, or NULL. */
struct vfs_ofd *ofd_find(const struct vfs *vfs, uint64_t handle);
/* Drops one reference of the live OFD with this handle; the last one
 * frees the OFD and lets go of its node. */
void ofd_release(struct vfs *vfs, uint64_t handle);

#endif
