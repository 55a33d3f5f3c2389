/*
 * Loading a program into a new address space (execve and the first
 * program): its PT_LOAD segments read from the file through vfs, the
 * personality image, the process info page and the initial stack Linux
 * would build. The thread areas are thread_new's.
 */
#include "frames.h"
#include "procmgr.h"
#include "linux_stack.h"
#include "sys/counter.h"
#include "sys/elf_image.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

#define PERSONALITY_PATH    "/lib/tern/linux"
#define HEADER_BYTES        8192
#define STACK_IMAGE_BYTES   (256 * 1024)

static uint8_t file_head[HEADER_BYTES];

/* The personality, read once: its segments, and a frame per page holding
 * the file's bytes (text pages are mapped shared, data pages copied). */
static struct elf_image personality;
static uint32_t *personality_frames;   /* by page, across the segments */

/* pread through a file capability procmgr holds into its own memory. */
static int64_t file_pread(uint64_t file, void *buffer, uint64_t length, uint64_t offset)
{
    tern_set_window(0, (uint64_t)buffer, length, TERN_WINDOW_WRITE);
    uint64_t mr[TERN_MSG_REGISTERS] = { length, offset };
    tern_message_info info = tern_call(file, tern_message_with_windows(
                                                 tern_message(FILE_PREAD, 0, 2), 1), mr);
    return tern_message_label(info) ? -LINUX_EIO : (int64_t)mr[0];
}

static int64_t file_size(uint64_t file)
{
    static struct linux_stat status;
    int error = file_stat_of(file, &status);
    return error ? error : status.st_size;
}

/* Read and check the ELF headers of an image that ends below limit. */
static int read_image(uint64_t file, uint64_t pie_base, uint64_t limit, struct elf_image *image)
{
    int64_t size = file_size(file);
    if (size < 0)
        return (int)size;
    int64_t got = file_pread(file, file_head, sizeof file_head, 0);
    if (got < 0)
        return (int)got;
    /* The parser reads the ELF and program headers only: they must lie
     * within what was read (they do in any file a linker made). */
    const uint64_t *header_words = (const uint64_t *)file_head;
    uint64_t header_end = header_words[4]                       /* e_phoff */
                        + (uint64_t)((const uint16_t *)file_head)[28]     /* e_phnum */
                              * ((const uint16_t *)file_head)[27];        /* e_phentsize */
    if (got < 64 || header_end > (uint64_t)got)
        return -LINUX_ENOEXEC;
    return elf_image_parse_below(file_head, (uint64_t)size, pie_base, limit, image);
}

static int add_region(struct space *space, uint64_t start, uint64_t end, unsigned prot,
                      enum region_kind kind)
{
    struct region region = { .start = start & ~(uint64_t)(PAGE_SIZE - 1),
                             .end = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1),
                             .prot = prot, .kind = kind };
    return address_map_insert(&space->map, &region, 0, 0);
}

/* A segment's regions: the pages its file bytes reach are the image's
 * (maps names the program there, at their offset in the file), the rest
 * (its bss beyond them) anonymous, as Linux's ELF loader maps them. */
static int add_image_regions(struct space *space, const struct elf_segment *segment)
{
    uint64_t start = segment->address & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t file_end = (segment->address + segment->file_size + PAGE_SIZE - 1)
                      & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = (segment->address + segment->memory_size + PAGE_SIZE - 1)
                 & ~(uint64_t)(PAGE_SIZE - 1);
    if (segment->file_size && file_end > start) {
        struct region image = { .start = start, .end = file_end, .prot = segment->prot,
                                .kind = REGION_PRIVATE, .image = true,
                                .object_offset = segment->file_offset
                                               - (segment->address - start) };
        int result = address_map_insert(&space->map, &image, 0, 0);
        if (result < 0)
            return result;
    } else {
        file_end = start;
    }
    return end > file_end ? add_region(space, file_end, end, segment->prot, REGION_PRIVATE) : 0;
}

/* The segment's file bytes, page by page, read straight into new frames
 * through procmgr's scratch page; the rest of the segment is made zeroed
 * on first touch. */
static int load_segment(struct space *space, uint64_t file, const struct elf_segment *segment)
{
    uint64_t end = segment->address + segment->file_size;
    for (uint64_t page = segment->address & ~(uint64_t)(PAGE_SIZE - 1); page < end;
         page += PAGE_SIZE) {
        if (!page_index_find(&space->pages, page)) {
            int result = space_map_new_page(space, page, segment->prot);
            if (result < 0)
                return result;
        }
        uint64_t from = page > segment->address ? page : segment->address;
        uint64_t to = page + PAGE_SIZE < end ? page + PAGE_SIZE : end;
        uint8_t *mapped = frames_contents(page_index_find(&space->pages, page)->frame);
        int64_t got = file_pread(file, mapped + (from - page), to - from,
                                 segment->file_offset + (from - segment->address));
        if (got != (int64_t)(to - from))
            return -LINUX_EIO;
    }
    return 0;
}

int loader_init(void)
{
    uint64_t file = slot_allocate(server_memory.slots);
    if (!file || file_open(TERN_SLOT_CNODE, file, PERSONALITY_PATH, LINUX_O_RDONLY) < 0)
        return -LINUX_ENOENT;
    int result = read_image(file, 0, LINUX_PROCESS_INFO, &personality);
    if (result < 0)
        return result;
    /* Keep the file's bytes in frames of procmgr's own. */
    unsigned pages = 0;
    for (unsigned i = 0; i < personality.segment_count; i++)
        pages += (personality.segments[i].memory_size + PAGE_SIZE - 1) / PAGE_SIZE + 1;
    personality_frames = heap_allocate(pages * sizeof *personality_frames);
    unsigned next = 0;
    for (unsigned i = 0; i < personality.segment_count; i++) {
        const struct elf_segment *segment = &personality.segments[i];
        uint64_t end = segment->address + segment->file_size;
        for (uint64_t page = segment->address & ~(uint64_t)(PAGE_SIZE - 1); page < end;
             page += PAGE_SIZE) {
            uint64_t frame = memory_new_object(&server_memory, TERN_OBJECT_FRAME_4K, 0);
            uint8_t *mapped = frame ? scratch_map(0, frame) : 0;
            if (!mapped)
                return -LINUX_ENOMEM;
            uint64_t from = page > segment->address ? page : segment->address;
            uint64_t to = page + PAGE_SIZE < end ? page + PAGE_SIZE : end;
            int64_t got = file_pread(file, mapped + (from - page), to - from,
                                     segment->file_offset + (from - segment->address));
            scratch_unmap(0);
            if (got != (int64_t)(to - from))
                return -LINUX_EIO;
            personality_frames[next++] = (uint32_t)frame;
        }
    }
    file_call(TERN_SLOT_CNODE, file, FILE_CLOSE);
    memory_delete(&server_memory, file);
    return 0;
}

/* The personality's pages: text shared with every process, data copied. */
static int load_personality(struct space *space)
{
    unsigned next = 0;
    for (unsigned i = 0; i < personality.segment_count; i++) {
        const struct elf_segment *segment = &personality.segments[i];
        int result = add_region(space, segment->address, segment->address + segment->memory_size,
                                segment->prot, REGION_PRIVATE);
        if (result < 0)
            return result;
        uint64_t end = segment->address + segment->file_size;
        for (uint64_t page = segment->address & ~(uint64_t)(PAGE_SIZE - 1); page < end;
             page += PAGE_SIZE) {
            uint64_t template = personality_frames[next++];
            if (!(segment->prot & LINUX_PROT_WRITE)) {
                result = space_map_shared_frame(space, page, template, segment->prot);
            } else {
                uint8_t copy[PAGE_SIZE];
                uint8_t *mapped = scratch_map(0, template);
                if (!mapped)
                    return -LINUX_ENOMEM;
                memcpy(copy, mapped, PAGE_SIZE);
                scratch_unmap(0);
                result = space_write(space, page, copy, PAGE_SIZE);
            }
            if (result < 0)
                return result;
        }
    }
    space->upcall_entry = personality.entry;
    return tern_vspace_set_upcall(space->vspace, personality.entry) == TERN_OK ? 0 : -LINUX_ENOMEM;
}

static void random_bytes(uint8_t bytes[16])
{
    uint64_t counter = tern_counter_now();
    for (int i = 0; i < 16; i++) {
        counter ^= counter << 13;
        counter ^= counter >> 7;
        counter ^= counter << 17;
        bytes[i] = (uint8_t)counter;
    }
}

static int build_stack(struct process *process, struct space *space, const struct elf_image *image,
                       const char *block, uint64_t block_length, unsigned argc, unsigned envc,
                       uint64_t *stack_pointer)
{
    int result = add_region(space, LINUX_STACK_TOP - LINUX_STACK_LIMIT, LINUX_STACK_TOP,
                            LINUX_PROT_READ | LINUX_PROT_WRITE, REGION_STACK);
    if (result < 0)
        return result;
    struct linux_stack_facts facts = {
        .entry = image->entry, .program_headers = image->program_headers,
        .program_header_size = image->program_header_size,
        .program_header_count = image->program_header_count,
        .uid = process->uid, .euid = process->euid, .gid = process->gid, .egid = process->egid,
    };
    random_bytes(facts.random);
    uint8_t *stack = heap_allocate(STACK_IMAGE_BYTES);
    if (!stack)
        return -LINUX_ENOMEM;
    result = linux_stack_build(stack, STACK_IMAGE_BYTES, LINUX_STACK_TOP, block, block_length,
                               argc, envc, &facts, stack_pointer);
    if (result == 0) {
        uint64_t used = LINUX_STACK_TOP - *stack_pointer;
        result = space_write(space, *stack_pointer, stack + STACK_IMAGE_BYTES - used, used);
    }
    heap_free(stack);
    return result;
}

int loader_load(struct process *process, uint64_t file, const char *block,
                uint64_t block_length, unsigned argc, unsigned envc, struct space **result_space,
                uint64_t *entry, uint64_t *stack_pointer)
{
    struct elf_image image;
    int result = read_image(file, LINUX_PIE_BASE, LINUX_MMAP_TOP, &image);
    if (result < 0)
        return result;
    struct space *space = space_create();
    if (!space)
        return -LINUX_ENOMEM;
    for (unsigned i = 0; i < image.segment_count && result == 0; i++) {
        const struct elf_segment *segment = &image.segments[i];
        result = add_image_regions(space, segment);
        if (result == 0)
            result = load_segment(space, file, segment);
    }
    space->map.brk_start = space->map.brk = image.end;
    if (result == 0)
        result = load_personality(space);
    if (result == 0)
        result = add_region(space, LINUX_PROCESS_INFO, LINUX_PROCESS_INFO + PAGE_SIZE,
                            LINUX_PROT_READ | LINUX_PROT_WRITE, REGION_PRIVATE);
    if (result == 0)
        result = build_stack(process, space, &image, block, block_length, argc, envc,
                             stack_pointer);
    if (result < 0) {
        space_destroy(space);
        return result;
    }
    *result_space = space;
    *entry = image.entry;
    return 0;
}
