/*
 * The pages vfs keeps file data, nodes and OFDs in (the core's
 * allocate_page and free_page services): frames retyped from vfs's
 * untyped memory and mapped read-write in a heap region of its address
 * space, with the page tables that takes. 2 MiB frames are preferred
 * (one CSpace slot each, no page table); 4 KiB frames use up untypeds too
 * small for them. Freed pages go on a free list and are reused, never
 * returned to the untyped.
 */
#ifndef SERVERS_VFS_PAGE_ALLOCATOR_H
#define SERVERS_VFS_PAGE_ALLOCATOR_H

#include "resources.h"

/* The heap: 1 GiB-aligned, far from the image, stack, IPC buffer, boot
 * information and boot archive. */
#define PAGE_ALLOCATOR_HEAP_BASE  0x4000000000ULL
#define PAGE_ALLOCATOR_HEAP_LIMIT 0x5000000000ULL

void page_allocator_init(struct resources *resources);
/* A 4 KiB page (contents undefined), or NULL when memory has run out. */
void *page_allocator_allocate(void);
void page_allocator_free(void *page);

#endif
