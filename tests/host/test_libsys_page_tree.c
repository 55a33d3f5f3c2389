/* libsys's page tree (sys/page_tree.h): pages by index, holes, growth in
 * height, truncation, and running out of memory. */
#include <stdbool.h>
#include <stdlib.h>
#include "check.h"
#include "sys/page_tree.h"

static long pages_live;
static long page_budget = -1;       /* -1: no limit */

static void *allocate(void *context)
{
    (void)context;
    if (page_budget == 0)
        return NULL;
    if (page_budget > 0)
        page_budget--;
    pages_live++;
    void *page = aligned_alloc(PAGE_TREE_PAGE_SIZE, PAGE_TREE_PAGE_SIZE);
    memset(page, 0xa5, PAGE_TREE_PAGE_SIZE);    /* the tree must zero what it hands out */
    return page;
}

static void release(void *context, void *page)
{
    (void)context;
    pages_live--;
    free(page);
}

static const struct page_tree_pages pages = {allocate, release, NULL};

static bool all_zero(const void *page)
{
    const uint8_t *bytes = page;
    for (unsigned i = 0; i < PAGE_TREE_PAGE_SIZE; i++)
        if (bytes[i] != 0)
            return false;
    return true;
}

static void an_empty_tree_has_only_holes(void)
{
    struct page_tree tree = {0};
    CHECK(page_tree_find(&tree, 0) == NULL);
    CHECK(page_tree_find(&tree, 12345) == NULL);
    CHECK_EQ_U64(tree.page_count, 0);
}

static void a_page_made_is_zeroed_and_found_again(void)
{
    struct page_tree tree = {0};
    uint8_t *page = page_tree_get(&tree, &pages, 0);
    CHECK(page != NULL && all_zero(page));
    page[7] = 42;
    CHECK(page_tree_find(&tree, 0) == page);
    CHECK(page_tree_get(&tree, &pages, 0) == page);
    CHECK_EQ_U64(tree.page_count, 1);
    CHECK_EQ_U64(tree.height, 1);
    page_tree_truncate(&tree, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void far_pages_grow_the_tree_and_keep_the_near_ones(void)
{
    struct page_tree tree = {0};
    uint8_t *first = page_tree_get(&tree, &pages, 0);
    first[0] = 1;
    uint8_t *far = page_tree_get(&tree, &pages, 512 * 300 + 3);
    CHECK(far != NULL && all_zero(far));
    CHECK_EQ_U64(tree.height, 3);
    CHECK(page_tree_find(&tree, 0) == first);
    CHECK(page_tree_find(&tree, 1) == NULL);            /* a hole between */
    CHECK(page_tree_find(&tree, 512 * 300 + 3) == far);
    CHECK_EQ_U64(tree.page_count, 2);
    page_tree_truncate(&tree, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void the_last_page_reachable_is_below_the_maximum_size(void)
{
    struct page_tree tree = {0};
    uint64_t last = PAGE_TREE_MAX_SIZE / PAGE_TREE_PAGE_SIZE - 1;
    CHECK(page_tree_get(&tree, &pages, last) != NULL);
    CHECK(page_tree_get(&tree, &pages, last + 1) == NULL);
    page_tree_truncate(&tree, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void truncation_frees_what_lies_past_it_and_lowers_the_tree(void)
{
    struct page_tree tree = {0};
    for (uint64_t index = 0; index < 1100; index += 100)
        page_tree_get(&tree, &pages, index);
    CHECK_EQ_U64(tree.height, 3);
    CHECK_EQ_U64(tree.page_count, 11);
    page_tree_truncate(&tree, &pages, 250);
    CHECK_EQ_U64(tree.page_count, 3);                   /* 0, 100 and 200 stay */
    CHECK(page_tree_find(&tree, 200) != NULL);
    CHECK(page_tree_find(&tree, 300) == NULL);
    CHECK_EQ_U64(tree.height, 2);                       /* 250 pages fit in one index */
    page_tree_truncate(&tree, &pages, 1);
    CHECK_EQ_U64(tree.height, 1);
    CHECK(page_tree_find(&tree, 0) != NULL);
    page_tree_truncate(&tree, &pages, 0);
    CHECK_EQ_U64(tree.height, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void without_memory_nothing_is_made(void)
{
    struct page_tree tree = {0};
    page_budget = 0;
    CHECK(page_tree_get(&tree, &pages, 5) == NULL);
    page_budget = 1;                                    /* the index page, not the data */
    CHECK(page_tree_get(&tree, &pages, 5000) == NULL);
    page_budget = -1;
    CHECK(page_tree_get(&tree, &pages, 5000) != NULL);
    page_tree_truncate(&tree, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

int main(void)
{
    an_empty_tree_has_only_holes();
    a_page_made_is_zeroed_and_found_again();
    far_pages_grow_the_tree_and_keep_the_near_ones();
    the_last_page_reachable_is_below_the_maximum_size();
    truncation_frees_what_lies_past_it_and_lowers_the_tree();
    without_memory_nothing_is_made();
    return check_report();
}
