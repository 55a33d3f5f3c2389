/* The pipe server's pages: see page_pool.h. */
#include "page_pool.h"

#include "sys/invoke.h"

#define PAGE_SIZE       0x1000ULL
#define LARGE_PAGE_SIZE 0x200000ULL
#define DIRECTORY_SPAN  0x40000000ULL
#define PAGE_RIGHTS     (TERN_RIGHT_READ | TERN_RIGHT_WRITE)

struct free_page {
    struct free_page *next;
};

static struct {
    struct memory *memory;
    uint64_t mapped_end;            /* the first address not mapped yet */
    uint64_t fresh, fresh_end;      /* mapped, never handed out */
    struct free_page *free_list;
} pool;

void page_pool_init(struct memory *memory)
{
    pool.memory = memory;
    pool.mapped_end = PAGE_POOL_BASE;
}

/* A 2 MiB frame sits in a page directory; make the directory if the
 * mapping says it is missing. */
static bool map_large_frame(uint64_t frame, uint64_t address)
{
    enum tern_error error = tern_frame_map(frame, TERN_SLOT_VSPACE, address, PAGE_RIGHTS, 0);
    if (error == TERN_FAILED_LOOKUP) {
        uint64_t directory = memory_new_object(pool.memory, TERN_OBJECT_PAGE_DIRECTORY, 0);
        if (!directory)
            return false;
        if (tern_page_table_map(directory, TERN_SLOT_VSPACE, address & ~(DIRECTORY_SPAN - 1)) !=
            TERN_OK) {
            memory_delete(pool.memory, directory);
            return false;
        }
        error = tern_frame_map(frame, TERN_SLOT_VSPACE, address, PAGE_RIGHTS, 0);
    }
    return error == TERN_OK;
}

/* Maps more memory past mapped_end as fresh pages. */
static bool grow(void)
{
    uint64_t large = (pool.mapped_end + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    if (large + LARGE_PAGE_SIZE <= PAGE_POOL_LIMIT) {
        uint64_t frame = memory_new_object(pool.memory, TERN_OBJECT_FRAME_2M, 0);
        if (frame && map_large_frame(frame, large)) {
            pool.fresh = large;
            pool.mapped_end = pool.fresh_end = large + LARGE_PAGE_SIZE;
            return true;
        }
        if (frame)
            memory_delete(pool.memory, frame);
    }
    if (pool.mapped_end + PAGE_SIZE > PAGE_POOL_LIMIT)
        return false;
    uint64_t frame = memory_new_object(pool.memory, TERN_OBJECT_FRAME_4K, 0);
    if (!frame)
        return false;
    if (memory_map_frame(pool.memory, TERN_SLOT_VSPACE, frame, pool.mapped_end, PAGE_RIGHTS, 0,
                         0) != TERN_OK) {
        memory_delete(pool.memory, frame);
        return false;
    }
    pool.fresh = pool.mapped_end;
    pool.mapped_end = pool.fresh_end = pool.mapped_end + PAGE_SIZE;
    return true;
}

void *page_pool_allocate(void)
{
    if (pool.free_list) {
        struct free_page *page = pool.free_list;
        pool.free_list = page->next;
        return page;
    }
    if (pool.fresh == pool.fresh_end && !grow())
        return 0;
    void *page = (void *)pool.fresh;
    pool.fresh += PAGE_SIZE;
    return page;
}

void page_pool_free(void *page)
{
    struct free_page *freed = page;
    freed->next = pool.free_list;
    pool.free_list = freed;
}
