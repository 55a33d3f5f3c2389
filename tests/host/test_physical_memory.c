/* Free memory at boot: RAM minus reservations, page-aligned. */
#include "check.h"
#include "kernel/physical_memory.h"

static struct free_memory free_memory;

static void whole_range_is_free_without_exclusions(void)
{
    struct phys_range ram[] = { { 0x40000000, 0x10000000 } };
    CHECK_EQ_U64(free_memory_compute(ram, 1, NULL, 0, &free_memory), 0);
    CHECK_EQ_U64(free_memory.count, 1);
    CHECK_EQ_U64(free_memory_total(&free_memory), 0x10000000);
}

static void exclusion_in_the_middle_splits(void)
{
    struct phys_range ram[] = { { 0x40000000, 0x10000000 } };
    struct phys_range kernel[] = { { 0x40080000, 0x70000 } };
    CHECK_EQ_U64(free_memory_compute(ram, 1, kernel, 1, &free_memory), 0);
    CHECK_EQ_U64(free_memory.count, 2);
    CHECK_EQ_U64(free_memory.ranges[0].base, 0x40000000);
    CHECK_EQ_U64(free_memory.ranges[0].size, 0x80000);
    CHECK_EQ_U64(free_memory.ranges[1].base, 0x400f0000);
    CHECK_EQ_U64(free_memory_total(&free_memory), 0x10000000 - 0x70000);
}

static void unaligned_exclusions_grow_to_pages(void)
{
    struct phys_range ram[] = { { 0, 0x10000 } };
    struct phys_range excluded[] = { { 0x1234, 0x10 } };
    CHECK_EQ_U64(free_memory_compute(ram, 1, excluded, 1, &free_memory), 0);
    CHECK_EQ_U64(free_memory.ranges[0].size, 0x1000);
    CHECK_EQ_U64(free_memory.ranges[1].base, 0x2000);
}

static void unaligned_ram_shrinks_to_pages(void)
{
    struct phys_range ram[] = { { 0x100, 0x2000 } };
    CHECK_EQ_U64(free_memory_compute(ram, 1, NULL, 0, &free_memory), 0);
    CHECK_EQ_U64(free_memory.ranges[0].base, 0x1000);
    CHECK_EQ_U64(free_memory.ranges[0].size, 0x1000);
}

static void several_ranges_stay_sorted(void)
{
    /* A Pi 4 with 2 GiB: RAM below and above the VideoCore carve-out. */
    struct phys_range ram[] = { { 0x40000000, 0x40000000 }, { 0, 0x3b400000 } };
    struct phys_range excluded[] = { { 0, 0x1000 }, { 0x80000, 0x100000 } };
    CHECK_EQ_U64(free_memory_compute(ram, 2, excluded, 2, &free_memory), 0);
    CHECK_EQ_U64(free_memory.count, 3);
    CHECK_EQ_U64(free_memory.ranges[0].base, 0x1000);
    CHECK_EQ_U64(free_memory.ranges[1].base, 0x180000);
    CHECK_EQ_U64(free_memory.ranges[2].base, 0x40000000);
}

static void exclusion_reaching_the_top_does_not_wrap(void)
{
    struct phys_range ram[] = { { 0x40000000, 0x10000000 } };
    struct phys_range excluded[] = { { 0x48000000, UINT64_MAX } };
    CHECK_EQ_U64(free_memory_compute(ram, 1, excluded, 1, &free_memory), 0);
    CHECK_EQ_U64(free_memory.count, 1);
    CHECK_EQ_U64(free_memory.ranges[0].size, 0x8000000);
}

static void empty_exclusions_are_ignored(void)
{
    struct phys_range ram[] = { { 0x40000000, 0x1000000 } };
    struct phys_range excluded[] = { { 0, 0 } };
    CHECK_EQ_U64(free_memory_compute(ram, 1, excluded, 1, &free_memory), 0);
    CHECK_EQ_U64(free_memory_total(&free_memory), 0x1000000);
}

static void too_many_fragments_is_an_error(void)
{
    struct phys_range ram[] = { { 0, 0x1000000 } };
    struct phys_range excluded[MAX_FREE_RANGES + 1];
    for (int i = 0; i <= MAX_FREE_RANGES; i++)
        excluded[i] = (struct phys_range){ 0x2000 * (uint64_t)i + 0x1000, 0x1000 };
    CHECK_EQ_U64(free_memory_compute(ram, 1, excluded, MAX_FREE_RANGES + 1, &free_memory),
                 (uint64_t)-1);
}

int main(void)
{
    RUN_TEST(whole_range_is_free_without_exclusions);
    RUN_TEST(exclusion_in_the_middle_splits);
    RUN_TEST(unaligned_exclusions_grow_to_pages);
    RUN_TEST(unaligned_ram_shrinks_to_pages);
    RUN_TEST(several_ranges_stay_sorted);
    RUN_TEST(exclusion_reaching_the_top_does_not_wrap);
    RUN_TEST(empty_exclusions_are_ignored);
    RUN_TEST(too_many_fragments_is_an_error);
    return check_report();
}
