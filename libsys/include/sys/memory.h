/*
 * Memory for native programs (init and the servers): where new
 * capabilities go (a slot allocator over the program's own CNode), what
 * objects are made from (its untyped capabilities), and mapping frames
 * into any address space with the page tables made on demand.
 *
 * All of it works on the program's own CSpace, which the fixed slots of
 * enum tern_root_slot describe (radix 12 or more, guard of zeros: slot n
 * is cptr n). Single-threaded: a server calls it from its one loop.
 */
#ifndef SYS_MEMORY_H
#define SYS_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/linux_abi.h"
#include "tern/boot_info.h"
#include "tern/errors.h"
#include "tern/objects.h"

/* Free slots [first, last) of the program's CNode, one bit each. */
struct slot_allocator {
    uint64_t first, last;
    uint64_t next;                  /* where the search starts */
    uint64_t *in_use;               /* (last - first) bits */
};
void slot_allocator_init(struct slot_allocator *slots, uint64_t first, uint64_t last,
                         uint64_t *bitmap);
/* A free slot, or 0 when none is left (slot 0 is never free). */
uint64_t slot_allocate(struct slot_allocator *slots);
void slot_free(struct slot_allocator *slots, uint64_t slot);

/* Untyped capabilities objects are made from. When all are full, refill
 * (if set) may add another one and return true. */
#define MEMORY_MAX_UNTYPED TERN_BOOT_INFO_MAX_UNTYPED
struct untyped_pool {
    unsigned count;
    struct {
        uint64_t slot;
        uint8_t size_bits;
        uint8_t exhausted_bits;     /* a retype of this size or more failed here */
        bool used;                  /* something was made from it */
    } untyped[MEMORY_MAX_UNTYPED];
    bool (*refill)(void *context, struct untyped_pool *pool);
    void *refill_context;
};
/* False when the pool is full. */
bool untyped_pool_add(struct untyped_pool *pool, uint64_t slot, unsigned size_bits);
/* Drops the untypeds a page no longer fits in (a retype of a page or
 * less failed there), to make room: their objects stay, the pool stops
 * trying them, and nothing it is asked to release covers them any more
 * (a server's own memory, which is never released). */
void untyped_pool_forget_full(struct untyped_pool *pool);
/* Make one object from the pool into slot (index, depth) of the CNode
 * dest_cnode names. */
enum tern_error untyped_pool_retype(struct untyped_pool *pool, enum tern_object_type type,
                                    unsigned size_bits, uint64_t dest_cnode, uint64_t index,
                                    uint64_t depth);

/* Where a native program's objects come from: slots of its CNode and an
 * untyped pool (procmgr gives each process its own pool). */
struct memory {
    struct slot_allocator *slots;
    struct untyped_pool *untyped;
};

/* The whole of what the boot info gives: its untyped RAM (not device
 * memory) and free slots. bitmap holds (empty_last - empty_first) bits. */
void memory_init(struct memory *memory, struct slot_allocator *slots, struct untyped_pool *pool,
                 const struct tern_boot_info *info, uint64_t *bitmap);
/* Make one object in a fresh slot of the program's CNode; 0 when out of
 * slots or memory. size_bits: a CNode's radix, else ignored. */
uint64_t memory_new_object(struct memory *memory, enum tern_object_type type, unsigned size_bits);
/* Delete the capability in slot and free the slot. The object's memory
 * goes back to its untyped only when that is revoked: reuse frames rather
 * than deleting them where it matters. */
void memory_delete(struct memory *memory, uint64_t slot);

/* The mapping rights that give a page Linux's protection prot (read is
 * always needed to map). */
static inline uint64_t memory_rights_for(unsigned prot)
{
    uint64_t rights = TERN_RIGHT_READ;
    if (prot & LINUX_PROT_WRITE)
        rights |= TERN_RIGHT_WRITE;
    if (prot & LINUX_PROT_EXEC)
        rights |= TERN_RIGHT_EXECUTE;
    return rights;
}

/* Map frame at address in vspace, making the page directory and page
 * table above it first if they are missing; their slots are reported
 * through table_made (may be NULL) so the owner can delete them with the
 * address space. */
typedef void (*memory_table_made)(void *context, uint64_t table_slot);
enum tern_error memory_map_frame(struct memory *memory, uint64_t vspace, uint64_t frame,
                                 uint64_t address, uint64_t rights,
                                 memory_table_made table_made, void *context);

/* The same for a 2 MiB frame (at a 2 MiB boundary): only a page
 * directory may be missing. */
enum tern_error memory_map_large_frame(struct memory *memory, uint64_t vspace, uint64_t frame,
                                       uint64_t address, uint64_t rights);

/* A pool of pages for a server's data (vfs's files, the pipe rings):
 * mapped read-write into the program's own address space from base up to
 * limit, 2 MiB frames while the untypeds allow (one slot and one mapping
 * for 512 pages), else 4 KiB ones. Freed pages go on a free list and are
 * handed out again before anything new is mapped; they never go back to
 * the untyped. Contents of a page handed out are undefined.
 *
 * A lendable pool maps every page as a 4 KiB frame of its own and keeps
 * its capability (page_pool_frame), so that a server can lend the page to
 * other address spaces (sys/protocol/memory.h): what it hands out is
 * derived from that capability, and a page freed has all of it revoked
 * first, which unmaps it wherever it was lent. */
struct page_pool_free_page;
struct page_pool {
    struct memory *memory;
    uint64_t base;
    uint64_t mapped_end, limit;     /* mapped up to mapped_end, never past limit */
    uint64_t fresh, fresh_end;      /* mapped, never handed out */
    struct page_pool_free_page *free_list;
    uint64_t in_use;                /* pages handed out and not freed */
    /* Lendable: the frame capability of page i (from base), for every
     * page mapped; frame_capacity entries (heap memory). */
    bool lendable;
    uint32_t *frames;
    uint64_t frame_capacity;
};
void page_pool_init(struct page_pool *pool, struct memory *memory, uint64_t base,
                    uint64_t limit);
void page_pool_init_lendable(struct page_pool *pool, struct memory *memory, uint64_t base,
                             uint64_t limit);
/* A page-aligned 4 KiB page, or NULL when memory or the range is used up. */
void *page_pool_allocate(struct page_pool *pool);
void page_pool_free(struct page_pool *pool, void *page);
/* A lendable pool's page: the slot of its frame capability, or 0 for an
 * address the pool never mapped. */
uint64_t page_pool_frame(const struct page_pool *pool, const void *page);
/* The heap a lendable pool's table of frames takes: it stays at the
 * pool's high-water mark (0 for a pool that lends nothing). */
uint64_t page_pool_table_bytes(const struct page_pool *pool);

/* The bytes of heap blocks handed out and not freed (their size classes'). */
uint64_t heap_bytes_in_use(void);

/* The program's own heap, in pages mapped into its address space from
 * HEAP_BASE upwards, with small blocks carved out of them by size class.
 * memory_heap_init once, then heap_allocate / heap_free. Blocks are
 * zeroed. */
#define HEAP_BASE 0x6000000000ULL
void memory_heap_init(struct memory *memory);
void *heap_allocate(size_t size);
/* heap_allocate without the zeroing, for a block the caller fills at
 * once (a large copy). */
void *heap_allocate_unzeroed(size_t size);
void heap_free(void *block);
/* The bytes a block may hold, and takes in heap_bytes_in_use: its size
 * class's, at least the size asked (0 for NULL). */
uint64_t heap_block_bytes(const void *block);

#endif
