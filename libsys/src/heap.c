/*
 * The heap of a native program (sys/memory.h): pages mapped from HEAP_BASE
 * upwards as needed, carved into blocks of power-of-two size classes from
 * 32 bytes to 1 MiB. A freed block goes on its class's free list and is
 * reused for that class only: servers allocate the same few kinds of
 * record over and over, so this stays small without merging.
 */
#include "sys/memory.h"
#include "sys/invoke.h"
#include "sys/runtime.h"

#define PAGE_SIZE       4096
#define MIN_CLASS_BITS  5
#define MAX_CLASS_BITS  20
#define LARGE_CLASS     64          /* a run of pages: its size in the header */
#define HEAP_LIMIT      (HEAP_BASE + (1ULL << 34))

/* Each block starts with its class, so heap_free knows where it goes. */
struct block_header {
    uint64_t class_bits;
    uint64_t size;                  /* a large block's bytes, header included */
};

struct free_block {
    struct free_block *next;
};

/* A large block on the free list keeps its header. */
struct free_large_block {
    struct block_header header;
    struct free_large_block *next;
};

static struct memory *heap_memory;
static uint64_t heap_end = HEAP_BASE;
static struct free_block *free_lists[MAX_CLASS_BITS + 1];
static struct free_large_block *free_large_blocks;
static uint64_t bytes_in_use;

uint64_t heap_bytes_in_use(void)
{
    return bytes_in_use;
}

void memory_heap_init(struct memory *memory)
{
    heap_memory = memory;
}

/* Map pages at the heap's end until it has grown by size bytes. */
static void *grow(uint64_t size)
{
    uint64_t start = heap_end;
    size = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (!heap_memory || start + size > HEAP_LIMIT)
        return 0;
    for (uint64_t page = start; page < start + size; page += PAGE_SIZE) {
        uint64_t frame = memory_new_object(heap_memory, TERN_OBJECT_FRAME_4K, 0);
        if (!frame || memory_map_frame(heap_memory, TERN_SLOT_VSPACE, frame, page,
                                       TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK)
            return 0;       /* the pages mapped so far stay for the next try */
        heap_end = page + PAGE_SIZE;
    }
    return (void *)start;
}

/* A run of pages for size bytes and the header: the first free one big
 * enough, else new pages. */
static struct block_header *take_large_block(size_t size)
{
    uint64_t bytes = (size + sizeof(struct block_header) + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    for (struct free_large_block **link = &free_large_blocks; *link; link = &(*link)->next) {
        if ((*link)->header.size >= bytes) {
            struct free_large_block *found = *link;
            *link = found->next;
            return &found->header;
        }
    }
    struct block_header *header = grow(bytes);
    if (header)
        *header = (struct block_header){ LARGE_CLASS, bytes };
    return header;
}

/* The bytes of a block after its header. */
static uint64_t block_bytes(const struct block_header *header)
{
    uint64_t size = header->class_bits == LARGE_CLASS ? header->size : 1ULL << header->class_bits;
    return size - sizeof *header;
}

/* A block of the class size fits in, its header set; NULL without memory. */
static struct block_header *take_block(size_t size)
{
    if (size > (1ULL << MAX_CLASS_BITS) - sizeof(struct block_header))
        return size < HEAP_LIMIT - HEAP_BASE ? take_large_block(size) : 0;
    unsigned class_bits = MIN_CLASS_BITS;
    while ((1ULL << class_bits) < size + sizeof(struct block_header))
        class_bits++;
    struct block_header *header;
    if (free_lists[class_bits]) {
        header = (struct block_header *)free_lists[class_bits];
        free_lists[class_bits] = free_lists[class_bits]->next;
    } else {
        /* Classes below a page are carved from fresh pages one page at a time. */
        uint64_t block_size = 1ULL << class_bits;
        uint64_t chunk = block_size < PAGE_SIZE ? PAGE_SIZE : block_size;
        uint8_t *memory = grow(chunk);
        if (!memory)
            return 0;
        for (uint64_t offset = block_size; offset < chunk; offset += block_size) {
            struct free_block *spare = (struct free_block *)(memory + offset);
            spare->next = free_lists[class_bits];
            free_lists[class_bits] = spare;
        }
        header = (struct block_header *)memory;
    }
    header->class_bits = class_bits;
    return header;
}

/* A block for size bytes, counted in use. */
static struct block_header *hand_out(size_t size)
{
    struct block_header *header = take_block(size);
    if (header)
        bytes_in_use += block_bytes(header);
    return header;
}

uint64_t heap_block_bytes(const void *block)
{
    return block ? block_bytes((const struct block_header *)block - 1) : 0;
}

void *heap_allocate_unzeroed(size_t size)
{
    struct block_header *header = hand_out(size);
    return header ? header + 1 : 0;
}

void *heap_allocate(size_t size)
{
    struct block_header *header = hand_out(size);
    if (!header)
        return 0;
    memset(header + 1, 0, block_bytes(header));
    return header + 1;
}

void heap_free(void *block)
{
    if (!block)
        return;
    struct block_header *header = (struct block_header *)block - 1;
    bytes_in_use -= block_bytes(header);
    if (header->class_bits == LARGE_CLASS) {
        struct free_large_block *freed = (struct free_large_block *)header;
        freed->next = free_large_blocks;
        free_large_blocks = freed;
        return;
    }
    unsigned class_bits = header->class_bits;
    struct free_block *freed = (struct free_block *)header;
    freed->next = free_lists[class_bits];
    free_lists[class_bits] = freed;
}
