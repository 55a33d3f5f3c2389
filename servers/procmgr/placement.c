#include "placement.h"

unsigned placement_choose(const struct placement *placement, uint64_t mask)
{
    unsigned best = (unsigned)__builtin_ctzll(mask);
    for (unsigned core = best + 1; core < placement->cores && core < PLACEMENT_MAX_CORES; core++)
        if ((mask >> core) & 1 && placement->threads[core] < placement->threads[best])
            best = core;
    return best;
}

unsigned placement_rechoose(const struct placement *placement, uint64_t mask, unsigned current)
{
    return (mask >> current) & 1 ? current : placement_choose(placement, mask);
}

void placement_add(struct placement *placement, unsigned core)
{
    placement->threads[core]++;
}

void placement_remove(struct placement *placement, unsigned core)
{
    if (placement->threads[core])
        placement->threads[core]--;
}
