/*
 * mremap's decision (remap.h), following Linux 6.1's sys_mremap,
 * mremap_to and vma_to_resize.
 */
#include "remap.h"

#include "sys/linux_abi.h"
#include "sys/linux_process.h"

#define PAGE_SIZE ADDRESS_MAP_PAGE_SIZE
/* arm64 Linux's TASK_SIZE with 48-bit addresses: a target's limit. */
#define USER_ADDRESS_LIMIT (1ULL << 48)
#define REMAP_FLAGS (LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED | LINUX_MREMAP_DONTUNMAP)
/* Rounds length up to whole pages; 0 if that overflows. */
static uint64_t page_up(uint64_t length)
{
    return (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Linux's vma_to_resize: whether the region holding address may turn
 * [address, address + old) into new bytes (`freed` bytes unmapped
 * first, freed_data of them data). */
static int check_resize(const struct address_map *map, const struct region *region,
                        uint64_t address, uint64_t old, uint64_t new, uint64_t freed,
                        uint64_t freed_data, bool privileged)
{
    if (old == 0 && region->kind != REGION_SHARED)
        return -LINUX_EINVAL;       /* a duplicate of private memory would share nothing */
    if (old > region->end - address)
        return -LINUX_EFAULT;
    if (new == old)
        return 0;
    if (region->locked && !privileged &&
        address_map_locked_within(map, 0, UINT64_MAX) + (new - old) > map->lock_limit)
        return -LINUX_EAGAIN;
    if (!address_map_may_expand(map, new - old, freed, freed_data, address_map_is_data(region)))
        return -LINUX_ENOMEM;
    return 0;
}

/* Linux's vma_expandable: the region may grow by `growth` bytes after
 * end where nothing is mapped, below the top of mmap's range. */
static bool expandable(const struct address_map *map, uint64_t end, uint64_t growth)
{
    return end + growth > end && end + growth <= LINUX_MMAP_TOP &&
           address_map_is_free(map, end, growth);
}

/* Linux's mremap_to: MREMAP_FIXED or MREMAP_DONTUNMAP, always a move. */
static int plan_move_to(const struct address_map *map, const struct region *region,
                        bool privileged, struct remap_plan *plan)
{
    uint64_t address = plan->address, target = plan->new_address;
    uint64_t old = plan->old_length, new = plan->new_length;
    if (target % PAGE_SIZE != 0 || new > USER_ADDRESS_LIMIT ||
        target > USER_ADDRESS_LIMIT - new)
        return -LINUX_EINVAL;
    if (address + old > target && target + new > address)
        return -LINUX_EINVAL;       /* the ranges overlap */
    if (ADDRESS_MAP_MAX_REGIONS - map->count < REMAP_MOVE_REGIONS)
        return -LINUX_ENOMEM;
    if (plan->fixed && target > LINUX_MMAP_TOP - new)
        return -LINUX_ENOMEM;       /* above what mmap maps, as MAP_FIXED's */
    plan->action = REMAP_MOVE;
    uint64_t freed = 0, freed_data = 0;
    if (plan->fixed) {
        freed += address_map_mapped_within(map, target, target + new);
        freed_data += address_map_data_within(map, target, target + new);
    }
    if (old > new) {
        int check = address_map_check_munmap(address + new, old - new);
        if (check < 0) {
            plan->late_error = check;
            return 0;
        }
        plan->tail_start = address + new;
        plan->tail_end = address + old;
        freed += address_map_mapped_within(map, plan->tail_start, plan->tail_end);
        freed_data += address_map_data_within(map, plan->tail_start, plan->tail_end);
        old = plan->old_length = new;
    }
    int check = check_resize(map, region, address, old, new, freed, freed_data, privileged);
    /* The ranges do not overlap, but an empty old range may lie in the
     * target, which takes its region: Linux finds none there then. */
    if (plan->fixed && address >= target && address - target < new)
        check = -LINUX_EFAULT;
    if (check == 0 && plan->dont_unmap &&
        !address_map_may_expand(map, old, freed, freed_data, address_map_is_data(region)))
        check = -LINUX_ENOMEM;      /* the old range stays: the new one is all growth */
    if (!plan->fixed)
        return check;               /* nothing was unmapped first */
    plan->late_error = check;
    return 0;
}

int remap_plan(const struct address_map *map, uint64_t address, uint64_t old_length,
               uint64_t new_length, uint64_t flags, uint64_t new_address, bool privileged,
               struct remap_plan *plan)
{
    bool may_move = flags & LINUX_MREMAP_MAYMOVE;
    *plan = (struct remap_plan){ .address = address, .new_address = new_address,
                                 .fixed = flags & LINUX_MREMAP_FIXED,
                                 .dont_unmap = flags & LINUX_MREMAP_DONTUNMAP };
    if ((flags & ~REMAP_FLAGS) || (plan->fixed && !may_move))
        return -LINUX_EINVAL;
    if (plan->dont_unmap && (!may_move || old_length != new_length))
        return -LINUX_EINVAL;       /* always a move, never a resize */
    if (address % PAGE_SIZE != 0)
        return -LINUX_EINVAL;
    uint64_t old = page_up(old_length), new = page_up(new_length);
    if (new == 0)
        return -LINUX_EINVAL;
    const struct region *region = address_map_lookup(map, address);
    if (!region)
        return -LINUX_EFAULT;
    plan->old_length = plan->event_length = old;
    plan->new_length = new;
    if (plan->fixed || plan->dont_unmap)
        return plan_move_to(map, region, privileged, plan);
    if (old >= new) {
        /* A shrink only unmaps: the tail may reach past the region. */
        plan->action = REMAP_IN_PLACE;
        if (old > new) {
            int check = address_map_check_munmap(address + new, old - new);
            if (check < 0)
                return check;
            plan->tail_start = address + new;
            plan->tail_end = address + old;
        }
        plan->old_length = new;
        return 0;
    }
    int check = check_resize(map, region, address, old, new, 0, 0, privileged);
    if (check < 0)
        return check;
    if (old == region->end - address && expandable(map, region->end, new - old)) {
        plan->action = REMAP_GROW;
        return 0;
    }
    if (!may_move || ADDRESS_MAP_MAX_REGIONS - map->count < REMAP_MOVE_REGIONS)
        return -LINUX_ENOMEM;
    plan->action = REMAP_MOVE;
    plan->new_address = 0;          /* placed as mmap without a hint places */
    return 0;
}

struct region remap_moved_region(const struct region *old, const struct remap_plan *plan,
                                 uint64_t new_start, bool keep_userfault)
{
    struct region moved = *old;
    moved.start = new_start;
    moved.end = new_start + plan->new_length;
    moved.object_offset = old->object_offset + (plan->address - old->start);
    if (!keep_userfault) {
        moved.userfault = 0;
        moved.userfault_modes = 0;
    }
    return moved;
}

struct region remap_grown_part(const struct region *old, const struct remap_plan *plan)
{
    struct region part = *old;
    part.start = old->end;
    part.end = plan->address + plan->new_length;
    part.object_offset = old->object_offset + (old->end - old->start);
    return part;
}
