/* A server's pool of data pages: sys/memory.h. */
#include "sys/memory.h"
#include "sys/invoke.h"

#define PAGE_SIZE       0x1000ULL
#define LARGE_PAGE_SIZE 0x200000ULL
#define PAGE_RIGHTS     (TERN_RIGHT_READ | TERN_RIGHT_WRITE)

struct page_pool_free_page {
    struct page_pool_free_page *next;
};

void page_pool_init(struct page_pool *pool, struct memory *memory, uint64_t base,
                    uint64_t limit)
{
    *pool = (struct page_pool){ .memory = memory, .mapped_end = base, .limit = limit,
                                .fresh = base, .fresh_end = base };
}

/* Map a new frame of the given type at address. */
static bool map_new_frame(struct page_pool *pool, enum tern_object_type type, uint64_t address)
{
    uint64_t frame = memory_new_object(pool->memory, type, 0);
    if (!frame)
        return false;
    enum tern_error error =
        type == TERN_OBJECT_FRAME_2M
            ? memory_map_large_frame(pool->memory, TERN_SLOT_VSPACE, frame, address, PAGE_RIGHTS)
            : memory_map_frame(pool->memory, TERN_SLOT_VSPACE, frame, address, PAGE_RIGHTS, 0, 0);
    if (error != TERN_OK) {
        memory_delete(pool->memory, frame);
        return false;
    }
    return true;
}

/* Map more memory past mapped_end as fresh pages. */
static bool grow(struct page_pool *pool)
{
    uint64_t large = (pool->mapped_end + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    if (large + LARGE_PAGE_SIZE <= pool->limit
        && map_new_frame(pool, TERN_OBJECT_FRAME_2M, large)) {
        pool->fresh = large;
        pool->mapped_end = pool->fresh_end = large + LARGE_PAGE_SIZE;
        return true;
    }
    if (pool->mapped_end + PAGE_SIZE > pool->limit
        || !map_new_frame(pool, TERN_OBJECT_FRAME_4K, pool->mapped_end))
        return false;
    pool->fresh = pool->mapped_end;
    pool->mapped_end = pool->fresh_end = pool->mapped_end + PAGE_SIZE;
    return true;
}

void *page_pool_allocate(struct page_pool *pool)
{
    if (pool->free_list) {
        struct page_pool_free_page *page = pool->free_list;
        pool->free_list = page->next;
        return page;
    }
    if (pool->fresh == pool->fresh_end && !grow(pool))
        return 0;
    void *page = (void *)pool->fresh;
    pool->fresh += PAGE_SIZE;
    return page;
}

void page_pool_free(struct page_pool *pool, void *page)
{
    struct page_pool_free_page *freed = page;
    freed->next = pool->free_list;
    pool->free_list = freed;
}
