/*
 * Chunks and allotments (procmgr.h). At start procmgr cuts its untyped
 * memory into chunks of 2^CHUNK_BITS bytes; an allotment takes chunks one
 * at a time as it runs out, and gives them back whole by revoking them.
 */
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/runtime.h"

#define CHUNK_LIMIT 16384                  /* 16 GiB of chunks */
static uint64_t free_chunks[CHUNK_LIMIT];
static uint64_t free_chunk_count;
static uint64_t chunk_count;        /* every chunk, free or taken */

void chunks_init(const struct tern_boot_info *info)
{
    for (uint64_t i = 0; i < info->untyped_count; i++) {
        uint64_t untyped = info->untyped_first + i;
        unsigned bits = info->untyped[i].size_bits;
        if (bits < CHUNK_BITS || info->untyped[i].is_device)
            continue;
        for (uint64_t n = 0; n < 1ULL << (bits - CHUNK_BITS) && free_chunk_count < CHUNK_LIMIT;
             n++) {
            uint64_t slot = slot_allocate(server_memory.slots);
            if (!slot || tern_untyped_retype(untyped, TERN_OBJECT_UNTYPED, CHUNK_BITS,
                                             TERN_SLOT_CNODE, slot, CNODE_DEPTH, 1) != TERN_OK)
                break;
            free_chunks[free_chunk_count++] = slot;
        }
    }
    chunk_count = free_chunk_count;
}

void chunks_count(uint64_t *total, uint64_t *free)
{
    *total = chunk_count << CHUNK_BITS;
    *free = free_chunk_count << CHUNK_BITS;
}

uint64_t chunk_take(void)
{
    return free_chunk_count ? free_chunks[--free_chunk_count] : 0;
}

void chunk_put(uint64_t chunk)
{
    free_chunks[free_chunk_count++] = chunk;
}

static bool take_chunk(void *context, struct untyped_pool *pool)
{
    (void)context;
    if (free_chunk_count == 0 || pool->count == MEMORY_MAX_UNTYPED)
        return false;
    untyped_pool_add(pool, free_chunks[--free_chunk_count], CHUNK_BITS);
    return true;
}

void allotment_init_pool(struct untyped_pool *pool)
{
    memset(pool, 0, sizeof *pool);
    pool->refill = take_chunk;
}

void allotment_init(struct allotment *allotment)
{
    memset(allotment, 0, sizeof *allotment);
    allotment_init_pool(&allotment->pool);
}

void allotment_release(struct allotment *allotment)
{
    for (unsigned i = 0; i < allotment->pool.count; i++) {
        uint64_t chunk = allotment->pool.untyped[i].slot;
        tern_cnode_revoke(TERN_SLOT_CNODE, chunk, CNODE_DEPTH);
        free_chunks[free_chunk_count++] = chunk;
    }
    allotment->pool.count = 0;
    for (uint32_t i = 0; i < allotment->owned_count; i++) {
        /* Copies of other owners' caps are not below our chunks. */
        tern_cnode_delete(TERN_SLOT_CNODE, allotment->owned_slots[i], CNODE_DEPTH);
        slot_free(server_memory.slots, allotment->owned_slots[i]);
    }
    heap_free(allotment->owned_slots);
    allotment->owned_slots = 0;
    allotment->owned_count = allotment->owned_capacity = 0;
}

bool allotment_own(struct allotment *allotment, uint64_t slot)
{
    if (allotment->owned_count == allotment->owned_capacity) {
        uint32_t capacity = allotment->owned_capacity ? 2 * allotment->owned_capacity : 64;
        uint32_t *grown = heap_allocate(capacity * sizeof *grown);
        if (!grown)
            return false;
        memcpy(grown, allotment->owned_slots, allotment->owned_count * sizeof *grown);
        heap_free(allotment->owned_slots);
        allotment->owned_slots = grown;
        allotment->owned_capacity = capacity;
    }
    allotment->owned_slots[allotment->owned_count++] = (uint32_t)slot;
    return true;
}

uint64_t allotment_new_object(struct allotment *allotment, enum tern_object_type type,
                              unsigned size_bits)
{
    struct memory view = { server_memory.slots, &allotment->pool };
    uint64_t slot = memory_new_object(&view, type, size_bits);
    if (slot && !allotment_own(allotment, slot)) {
        memory_delete(&view, slot);
        return 0;
    }
    return slot;
}

bool allotment_new_object_in(struct allotment *allotment, enum tern_object_type type,
                             uint64_t cnode, uint64_t index)
{
    return untyped_pool_retype(&allotment->pool, type, 0, cnode, index, CNODE_DEPTH) == TERN_OK;
}

static void own_table(void *context, uint64_t table)
{
    allotment_own(context, table);
}

enum tern_error allotment_map_frame(struct allotment *allotment, uint64_t vspace, uint64_t frame,
                                    uint64_t address, uint64_t rights)
{
    struct memory view = { server_memory.slots, &allotment->pool };
    return memory_map_frame(&view, vspace, frame, address, rights, own_table, allotment);
}
