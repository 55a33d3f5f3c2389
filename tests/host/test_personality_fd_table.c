/* The personality's descriptor bitmaps: lowest free first, reservations,
 * close-on-exec. */
#include "check.h"
#include "fd_table.h"
#include "sys/linux_abi.h"

static uint64_t open_bits[FD_TABLE_WORDS];
static uint64_t cloexec_bits[FD_TABLE_WORDS];
static struct fd_table table;

static void reset(void)
{
    memset(open_bits, 0, sizeof(open_bits));
    memset(cloexec_bits, 0, sizeof(cloexec_bits));
    memset(&table, 0, sizeof(table));
    table.open = open_bits;
    table.cloexec = cloexec_bits;
}

static void open_descriptors(unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        int fd = fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS);
        fd_table_install(&table, (unsigned)fd, false);
    }
}

static void lowest_free_descriptor_comes_first(void)
{
    reset();
    open_descriptors(3);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 3);
    fd_table_install(&table, 3, false);
    fd_table_take(&table, 1);
    fd_table_release(&table, 1);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 1);
}

static void reserved_descriptor_is_not_handed_out_twice(void)
{
    reset();
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 0);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 1);
    CHECK(!fd_table_is_open(&table, 0));
    CHECK(fd_table_is_reserved(&table, 0));
}

static void released_reservation_is_free_again(void)
{
    reset();
    fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS);
    fd_table_release(&table, 0);
    CHECK(!fd_table_is_reserved(&table, 0));
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 0);
}

static void search_starts_at_the_lowest_asked(void)
{
    reset();
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 10, LINUX_MAX_FDS), 10);
}

static void full_table_is_emfile(void)
{
    reset();
    open_descriptors(LINUX_MAX_FDS);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), (uint64_t)-LINUX_EMFILE);
}

static void limit_bounds_the_search(void)
{
    reset();
    open_descriptors(4);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, 4), (uint64_t)-LINUX_EMFILE);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, 5), 4);
}

static void search_skips_full_words(void)
{
    reset();
    open_descriptors(130);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 130);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 64, LINUX_MAX_FDS), 131);
}

static void limit_above_table_size_is_clamped(void)
{
    reset();
    open_descriptors(LINUX_MAX_FDS);
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, 1 << 20), (uint64_t)-LINUX_EMFILE);
}

static void exact_reservation_needs_a_free_descriptor(void)
{
    reset();
    open_descriptors(1);
    CHECK(!fd_table_reserve(&table, 0));
    CHECK(fd_table_reserve(&table, 5));
    CHECK(!fd_table_reserve(&table, 5));
    CHECK(!fd_table_reserve(&table, LINUX_MAX_FDS));
}

static void taken_descriptor_is_closed_but_reserved(void)
{
    reset();
    fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS);
    fd_table_install(&table, 0, true);
    fd_table_take(&table, 0);
    CHECK(!fd_table_is_open(&table, 0));
    CHECK(fd_table_is_reserved(&table, 0));
    CHECK(!fd_table_cloexec(&table, 0));
    CHECK_EQ_U64(fd_table_reserve_lowest(&table, 0, LINUX_MAX_FDS), 1);
}

static void install_records_close_on_exec(void)
{
    reset();
    fd_table_reserve(&table, 3);
    fd_table_install(&table, 3, true);
    CHECK(fd_table_is_open(&table, 3));
    CHECK(fd_table_cloexec(&table, 3));
    CHECK_EQ_U64(cloexec_bits[0], 1ULL << 3);
    fd_table_set_cloexec(&table, 3, false);
    CHECK(!fd_table_cloexec(&table, 3));
}

static void out_of_range_descriptors_are_not_open(void)
{
    reset();
    CHECK(!fd_table_is_open(&table, -1));
    CHECK(!fd_table_is_open(&table, LINUX_MAX_FDS));
    CHECK(!fd_table_is_open(&table, INT64_MIN));
    CHECK(!fd_table_is_reserved(&table, -100));
}

int main(void)
{
    RUN_TEST(lowest_free_descriptor_comes_first);
    RUN_TEST(reserved_descriptor_is_not_handed_out_twice);
    RUN_TEST(released_reservation_is_free_again);
    RUN_TEST(search_starts_at_the_lowest_asked);
    RUN_TEST(full_table_is_emfile);
    RUN_TEST(limit_bounds_the_search);
    RUN_TEST(search_skips_full_words);
    RUN_TEST(limit_above_table_size_is_clamped);
    RUN_TEST(exact_reservation_needs_a_free_descriptor);
    RUN_TEST(taken_descriptor_is_closed_but_reserved);
    RUN_TEST(install_records_close_on_exec);
    RUN_TEST(out_of_range_descriptors_are_not_open);
    return check_report();
}
