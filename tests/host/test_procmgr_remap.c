/*
 * Host tests of mremap's decision (servers/procmgr/remap.h): Linux 6.1's
 * checks in its order, shrinks, grows in place, moves, MREMAP_FIXED's
 * and MREMAP_DONTUNMAP's plans with the errors that come after their
 * unmaps, RLIMIT_AS and RLIMIT_MEMLOCK, and the regions a move and a
 * grow make.
 */
#include "check.h"
#include "remap.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"

#define PAGE 0x1000ULL
#define RW (LINUX_PROT_READ | LINUX_PROT_WRITE)
#define MAYMOVE LINUX_MREMAP_MAYMOVE
#define FIXED LINUX_MREMAP_FIXED
#define DONTUNMAP LINUX_MREMAP_DONTUNMAP

static struct address_map map;
static struct remap_plan plan;

static int decide(uint64_t address, uint64_t old_length, uint64_t new_length, uint64_t flags,
                  uint64_t new_address)
{
    return remap_plan(&map, address, old_length, new_length, flags, new_address, false, &plan);
}

/* Anonymous memory at 0x100000-0x104000 and, right after it, read-only
 * at 0x104000-0x105000; a memfd shared at 0x108000-0x10a000 (offset
 * 0x3000); anonymous memory at 0x200000-0x201000 with nothing after. */
static void set_up(void)
{
    address_map_release(&map);     /* the last test's table */
    address_map_init(&map);
    struct region regions[] = {
        {.start = 0x100000, .end = 0x104000, .prot = RW, .kind = REGION_PRIVATE},
        {.start = 0x104000, .end = 0x105000, .prot = LINUX_PROT_READ, .kind = REGION_PRIVATE},
        {.start = 0x108000, .end = 0x10a000, .prot = RW, .kind = REGION_SHARED, .object = 7,
         .object_offset = 0x3000},
        {.start = 0x200000, .end = 0x201000, .prot = RW, .kind = REGION_PRIVATE},
    };
    for (unsigned i = 0; i < 4; i++)
        CHECK(address_map_insert(&map, &regions[i], 0, 0) == 0);
}

static void argument_checks_come_first(void)
{
    set_up();
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, 8, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, 1ULL << 32, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, FIXED, 0x300000), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, DONTUNMAP, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, 2 * PAGE, MAYMOVE | DONTUNMAP, 0), -LINUX_EINVAL);
    /* DONTUNMAP compares the lengths as given, before rounding. */
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE - 1, MAYMOVE | DONTUNMAP, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100001, PAGE, PAGE, 0, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, 0, 0, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, UINT64_MAX, MAYMOVE, 0), -LINUX_EINVAL);
    /* Then the address must be mapped, whatever else is wrong. */
    CHECK_EQ_U64(decide(0x106000, PAGE, PAGE, 0, 0), -LINUX_EFAULT);
    CHECK_EQ_U64(decide(0x106000, PAGE, PAGE, MAYMOVE | FIXED, 0x106000), -LINUX_EFAULT);
}

static void a_shrink_plans_to_unmap_the_tail(void)
{
    set_up();
    CHECK_EQ_U64(decide(0x100000, 4 * PAGE, 2 * PAGE + 1, 0, 0), 0);
    CHECK_EQ_U64(plan.action, REMAP_IN_PLACE);
    CHECK_EQ_U64(plan.tail_start, 0x103000);
    CHECK_EQ_U64(plan.tail_end, 0x104000);
    /* The tail may reach past the region. */
    CHECK_EQ_U64(decide(0x103000, 3 * PAGE, PAGE, 0, 0), 0);
    CHECK_EQ_U64(plan.tail_start, 0x104000);
    CHECK_EQ_U64(plan.tail_end, 0x106000);
    CHECK_EQ_U64(plan.late_error, 0);
    /* The same length: nothing at all. */
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 2 * PAGE, 0, 0), 0);
    CHECK_EQ_U64(plan.action, REMAP_IN_PLACE);
    CHECK_EQ_U64(plan.tail_end, plan.tail_start);
    /* A tail above what munmap takes. */
    CHECK_EQ_U64(decide(0x100000, LINUX_MMAP_TOP, PAGE, 0, 0), -LINUX_EINVAL);
}

static void a_grow_stays_in_place_when_it_can(void)
{
    set_up();
    CHECK_EQ_U64(decide(0x200000, PAGE, 4 * PAGE, 0, 0), 0);
    CHECK_EQ_U64(plan.action, REMAP_GROW);
    CHECK_EQ_U64(plan.new_length, 4 * PAGE);
    struct region part = remap_grown_part(address_map_lookup(&map, 0x200000), &plan);
    CHECK_EQ_U64(part.start, 0x201000);
    CHECK_EQ_U64(part.end, 0x204000);
    /* A shared mapping's grown part continues its offset. */
    CHECK_EQ_U64(decide(0x109000, PAGE, 3 * PAGE, 0, 0), 0);
    CHECK_EQ_U64(plan.action, REMAP_GROW);
    part = remap_grown_part(address_map_lookup(&map, 0x109000), &plan);
    CHECK_EQ_U64(part.start, 0x10a000);
    CHECK_EQ_U64(part.end, 0x10c000);
    CHECK_EQ_U64(part.object_offset, 0x5000);
    CHECK_EQ_U64(part.object, 7);
}

static void a_grow_that_cannot_moves_or_fails(void)
{
    set_up();
    /* A region right after; the old range ending before its region. */
    CHECK_EQ_U64(decide(0x100000, 4 * PAGE, 5 * PAGE, 0, 0), -LINUX_ENOMEM);
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 3 * PAGE, 0, 0), -LINUX_ENOMEM);
    CHECK_EQ_U64(decide(0x100000, 4 * PAGE, 5 * PAGE, MAYMOVE, 0x300000), 0);
    CHECK_EQ_U64(plan.action, REMAP_MOVE);
    CHECK_EQ_U64(plan.new_address, 0);      /* the hint is MREMAP_FIXED's only */
    CHECK(!plan.fixed);
    CHECK_EQ_U64(plan.old_length, 4 * PAGE);
    /* Past the region's end, or the top of mmap's range. */
    CHECK_EQ_U64(decide(0x100000, 5 * PAGE, 6 * PAGE, MAYMOVE, 0), -LINUX_EFAULT);
    CHECK_EQ_U64(decide(0x100000, 5 * PAGE, 5 * PAGE, MAYMOVE | DONTUNMAP, 0), -LINUX_EFAULT);
    CHECK_EQ_U64(decide(0x200000, PAGE, LINUX_MMAP_TOP, 0, 0), -LINUX_ENOMEM);
}

static void an_old_length_of_zero_duplicates_shared_memory_only(void)
{
    set_up();
    CHECK_EQ_U64(decide(0x100000, 0, PAGE, MAYMOVE, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x108000, 0, 2 * PAGE, 0, 0), -LINUX_ENOMEM);
    CHECK_EQ_U64(decide(0x109000, 0, 2 * PAGE, MAYMOVE, 0), 0);
    CHECK_EQ_U64(plan.action, REMAP_MOVE);
    CHECK_EQ_U64(plan.old_length, 0);
    struct region copy = remap_moved_region(address_map_lookup(&map, 0x109000), &plan,
                                            0x300000, true);
    CHECK_EQ_U64(copy.start, 0x300000);
    CHECK_EQ_U64(copy.end, 0x302000);
    CHECK_EQ_U64(copy.object_offset, 0x4000);
}

static void fixed_checks_its_target_then_errs_after_the_unmaps(void)
{
    set_up();
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, MAYMOVE | FIXED, 0x300001), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, MAYMOVE | FIXED, 1ULL << 48), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, 0x101000), -LINUX_EINVAL);
    CHECK_EQ_U64(decide(0x101000, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, 0x100000), -LINUX_EINVAL);
    /* Adjacent is not overlapping. */
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, 0x102000), 0);
    CHECK_EQ_U64(plan.action, REMAP_MOVE);
    CHECK(plan.fixed);
    CHECK_EQ_U64(plan.new_address, 0x102000);
    CHECK_EQ_U64(plan.late_error, 0);
    /* A shrinking move unmaps its tail; the event keeps the old length. */
    CHECK_EQ_U64(decide(0x100000, 3 * PAGE, PAGE, MAYMOVE | FIXED, 0x300000), 0);
    CHECK_EQ_U64(plan.tail_start, 0x101000);
    CHECK_EQ_U64(plan.tail_end, 0x103000);
    CHECK_EQ_U64(plan.old_length, PAGE);
    CHECK_EQ_U64(plan.event_length, 3 * PAGE);
    /* An old range past its region: EFAULT once the target is gone. */
    CHECK_EQ_U64(decide(0x103000, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, 0x300000), 0);
    CHECK_EQ_U64(plan.late_error, -LINUX_EFAULT);
    CHECK_EQ_U64(decide(0x108000, 0, PAGE, MAYMOVE | FIXED, 0x300000), 0);
    CHECK_EQ_U64(plan.late_error, 0);
    CHECK_EQ_U64(decide(0x100000, 0, PAGE, MAYMOVE | FIXED, 0x300000), 0);
    CHECK_EQ_U64(plan.late_error, -LINUX_EINVAL);
    /* An empty old range is no overlap, but a target holding it takes
     * its region away first. */
    CHECK_EQ_U64(decide(0x109000, 0, PAGE, MAYMOVE | FIXED, 0x109000), 0);
    CHECK_EQ_U64(plan.late_error, -LINUX_EFAULT);
    CHECK_EQ_U64(decide(0x109000, 0, 2 * PAGE, MAYMOVE | FIXED, 0x108000), -LINUX_EINVAL);
}

static void dontunmap_moves_to_the_hint_or_the_target(void)
{
    set_up();
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 2 * PAGE, MAYMOVE | DONTUNMAP, 0x400000), 0);
    CHECK_EQ_U64(plan.action, REMAP_MOVE);
    CHECK(plan.dont_unmap);
    CHECK(!plan.fixed);
    CHECK_EQ_U64(plan.new_address, 0x400000);
    /* The hint is checked as a target is. */
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 2 * PAGE, MAYMOVE | DONTUNMAP, 0x101000),
                 -LINUX_EINVAL);
}

static void the_address_space_limit_counts_what_a_grow_adds(void)
{
    set_up();
    map.limit = address_map_mapped(&map) + 2 * PAGE;
    CHECK_EQ_U64(decide(0x200000, PAGE, 3 * PAGE, 0, 0), 0);
    CHECK_EQ_U64(decide(0x200000, PAGE, 4 * PAGE, 0, 0), -LINUX_ENOMEM);
    CHECK_EQ_U64(decide(0x200000, PAGE, 4 * PAGE, MAYMOVE, 0), -LINUX_ENOMEM);
    /* What MREMAP_FIXED unmaps first is not counted. */
    CHECK_EQ_U64(decide(0x200000, PAGE, 4 * PAGE, MAYMOVE | FIXED, 0x100000), 0);
    CHECK_EQ_U64(plan.late_error, 0);
    /* MREMAP_DONTUNMAP keeps the old range: all of the new is growth. */
    map.limit = address_map_mapped(&map) + PAGE;
    CHECK_EQ_U64(decide(0x100000, 2 * PAGE, 2 * PAGE, MAYMOVE | DONTUNMAP, 0), -LINUX_ENOMEM);
    CHECK_EQ_U64(decide(0x100000, PAGE, PAGE, MAYMOVE | DONTUNMAP, 0), 0);
    CHECK_EQ_U64(plan.late_error, 0);
}

static void locked_memory_grows_within_the_lock_limit(void)
{
    set_up();
    CHECK(address_map_set_locked(&map, 0x200000, 0x201000, true) == 0);
    map.lock_limit = 2 * PAGE;
    CHECK_EQ_U64(decide(0x200000, PAGE, 2 * PAGE, 0, 0), 0);
    CHECK_EQ_U64(decide(0x200000, PAGE, 3 * PAGE, 0, 0), -LINUX_EAGAIN);
    CHECK_EQ_U64(remap_plan(&map, 0x200000, PAGE, 3 * PAGE, 0, 0, true, &plan), 0);
}

static void a_moved_region_keeps_its_registration_only_if_told(void)
{
    set_up();
    CHECK(address_map_set_userfault(&map, 0x100000, 0x104000, 3, 1) == 0);
    CHECK_EQ_U64(decide(0x101000, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, 0x300000), 0);
    const struct region *old = address_map_lookup(&map, 0x101000);
    struct region moved = remap_moved_region(old, &plan, 0x300000, true);
    CHECK_EQ_U64(moved.userfault, 3);
    CHECK_EQ_U64(moved.userfault_modes, 1);
    CHECK_EQ_U64(moved.prot, RW);
    moved = remap_moved_region(old, &plan, 0x300000, false);
    CHECK_EQ_U64(moved.userfault, 0);
    CHECK_EQ_U64(moved.userfault_modes, 0);
}

int main(void)
{
    argument_checks_come_first();
    a_shrink_plans_to_unmap_the_tail();
    a_grow_stays_in_place_when_it_can();
    a_grow_that_cannot_moves_or_fails();
    an_old_length_of_zero_duplicates_shared_memory_only();
    fixed_checks_its_target_then_errs_after_the_unmaps();
    dontunmap_moves_to_the_hint_or_the_target();
    the_address_space_limit_counts_what_a_grow_adds();
    locked_memory_grows_within_the_lock_limit();
    a_moved_region_keeps_its_registration_only_if_told();
    return check_report();
}
