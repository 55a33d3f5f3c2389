/* procmgr's page index: page address -> frame slot, with removal that
 * keeps every remaining page findable. */
#include "check.h"
#include "page_index.h"
#include "sys/linux_abi.h"

#define PAGE 0x1000ULL

static struct page_entry storage[64];
static struct page_index index_;

static void reset(uint32_t capacity)
{
    page_index_init(&index_, storage, capacity);
}

static void empty_index_finds_nothing(void)
{
    reset(64);
    CHECK_EQ_U64(index_.count, 0);
    CHECK(page_index_find(&index_, 0x400000) == NULL);
    CHECK(page_index_find(&index_, 0) == NULL);
    CHECK(page_index_find(&index_, PAGE_INDEX_EMPTY) == NULL);
}

static void inserted_page_is_found_with_its_slot_and_flags(void)
{
    reset(64);
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 0x400000, 77, 0, 3 }), 0);
    struct page_entry *entry = page_index_find(&index_, 0x400000);
    CHECK(entry != NULL);
    if (entry != NULL) {
        CHECK_EQ_U64(entry->page, 0x400000);
        CHECK_EQ_U64(entry->slot, 77);
        CHECK_EQ_U64(entry->flags, 3);
    }
    CHECK(page_index_find(&index_, 0x401000) == NULL);
    CHECK_EQ_U64(index_.count, 1);
}

static void page_zero_is_a_valid_key(void)
{
    reset(64);
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 0, 5, 0, 0 }), 0);
    CHECK(page_index_find(&index_, 0) != NULL);
}

static void found_entry_can_be_updated_in_place(void)
{
    reset(64);
    page_index_insert(&index_, (struct page_entry){ 0x400000, 1, 0, 0 });
    page_index_find(&index_, 0x400000)->slot = 9;
    CHECK_EQ_U64(page_index_find(&index_, 0x400000)->slot, 9);
}

static void duplicate_insert_is_eexist(void)
{
    reset(64);
    page_index_insert(&index_, (struct page_entry){ 0x400000, 1, 0, 0 });
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 0x400000, 2, 0, 0 }), -LINUX_EEXIST);
    CHECK_EQ_U64(page_index_find(&index_, 0x400000)->slot, 1);
    CHECK_EQ_U64(index_.count, 1);
}

static void unaligned_page_is_einval(void)
{
    reset(64);
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 0x400010, 1, 0, 0 }), -LINUX_EINVAL);
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ PAGE_INDEX_EMPTY, 1, 0, 0 }), -LINUX_EINVAL);
    CHECK_EQ_U64(index_.count, 0);
}

static void more_than_three_quarters_full_is_enomem(void)
{
    reset(16);
    for (uint64_t i = 0; i < 12; i++)
        CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ i * PAGE, (uint32_t)i, 0, 0 }), 0);
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 12 * PAGE, 12, 0, 0 }), -LINUX_ENOMEM);
    CHECK_EQ_U64(index_.count, 12);
    /* A page already present is still EEXIST, not ENOMEM. */
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 3 * PAGE, 3, 0, 0 }), -LINUX_EEXIST);
}

static void capacity_one_holds_nothing(void)
{
    reset(1);
    CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ 0x400000, 1, 0, 0 }), -LINUX_ENOMEM);
    CHECK(page_index_find(&index_, 0x400000) == NULL);
}

static void remove_returns_the_entry(void)
{
    reset(64);
    page_index_insert(&index_, (struct page_entry){ 0x400000, 42, 0, 7 });
    struct page_entry removed = { 0 };
    CHECK(page_index_remove(&index_, 0x400000, &removed));
    CHECK_EQ_U64(removed.page, 0x400000);
    CHECK_EQ_U64(removed.slot, 42);
    CHECK_EQ_U64(removed.flags, 7);
    CHECK(page_index_find(&index_, 0x400000) == NULL);
    CHECK_EQ_U64(index_.count, 0);
    CHECK(!page_index_remove(&index_, 0x400000, &removed));
    CHECK(!page_index_remove(&index_, 0x500000, NULL));
}

/* Pages whose home is the same position, found by trying. */
static unsigned colliding_pages(uint64_t *pages, unsigned wanted, uint32_t capacity)
{
    reset(capacity);
    page_index_insert(&index_, (struct page_entry){ 0, 0, 0, 0 });
    uint32_t home = (uint32_t)(page_index_find(&index_, 0) - storage);
    unsigned found = 0;
    for (uint64_t page = 0; found < wanted && page < 0x10000000; page += PAGE) {
        reset(capacity);
        page_index_insert(&index_, (struct page_entry){ page, 0, 0, 0 });
        if ((uint32_t)(page_index_find(&index_, page) - storage) == home)
            pages[found++] = page;
    }
    reset(capacity);
    return found;
}

static void removal_inside_a_collision_run_keeps_the_rest_findable(void)
{
    uint64_t pages[5];
    CHECK_EQ_U64(colliding_pages(pages, 5, 64), 5);
    for (unsigned i = 0; i < 5; i++)
        page_index_insert(&index_, (struct page_entry){ pages[i], i, 0, 0 });
    CHECK(page_index_remove(&index_, pages[1], NULL));
    CHECK(page_index_remove(&index_, pages[3], NULL));
    CHECK(page_index_find(&index_, pages[0]) != NULL);
    CHECK(page_index_find(&index_, pages[2]) != NULL);
    CHECK(page_index_find(&index_, pages[4]) != NULL);
    CHECK(page_index_find(&index_, pages[1]) == NULL);
    CHECK_EQ_U64(page_index_find(&index_, pages[4])->slot, 4);
}

/* Backward shift, not tombstones: after removals no position is wasted, so
 * the index can be refilled to 3/4 without ENOMEM or endless probing. */
static void removals_leave_no_tombstones(void)
{
    reset(16);
    for (unsigned round = 0; round < 20; round++) {
        for (uint64_t i = 0; i < 12; i++)
            CHECK_EQ_U64(page_index_insert(&index_, (struct page_entry){ (round * 12 + i) * PAGE, 0, 0, 0 }), 0);
        for (uint64_t i = 0; i < 12; i++)
            CHECK(page_index_remove(&index_, (round * 12 + i) * PAGE, NULL));
    }
    for (uint32_t i = 0; i < 16; i++)
        CHECK_EQ_U64(storage[i].page, PAGE_INDEX_EMPTY);
}

/* A deterministic mix of inserts and removes against a plain array. */
static void random_operations_agree_with_a_reference(void)
{
    enum { PAGES = 96 };
    bool present[PAGES] = { false };
    reset(64);
    uint64_t state = 12345;
    for (unsigned step = 0; step < 20000; step++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned which = (unsigned)(state >> 33) % PAGES;
        uint64_t page = 0x7f00000000ULL - which * PAGE;
        if ((state >> 20) & 1) {
            uint32_t count_before = index_.count;
            int result = page_index_insert(&index_, (struct page_entry){ page, which, 0, 0 });
            if (present[which])
                CHECK_EQ_U64(result, -LINUX_EEXIST);
            else if (count_before >= 48)
                CHECK_EQ_U64(result, -LINUX_ENOMEM);
            else
                CHECK_EQ_U64(result, 0);
            if (result == 0)
                present[which] = true;
        } else {
            CHECK(page_index_remove(&index_, page, NULL) == present[which]);
            present[which] = false;
        }
    }
    unsigned count = 0;
    for (unsigned which = 0; which < PAGES; which++) {
        struct page_entry *entry = page_index_find(&index_, 0x7f00000000ULL - which * PAGE);
        CHECK((entry != NULL) == present[which]);
        if (entry != NULL)
            CHECK_EQ_U64(entry->slot, which);
        count += present[which];
    }
    CHECK_EQ_U64(index_.count, count);
}

static void count_visit(void *context, struct page_entry *entry)
{
    uint64_t *sum = context;
    *sum += entry->slot;
    entry->flags = 1;
}

static void for_each_visits_every_entry_once(void)
{
    reset(64);
    for (uint32_t i = 1; i <= 10; i++)
        page_index_insert(&index_, (struct page_entry){ i * PAGE, i, 0, 0 });
    uint64_t sum = 0;
    page_index_for_each(&index_, count_visit, &sum);
    CHECK_EQ_U64(sum, 55);
    CHECK_EQ_U64(page_index_find(&index_, 5 * PAGE)->flags, 1);
}

struct removed_pages { uint64_t count, sum; };

static void note_removed(void *context, const struct page_entry *entry)
{
    struct removed_pages *removed = context;
    removed->count++;
    removed->sum += entry->page / PAGE;
}

static void fill_pages(uint64_t first, uint64_t last)
{
    for (uint64_t page = first; page <= last; page++)
        page_index_insert(&index_, (struct page_entry){ page * PAGE, (uint32_t)page, 0, 0 });
}

static void remove_range_removes_exactly_the_range(void)
{
    reset(64);
    fill_pages(1, 40);
    struct removed_pages removed = { 0 };
    page_index_remove_range(&index_, 10 * PAGE, 20 * PAGE, note_removed, &removed);
    CHECK_EQ_U64(removed.count, 10);
    CHECK_EQ_U64(removed.sum, 145);        /* 10 + 11 + ... + 19 */
    CHECK_EQ_U64(index_.count, 30);
    for (uint64_t page = 1; page <= 40; page++)
        CHECK((page_index_find(&index_, page * PAGE) == NULL) == (page >= 10 && page < 20));
}

/* A range wider than the table is removed by one pass over it. */
static void remove_of_a_wide_range_scans_the_table(void)
{
    reset(64);
    fill_pages(1, 24);
    fill_pages(0x100000, 0x100000 + 23);
    struct removed_pages removed = { 0 };
    page_index_remove_range(&index_, 0, 0x1000 * PAGE, note_removed, &removed);
    CHECK_EQ_U64(removed.count, 24);
    CHECK_EQ_U64(removed.sum, 300);        /* 1 + ... + 24 */
    CHECK_EQ_U64(index_.count, 24);
    for (uint64_t page = 0x100000; page < 0x100000 + 24; page++)
        CHECK(page_index_find(&index_, page * PAGE) != NULL);
}

static void remove_of_everything_empties_the_index(void)
{
    reset(64);
    fill_pages(1, 48);
    page_index_remove_range(&index_, 0, UINT64_MAX, NULL, NULL);
    CHECK_EQ_U64(index_.count, 0);
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ_U64(storage[i].page, PAGE_INDEX_EMPTY);
}

static void remove_of_an_empty_range_does_nothing(void)
{
    reset(64);
    fill_pages(1, 4);
    page_index_remove_range(&index_, 3 * PAGE, 3 * PAGE, NULL, NULL);
    page_index_remove_range(&index_, 4 * PAGE, 2 * PAGE, NULL, NULL);
    CHECK_EQ_U64(index_.count, 4);
}

/* Moved into bigger or smaller storage, every entry stays findable. */
static void a_moved_index_keeps_every_entry(void)
{
    reset(64);
    fill_pages(1, 40);
    static struct page_entry bigger[128], smaller[64];
    page_index_move(&index_, bigger, 128);
    CHECK_EQ_U64(index_.count, 40);
    CHECK_EQ_U64(index_.capacity, 128);
    page_index_remove_range(&index_, 1 * PAGE, 31 * PAGE, NULL, NULL);
    page_index_move(&index_, smaller, page_index_capacity_for(index_.count));
    CHECK_EQ_U64(index_.capacity, 16);
    CHECK_EQ_U64(index_.count, 10);
    for (uint64_t page = 1; page <= 40; page++)
        CHECK((page_index_find(&index_, page * PAGE) != NULL) == (page > 30));
}

/* The smallest power of two that stays at most 3/4 full. */
static void capacity_for_keeps_a_quarter_free(void)
{
    CHECK_EQ_U64(page_index_capacity_for(0), 1);
    CHECK_EQ_U64(page_index_capacity_for(3), 4);
    CHECK_EQ_U64(page_index_capacity_for(4), 8);
    CHECK_EQ_U64(page_index_capacity_for(12), 16);
    CHECK_EQ_U64(page_index_capacity_for(13), 32);
}

/* Small ranges are looked up page by page, large ones by a scan: both
 * answer the same. */
static void has_range_finds_any_page_in_the_range(void)
{
    reset(64);
    fill_pages(10, 12);
    CHECK(!page_index_has_range(&index_, 0, 10 * PAGE));
    CHECK(page_index_has_range(&index_, 0, 10 * PAGE + 1));
    CHECK(page_index_has_range(&index_, 12 * PAGE, 13 * PAGE));
    CHECK(!page_index_has_range(&index_, 13 * PAGE, 1000 * PAGE));
    CHECK(page_index_has_range(&index_, 0, 1000 * PAGE));
    CHECK(!page_index_has_range(&index_, 11 * PAGE, 11 * PAGE));
}

int main(void)
{
    RUN_TEST(empty_index_finds_nothing);
    RUN_TEST(a_moved_index_keeps_every_entry);
    RUN_TEST(capacity_for_keeps_a_quarter_free);
    RUN_TEST(has_range_finds_any_page_in_the_range);
    RUN_TEST(inserted_page_is_found_with_its_slot_and_flags);
    RUN_TEST(page_zero_is_a_valid_key);
    RUN_TEST(found_entry_can_be_updated_in_place);
    RUN_TEST(duplicate_insert_is_eexist);
    RUN_TEST(unaligned_page_is_einval);
    RUN_TEST(more_than_three_quarters_full_is_enomem);
    RUN_TEST(capacity_one_holds_nothing);
    RUN_TEST(remove_returns_the_entry);
    RUN_TEST(removal_inside_a_collision_run_keeps_the_rest_findable);
    RUN_TEST(removals_leave_no_tombstones);
    RUN_TEST(random_operations_agree_with_a_reference);
    RUN_TEST(for_each_visits_every_entry_once);
    RUN_TEST(remove_range_removes_exactly_the_range);
    RUN_TEST(remove_of_a_wide_range_scans_the_table);
    RUN_TEST(remove_of_everything_empties_the_index);
    RUN_TEST(remove_of_an_empty_range_does_nothing);
    return check_report();
}
