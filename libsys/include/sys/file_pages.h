/*
 * The bytes of a file whose data lives in pages (sys/page_tree.h): a
 * tmpfs file's, a memfd's. Reads see holes and the end as Linux does;
 * writes make pages as they go. Bytes past the size in the page that
 * holds the end read as zeros once the file grows over them: shrinking
 * clears them, and so does growing, since a shared mapping of the file
 * may have written there meanwhile (they were never the file's).
 *
 * Plain C (tests/host/test_libsys_file_pages.c); every function returns
 * a count or -errno.
 */
#ifndef SYS_FILE_PAGES_H
#define SYS_FILE_PAGES_H

#include <stdint.h>
#include "sys/client_buffer.h"
#include "sys/page_tree.h"

struct file_pages {
    struct page_tree tree;
    uint64_t size;
};

/* Copies up to length bytes from offset to the client: the count (0 at
 * or past the end) or -EFAULT if none reached it. */
int64_t file_pages_read(const struct file_pages *file, const struct client_buffer *buffer,
                        uint64_t length, uint64_t offset);
/* Copies length bytes from the client to offset, growing the file: the
 * count, or -EFBIG (at PAGE_TREE_MAX_SIZE), -ENOSPC (no memory for a
 * page), -EFAULT if none was written. */
int64_t file_pages_write(struct file_pages *file, const struct page_tree_pages *pages,
                         const struct client_buffer *buffer, uint64_t length, uint64_t offset);
/* Makes every page a write of length bytes at offset would copy to
 * (those it makes are zero, and invisible past the end): 0, or -ENOSPC
 * with some made, so that a write that must not end short for want of
 * memory (a memfd's, which borrows more and tries again) writes all or
 * nothing. */
int file_pages_reserve(struct file_pages *file, const struct page_tree_pages *pages,
                       uint64_t length, uint64_t offset);
/* Sets the size (at most PAGE_TREE_MAX_SIZE), freeing pages past it. */
void file_pages_resize(struct file_pages *file, const struct page_tree_pages *pages,
                       uint64_t size);

#endif
