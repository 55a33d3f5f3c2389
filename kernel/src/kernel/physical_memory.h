/*
 * Physical memory at boot: the RAM the device tree lists, minus what is
 * reserved (device tree reservations, the kernel image, the device tree
 * itself, the boot archive). What is left is free for user mode.
 */
#ifndef KERNEL_PHYSICAL_MEMORY_H
#define KERNEL_PHYSICAL_MEMORY_H

#include <stdint.h>
#include "kernel/board.h"

#define MAX_FREE_RANGES 32

struct free_memory {
    struct phys_range ranges[MAX_FREE_RANGES];
    int count;
};

/* free = memory minus every excluded range, page-aligned (inward for free
 * ranges, outward for exclusions), sorted by address. Pure: unit-tested on
 * the host. Returns 0, or -1 if more than MAX_FREE_RANGES would result. */
int free_memory_compute(const struct phys_range *memory, int memory_count,
                        const struct phys_range *excluded, int excluded_count,
                        struct free_memory *free);

uint64_t free_memory_total(const struct free_memory *free);

#endif
