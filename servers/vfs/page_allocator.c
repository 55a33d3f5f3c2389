/* Pages for the vfs core: see page_allocator.h. */
#include "page_allocator.h"
#include "sys/invoke.h"
#include "sys/print.h"

#define PAGE_SIZE       0x1000ULL
#define LARGE_PAGE_SIZE 0x200000ULL
#define DIRECTORY_SPAN  0x40000000ULL

struct free_page {
    struct free_page *next;
};

static struct {
    struct resources *resources;
    uint64_t heap_end;              /* the next address not yet mapped */
    uint64_t fresh;                 /* mapped, never handed out: [fresh, fresh_end) */
    uint64_t fresh_end;
    struct free_page *free_list;
} allocator;

static bool add_table(enum tern_object_type type, uint64_t address);

void page_allocator_init(struct resources *resources)
{
    allocator.resources = resources;
    allocator.heap_end = PAGE_ALLOCATOR_HEAP_BASE;
    /* The heap's first page directory now, while untypeds are untouched,
     * so it does not land between two 2 MiB frames; failing here only
     * means grow() tries again when it needs one. */
    add_table(TERN_OBJECT_PAGE_DIRECTORY, PAGE_ALLOCATOR_HEAP_BASE);
}

/* Maps a new page table (or directory) covering address. A table needs a
 * directory above it: if that is missing too, it is made first. */
static bool add_table(enum tern_object_type type, uint64_t address)
{
    uint64_t table;
    if (!resources_retype(allocator.resources, type, &table))
        return false;
    uint64_t span = type == TERN_OBJECT_PAGE_DIRECTORY ? DIRECTORY_SPAN : LARGE_PAGE_SIZE;
    uint64_t base = address & ~(span - 1);
    enum tern_error error = tern_page_table_map(table, TERN_SLOT_VSPACE, base);
    if (error == TERN_FAILED_LOOKUP && type == TERN_OBJECT_PAGE_TABLE &&
        add_table(TERN_OBJECT_PAGE_DIRECTORY, address))
        error = tern_page_table_map(table, TERN_SLOT_VSPACE, base);
    if (error != TERN_OK) {
        tern_printf("vfs: mapping a page table at %lx: %s\n", base, tern_error_name(error));
        return false;
    }
    return true;
}

static bool map_frame(uint64_t frame, uint64_t address, bool large)
{
    const uint64_t rights = TERN_RIGHT_READ | TERN_RIGHT_WRITE;
    enum tern_error error = tern_frame_map(frame, TERN_SLOT_VSPACE, address, rights, 0);
    if (error == TERN_FAILED_LOOKUP &&
        add_table(large ? TERN_OBJECT_PAGE_DIRECTORY : TERN_OBJECT_PAGE_TABLE, address))
        error = tern_frame_map(frame, TERN_SLOT_VSPACE, address, rights, 0);
    if (error != TERN_OK) {
        tern_printf("vfs: mapping a frame at %lx: %s\n", address, tern_error_name(error));
        return false;
    }
    return true;
}

/* Maps more memory at the end of the heap as fresh pages. */
static bool grow(void)
{
    uint64_t large_address = (allocator.heap_end + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    uint64_t frame;
    if (large_address + LARGE_PAGE_SIZE <= PAGE_ALLOCATOR_HEAP_LIMIT &&
        resources_retype(allocator.resources, TERN_OBJECT_FRAME_2M, &frame)) {
        if (!map_frame(frame, large_address, true))
            return false;
        allocator.fresh = large_address;
        allocator.heap_end = allocator.fresh_end = large_address + LARGE_PAGE_SIZE;
        return true;
    }
    if (allocator.heap_end + PAGE_SIZE > PAGE_ALLOCATOR_HEAP_LIMIT ||
        !resources_retype(allocator.resources, TERN_OBJECT_FRAME_4K, &frame) ||
        !map_frame(frame, allocator.heap_end, false))
        return false;
    allocator.fresh = allocator.heap_end;
    allocator.heap_end = allocator.fresh_end = allocator.heap_end + PAGE_SIZE;
    return true;
}

void *page_allocator_allocate(void)
{
    if (allocator.free_list != NULL) {
        struct free_page *page = allocator.free_list;
        allocator.free_list = page->next;
        return page;
    }
    if (allocator.fresh == allocator.fresh_end && !grow())
        return 0;
    void *page = (void *)allocator.fresh;
    allocator.fresh += PAGE_SIZE;
    return page;
}

void page_allocator_free(void *page)
{
    struct free_page *freed = page;
    freed->next = allocator.free_list;
    allocator.free_list = freed;
}
