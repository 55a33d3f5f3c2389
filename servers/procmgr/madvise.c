/* madvise(2)'s rules: madvise.h. */
#include "madvise.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"

#define PAGE_SIZE ADDRESS_MAP_PAGE_SIZE

/* The advice Linux 6.1 knows (its madvise_behavior_valid, with KSM,
 * transparent huge pages and memory failure configured, as Debian's
 * arm64 kernel has them). */
static bool known(int advice)
{
    return (advice >= MADVISE_NORMAL && advice <= MADVISE_DONTNEED) ||
           (advice >= MADVISE_FREE && advice <= MADVISE_COLLAPSE) ||
           advice == MADVISE_HWPOISON || advice == MADVISE_SOFT_OFFLINE;
}

bool madvise_drops(int advice)
{
    return advice == MADVISE_DONTNEED || advice == MADVISE_DONTNEED_LOCKED ||
           advice == MADVISE_FREE;
}

/* Linux's vma_is_anonymous: private memory no file backs. */
static bool anonymous(const struct region *region)
{
    return region->kind != REGION_SHARED && !region->object && !region->image;
}

/* What the advice asks of one region: 0, or the error that ends the call.
 * *drops says whether the region's pages in the range go. */
static int advise_region(const struct region *region, int advice, bool *drops)
{
    *drops = false;
    switch (advice) {
    case MADVISE_DONTNEED:
    case MADVISE_DONTNEED_LOCKED:
        /* Locked pages stay unless the advice says they may go. */
        if (region->locked && advice == MADVISE_DONTNEED)
            return -LINUX_EINVAL;
        *drops = true;
        return 0;
    case MADVISE_FREE:
        /* Only anonymous memory; its pages may go at once (Linux frees
         * them when memory runs short, reading zeros afterwards). */
        if (region->locked || !anonymous(region))
            return -LINUX_EINVAL;
        *drops = true;
        return 0;
    case MADVISE_REMOVE:
        if (region->locked || anonymous(region))
            return -LINUX_EINVAL;
        if (region->kind != REGION_SHARED || !(region->prot & LINUX_PROT_WRITE))
            return -LINUX_EACCES;
        /* Punching a hole in the object is not done: the answer of a
         * file system that cannot. */
        return -LINUX_EOPNOTSUPP;
    case MADVISE_WIPEONFORK:
        return anonymous(region) ? 0 : -LINUX_EINVAL;
    case MADVISE_COLD:
    case MADVISE_PAGEOUT:
        return region->locked ? -LINUX_EINVAL : 0;
    default:
        return 0;
    }
}

int madvise_apply(const struct address_map *map, uint64_t start, uint64_t length, int advice,
                  address_map_change drop, void *context)
{
    if (!known(advice) || start % PAGE_SIZE != 0)
        return -LINUX_EINVAL;
    uint64_t rounded = (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (rounded < length || start + rounded < start)
        return -LINUX_EINVAL;
    uint64_t end = start + rounded;
    if (end == start)
        return 0;
    /* Poisoning memory takes CAP_SYS_ADMIN; nobody has it here. */
    if (advice == MADVISE_HWPOISON || advice == MADVISE_SOFT_OFFLINE)
        return -LINUX_EPERM;
    bool hole = false;
    uint64_t covered = start;
    for (unsigned index = 0; index < map->count && covered < end; index++) {
        const struct region *region = &map->regions[index];
        if (region->end <= covered)
            continue;
        /* What lies above the program's part of the address space (the
         * personality, the thread areas) is not the program's to advise:
         * a hole, as Linux has nothing there. */
        if (region->start >= end || region->start >= LINUX_MMAP_TOP)
            break;
        if (region->start > covered)
            hole = true;
        bool drops;
        int error = advise_region(region, advice, &drops);
        if (error < 0)
            return error;
        uint64_t piece_start = region->start < start ? start : region->start;
        uint64_t piece_end = region->end > end ? end : region->end;
        if (drops)
            drop(context, region, piece_start, piece_end);
        covered = piece_end;
    }
    return hole || covered < end ? -LINUX_ENOMEM : 0;
}
