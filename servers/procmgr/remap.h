/*
 * mremap(2)'s decision (Linux 6.1's mm/mremap.c): from the arguments and
 * the map as it is, what the call does, in Linux's order. Pure: the
 * regions and pages change in space_remap.c, which follows the plan
 * (tests/host/test_procmgr_remap.c).
 *
 * Linux checks some arguments only after MREMAP_FIXED unmapped its
 * target and a shrinking move unmapped its tail, so a plan can say
 * "unmap these, then fail". Those unmaps change what the later checks
 * look at only when an empty old range lies in the target (the region
 * is gone: EFAULT), so the checks are made here, before anything
 * changes.
 */
#ifndef PROCMGR_REMAP_H
#define PROCMGR_REMAP_H

#include <stdbool.h>
#include <stdint.h>
#include "address_map.h"

enum remap_action {
    REMAP_IN_PLACE,     /* the same length, or a shrink: the tail is unmapped */
    REMAP_GROW,         /* the range after is free: the region grows into it */
    REMAP_MOVE,         /* a new region of new_length; the old range's pages move to it */
};

struct remap_plan {
    enum remap_action action;
    uint64_t address;           /* the old range's start */
    /* The old range, page-rounded, less any tail: what stays or moves
     * (0: mremap's duplicate of a shared mapping, which moves nothing). */
    uint64_t old_length;
    uint64_t new_length;        /* page-rounded */
    /* The old length as the call gave it, page-rounded: a REMAP event's. */
    uint64_t event_length;
    /* MREMAP_FIXED: new_address, whose range is unmapped first; else a
     * move goes where mmap without MAP_FIXED would put it, new_address
     * the hint (0 unless MREMAP_DONTUNMAP). */
    uint64_t new_address;
    bool fixed;
    bool dont_unmap;            /* MREMAP_DONTUNMAP: the old range stays mapped, empty */
    /* [tail_start, tail_end) is unmapped (after the target), as munmap
     * does; empty if they are equal. */
    uint64_t tail_start, tail_end;
    /* MREMAP_FIXED only: 0, or the negated errno the call answers once
     * the target and tail are unmapped (Linux's order); nothing else
     * changes then. */
    int late_error;
};

/* A move adds a region and may split two (Linux keeps the same margin
 * below its map count limit): a move when the map has fewer than that
 * left below ADDRESS_MAP_MAX_REGIONS is ENOMEM, and the caller makes
 * the table room for them before it acts. */
#define REMAP_MOVE_REGIONS 3

/* Linux's sys_mremap up to the point where it acts: 0 with *plan filled,
 * or a negated errno with nothing to do. EINVAL for unknown flags,
 * MREMAP_FIXED without MREMAP_MAYMOVE, MREMAP_DONTUNMAP without it or
 * with lengths that differ, an unaligned address, a new length of 0 (or
 * one that overflows when rounded up); EFAULT when no region holds
 * address; then, as each path meets them: EINVAL for an unaligned or
 * too-high target, ranges that overlap, an old length of 0 on a private
 * mapping; EFAULT for an old range that runs past its region's end (a
 * shrink only needs the address in one); EAGAIN for a grow of locked
 * memory past RLIMIT_MEMLOCK (unless privileged), ENOMEM past RLIMIT_AS
 * (map->limit) or for a grow that cannot stay in place without
 * MREMAP_MAYMOVE. */
int remap_plan(const struct address_map *map, uint64_t address, uint64_t old_length,
               uint64_t new_length, uint64_t flags, uint64_t new_address, bool privileged,
               struct remap_plan *plan);

/* The region a move makes of the region holding plan->address: its
 * facts, at new_start and new_length, the object's offset following the
 * old range's start; unregistered from its userfaultfd unless
 * keep_userfault. */
struct region remap_moved_region(const struct region *old, const struct remap_plan *plan,
                                 uint64_t new_start, bool keep_userfault);
/* REMAP_GROW: the part the region holding plan->address grows by, its
 * facts continued (it merges with the region). */
struct region remap_grown_part(const struct region *old, const struct remap_plan *plan);

#endif
