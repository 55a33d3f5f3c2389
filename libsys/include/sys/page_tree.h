/*
 * The pages of a file-like object (a memfd, a tmpfs file): data pages of
 * PAGE_TREE_PAGE_SIZE bytes by index, in a radix tree of index pages (512
 * entries each) as tall as the object needs (height 1: the root is the
 * only data page; each level more multiplies the reach by 512, up to
 * PAGE_TREE_MAX_SIZE bytes at height 4). Pages never made are holes.
 *
 * Plain C with no IPC in it (tests/host/test_libsys_page_tree.c): pages
 * come from the caller's allocator.
 */
#ifndef SYS_PAGE_TREE_H
#define SYS_PAGE_TREE_H

#include <stdint.h>

#define PAGE_TREE_PAGE_SIZE 4096
#define PAGE_TREE_MAX_SIZE  (1ULL << 39)

struct page_tree {
    void *root;                     /* NULL, a data page (height 1) or an index page */
    uint8_t height;                 /* 0: nothing allocated */
    uint64_t page_count;            /* data pages made (st_blocks) */
};

/* Where a tree's pages come from: a page of PAGE_TREE_PAGE_SIZE bytes,
 * page-aligned, contents undefined, or NULL without memory; and back. */
struct page_tree_pages {
    void *(*allocate)(void *context);
    void (*free)(void *context, void *page);
    void *context;
};

/* The data page holding bytes [index * PAGE_TREE_PAGE_SIZE, + PAGE_TREE_PAGE_SIZE),
 * or NULL for a hole. */
void *page_tree_find(const struct page_tree *tree, uint64_t index);
/* As page_tree_find, making the page (zeroed) and the index pages on the
 * way; NULL without memory or past PAGE_TREE_MAX_SIZE. */
void *page_tree_get(struct page_tree *tree, const struct page_tree_pages *pages,
                    uint64_t index);
/* Frees every data page from first_dropped on, and the index pages left
 * empty (first_dropped 0: everything). */
void page_tree_truncate(struct page_tree *tree, const struct page_tree_pages *pages,
                        uint64_t first_dropped);

#endif
