/* The pages of a file-like object in a radix tree: sys/page_tree.h. */
#include <stdbool.h>
#include "sys/page_tree.h"
#include "sys/runtime.h"

#define ENTRIES_PER_INDEX (PAGE_TREE_PAGE_SIZE / sizeof(void *))
#define ENTRY_BITS 9
#define MAX_HEIGHT 4

_Static_assert(ENTRIES_PER_INDEX == (1u << ENTRY_BITS), "an index page holds 512 entries");
_Static_assert(PAGE_TREE_MAX_SIZE ==
                   (uint64_t)PAGE_TREE_PAGE_SIZE << (ENTRY_BITS * (MAX_HEIGHT - 1)),
               "the tallest tree reaches PAGE_TREE_MAX_SIZE");

/* How many data pages a tree of this height reaches. */
static uint64_t pages_reached(unsigned height)
{
    return height == 0 ? 0 : 1ULL << (ENTRY_BITS * (height - 1));
}

/* Which entry of an index page at `level` (2 and up) leads to the page. */
static unsigned entry_index(uint64_t index, unsigned level)
{
    return (index >> (ENTRY_BITS * (level - 2))) & (ENTRIES_PER_INDEX - 1);
}

static void *allocate_zeroed_page(const struct page_tree_pages *pages)
{
    void *page = pages->allocate(pages->context);
    if (page != NULL)
        memset(page, 0, PAGE_TREE_PAGE_SIZE);
    return page;
}

void *page_tree_find(const struct page_tree *tree, uint64_t index)
{
    if (index >= pages_reached(tree->height))
        return NULL;
    void *page = tree->root;
    for (unsigned level = tree->height; level > 1 && page != NULL; level--)
        page = ((void **)page)[entry_index(index, level)];
    return page;
}

/* Makes the tree tall enough to reach index. */
static bool grow(struct page_tree *tree, const struct page_tree_pages *pages, uint64_t index)
{
    while (index >= pages_reached(tree->height)) {
        if (tree->height == MAX_HEIGHT)
            return false;
        if (tree->root != NULL) {
            void **top = allocate_zeroed_page(pages);
            if (top == NULL)
                return false;
            top[0] = tree->root;
            tree->root = top;
        }
        tree->height++;
    }
    return true;
}

void *page_tree_get(struct page_tree *tree, const struct page_tree_pages *pages,
                    uint64_t index)
{
    if (!grow(tree, pages, index))
        return NULL;
    void **slot = &tree->root;
    for (unsigned level = tree->height; level > 1; level--) {
        if (*slot == NULL && (*slot = allocate_zeroed_page(pages)) == NULL)
            return NULL;
        slot = &((void **)*slot)[entry_index(index, level)];
    }
    if (*slot == NULL) {
        if ((*slot = allocate_zeroed_page(pages)) == NULL)
            return NULL;
        tree->page_count++;
    }
    return *slot;
}

/* Frees what `page` (at `level`, reaching pages from `first`) holds from
 * first_dropped on; returns whether the page itself went too. */
static bool drop_from(struct page_tree *tree, const struct page_tree_pages *pages, void *page,
                      unsigned level, uint64_t first, uint64_t first_dropped)
{
    if (level > 1) {
        void **entries = page;
        uint64_t span = pages_reached(level - 1);
        for (unsigned i = 0; i < ENTRIES_PER_INDEX; i++) {
            uint64_t child_first = first + i * span;
            if (entries[i] != NULL && child_first + span > first_dropped &&
                drop_from(tree, pages, entries[i], level - 1, child_first, first_dropped))
                entries[i] = NULL;
        }
    }
    if (first < first_dropped)
        return false;
    if (level == 1)
        tree->page_count--;
    pages->free(pages->context, page);
    return true;
}

void page_tree_truncate(struct page_tree *tree, const struct page_tree_pages *pages,
                        uint64_t first_dropped)
{
    if (tree->root != NULL &&
        drop_from(tree, pages, tree->root, tree->height, 0, first_dropped)) {
        tree->root = NULL;
    }
    if (tree->root == NULL) {
        tree->height = 0;
        return;
    }
    /* Lower the tree while only the first entry of its root can be used. */
    while (tree->height > 1 && first_dropped <= pages_reached(tree->height - 1)) {
        void **top = tree->root;
        tree->root = top[0];
        pages->free(pages->context, top);
        tree->height--;
        if (tree->root == NULL) {
            tree->height = 0;
            return;
        }
    }
}
