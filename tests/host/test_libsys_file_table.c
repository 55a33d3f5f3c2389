/*
 * Host tests of libsys's open file description table (sys/file_table.h):
 * handles, references, flags, slot reuse, and the end of an OFD told.
 */
#include <stdlib.h>
#include "check.h"
#include "sys/file_table.h"

static unsigned pages_allocated;
static unsigned page_limit = 1000;
static void *pages[FILE_TABLE_PAGES];

static void *allocate_page(void *context)
{
    (void)context;
    if (pages_allocated == page_limit)
        return NULL;
    void *page = aligned_alloc(FILE_TABLE_PAGE_SIZE, FILE_TABLE_PAGE_SIZE);
    memset(page, 0xa5, FILE_TABLE_PAGE_SIZE);   /* the table must not trust its contents */
    pages[pages_allocated++] = page;
    return page;
}

static void free_pages(void)
{
    for (unsigned i = 0; i < pages_allocated; i++)
        free(pages[i]);
    pages_allocated = 0;
    page_limit = 1000;
}

static int object_a, object_b;

static void open_gives_a_nonzero_handle_that_finds_the_description(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle = 0;
    CHECK_EQ_U64(file_table_open(&table, &object_a, LINUX_O_RDWR | LINUX_O_APPEND, &handle), 0);
    CHECK(handle != 0);
    struct file_description *description = file_table_find(&table, handle);
    CHECK(description != NULL && description->object == &object_a);
    CHECK_EQ_U64(description->references, 1);
    CHECK_EQ_U64(description->position, 0);
    CHECK_EQ_U64(file_table_get_flags(&table, handle), LINUX_O_RDWR | LINUX_O_APPEND);
    free_pages();
}

static void handles_of_two_opens_differ(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t first, second;
    file_table_open(&table, &object_a, 0, &first);
    file_table_open(&table, &object_b, 0, &second);
    CHECK(first != second);
    CHECK(file_table_find(&table, first)->object == &object_a);
    CHECK(file_table_find(&table, second)->object == &object_b);
    free_pages();
}

static void unknown_handles_find_nothing(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle;
    file_table_open(&table, &object_a, 0, &handle);
    CHECK(file_table_find(&table, 0) == NULL);
    CHECK(file_table_find(&table, handle + 1) == NULL);             /* a free slot */
    CHECK(file_table_find(&table, handle ^ (1ULL << FILE_TABLE_INDEX_BITS)) == NULL);
    CHECK(file_table_find(&table, UINT64_MAX) == NULL);
    CHECK(file_table_find(&table, FILE_TABLE_CAPACITY + 5) == NULL);
    CHECK_EQ_U64(file_table_get_flags(&table, 0), -LINUX_EBADF);
    CHECK_EQ_U64(file_table_retain(&table, 0), -LINUX_EBADF);
    void *last;
    CHECK_EQ_U64(file_table_close(&table, 0, &last), -LINUX_EBADF);
    CHECK(last == NULL);
    free_pages();
}

static void the_last_close_gives_the_object_back(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle;
    file_table_open(&table, &object_a, 0, &handle);
    CHECK_EQ_U64(file_table_retain(&table, handle), 0);
    void *last = &object_b;
    CHECK_EQ_U64(file_table_close(&table, handle, &last), 0);
    CHECK(last == NULL);                        /* one reference is left */
    CHECK(file_table_find(&table, handle) != NULL);
    CHECK_EQ_U64(file_table_close(&table, handle, &last), 0);
    CHECK(last == &object_a);
    CHECK(file_table_find(&table, handle) == NULL);
    CHECK_EQ_U64(file_table_close(&table, handle, &last), -LINUX_EBADF);
    free_pages();
}

static void a_reused_slot_does_not_answer_the_old_handle(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t old, reused;
    void *last;
    file_table_open(&table, &object_a, 0, &old);
    file_table_close(&table, old, &last);
    file_table_open(&table, &object_b, 0, &reused);
    CHECK_EQ_U64(reused & ((1ULL << FILE_TABLE_INDEX_BITS) - 1),
                 old & ((1ULL << FILE_TABLE_INDEX_BITS) - 1));
    CHECK(reused != old);
    CHECK(file_table_find(&table, old) == NULL);
    CHECK(file_table_find(&table, reused)->object == &object_b);
    free_pages();
}

static void set_flags_changes_only_the_settable_status_flags(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle;
    file_table_open(&table, &object_a, LINUX_O_WRONLY | LINUX_O_CLOEXEC, &handle);
    CHECK_EQ_U64(file_table_set_flags(&table, handle,
                                      LINUX_O_RDWR | LINUX_O_NONBLOCK | LINUX_O_APPEND |
                                          LINUX_O_TRUNC | LINUX_O_CREAT),
                 0);
    CHECK_EQ_U64(file_table_get_flags(&table, handle),
                 LINUX_O_WRONLY | LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_O_APPEND);
    CHECK_EQ_U64(file_table_set_flags(&table, handle, 0), 0);
    CHECK_EQ_U64(file_table_get_flags(&table, handle), LINUX_O_WRONLY | LINUX_O_CLOEXEC);
    free_pages();
}

static void set_flags_of_an_o_path_description_is_ebadf(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle;
    file_table_open(&table, &object_a, LINUX_O_PATH, &handle);
    CHECK_EQ_U64(file_table_set_flags(&table, handle, LINUX_O_NONBLOCK), -LINUX_EBADF);
    CHECK_EQ_U64(file_table_get_flags(&table, handle), LINUX_O_PATH);
    free_pages();
}

static void retain_stops_at_the_count_limit(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle;
    file_table_open(&table, &object_a, 0, &handle);
    file_table_find(&table, handle)->references = UINT32_MAX;
    CHECK_EQ_U64(file_table_retain(&table, handle), -LINUX_ENFILE);
    free_pages();
}

static void the_table_fills_up_with_enfile(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    uint64_t handle = 0;
    int result = 0;
    unsigned opened = 0;
    while ((result = file_table_open(&table, &object_a, 0, &handle)) == 0)
        opened++;
    CHECK_EQ_U64(result, -LINUX_ENFILE);
    CHECK_EQ_U64(opened, FILE_TABLE_CAPACITY);
    CHECK_EQ_U64(pages_allocated, FILE_TABLE_PAGES);
    /* A closed one makes room again, without a new page. */
    void *last;
    CHECK_EQ_U64(file_table_close(&table, handle, &last), 0);
    CHECK_EQ_U64(file_table_open(&table, &object_b, 0, &handle), 0);
    CHECK_EQ_U64(pages_allocated, FILE_TABLE_PAGES);
    free_pages();
}

static void no_memory_for_slots_is_enomem(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    page_limit = 0;
    uint64_t handle;
    CHECK_EQ_U64(file_table_open(&table, &object_a, 0, &handle), -LINUX_ENOMEM);
    page_limit = 1000;
    CHECK_EQ_U64(file_table_open(&table, &object_a, 0, &handle), 0);
    free_pages();
}

static void names_tells_whether_a_live_description_has_the_object(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    CHECK(!file_table_names(&table, &object_a));
    uint64_t first, second;
    file_table_open(&table, &object_a, 0, &first);
    file_table_open(&table, &object_a, 0, &second);
    CHECK(file_table_names(&table, &object_a));
    CHECK(!file_table_names(&table, &object_b));
    void *last;
    file_table_close(&table, first, &last);
    CHECK(file_table_names(&table, &object_a));
    file_table_close(&table, second, &last);
    CHECK(!file_table_names(&table, &object_a));
    free_pages();
}

/* What description_ended was told, and what the table showed then. */
static unsigned ends_told;
static uint64_t ended_handle;
static const void *ended_object;
static bool ended_handle_found, ended_object_named;

static void note_end(const struct file_table *table, uint64_t handle, const void *object)
{
    ends_told++;
    ended_handle = handle;
    ended_object = object;
    ended_handle_found = file_table_find(table, handle) != NULL;
    ended_object_named = file_table_names(table, object);
}

static void only_the_last_reference_tells_of_the_end_once_the_slot_is_free(void)
{
    struct file_table table;
    file_table_init(&table, allocate_page, NULL);
    CHECK(table.description_ended == NULL);
    table.description_ended = note_end;
    ends_told = 0;
    uint64_t handle;
    file_table_open(&table, &object_a, 0, &handle);
    file_table_retain(&table, handle);      /* as a server's waiter holds one */
    void *last;
    file_table_close(&table, handle, &last);
    CHECK_EQ_U64(ends_told, 0);
    file_table_close(&table, handle, &last);
    CHECK_EQ_U64(ends_told, 1);
    CHECK_EQ_U64(ended_handle, handle);
    CHECK(ended_object == &object_a);
    CHECK(!ended_handle_found);
    CHECK(!ended_object_named);
    CHECK_EQ_U64(file_table_close(&table, handle, &last), -LINUX_EBADF);
    CHECK_EQ_U64(ends_told, 1);
    free_pages();
}

int main(void)
{
    open_gives_a_nonzero_handle_that_finds_the_description();
    handles_of_two_opens_differ();
    unknown_handles_find_nothing();
    the_last_close_gives_the_object_back();
    a_reused_slot_does_not_answer_the_old_handle();
    set_flags_changes_only_the_settable_status_flags();
    set_flags_of_an_o_path_description_is_ebadf();
    retain_stops_at_the_count_limit();
    the_table_fills_up_with_enfile();
    no_memory_for_slots_is_enomem();
    names_tells_whether_a_live_description_has_the_object();
    only_the_last_reference_tells_of_the_end_once_the_slot_is_free();
    return check_report();
}
