/*
 * The mmap family of an address space (procmgr.h): mmap, munmap,
 * mprotect, brk, and the futex keys of mapped memory (mremap is
 * space_remap.c's). The regions are
 * address_map's; the pages that leave go as space.c drops them.
 */
#include "madvise.h"
#include "memory_object.h"
#include "procmgr.h"
#include "space_internal.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* What an address_map change removed: the space, and the objects some of
 * whose pages went (checked afterwards: does the space still map them?). */
#define REMOVAL_MAX_OBJECTS 16
struct removal {
    struct space *space;
    uint64_t objects[REMOVAL_MAX_OBJECTS];
    unsigned object_count;
};

/* address_map callback: the pages of [start, end) leave the space. */
static void drop_pages(void *context, const struct region *old, uint64_t start, uint64_t end)
{
    struct removal *removal = context;
    if (old->object && removal->object_count < REMOVAL_MAX_OBJECTS)
        removal->objects[removal->object_count++] = old->object;
    for (uint64_t page = start; page < end; page += PAGE_SIZE)
        drop_page(removal->space, page);
}

/* After a change: release the objects the space no longer maps. */
static void finish_removal(struct removal *removal)
{
    for (unsigned i = 0; i < removal->object_count; i++) {
        uint64_t id = removal->objects[i];
        bool again = false;
        for (unsigned j = 0; j < i; j++)
            again |= removal->objects[j] == id;
        if (!again && !maps_object(removal->space, id))
            memory_object_release(id);
    }
}

int64_t space_mmap(struct space *space, const struct mapping *mapping)
{
    uint64_t page_length;
    uint64_t address = mapping->address;
    unsigned flags = mapping->flags;
    int check = address_map_check_mmap(address, mapping->length, flags, mapping->offset,
                                       &page_length);
    if (check < 0)
        goto fail;
    check = -LINUX_EINVAL;
    if (mapping->prot & ~(LINUX_PROT_READ | LINUX_PROT_WRITE | LINUX_PROT_EXEC))
        goto fail;
    bool fixed = flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE);
    check = -LINUX_EEXIST;
    if (flags & LINUX_MAP_FIXED_NOREPLACE && !address_map_is_free(&space->map, address, page_length))
        goto fail;
    uint64_t start = fixed ? address : address_map_place(&space->map, address, page_length);
    check = -LINUX_ENOMEM;
    if (!start)
        goto fail;
    /* Locked memory, in Linux's order (do_mmap): none at all without
     * RLIMIT_MEMLOCK, then the limit (mlock_future_ok: what a MAP_FIXED
     * replaces still counts). */
    bool locked = (flags & LINUX_MAP_LOCKED) || space->map.lock_future;
    check = -LINUX_EPERM;
    if ((flags & LINUX_MAP_LOCKED) && space->map.lock_limit == 0 && !mapping->privileged)
        goto fail;
    check = -LINUX_EAGAIN;
    if (locked && !mapping->privileged
        && address_map_locked_within(&space->map, 0, UINT64_MAX) + page_length
               > space->map.lock_limit)
        goto fail;
    check = -LINUX_ENOMEM;
    bool data = !mapping->shared && (mapping->prot & LINUX_PROT_WRITE);
    if (!address_map_may_map(&space->map, start, page_length, data) ||
        detach_from_range(space, start, start + page_length) < 0)
        goto fail;
    struct region region = { .start = start, .end = start + page_length, .prot = mapping->prot,
                             .kind = mapping->shared ? REGION_SHARED : REGION_PRIVATE,
                             .object = mapping->object, .object_offset = mapping->offset,
                             .write_forbidden = mapping->write_forbidden, .locked = locked };
    if (mapping->shared && !region.object) {
        region.object = memory_object_create_anonymous(page_length);
        region.object_offset = 0;
        if (!region.object)
            return -LINUX_ENOMEM;
    }
    struct removal removal = { .space = space };
    int result = address_map_insert(&space->map, &region, drop_pages, &removal);
    finish_removal(&removal);
    if (result < 0) {
        if (region.object)
            memory_object_release(region.object);
        return result;
    }
    return (int64_t)start;
fail:
    if (mapping->object)
        memory_object_release(mapping->object);
    return check;
}

int64_t space_munmap(struct space *space, uint64_t address, uint64_t length)
{
    int check = address_map_check_munmap(address, length);
    if (check < 0 || (check = detach_from_range(space, address, address + length)) < 0)
        return check;
    struct removal removal = { .space = space };
    int result = address_map_remove(&space->map, address, length, drop_pages, &removal);
    finish_removal(&removal);
    return result;
}

/* address_map callback for madvise: the pages of [start, end) go, the
 * region stays (and its userfaultfd hears of it). */
static void drop_advised(void *context, const struct region *region, uint64_t start,
                         uint64_t end)
{
    for (uint64_t page = start; page < end; page += PAGE_SIZE)
        drop_page(context, page);
    userfault_removed(context, region->userfault, start, end);
}

int64_t space_madvise(struct space *space, uint64_t address, uint64_t length, int advice)
{
    /* Pages a fork shares copy-on-write become the space's own first, so
     * that dropping them leaves the other space's alone. */
    uint64_t end = address + ((length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    if (madvise_drops(advice) && address % PAGE_SIZE == 0 && end > address) {
        int detached = detach_from_range(space, address, end);
        if (detached < 0)
            return detached;
    }
    return madvise_apply(&space->map, address, length, advice, drop_advised, space);
}

/* What mprotect changes: the space, and the prot its pages get. */
struct reprotection {
    struct space *space;
    unsigned prot;
};

/* address_map callback: [start, end) gets the new prot (a frame's own
 * rights still limit it: a lent read-only page stays read-only until a
 * write fault asks for more, and so does a page shared copy-on-write). */
static void reprotect_pages(void *context, const struct region *old, uint64_t start,
                            uint64_t end)
{
    struct reprotection *change = context;
    struct space *space = change->space;
    (void)old;
    for (uint64_t page = start; page < end; page += PAGE_SIZE) {
        struct page_entry *entry = page_index_find(&space->pages, page);
        if (!entry)
            entry = page_index_find(&space->views, page);
        if (!entry || !entry->slot)
            continue;   /* nothing mapped: the first access maps it as it is then */
        if (change->prot == LINUX_PROT_NONE) {
            tern_frame_unmap(entry->slot);
            entry->flags &= ~PAGE_MAPPED;
        } else if (allotment_map_frame(&space->objects, space->vspace, entry->slot, page,
                                       rights_for_page(entry->flags, change->prot)) == TERN_OK) {
            entry->flags |= PAGE_MAPPED;
        }
    }
}

int64_t space_mprotect(struct space *space, uint64_t address, uint64_t length, unsigned prot)
{
    uint64_t end;
    int check = address_map_check_mprotect(address, length, prot, &end);
    if (check < 0 || end == address)
        return check;
    /* Private memory made writable becomes data (Linux's mprotect_fixup
     * checks RLIMIT_DATA). */
    if ((prot & LINUX_PROT_WRITE) &&
        !address_map_may_expand(&space->map,
                                address_map_unwritable_data_within(&space->map, address, end),
                                0, 0, true))
        return -LINUX_ENOMEM;
    struct reprotection change = { space, prot };
    return address_map_protect(&space->map, address, end - address, prot, reprotect_pages,
                               &change);
}

int64_t space_brk(struct space *space, uint64_t address)
{
    /* A shrinking heap's pages leave (an invalid request keeps them). */
    if (address >= space->map.brk_start && address < space->map.brk &&
        detach_from_range(space, address, space->map.brk + PAGE_SIZE) < 0)
        return (int64_t)space->map.brk;
    struct removal removal = { .space = space };
    return (int64_t)address_map_set_brk(&space->map, address, drop_pages, &removal);
}

/* A shared mapping's futexes are named by its object's key and the
 * offset in it, so every process that maps the object meets on them;
 * any other by the space and the address. */
int64_t space_futex_key(struct space *space, uint64_t address)
{
    const struct region *region = address_map_lookup(&space->map, address);
    if (!region || (address & 3))
        return -LINUX_EFAULT;
    if (region->kind == REGION_SHARED)
        return (int64_t)((1ULL << 62) | (memory_object_key(region->object) << 40)
                         | (region->object_offset + (address - region->start)));
    return (int64_t)((1ULL << 61) | (space->id << 40) | address);
}
