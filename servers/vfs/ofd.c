/* Open file descriptions: see ofd.h. */
#include "ofd.h"

int ofd_create(struct vfs *vfs, struct vfs_node *node, uint32_t flags, uint64_t *handle)
{
    int error = file_table_open(&vfs->files, node, flags, handle);
    if (error == 0)
        node->open_count++;
    return error;
}

void vfs_release(struct vfs *vfs, void *object)
{
    struct vfs_node *node = object;
    node->open_count--;
    node_release(vfs, node);
}

int vfs_close(struct vfs *vfs, uint64_t handle)
{
    void *last;
    int error = file_table_close(&vfs->files, handle, &last);
    if (last != NULL)
        vfs_release(vfs, last);
    return error;
}
