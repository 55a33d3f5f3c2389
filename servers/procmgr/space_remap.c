/*
 * mremap (procmgr.h's space_mremap): remap.h decides, this follows the
 * plan. The target and the tail are unmapped as munmap unmaps; a grow
 * extends the region; a move makes the new region and moves the old
 * range's pages to it: the same frames (a private page is not copied, a
 * shared one stays its object's), unmapped at the old address and
 * mapped at the new. The old range is then unmapped, or, with
 * MREMAP_DONTUNMAP, stays mapped with no pages: its next access finds it
 * as a first one would.
 */
#include "procmgr.h"
#include "remap.h"
#include "space_internal.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"

/* Unmaps [start, end) as munmap does: a userfaultfd's UNMAP event noted. */
static int unmap(struct space *space, uint64_t start, uint64_t end)
{
    userfault_unmap(space, start, end);
    return (int)space_munmap(space, start, end - start);
}

/* The space's own entry for page `from`, if any, goes to page `to`
 * (where the space has none): its frame is unmapped at the old address
 * and mapped at the new with prot (left to the next fault to map if
 * that fails). */
static void move_page(struct space *space, uint64_t from, uint64_t to, unsigned prot)
{
    struct page_entry entry;
    if (!page_index_remove(&space->pages, from, &entry))
        return;
    if (entry.flags & PAGE_MAPPED)
        tern_frame_unmap(entry.slot);
    entry.flags &= ~PAGE_MAPPED;
    entry.page = to;
    if (entry.slot && prot != LINUX_PROT_NONE &&
        allotment_map_frame(&space->objects, space->vspace, entry.slot, to,
                            rights_for_page(entry.flags, prot)) == TERN_OK)
        entry.flags |= PAGE_MAPPED;
    /* The old entry's room: it cannot fail but for a page already there. */
    if (page_index_insert(&space->pages, entry) < 0)
        let_go_of(&entry);
}

/* Page by page, as Linux's move_page_tables walks the range: a hole
 * costs a look-up. */
static void move_pages(struct space *space, uint64_t from, uint64_t to, uint64_t length,
                       unsigned prot)
{
    for (uint64_t offset = 0; offset < length; offset += PAGE_SIZE)
        move_page(space, from + offset, to + offset, prot);
}

/* A move: the new region at `to`, the pages, then the old range. The
 * events in Linux's order: REMAP (then the tail's and the old range's
 * UNMAP). */
static int64_t move(struct space *space, const struct remap_plan *plan, uint64_t to)
{
    const struct region *found = address_map_lookup(&space->map, plan->address);
    if (!found)
        return -LINUX_EFAULT;       /* remap_plan keeps it there; procmgr must not fault */
    struct region old = *found;
    bool keep_userfault = userfault_remapped(space, old.userfault, plan->address, to,
                                             plan->event_length);
    int result;
    if (plan->tail_end > plan->tail_start &&
        (result = unmap(space, plan->tail_start, plan->tail_end)) < 0)
        return result;
    struct region moved = remap_moved_region(&old, plan, to, keep_userfault);
    if ((result = address_map_insert(&space->map, &moved, NULL, NULL)) < 0)
        return result;
    move_pages(space, plan->address, to, plan->old_length, old.prot);
    uint64_t old_end = plan->address + plan->old_length;
    if (plan->old_length == 0)
        return (int64_t)to;         /* a duplicate: the old mapping stays as it was */
    if (plan->dont_unmap)   /* the range left behind is unlocked, as Linux's */
        address_map_set_locked(&space->map, plan->address, old_end, false);
    else if ((result = unmap(space, plan->address, old_end)) < 0)
        return result;
    return (int64_t)to;
}

int64_t space_mremap(struct space *space, uint64_t address, uint64_t old_length,
                     uint64_t new_length, uint64_t flags, uint64_t new_address,
                     bool privileged)
{
    struct remap_plan plan;
    int result = remap_plan(&space->map, address, old_length, new_length, flags, new_address,
                            privileged, &plan);
    if (result < 0)
        return result;
    /* Pages a fork shares must be the space's own to move, and the
     * region table needs room: the steps that may want memory, made
     * before anything changes. */
    if (plan.action == REMAP_MOVE && !plan.late_error &&
        (result = own_inherited_range(space, address, address + plan.old_length)) < 0)
        return result;
    if (plan.action == REMAP_MOVE && !address_map_make_room(&space->map, REMAP_MOVE_REGIONS))
        return -LINUX_ENOMEM;
    if (plan.fixed &&
        (result = unmap(space, plan.new_address, plan.new_address + plan.new_length)) < 0)
        return result;
    if (plan.late_error) {
        if (plan.tail_end > plan.tail_start)
            unmap(space, plan.tail_start, plan.tail_end);
        return plan.late_error;
    }
    switch (plan.action) {
    case REMAP_IN_PLACE:
        if (plan.tail_end > plan.tail_start &&
            (result = unmap(space, plan.tail_start, plan.tail_end)) < 0)
            return result;
        return (int64_t)address;
    case REMAP_GROW: {
        struct region part = remap_grown_part(address_map_lookup(&space->map, address), &plan);
        result = address_map_insert(&space->map, &part, NULL, NULL);
        return result < 0 ? result : (int64_t)address;
    }
    case REMAP_MOVE: {
        uint64_t to = plan.fixed ? plan.new_address
                                 : address_map_place(&space->map, plan.new_address,
                                                     plan.new_length);
        return to ? move(space, &plan, to) : -LINUX_ENOMEM;
    }
    }
    return -LINUX_EINVAL;
}
