/*
 * Small blocks for the servers' cores in host tests (their services'
 * allocate and free): calloc'd, and counted in blocks_live, so a test can
 * see that a core gave back everything it took.
 */
#ifndef TESTS_HOST_TEST_CORE_BLOCKS_H
#define TESTS_HOST_TEST_CORE_BLOCKS_H

#include <stdint.h>
#include <stdlib.h>

static long blocks_live;

static inline void *allocate(void *context, uint64_t size)
{
    (void)context;
    blocks_live++;
    return calloc(1, size);
}

static inline void release(void *context, void *block)
{
    (void)context;
    blocks_live--;
    free(block);
}

#endif
