/* A server's pool of data pages: sys/memory.h. */
#include "sys/memory.h"
#include "sys/invoke.h"
#include "sys/runtime.h"

#define PAGE_SIZE       0x1000ULL
#define LARGE_PAGE_SIZE 0x200000ULL
#define PAGE_RIGHTS     (TERN_RIGHT_READ | TERN_RIGHT_WRITE)
#define CNODE_DEPTH     64

struct page_pool_free_page {
    struct page_pool_free_page *next;
};

void page_pool_init(struct page_pool *pool, struct memory *memory, uint64_t base,
                    uint64_t limit)
{
    *pool = (struct page_pool){ .memory = memory, .base = base, .mapped_end = base,
                                .limit = limit, .fresh = base, .fresh_end = base };
}

void page_pool_init_lendable(struct page_pool *pool, struct memory *memory, uint64_t base,
                             uint64_t limit)
{
    page_pool_init(pool, memory, base, limit);
    pool->lendable = true;
}

/* Map a new frame of the given type at address; its slot, or 0. */
static uint64_t map_new_frame(struct page_pool *pool, enum tern_object_type type,
                              uint64_t address)
{
    uint64_t frame = memory_new_object(pool->memory, type, 0);
    if (!frame)
        return 0;
    enum tern_error error =
        type == TERN_OBJECT_FRAME_2M
            ? memory_map_large_frame(pool->memory, TERN_SLOT_VSPACE, frame, address, PAGE_RIGHTS)
            : memory_map_frame(pool->memory, TERN_SLOT_VSPACE, frame, address, PAGE_RIGHTS, 0, 0);
    if (error != TERN_OK) {
        memory_delete(pool->memory, frame);
        return 0;
    }
    return frame;
}

/* Room in a lendable pool's table for the frame of the page at address. */
static bool room_for_frame(struct page_pool *pool, uint64_t address)
{
    uint64_t index = (address - pool->base) / PAGE_SIZE;
    if (index < pool->frame_capacity)
        return true;
    uint64_t capacity = pool->frame_capacity ? 2 * pool->frame_capacity : 1024;
    uint32_t *grown = heap_allocate(capacity * sizeof *grown);
    if (!grown)
        return false;
    memcpy(grown, pool->frames, pool->frame_capacity * sizeof *grown);
    heap_free(pool->frames);
    pool->frames = grown;
    pool->frame_capacity = heap_block_bytes(grown) / sizeof *grown;    /* all its class holds */
    return true;
}

/* Map more memory past mapped_end as fresh pages. */
static bool grow(struct page_pool *pool)
{
    uint64_t large = (pool->mapped_end + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    if (!pool->lendable && large + LARGE_PAGE_SIZE <= pool->limit
        && map_new_frame(pool, TERN_OBJECT_FRAME_2M, large)) {
        pool->fresh = large;
        pool->mapped_end = pool->fresh_end = large + LARGE_PAGE_SIZE;
        return true;
    }
    if (pool->mapped_end + PAGE_SIZE > pool->limit
        || (pool->lendable && !room_for_frame(pool, pool->mapped_end)))
        return false;
    uint64_t frame = map_new_frame(pool, TERN_OBJECT_FRAME_4K, pool->mapped_end);
    if (!frame)
        return false;
    if (pool->lendable)
        pool->frames[(pool->mapped_end - pool->base) / PAGE_SIZE] = (uint32_t)frame;
    pool->fresh = pool->mapped_end;
    pool->mapped_end = pool->fresh_end = pool->mapped_end + PAGE_SIZE;
    return true;
}

void *page_pool_allocate(struct page_pool *pool)
{
    if (pool->free_list) {
        struct page_pool_free_page *page = pool->free_list;
        pool->free_list = page->next;
        pool->in_use++;
        return page;
    }
    if (pool->fresh == pool->fresh_end && !grow(pool))
        return 0;
    void *page = (void *)pool->fresh;
    pool->fresh += PAGE_SIZE;
    pool->in_use++;
    return page;
}

void page_pool_free(struct page_pool *pool, void *page)
{
    /* Whoever it was lent to loses it before anyone else can have it. */
    uint64_t frame = page_pool_frame(pool, page);
    if (frame)
        tern_cnode_revoke(TERN_SLOT_CNODE, frame, CNODE_DEPTH);
    struct page_pool_free_page *freed = page;
    freed->next = pool->free_list;
    pool->free_list = freed;
    pool->in_use--;
}

uint64_t page_pool_frame(const struct page_pool *pool, const void *page)
{
    uint64_t address = (uint64_t)page;
    if (!pool->lendable || address < pool->base || address >= pool->mapped_end)
        return 0;
    return pool->frames[(address - pool->base) / PAGE_SIZE];
}

uint64_t page_pool_table_bytes(const struct page_pool *pool)
{
    return heap_block_bytes(pool->frames);
}
