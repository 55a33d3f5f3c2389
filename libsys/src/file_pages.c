/* A file's bytes in pages: sys/file_pages.h. */
#include "sys/file_pages.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define PAGE_SIZE PAGE_TREE_PAGE_SIZE

int64_t file_pages_read(const struct file_pages *file, const struct client_buffer *buffer,
                        uint64_t length, uint64_t offset)
{
    if (offset >= file->size)
        return 0;
    if (length > file->size - offset)
        length = file->size - offset;
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    uint64_t done = 0;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t in_page = position % PAGE_SIZE;
        uint64_t piece = PAGE_SIZE - in_page;
        if (piece > length - done)
            piece = length - done;
        const uint8_t *page = page_tree_find(&file->tree, position / PAGE_SIZE);
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
 * its end are zeros. */
static void zero_past_size(struct file_pages *file)
{
    uint64_t in_page = file->size % PAGE_SIZE;
    uint8_t *page = page_tree_find(&file->tree, file->size / PAGE_SIZE);
    if (in_page != 0 && page != NULL)
        memset(page + in_page, 0, PAGE_SIZE - in_page);
}

/* The pages that hold size bytes. */
static uint64_t pages_covering(uint64_t size)
{
    return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The bytes a write of length at offset copies (below offset's limit). */
static uint64_t writable_bytes(uint64_t length, uint64_t offset)
{
    if (length > PAGE_TREE_MAX_SIZE - offset)
        length = PAGE_TREE_MAX_SIZE - offset;
    return length > CLIENT_BUFFER_MAX_TRANSFER ? CLIENT_BUFFER_MAX_TRANSFER : length;
}

int file_pages_reserve(struct file_pages *file, const struct page_tree_pages *pages,
                       uint64_t length, uint64_t offset)
{
    if (length == 0 || offset >= PAGE_TREE_MAX_SIZE)
        return 0;
    uint64_t last = offset + writable_bytes(length, offset) - 1;
    for (uint64_t index = offset / PAGE_SIZE; index <= last / PAGE_SIZE; index++)
        if (page_tree_get(&file->tree, pages, index) == NULL)
            return -LINUX_ENOSPC;
    return 0;
}

int64_t file_pages_write(struct file_pages *file, const struct page_tree_pages *pages,
                         const struct client_buffer *buffer, uint64_t length, uint64_t offset)
{
    if (length == 0)
        return 0;
    if (offset >= PAGE_TREE_MAX_SIZE)
        return -LINUX_EFBIG;
    length = writable_bytes(length, offset);
    if (offset + length > file->size)
        zero_past_size(file);
    uint64_t done = 0;
    int error = 0;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t in_page = position % PAGE_SIZE;
        uint64_t piece = PAGE_SIZE - in_page;
        if (piece > length - done)
            piece = length - done;
        uint8_t *page = page_tree_get(&file->tree, pages, position / PAGE_SIZE);
        if (page == NULL) {
            error = -LINUX_ENOSPC;
            break;
        }
        /* A failed copy copies nothing, so the page keeps its bytes. */
        error = buffer->copy_from_client(buffer->context, done, page + in_page, piece);
        if (error != 0)
            break;
        done += piece;
    }
    if (done > 0 && offset + done > file->size)
        file->size = offset + done;
    /* Pages made (or reserved) past the end for what was not written go
     * back: nothing else would free them, not even the file's release,
     * and a write that fails at once could take every page there is. */
    if (error != 0)
        page_tree_truncate(&file->tree, pages, pages_covering(file->size));
    return client_buffer_result(done, error);
}

void file_pages_resize(struct file_pages *file, const struct page_tree_pages *pages,
                       uint64_t size)
{
    if (size > file->size)
        zero_past_size(file);
    /* Every page past the new end goes, those a reserve made past the old
     * end and no write filled among them (resizing to 0 frees them all). */
    page_tree_truncate(&file->tree, pages, pages_covering(size));
    if (size < file->size) {
        uint64_t in_page = size % PAGE_SIZE;
        uint8_t *page = page_tree_find(&file->tree, size / PAGE_SIZE);
        if (in_page != 0 && page != NULL)
            memset(page + in_page, 0, PAGE_SIZE - in_page);
    }
    file->size = size;
}
