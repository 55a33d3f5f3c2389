/*
 * Where procmgr runs a thread (docs/multicore.md): of the cores its
 * affinity mask allows, the one with the fewest of procmgr's threads,
 * the lowest of equals. The count is the threads placed there and not
 * yet ended, asleep or not: procmgr cannot see which are runnable, and
 * a count is what keeps four independent programs on four cores. The
 * kernel never moves these threads (procmgr pins each, so getcpu stays
 * true); the servers they call come to them instead. Plain C,
 * host-tested (tests/host/test_procmgr_placement.c).
 */
#ifndef PROCMGR_PLACEMENT_H
#define PROCMGR_PLACEMENT_H

#include <stdint.h>

#define PLACEMENT_MAX_CORES 64

struct placement {
    unsigned cores;                             /* online: 0..cores-1 */
    uint32_t threads[PLACEMENT_MAX_CORES];      /* placed on each, not ended */
};

/* The core for a new thread whose mask is mask (cores online only, not
 * empty): the least loaded. */
unsigned placement_choose(const struct placement *placement, uint64_t mask);
/* The core for a thread on current whose mask becomes mask: current if
 * the mask still allows it (a thread is not moved for nothing), else the
 * least loaded of mask. */
unsigned placement_rechoose(const struct placement *placement, uint64_t mask, unsigned current);

/* A thread starts on core, or ends there. */
void placement_add(struct placement *placement, unsigned core);
void placement_remove(struct placement *placement, unsigned core);

#endif
