/* Building and starting a native program from the boot archive: native_program.h. */
#include "native_program.h"
#include "sys/cpio.h"
#include "sys/elf_image.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/runtime.h"

#define PAGE_SIZE           4096
#define INIT_SCRATCH        0x7d00000000ULL /* where init maps a frame to fill it */
#define CNODE_DEPTH         64

/* A fresh frame, mapped at INIT_SCRATCH in init until unmapped. */
static uint64_t scratch_frame(struct memory *memory)
{
    uint64_t frame = memory_new_object(memory, TERN_OBJECT_FRAME_4K, 0);
    if (frame && memory_map_frame(memory, TERN_SLOT_VSPACE, frame, INIT_SCRATCH,
                                  TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK)
        return 0;
    return frame;
}

/* A new page of the program at address, holding bytes copied from source. */
static bool map_page(struct native_program *program, struct memory *memory, uint64_t address,
                     const uint8_t *source, uint64_t length, uint64_t rights)
{
    uint64_t frame = scratch_frame(memory);
    if (!frame)
        return false;
    memcpy((void *)INIT_SCRATCH, source, length);
    tern_frame_unmap(frame);
    return memory_map_frame(memory, program->vspace, frame, address, rights, 0, 0) == TERN_OK;
}

static bool load_segments(struct native_program *program, struct memory *memory,
                          const uint8_t *file, const struct elf_image *image)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct elf_segment *segment = &image->segments[i];
        uint64_t first = segment->address & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = segment->address + segment->memory_size;
        for (uint64_t page = first; page < end; page += PAGE_SIZE) {
            /* The part of this page the file supplies; the rest stays zero. */
            uint64_t file_start = segment->address, file_end = segment->address + segment->file_size;
            uint64_t from = page > file_start ? page : file_start;
            uint64_t to = page + PAGE_SIZE < file_end ? page + PAGE_SIZE : file_end;
            uint8_t bytes[PAGE_SIZE];
            memset(bytes, 0, sizeof bytes);
            if (from < to)
                memcpy(bytes + (from - page), file + segment->file_offset + (from - file_start),
                       to - from);
            if (!map_page(program, memory, page, bytes, PAGE_SIZE, memory_rights_for(segment->prot)))
                return false;
        }
    }
    return true;
}

static bool give_fixed_caps(struct native_program *program, uint64_t ipc_buffer_frame)
{
    return native_program_give(program, TERN_SLOT_TCB, program->tcb, TERN_RIGHTS_ALL, 0)
        && native_program_give(program, TERN_SLOT_CNODE, program->cnode, TERN_RIGHTS_ALL, 0)
        && native_program_give(program, TERN_SLOT_VSPACE, program->vspace, TERN_RIGHTS_ALL, 0)
        && native_program_give(program, TERN_SLOT_IPC_BUFFER, ipc_buffer_frame, TERN_RIGHTS_ALL, 0)
        && native_program_give(program, TERN_SLOT_BOOT_INFO, program->boot_info_frame,
                               TERN_RIGHT_READ, 0)
        /* Servers print their own diagnostics; vfs is the console. */
        && native_program_give(program, TERN_SLOT_CONSOLE, TERN_SLOT_CONSOLE, TERN_RIGHTS_ALL, 0);
}

bool native_program_create(struct native_program *program, struct memory *memory,
                           const void *archive, uint64_t archive_size, const char *path,
                           unsigned cnode_bits)
{
    memset(program, 0, sizeof *program);
    program->name = path;
    program->cnode_bits = cnode_bits;
    struct cpio_entry file;
    struct elf_image image;
    if (!cpio_find_file(archive, archive_size, path, &file)) {
        tern_printf("init: the boot archive has no %s\n", path);
        return false;
    }
    if (elf_image_parse(file.data, file.size, 0, &image) != 0) {
        tern_printf("init: %s is not a static aarch64 executable\n", path);
        return false;
    }
    program->entry = image.entry;

    uint64_t cnode = memory_new_object(memory, TERN_OBJECT_CNODE, cnode_bits);
    program->cnode = slot_allocate(memory->slots);
    program->vspace = memory_new_object(memory, TERN_OBJECT_VSPACE, 0);
    program->tcb = memory_new_object(memory, TERN_OBJECT_TCB, 0);
    program->boot_info_frame = memory_new_object(memory, TERN_OBJECT_FRAME_4K, 0);
    uint64_t ipc_buffer_frame = memory_new_object(memory, TERN_OBJECT_FRAME_4K, 0);
    if (!cnode || !program->cnode || !program->vspace || !program->tcb
        || !program->boot_info_frame || !ipc_buffer_frame)
        goto out_of_memory;
    /* The guard makes the whole 64-bit cptr resolve in this one CNode. */
    if (tern_cnode_mint(TERN_SLOT_CNODE, program->cnode, CNODE_DEPTH, TERN_SLOT_CNODE, cnode,
                        CNODE_DEPTH, TERN_RIGHTS_ALL, 64 - cnode_bits) != TERN_OK)
        goto out_of_memory;
    if (!load_segments(program, memory, file.data, &image))
        goto out_of_memory;
    for (unsigned i = 1; i <= NATIVE_STACK_PAGES; i++)
        if (!map_page(program, memory, NATIVE_STACK_TOP - i * PAGE_SIZE, 0, 0,
                      TERN_RIGHT_READ | TERN_RIGHT_WRITE))
            goto out_of_memory;
    if (memory_map_frame(memory, program->vspace, ipc_buffer_frame, NATIVE_IPC_BUFFER,
                         TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK
        || tern_tcb_configure(program->tcb, 0, program->cnode, program->vspace, ipc_buffer_frame,
                              NATIVE_IPC_BUFFER) != TERN_OK
        || !give_fixed_caps(program, ipc_buffer_frame))
        goto out_of_memory;

    /* The program's read-only view of its boot info, mapped now while
     * init still has memory for the page table (it gives the rest away
     * before the servers start). */
    uint64_t view = slot_allocate(memory->slots);
    if (!view
        || tern_cnode_copy(TERN_SLOT_CNODE, view, CNODE_DEPTH, TERN_SLOT_CNODE,
                           program->boot_info_frame, CNODE_DEPTH, TERN_RIGHT_READ) != TERN_OK
        || memory_map_frame(memory, program->vspace, view, NATIVE_BOOT_INFO, TERN_RIGHT_READ, 0,
                            0) != TERN_OK)
        goto out_of_memory;

    /* init fills the boot info through a mapping of its own until start. */
    static uint64_t next_info_address = INIT_SCRATCH + PAGE_SIZE;
    uint64_t info_address = next_info_address;
    next_info_address += PAGE_SIZE;
    if (memory_map_frame(memory, TERN_SLOT_VSPACE, program->boot_info_frame, info_address,
                         TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK)
        goto out_of_memory;
    program->boot_info = (struct tern_boot_info *)info_address;
    program->boot_info->ipc_buffer = NATIVE_IPC_BUFFER;
    program->boot_info->untyped_first = NATIVE_UNTYPED_FIRST_SLOT;
    program->next_untyped_slot = NATIVE_UNTYPED_FIRST_SLOT;
    return true;

out_of_memory:
    tern_printf("init: out of memory while loading %s\n", path);
    return false;
}

/* Page tables, the boot info and IPC buffer, its view, and room for the
 * small objects (TCB, VSpace) and their alignment. */
#define BUILD_EXTRA_PAGES   32
#define CTE_SIZE            64      /* bytes per CNode slot (kernel/src/object/structures.h) */

unsigned native_program_build_bits(const void *archive, uint64_t archive_size, const char *path,
                                   unsigned cnode_bits)
{
    struct cpio_entry file;
    struct elf_image image;
    if (!cpio_find_file(archive, archive_size, path, &file) ||
        elf_image_parse(file.data, file.size, 0, &image) != 0)
        return 0;
    uint64_t pages = NATIVE_STACK_PAGES + BUILD_EXTRA_PAGES;
    for (unsigned i = 0; i < image.segment_count; i++) {
        const struct elf_segment *segment = &image.segments[i];
        uint64_t first = segment->address & ~(uint64_t)(PAGE_SIZE - 1);
        pages += (segment->address + segment->memory_size - first + PAGE_SIZE - 1) / PAGE_SIZE;
    }
    /* The CNode goes first, at the untyped's start, so nothing is lost
     * aligning it. */
    uint64_t bytes = (CTE_SIZE << cnode_bits) + pages * PAGE_SIZE;
    unsigned bits = 12;
    while ((1ULL << bits) < bytes)
        bits++;
    return bits;
}

bool native_program_give(struct native_program *program, uint64_t slot, uint64_t init_slot,
                         uint64_t rights, uint64_t badge)
{
    enum tern_error error =
        badge ? tern_cnode_mint(program->cnode, slot, CNODE_DEPTH, TERN_SLOT_CNODE, init_slot,
                                CNODE_DEPTH, rights, badge)
              : tern_cnode_copy(program->cnode, slot, CNODE_DEPTH, TERN_SLOT_CNODE, init_slot,
                                CNODE_DEPTH, rights);
    if (error != TERN_OK)
        tern_printf("init: giving %s slot %lu failed: %s\n", program->name, slot,
                    tern_error_name(error));
    return error == TERN_OK;
}

static void list_untyped(struct native_program *program, unsigned size_bits)
{
    struct tern_boot_info *info = program->boot_info;
    info->untyped[info->untyped_count].size_bits = size_bits;
    info->untyped_count++;
    program->next_untyped_slot++;
}

bool native_program_move_untyped(struct native_program *program, uint64_t init_slot,
                                 unsigned size_bits)
{
    if (program->boot_info->untyped_count == TERN_BOOT_INFO_MAX_UNTYPED
        || tern_cnode_move(program->cnode, program->next_untyped_slot, CNODE_DEPTH,
                           TERN_SLOT_CNODE, init_slot, CNODE_DEPTH) != TERN_OK)
        return false;
    list_untyped(program, size_bits);
    return true;
}

bool native_program_give_untyped(struct native_program *program, struct memory *memory,
                                 unsigned size_bits)
{
    uint64_t untyped = memory_new_object(memory, TERN_OBJECT_UNTYPED, size_bits);
    if (!untyped) {
        tern_printf("init: no %lu KiB of memory for %s\n", (1UL << size_bits) >> 10,
                    program->name);
        return false;
    }
    bool moved = native_program_move_untyped(program, untyped, size_bits);
    slot_free(memory->slots, untyped);
    return moved;
}

bool native_program_start(struct native_program *program, unsigned priority)
{
    struct tern_boot_info *info = program->boot_info;
    info->empty_first = program->next_untyped_slot;
    info->empty_last = 1ULL << program->cnode_bits;
    tern_frame_unmap(program->boot_info_frame);    /* the program's alone from now on */
    program->boot_info = 0;
    uint64_t registers[] = { program->entry, NATIVE_STACK_TOP, 0, NATIVE_BOOT_INFO };
    enum tern_error error = tern_tcb_set_priority(program->tcb, priority);
    if (error == TERN_OK)
        error = tern_tcb_write_registers(program->tcb, TERN_WRITE_REGISTERS_RESUME, 4, registers);
    if (error != TERN_OK)
        tern_printf("init: cannot start %s: %s\n", program->name, tern_error_name(error));
    return error == TERN_OK;
}
