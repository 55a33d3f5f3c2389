/*
 * Host tests of madvise's rules (servers/procmgr/madvise.h): Linux's
 * checks in its order, the pieces whose pages go, the regions each advice
 * refuses, and a hole answered -ENOMEM after the rest was advised.
 */
#include "check.h"
#include "madvise.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"

#define PAGE 0x1000ULL
#define RW (LINUX_PROT_READ | LINUX_PROT_WRITE)

static struct address_map map;

struct piece { uint64_t start, end; };
static struct piece dropped[8];
static unsigned dropped_count;

static void record(void *context, const struct region *region, uint64_t start, uint64_t end)
{
    (void)context;
    (void)region;
    if (dropped_count < 8)
        dropped[dropped_count] = (struct piece){start, end};
    dropped_count++;
}

static int advise(uint64_t start, uint64_t length, int advice)
{
    dropped_count = 0;
    return madvise_apply(&map, start, length, advice, record, 0);
}

/* Anonymous memory at 0x100000-0x104000, a memfd shared read-write at
 * 0x104000-0x106000, a private mapping of a file at 0x106000-0x108000,
 * a hole, then anonymous memory at 0x10a000-0x10c000. */
static void set_up(void)
{
    address_map_release(&map);     /* the last test's table */
    address_map_init(&map);
    struct region regions[] = {
        {.start = 0x100000, .end = 0x104000, .prot = RW, .kind = REGION_PRIVATE},
        {.start = 0x104000, .end = 0x106000, .prot = RW, .kind = REGION_SHARED, .object = 7},
        {.start = 0x106000, .end = 0x108000, .prot = RW, .kind = REGION_PRIVATE, .object = 9},
        {.start = 0x10a000, .end = 0x10c000, .prot = RW, .kind = REGION_PRIVATE},
    };
    for (unsigned i = 0; i < 4; i++)
        CHECK(address_map_insert(&map, &regions[i], 0, 0) == 0);
}

static void checks_come_in_linux_order(void)
{
    set_up();
    CHECK_EQ_U64(advise(0x100000, PAGE, 7), -LINUX_EINVAL);           /* unknown */
    CHECK_EQ_U64(advise(0x100000, PAGE, 26), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x100001, PAGE, MADVISE_DONTNEED), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x100000, UINT64_MAX, MADVISE_DONTNEED), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x100000, 0, 7), -LINUX_EINVAL);              /* advice first */
    CHECK_EQ_U64(advise(0x100000, 0, MADVISE_DONTNEED), 0);
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_HWPOISON), -LINUX_EPERM);
    CHECK_EQ_U64(dropped_count, 0);
}

static void dontneed_drops_each_piece_of_the_range(void)
{
    set_up();
    /* Lengths round up to pages. */
    CHECK_EQ_U64(advise(0x102000, 0x4001, MADVISE_DONTNEED), 0);
    CHECK_EQ_U64(dropped_count, 3);
    CHECK_EQ_U64(dropped[0].start, 0x102000);
    CHECK_EQ_U64(dropped[0].end, 0x104000);
    CHECK_EQ_U64(dropped[1].start, 0x104000);
    CHECK_EQ_U64(dropped[1].end, 0x106000);
    CHECK_EQ_U64(dropped[2].start, 0x106000);
    CHECK_EQ_U64(dropped[2].end, 0x107000);
    /* Hints drop nothing. */
    CHECK_EQ_U64(advise(0x100000, 0x8000, MADVISE_WILLNEED), 0);
    CHECK_EQ_U64(advise(0x100000, 0x8000, MADVISE_POPULATE_WRITE), 0);
    CHECK_EQ_U64(dropped_count, 0);
}

static void a_hole_is_enomem_after_the_rest(void)
{
    set_up();
    CHECK_EQ_U64(advise(0x106000, 0x6000, MADVISE_DONTNEED), -LINUX_ENOMEM);
    CHECK_EQ_U64(dropped_count, 2);
    CHECK_EQ_U64(dropped[1].start, 0x10a000);
    CHECK_EQ_U64(advise(0x10b000, 0x2000, MADVISE_DONTNEED), -LINUX_ENOMEM);
    CHECK_EQ_U64(dropped_count, 1);
    CHECK_EQ_U64(advise(0x200000, PAGE, MADVISE_NORMAL), -LINUX_ENOMEM);
    /* Above the program's part of the address space nothing is its. */
    CHECK_EQ_U64(advise(LINUX_MMAP_TOP, PAGE, MADVISE_DONTNEED), -LINUX_ENOMEM);
    CHECK_EQ_U64(dropped_count, 0);
}

static void locked_memory_goes_only_when_the_advice_says(void)
{
    set_up();
    CHECK(address_map_set_locked(&map, 0x100000, 0x104000, true) == 0);
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_DONTNEED), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_FREE), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_COLD), -LINUX_EINVAL);
    CHECK_EQ_U64(dropped_count, 0);
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_DONTNEED_LOCKED), 0);
    CHECK_EQ_U64(dropped_count, 1);
}

static void free_and_wipeonfork_take_anonymous_memory_only(void)
{
    set_up();
    CHECK_EQ_U64(advise(0x100000, 0x4000, MADVISE_FREE), 0);
    CHECK_EQ_U64(dropped_count, 1);
    CHECK_EQ_U64(advise(0x104000, PAGE, MADVISE_FREE), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x106000, PAGE, MADVISE_FREE), -LINUX_EINVAL);
    /* The region before the refusing one was advised already. */
    CHECK_EQ_U64(advise(0x103000, 0x2000, MADVISE_FREE), -LINUX_EINVAL);
    CHECK_EQ_U64(dropped_count, 1);
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_WIPEONFORK), 0);
    CHECK_EQ_U64(advise(0x104000, PAGE, MADVISE_WIPEONFORK), -LINUX_EINVAL);
}

static void remove_wants_shared_writable_memory(void)
{
    set_up();
    CHECK_EQ_U64(advise(0x100000, PAGE, MADVISE_REMOVE), -LINUX_EINVAL);
    CHECK_EQ_U64(advise(0x106000, PAGE, MADVISE_REMOVE), -LINUX_EACCES);
    CHECK_EQ_U64(advise(0x104000, PAGE, MADVISE_REMOVE), -LINUX_EOPNOTSUPP);
    CHECK_EQ_U64(dropped_count, 0);
}

int main(void)
{
    checks_come_in_linux_order();
    dontneed_drops_each_piece_of_the_range();
    a_hole_is_enomem_after_the_rest();
    locked_memory_goes_only_when_the_advice_says();
    free_and_wipeonfork_take_anonymous_memory_only();
    remove_wants_shared_writable_memory();
    return check_report();
}
