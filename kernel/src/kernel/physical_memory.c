#include "kernel/physical_memory.h"

#define PAGE_MASK 0xfffULL

static uint64_t align_down(uint64_t value) { return value & ~PAGE_MASK; }
static uint64_t align_up(uint64_t value) { return (value + PAGE_MASK) & ~PAGE_MASK; }

static int add_range(struct free_memory *free, uint64_t base, uint64_t end)
{
    if (end <= base)
        return 0;
    if (free->count == MAX_FREE_RANGES)
        return -1;
    int i = free->count++;
    while (i > 0 && free->ranges[i - 1].base > base) {
        free->ranges[i] = free->ranges[i - 1];
        i--;
    }
    free->ranges[i] = (struct phys_range){ base, end - base };
    return 0;
}

/* Remove [cut_base, cut_end) from every free range, splitting if needed. */
static int subtract(struct free_memory *free, uint64_t cut_base, uint64_t cut_end)
{
    struct free_memory before = *free;
    free->count = 0;
    for (int i = 0; i < before.count; i++) {
        uint64_t base = before.ranges[i].base;
        uint64_t end = base + before.ranges[i].size;
        if (cut_end <= base || cut_base >= end) {
            if (add_range(free, base, end))
                return -1;
            continue;
        }
        if (add_range(free, base, cut_base) || add_range(free, cut_end, end))
            return -1;
    }
    return 0;
}

int free_memory_compute(const struct phys_range *memory, int memory_count,
                        const struct phys_range *excluded, int excluded_count,
                        struct free_memory *free)
{
    free->count = 0;
    for (int i = 0; i < memory_count; i++)
        if (add_range(free, align_up(memory[i].base),
                      align_down(memory[i].base + memory[i].size)))
            return -1;
    for (int i = 0; i < excluded_count; i++) {
        if (excluded[i].size == 0)
            continue;
        uint64_t end = excluded[i].base + excluded[i].size;
        /* A range reaching the top of the address space (or wrapping)
         * excludes everything above its base. */
        end = (end < excluded[i].base || end > ~PAGE_MASK) ? ~0ULL : align_up(end);
        if (subtract(free, align_down(excluded[i].base), end))
            return -1;
    }
    return 0;
}

uint64_t free_memory_total(const struct free_memory *free)
{
    uint64_t total = 0;
    for (int i = 0; i < free->count; i++)
        total += free->ranges[i].size;
    return total;
}
