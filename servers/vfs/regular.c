/* Regular file contents: see regular.h. */
#include "regular.h"
#include "sys/client_buffer.h"
#include "sys/runtime.h"

/* An archive file's bytes, straight from the archive. */
static int64_t read_archive(const struct vfs_node *node, const struct client_buffer *buffer,
                            uint64_t length, uint64_t offset)
{
    uint64_t size = node->regular.data.size;
    if (offset >= size)
        return 0;
    if (length > size - offset)
        length = size - offset;
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    uint64_t done = client_buffer_copy_to(buffer, 0, node->regular.archive_bytes + offset, length);
    return client_buffer_result(done, -LINUX_EFAULT);
}

int64_t regular_read(const struct vfs_node *node, const struct client_buffer *buffer,
                     uint64_t length, uint64_t offset)
{
    if (node->mount == VFS_MOUNT_ARCHIVE)
        return read_archive(node, buffer, length, offset);
    return file_pages_read(&node->regular.data, buffer, length, offset);
}

int64_t regular_write(struct vfs *vfs, struct vfs_node *node, const struct client_buffer *buffer,
                      uint64_t length, uint64_t offset)
{
    int64_t written = file_pages_write(&node->regular.data, &vfs->pages, buffer, length, offset);
    if (written > 0)
        node_touch_contents(vfs, node);
    return written;
}

void regular_resize(struct vfs *vfs, struct vfs_node *node, uint64_t size)
{
    if (size == node->regular.data.size)
        return;
    file_pages_resize(&node->regular.data, &vfs->pages, size);
    node_touch_contents(vfs, node);
}
