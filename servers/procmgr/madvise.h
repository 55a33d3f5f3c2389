/*
 * madvise(2) on an address map, as Linux 6.1's mm/madvise.c answers it:
 * which advice is known, what each region allows, and the pieces whose
 * pages go (MADV_DONTNEED and its kin). The rest is advice a system that
 * never swaps and has no huge pages may take and ignore, except where
 * docs/personality.md says it is not done.
 */
#ifndef PROCMGR_MADVISE_H
#define PROCMGR_MADVISE_H

#include <stdbool.h>
#include <stdint.h>
#include "address_map.h"

/* The advice values (Linux's uapi/asm-generic/mman-common.h). */
#define MADVISE_NORMAL          0
#define MADVISE_RANDOM          1
#define MADVISE_SEQUENTIAL      2
#define MADVISE_WILLNEED        3
#define MADVISE_DONTNEED        4
#define MADVISE_FREE            8
#define MADVISE_REMOVE          9
#define MADVISE_DONTFORK        10
#define MADVISE_DOFORK          11
#define MADVISE_MERGEABLE       12
#define MADVISE_UNMERGEABLE     13
#define MADVISE_HUGEPAGE        14
#define MADVISE_NOHUGEPAGE      15
#define MADVISE_DONTDUMP        16
#define MADVISE_DODUMP          17
#define MADVISE_WIPEONFORK      18
#define MADVISE_KEEPONFORK      19
#define MADVISE_COLD            20
#define MADVISE_PAGEOUT         21
#define MADVISE_POPULATE_READ   22
#define MADVISE_POPULATE_WRITE  23
#define MADVISE_DONTNEED_LOCKED 24
#define MADVISE_COLLAPSE        25
#define MADVISE_HWPOISON        100
#define MADVISE_SOFT_OFFLINE    101

/* madvise(start, length, advice) on map: 0 or -errno, in Linux's order
 * (unknown advice, an unaligned start or a length that wraps: -EINVAL;
 * nothing to do for length 0). Region by region, as Linux walks its
 * VMAs: a region the advice does not suit ends the call with its error
 * (the regions before it were advised); drop is called for each piece
 * whose pages are to go; a hole in the range is -ENOMEM at the end, the
 * regions around it advised all the same. */
/* Whether the advice lets pages go (MADV_DONTNEED, _LOCKED, MADV_FREE). */
bool madvise_drops(int advice);

int madvise_apply(const struct address_map *map, uint64_t start, uint64_t length, int advice,
                  address_map_change drop, void *context);

#endif
