/* Pools of fixed-size records: see pool.h. */
#include "pool.h"

/* A free record holds the next free one in its first bytes. */
struct free_record {
    struct free_record *next;
};

void pool_init(struct vfs_pool *pool, size_t record_size)
{
    pool->free_records = NULL;
    pool->record_size = record_size;
    pool->pages = 0;
}

void *pool_take(struct vfs *vfs, struct vfs_pool *pool)
{
    if (pool->free_records == NULL) {
        uint8_t *page = vfs->services.allocate_page(vfs->services.context);
        if (page == NULL)
            return NULL;
        pool->pages++;
        for (size_t offset = 0; offset + pool->record_size <= VFS_PAGE_SIZE;
             offset += pool->record_size)
            pool_give(pool, page + offset);
    }
    struct free_record *record = pool->free_records;
    pool->free_records = record->next;
    return record;
}

void pool_give(struct vfs_pool *pool, void *record)
{
    struct free_record *freed = record;
    freed->next = pool->free_records;
    pool->free_records = freed;
}
