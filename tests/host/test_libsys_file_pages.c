/* libsys's file bytes in pages (sys/file_pages.h): reads, writes, holes,
 * the end of the file, resizing, and failed copies. */
#include <stdbool.h>
#include <stdlib.h>
#include "check.h"
#include "test_client_memory.h"
#include "sys/file_pages.h"
#include "sys/linux_abi.h"

static long pages_live;
static long page_budget = -1;

static void *allocate(void *context)
{
    (void)context;
    if (page_budget == 0)
        return NULL;
    if (page_budget > 0)
        page_budget--;
    pages_live++;
    return aligned_alloc(PAGE_TREE_PAGE_SIZE, PAGE_TREE_PAGE_SIZE);
}

static void release(void *context, void *page)
{
    (void)context;
    pages_live--;
    free(page);
}

static const struct page_tree_pages pages = {allocate, release, NULL};

static int64_t write_text(struct file_pages *file, const char *text, uint64_t offset)
{
    struct client buffer;
    return file_pages_write(file, &pages, client(&buffer, (void *)text, strlen(text)),
                            strlen(text), offset);
}

static void what_is_written_reads_back(void)
{
    struct file_pages file = {0};
    CHECK_EQ_U64(write_text(&file, "hello, world", 0), 12);
    CHECK_EQ_U64(file.size, 12);
    char bytes[32] = {0};
    struct client buffer;
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, bytes, sizeof bytes), 32, 0), 12);
    CHECK_EQ_STR(bytes, "hello, world");
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, bytes, sizeof bytes), 32, 12), 0);
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, bytes, sizeof bytes), 32, 100), 0);
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void a_write_across_pages_and_past_a_hole(void)
{
    struct file_pages file = {0};
    CHECK_EQ_U64(write_text(&file, "ab", PAGE_TREE_PAGE_SIZE - 1), 2);
    CHECK_EQ_U64(file.size, PAGE_TREE_PAGE_SIZE + 1);
    CHECK_EQ_U64(write_text(&file, "far", 5 * PAGE_TREE_PAGE_SIZE), 3);
    CHECK_EQ_U64(file.tree.page_count, 3);       /* pages 0, 1 and 5; 2 to 4 are holes */
    uint8_t bytes[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    struct client buffer;
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, bytes, 8), 8, 3 * PAGE_TREE_PAGE_SIZE), 8);
    CHECK(bytes[0] == 0 && bytes[7] == 0);
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void growing_clears_what_lay_past_the_end(void)
{
    struct file_pages file = {0};
    write_text(&file, "abc", 0);
    uint8_t *page = page_tree_find(&file.tree, 0);
    memset(page + 3, 'x', 20);          /* a shared mapping wrote past the end */
    file_pages_resize(&file, &pages, 10);
    char bytes[10];
    struct client buffer;
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, bytes, 10), 10, 0), 10);
    CHECK(memcmp(bytes, "abc\0\0\0\0\0\0\0", 10) == 0);
    memset(page + 10, 'y', 20);
    CHECK_EQ_U64(write_text(&file, "z", 15), 1);
    char grown[16];
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, grown, 16), 16, 0), 16);
    CHECK(memcmp(grown, "abc\0\0\0\0\0\0\0\0\0\0\0\0z", 16) == 0);
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void shrinking_frees_pages_and_zeroes_the_tail(void)
{
    struct file_pages file = {0};
    write_text(&file, "0123456789", 0);
    write_text(&file, "x", 3 * PAGE_TREE_PAGE_SIZE);
    file_pages_resize(&file, &pages, 4);
    CHECK_EQ_U64(file.size, 4);
    CHECK_EQ_U64(file.tree.page_count, 1);
    const uint8_t *page = page_tree_find(&file.tree, 0);
    CHECK(page[3] == '3' && page[4] == 0 && page[9] == 0);
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void a_failed_copy_writes_nothing_more(void)
{
    struct file_pages file = {0};
    char text[10] = "abcdefghi";
    struct client buffer;
    /* The client offers 5 bytes but asks for 10 written. */
    CHECK_EQ_U64(file_pages_write(&file, &pages, client(&buffer, text, 5), 10, 0), -LINUX_EFAULT);
    CHECK_EQ_U64(file.size, 0);
    CHECK_EQ_U64(file_pages_write(&file, &pages, client(&buffer, text, 5), 10, 100),
                 -LINUX_EFAULT);
    CHECK_EQ_U64(file.size, 0);                 /* a failed write past the end grows nothing */
    char small[2];
    write_text(&file, "abcdef", 0);
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, small, 2), 6, 0), -LINUX_EFAULT);
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

/* Pages made for a write that failed, or reserved for one that never
 * came, go back: with the write, or when the file is released (the soak
 * found a memfd's failed writes holding 250 MB after its last close). */
static void pages_past_the_end_go_back(void)
{
    struct file_pages file = {0};
    static char text[2 * PAGE_TREE_PAGE_SIZE];
    struct client buffer;
    /* The client offers two pages of the three asked for. */
    CHECK_EQ_U64(file_pages_write(&file, &pages, client(&buffer, text, sizeof text),
                                  3 * PAGE_TREE_PAGE_SIZE, 0), sizeof text);
    long holding = pages_live;
    CHECK_EQ_U64(file_pages_write(&file, &pages, client(&buffer, text, 5), 10,
                                  10 * PAGE_TREE_PAGE_SIZE), -LINUX_EFAULT);
    CHECK_EQ_U64(pages_live, holding);
    CHECK_EQ_U64(file_pages_reserve(&file, &pages, 4 * PAGE_TREE_PAGE_SIZE, 0), 0);
    CHECK(pages_live > holding);
    file_pages_resize(&file, &pages, file.size);
    CHECK_EQ_U64(pages_live, holding);
    struct file_pages empty = {0};
    CHECK_EQ_U64(file_pages_reserve(&empty, &pages, 2 * PAGE_TREE_PAGE_SIZE, 0), 0);
    file_pages_resize(&empty, &pages, 0);       /* released with nothing written */
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

static void limits_are_efbig_and_enospc(void)
{
    struct file_pages file = {0};
    CHECK_EQ_U64(write_text(&file, "x", PAGE_TREE_MAX_SIZE), -LINUX_EFBIG);
    CHECK_EQ_U64(write_text(&file, "xy", PAGE_TREE_MAX_SIZE - 1), 1);   /* cut at the limit */
    file_pages_resize(&file, &pages, 0);
    page_budget = 0;
    CHECK_EQ_U64(write_text(&file, "x", 0), -LINUX_ENOSPC);
    page_budget = -1;
    CHECK_EQ_U64(pages_live, 0);
}

/* A reserve makes every page the write would need, or says it cannot;
 * the write after it then never ends short. */
static void a_reserve_makes_every_page_or_fails(void)
{
    struct file_pages file = {0};
    page_budget = 3;                /* the index page and two data pages */
    CHECK_EQ_U64(file_pages_reserve(&file, &pages, 3 * PAGE_TREE_PAGE_SIZE, 0), -LINUX_ENOSPC);
    CHECK_EQ_U64(file.size, 0);
    page_budget = 1;                /* the third data page */
    CHECK_EQ_U64(file_pages_reserve(&file, &pages, 3 * PAGE_TREE_PAGE_SIZE, 0), 0);
    page_budget = 0;
    CHECK_EQ_U64(write_text(&file, "spans two pages", 2 * PAGE_TREE_PAGE_SIZE - 4), 15);
    char bytes[4] = {1, 1, 1, 1};
    struct client buffer;
    CHECK_EQ_U64(file_pages_read(&file, client(&buffer, bytes, 4), 4, 0), 4);
    CHECK(bytes[0] == 0 && bytes[3] == 0);      /* a reserved page reads as zeros */
    CHECK_EQ_U64(file_pages_reserve(&file, &pages, 0, PAGE_TREE_MAX_SIZE), 0);
    page_budget = -1;
    file_pages_resize(&file, &pages, 0);
    CHECK_EQ_U64(pages_live, 0);
}

int main(void)
{
    what_is_written_reads_back();
    a_write_across_pages_and_past_a_hole();
    growing_clears_what_lay_past_the_end();
    shrinking_frees_pages_and_zeroes_the_tail();
    a_failed_copy_writes_nothing_more();
    pages_past_the_end_go_back();
    limits_are_efbig_and_enospc();
    a_reserve_makes_every_page_or_fails();
    return check_report();
}
