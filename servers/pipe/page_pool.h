/*
 * Pages for the pipe rings: mapped into the server's own address space
 * from PAGE_POOL_BASE up, 2 MiB frames when the untypeds allow (one slot
 * and one invocation for 512 pages), else 4 KiB ones. A freed page goes
 * on a free list and is reused before anything new is mapped.
 */
#ifndef SERVERS_PIPE_PAGE_POOL_H
#define SERVERS_PIPE_PAGE_POOL_H

#include "sys/memory.h"

#define PAGE_POOL_BASE  0x5000000000ULL
#define PAGE_POOL_LIMIT (PAGE_POOL_BASE + (1ULL << 34))

void page_pool_init(struct memory *memory);
/* A page-aligned page, or NULL when memory is exhausted. */
void *page_pool_allocate(void);
void page_pool_free(void *page);

#endif
