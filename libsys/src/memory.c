/* Slots, untyped memory and mappings for native programs: sys/memory.h. */
#include "sys/memory.h"
#include "sys/invoke.h"
#include "sys/runtime.h"

#define CNODE_DEPTH 64

/* ---- Slots ---- */

void slot_allocator_init(struct slot_allocator *slots, uint64_t first, uint64_t last,
                         uint64_t *bitmap)
{
    slots->first = first ? first : 1;
    slots->last = last;
    slots->next = slots->first;
    slots->in_use = bitmap;
    memset(bitmap, 0, ((last - first + 63) / 64) * 8);
}

static bool slot_is_used(const struct slot_allocator *slots, uint64_t slot)
{
    uint64_t bit = slot - slots->first;
    return slots->in_use[bit / 64] & (1ULL << (bit % 64));
}

uint64_t slot_allocate(struct slot_allocator *slots)
{
    uint64_t count = slots->last - slots->first;
    for (uint64_t tried = 0; tried < count; tried++) {
        uint64_t slot = slots->next;
        slots->next = slot + 1 < slots->last ? slot + 1 : slots->first;
        if (!slot_is_used(slots, slot)) {
            uint64_t bit = slot - slots->first;
            slots->in_use[bit / 64] |= 1ULL << (bit % 64);
            return slot;
        }
    }
    return 0;
}

void slot_free(struct slot_allocator *slots, uint64_t slot)
{
    if (slot < slots->first || slot >= slots->last)
        return;
    uint64_t bit = slot - slots->first;
    slots->in_use[bit / 64] &= ~(1ULL << (bit % 64));
}

/* ---- Untyped memory ---- */

void untyped_pool_forget_full(struct untyped_pool *pool)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < pool->count; i++)
        if (pool->untyped[i].exhausted_bits > 12)
            pool->untyped[kept++] = pool->untyped[i];
    pool->count = kept;
}

bool untyped_pool_add(struct untyped_pool *pool, uint64_t slot, unsigned size_bits)
{
    if (pool->count == MEMORY_MAX_UNTYPED)
        return false;
    pool->untyped[pool->count].slot = slot;
    pool->untyped[pool->count].size_bits = size_bits;
    pool->untyped[pool->count].exhausted_bits = 64;
    pool->untyped[pool->count].used = false;
    pool->count++;
    return true;
}

void memory_init(struct memory *memory, struct slot_allocator *slots, struct untyped_pool *pool,
                 const struct tern_boot_info *info, uint64_t *bitmap)
{
    slot_allocator_init(slots, info->empty_first, info->empty_last, bitmap);
    memset(pool, 0, sizeof *pool);
    for (uint64_t i = 0; i < info->untyped_count; i++)
        if (!info->untyped[i].is_device)
            untyped_pool_add(pool, info->untyped_first + i, info->untyped[i].size_bits);
    memory->slots = slots;
    memory->untyped = pool;
}

/* Log2 of the memory an object takes, for skipping untypeds known to be
 * too full; a guess on the small side is harmless (the retype just fails). */
static unsigned object_size_bits(enum tern_object_type type, unsigned size_bits)
{
    switch (type) {
    case TERN_OBJECT_FRAME_2M: return 21;
    case TERN_OBJECT_CNODE: return size_bits + 5;
    case TERN_OBJECT_FRAME_4K:
    case TERN_OBJECT_PAGE_TABLE:
    case TERN_OBJECT_PAGE_DIRECTORY:
    case TERN_OBJECT_VSPACE: return 12;
    default: return 6;
    }
}

/* Newest untyped first: the older ones are the likelier to be full. */
enum tern_error untyped_pool_retype(struct untyped_pool *pool, enum tern_object_type type,
                                    unsigned size_bits, uint64_t dest_cnode, uint64_t index,
                                    uint64_t depth)
{
    unsigned needed = object_size_bits(type, size_bits);
    for (;;) {
        for (unsigned i = pool->count; i-- > 0;) {
            if (pool->untyped[i].exhausted_bits <= needed || pool->untyped[i].size_bits < needed)
                continue;
            enum tern_error error = tern_untyped_retype(pool->untyped[i].slot, type, size_bits,
                                                        dest_cnode, index, depth, 1);
            if (error == TERN_OK)
                pool->untyped[i].used = true;
            if (error != TERN_NOT_ENOUGH_MEMORY)
                return error;
            pool->untyped[i].exhausted_bits = needed;
        }
        if (!pool->refill || !pool->refill(pool->refill_context, pool))
            return TERN_NOT_ENOUGH_MEMORY;
    }
}

uint64_t memory_new_object(struct memory *memory, enum tern_object_type type, unsigned size_bits)
{
    uint64_t slot = slot_allocate(memory->slots);
    if (!slot)
        return 0;
    if (untyped_pool_retype(memory->untyped, type, size_bits, TERN_SLOT_CNODE, slot,
                            CNODE_DEPTH) != TERN_OK) {
        slot_free(memory->slots, slot);
        return 0;
    }
    return slot;
}

void memory_delete(struct memory *memory, uint64_t slot)
{
    tern_cnode_delete(TERN_SLOT_CNODE, slot, CNODE_DEPTH);
    slot_free(memory->slots, slot);
}

/* ---- Mappings ---- */

/* Make a table of type and map it covering address. */
static enum tern_error map_new_table(struct memory *memory, uint64_t vspace,
                                     enum tern_object_type type, uint64_t address,
                                     memory_table_made table_made, void *context)
{
    uint64_t table = memory_new_object(memory, type, 0);
    if (!table)
        return TERN_NOT_ENOUGH_MEMORY;
    enum tern_error error = tern_page_table_map(table, vspace, address);
    if (error != TERN_OK) {
        memory_delete(memory, table);
        return error;
    }
    if (table_made)
        table_made(context, table);
    return TERN_OK;
}

enum tern_error memory_map_frame(struct memory *memory, uint64_t vspace, uint64_t frame,
                                 uint64_t address, uint64_t rights,
                                 memory_table_made table_made, void *context)
{
    enum tern_error error = tern_frame_map(frame, vspace, address, rights, 0);
    if (error != TERN_FAILED_LOOKUP)
        return error;
    /* The page table is missing, and maybe the directory above it too. */
    uint64_t table_address = address & ~((1ULL << 21) - 1);
    error = map_new_table(memory, vspace, TERN_OBJECT_PAGE_TABLE, table_address,
                          table_made, context);
    if (error == TERN_FAILED_LOOKUP) {
        error = map_new_table(memory, vspace, TERN_OBJECT_PAGE_DIRECTORY,
                              address & ~((1ULL << 30) - 1), table_made, context);
        if (error == TERN_OK)
            error = map_new_table(memory, vspace, TERN_OBJECT_PAGE_TABLE, table_address,
                                  table_made, context);
    }
    if (error != TERN_OK)
        return error;
    return tern_frame_map(frame, vspace, address, rights, 0);
}

enum tern_error memory_map_large_frame(struct memory *memory, uint64_t vspace, uint64_t frame,
                                       uint64_t address, uint64_t rights)
{
    enum tern_error error = tern_frame_map(frame, vspace, address, rights, 0);
    if (error != TERN_FAILED_LOOKUP)
        return error;
    /* A 2 MiB frame sits in the page directory: only that can be missing. */
    error = map_new_table(memory, vspace, TERN_OBJECT_PAGE_DIRECTORY,
                          address & ~((1ULL << 30) - 1), 0, 0);
    if (error != TERN_OK)
        return error;
    return tern_frame_map(frame, vspace, address, rights, 0);
}
