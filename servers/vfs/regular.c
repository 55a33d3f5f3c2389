/* Regular file contents: see regular.h. */
#include "regular.h"
#include "sys/client_buffer.h"
#include "sys/runtime.h"

int64_t regular_read(const struct vfs_node *node, const struct client_buffer *buffer,
                     uint64_t length, uint64_t offset)
{
    uint64_t size = node->regular.size;
    if (offset >= size)
        return 0;
    if (length > size - offset)
        length = size - offset;
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    if (node->mount == VFS_MOUNT_ARCHIVE) {
        uint64_t done = client_buffer_copy_to(buffer, 0, node->regular.archive_bytes + offset,
                                              length);
        return client_buffer_result(done, -LINUX_EFAULT);
    }
    uint64_t done = 0;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t in_page = position % VFS_PAGE_SIZE;
        uint64_t piece = VFS_PAGE_SIZE - in_page;
        if (piece > length - done)
            piece = length - done;
        const uint8_t *page = file_data_find(&node->regular.data, position / VFS_PAGE_SIZE);
        uint64_t copied = page != NULL
                              ? client_buffer_copy_to(buffer, done, page + in_page, piece)
                              : client_buffer_zero(buffer, done, piece);
        done += copied;
        if (copied < piece)
            return client_buffer_result(done, -LINUX_EFAULT);
    }
    return (int64_t)done;
}

/* Before the file grows: the bytes past its size in the page that holds
 * its end are zeros, whatever a mapping of the file wrote there (they
 * were never the file's), so the grown part reads as zeros. */
static void zero_past_size(struct vfs_node *node)
{
    uint64_t size = node->regular.size;
    uint64_t in_page = size % VFS_PAGE_SIZE;
    uint8_t *page = file_data_find(&node->regular.data, size / VFS_PAGE_SIZE);
    if (in_page != 0 && page != NULL)
        memset(page + in_page, 0, VFS_PAGE_SIZE - in_page);
}

int64_t regular_write(struct vfs *vfs, struct vfs_node *node, const struct client_buffer *buffer,
                      uint64_t length, uint64_t offset)
{
    if (length == 0)
        return 0;
    if (offset >= VFS_MAX_FILE_SIZE)
        return -LINUX_EFBIG;
    if (length > VFS_MAX_FILE_SIZE - offset)
        length = VFS_MAX_FILE_SIZE - offset;
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    if (offset + length > node->regular.size)
        zero_past_size(node);
    uint64_t done = 0;
    int error = 0;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t in_page = position % VFS_PAGE_SIZE;
        uint64_t piece = VFS_PAGE_SIZE - in_page;
        if (piece > length - done)
            piece = length - done;
        uint8_t *page = file_data_get(vfs, &node->regular.data, position / VFS_PAGE_SIZE);
        if (page == NULL) {
            error = -LINUX_ENOSPC;
            break;
        }
        /* A failed copy copies nothing, so the page keeps its zeros. */
        error = buffer->copy_from_client(buffer->context, done, page + in_page, piece);
        if (error != 0)
            break;
        done += piece;
    }
    if (done > 0) {
        if (offset + done > node->regular.size)
            node->regular.size = offset + done;
        node_touch_contents(vfs, node);
    }
    return client_buffer_result(done, error);
}

void regular_resize(struct vfs *vfs, struct vfs_node *node, uint64_t size)
{
    struct file_data *data = &node->regular.data;
    if (size > node->regular.size)
        zero_past_size(node);
    if (size < node->regular.size) {
        file_data_truncate(vfs, data, (size + VFS_PAGE_SIZE - 1) / VFS_PAGE_SIZE);
        /* Keep the promise that bytes past the size read as zeros. */
        uint64_t in_page = size % VFS_PAGE_SIZE;
        uint8_t *page = file_data_find(data, size / VFS_PAGE_SIZE);
        if (in_page != 0 && page != NULL)
            memset(page + in_page, 0, VFS_PAGE_SIZE - in_page);
    }
    if (size != node->regular.size) {
        node->regular.size = size;
        node_touch_contents(vfs, node);
    }
}
