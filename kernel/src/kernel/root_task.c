/*
 * The root task. The kernel builds it by hand once, with the same object
 * code user mode uses later: objects are carved out of free memory and
 * their capabilities placed in the root CNode, mappings are made through
 * the Frame_Map and PageTable_Map invocations, and whatever memory is left
 * becomes untyped capabilities listed in the boot info.
 */
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/timer.h"
#include "drivers/pl031.h"
#include "kernel/console.h"
#include "kernel/cpio.h"
#include "kernel/elf.h"
#include "kernel/panic.h"
#include "kernel/root_task.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "object/objects.h"
#include "tern/boot_info.h"

/* Where things sit in the root task's address space. */
#define ROOT_STACK_TOP          0x7f00000000ULL
#define ROOT_STACK_PAGES        16
#define ROOT_IPC_BUFFER         0x7f10000000ULL
#define ROOT_BOOT_INFO          0x7f20000000ULL
#define ROOT_BOOT_ARCHIVE       TERN_ROOT_BOOT_ARCHIVE
#define ROOT_PRIORITY           255

_Static_assert(sizeof(struct tern_boot_info) <= PAGE_SIZE, "the boot info is one page");
_Static_assert(BOARD_COMMAND_LINE_MAX == TERN_BOOT_INFO_COMMAND_LINE_MAX,
               "the board's command line is the boot info's");

struct root_builder {
    struct free_memory *free;
    struct cte *cnode;              /* the root CNode's slots */
    struct cte *cnode_slot;         /* the slot holding its own cap */
    struct cte *vspace_slot;
    uint64_t next_slot;
    struct tcb *tcb;
    struct tern_boot_info *info;
};

/* Take 2^size_bits bytes, aligned to their size, from free memory. */
static uint64_t allocate_physical(struct root_builder *b, unsigned size_bits)
{
    uint64_t size = 1ULL << size_bits;
    for (int i = 0; i < b->free->count; i++) {
        struct phys_range *range = &b->free->ranges[i];
        uint64_t start = (range->base + size - 1) & ~(size - 1);
        if (start + size > range->base + range->size)
            continue;
        /* Keep the part before the allocation as its own range. */
        struct phys_range before = { range->base, start - range->base };
        range->size = range->base + range->size - (start + size);
        range->base = start + size;
        if (before.size && b->free->count < MAX_FREE_RANGES)
            b->free->ranges[b->free->count++] = before;
        memset(phys_to_virt(start), 0, size);
        return start;
    }
    panic("no memory for the root task");
}

static struct cte *new_slot(struct root_builder *b)
{
    if (b->next_slot >= (1ULL << TERN_ROOT_CNODE_BITS))
        panic("root CNode full");
    return &b->cnode[b->next_slot++];
}

static struct cte *place_cap(struct cte *slot, struct cap cap)
{
    cte_insert(0, slot, cap);
    return slot;
}

static struct cte *new_object(struct root_builder *b, enum cap_type type, unsigned size_bits,
                              struct cte *slot)
{
    uint64_t physical = allocate_physical(b, size_bits);
    struct cap cap = { .type = type, .rights = TERN_RIGHTS_ALL, .size_bits = size_bits,
                       .object = type == CAP_FRAME ? physical : (uint64_t)phys_to_virt(physical) };
    return place_cap(slot ? slot : new_slot(b), cap);
}

static enum tern_error invoke_mapping(struct root_builder *b, struct cte *slot,
                                      enum tern_invocation label, uint64_t address,
                                      uint64_t rights)
{
    static struct invocation inv;
    memset(&inv, 0, sizeof(inv));
    inv.caller = b->tcb;
    inv.slot = slot;
    inv.label = label;
    inv.args[0] = address;
    inv.args[1] = rights;
    inv.length = label == TERN_FRAME_MAP ? 3 : 1;
    inv.extra_caps[0] = b->vspace_slot;
    inv.extra_cap_count = 1;
    return label == TERN_FRAME_MAP ? frame_decode(&inv) : page_table_decode(&inv);
}

/* Map a frame capability at address, creating page tables as needed. */
static void map_frame(struct root_builder *b, struct cte *frame, uint64_t address, uint64_t rights)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        enum tern_error error = invoke_mapping(b, frame, TERN_FRAME_MAP, address, rights);
        if (error == TERN_OK)
            return;
        if (error != TERN_FAILED_LOOKUP)
            panic("root task: mapping %lx failed: %d", address, error);
        struct cte *table = new_object(b, CAP_PAGE_TABLE, 12, 0);
        error = invoke_mapping(b, table, TERN_PAGE_TABLE_MAP, address & ~((1ULL << 21) - 1), 0);
        if (error == TERN_FAILED_LOOKUP) {
            struct cte *directory = new_object(b, CAP_PAGE_DIRECTORY, 12, 0);
            invoke_mapping(b, directory, TERN_PAGE_TABLE_MAP, address & ~((1ULL << 30) - 1), 0);
            invoke_mapping(b, table, TERN_PAGE_TABLE_MAP, address & ~((1ULL << 21) - 1), 0);
        }
    }
    panic("root task: cannot map %lx", address);
}

static uint64_t segment_rights(uint32_t flags)
{
    uint64_t rights = TERN_RIGHT_READ;
    if (flags & ELF_FLAG_WRITE)
        rights |= TERN_RIGHT_WRITE;
    if (flags & ELF_FLAG_EXECUTE)
        rights |= TERN_RIGHT_EXECUTE;
    return rights;
}

static bool load_image(struct root_builder *b, const uint8_t *elf, uint64_t size)
{
    const struct elf64_header *header = (const void *)elf;
    if (size < sizeof(*header) || memcmp(header->ident, "\177ELF\2\1", 6) ||
        header->type != ELF_TYPE_EXECUTABLE || header->machine != ELF_MACHINE_AARCH64 ||
        header->program_header_size != sizeof(struct elf64_program_header) ||
        header->program_header_offset > size ||
        header->program_header_count > (size - header->program_header_offset) /
                                           sizeof(struct elf64_program_header)) {
        kprintf("tern: init is not a static aarch64 executable\n");
        return false;
    }
    const struct elf64_program_header *segments = (const void *)(elf + header->program_header_offset);
    /* Two passes, so the image's frames sit in consecutive slots (the
     * page tables mapping them come after). */
    b->info->image_frames_first = b->next_slot;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t slot = b->info->image_frames_first;
        for (unsigned i = 0; i < header->program_header_count; i++) {
            const struct elf64_program_header *s = &segments[i];
            if (s->type != ELF_SEGMENT_LOAD)
                continue;
            if (s->file_size > s->memory_size || s->offset > size ||
                s->file_size > size - s->offset ||
                s->virtual_address + s->memory_size >= ROOT_BOOT_ARCHIVE) {
                kprintf("tern: init has a bad segment\n");
                return false;
            }
            uint64_t first = s->virtual_address & ~(uint64_t)(PAGE_SIZE - 1);
            for (uint64_t page = first; page < s->virtual_address + s->memory_size;
                 page += PAGE_SIZE) {
                if (pass == 1) {
                    map_frame(b, &b->cnode[slot++], page, segment_rights(s->flags));
                    continue;
                }
                struct cte *frame = new_object(b, CAP_FRAME, 12, 0);
                uint8_t *memory = phys_to_virt(frame->cap.object);
                /* The part of the file that falls in this page. */
                for (uint64_t at = page; at < page + PAGE_SIZE; at++)
                    if (at >= s->virtual_address && at < s->virtual_address + s->file_size)
                        memory[at - page] = elf[s->offset + (at - s->virtual_address)];
            }
        }
        if (pass == 0)
            b->info->image_frames_count = b->next_slot - b->info->image_frames_first;
    }
    b->tcb->context.pc = header->entry;
    return true;
}

#define LARGE_PAGE_SIZE (1ULL << 21)

/* Map a 2 MiB frame at address (2 MiB-aligned), making the page
 * directory if it is missing. */
static void map_large_frame(struct root_builder *b, struct cte *frame, uint64_t address)
{
    enum tern_error error = invoke_mapping(b, frame, TERN_FRAME_MAP, address, TERN_RIGHT_READ);
    if (error == TERN_FAILED_LOOKUP) {
        struct cte *directory = new_object(b, CAP_PAGE_DIRECTORY, 12, 0);
        invoke_mapping(b, directory, TERN_PAGE_TABLE_MAP, address & ~((1ULL << 30) - 1), 0);
        error = invoke_mapping(b, frame, TERN_FRAME_MAP, address, TERN_RIGHT_READ);
    }
    if (error != TERN_OK)
        panic("root task: cannot map the archive's block at %lx: %d", address, error);
}

/* The archive's frames (boot_info.h): 4 KiB up to its first 2 MiB
 * boundary, 2 MiB blocks, 4 KiB after the last; false if the root CNode
 * cannot hold them with room to spare for init. */
static bool map_boot_archive(struct root_builder *b, uint64_t start, uint64_t end)
{
    uint64_t first = start & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t last = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t origin = first & ~(LARGE_PAGE_SIZE - 1);   /* mapped at ROOT_BOOT_ARCHIVE */
    uint64_t large_start = (first + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    uint64_t large_end = last & ~(LARGE_PAGE_SIZE - 1);
    if (large_end <= large_start)
        large_start = large_end = last;
    uint64_t small = (large_start - first + last - large_end) / PAGE_SIZE;
    uint64_t large = (large_end - large_start) / LARGE_PAGE_SIZE;
    /* init copies every frame once more for vfs; leave it that room and
     * a quarter of the CNode for everything else. */
    uint64_t slots = 1ULL << TERN_ROOT_CNODE_BITS;
    if (2 * (small + large) > slots - slots / 4 - b->next_slot) {
        kprintf("tern: the boot archive (%lu MiB) is in too many pieces for the root CNode\n",
                (end - start) >> 20);
        return false;
    }
    struct tern_boot_info *info = b->info;
    info->boot_archive_frames_first = b->next_slot;
    info->boot_archive_frames_count = small + large;
    info->boot_archive_frames_large = (large_start - first) / PAGE_SIZE;
    info->boot_archive_frames_large_count = large;
    /* The frames' slots first, so they are consecutive: mapping them
     * takes slots for page tables. */
    for (uint64_t at = first; at < last;) {
        bool block = at >= large_start && at < large_end;
        struct cap cap = { .type = CAP_FRAME, .rights = TERN_RIGHT_READ,
                           .size_bits = block ? 21 : 12, .object = at };
        place_cap(new_slot(b), cap);
        at += block ? LARGE_PAGE_SIZE : PAGE_SIZE;
    }
    uint64_t slot = info->boot_archive_frames_first;
    for (uint64_t at = first; at < last; slot++) {
        uint64_t address = ROOT_BOOT_ARCHIVE + (at - origin);
        if (at >= large_start && at < large_end) {
            map_large_frame(b, &b->cnode[slot], address);
            at += LARGE_PAGE_SIZE;
        } else {
            map_frame(b, &b->cnode[slot], address, TERN_RIGHT_READ);
            at += PAGE_SIZE;
        }
    }
    info->boot_archive = ROOT_BOOT_ARCHIVE + (start - origin);
    info->boot_archive_size = end - start;
    return true;
}

/* The rest of free memory, as the largest aligned power-of-two blocks. */
static void hand_out_untyped(struct root_builder *b)
{
    struct tern_boot_info *info = b->info;
    info->untyped_first = b->next_slot;
    for (int i = 0; i < b->free->count; i++) {
        /* Objects smaller than a page left some ranges unaligned. */
        uint64_t end = b->free->ranges[i].base + b->free->ranges[i].size;
        uint64_t base = (b->free->ranges[i].base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        while (base + PAGE_SIZE <= end && info->untyped_count < TERN_BOOT_INFO_MAX_UNTYPED) {
            unsigned bits = 12;
            while (bits < 38 && !(base & ((2ULL << bits) - 1)) && base + (2ULL << bits) <= end)
                bits++;
            struct cap cap = { .type = CAP_UNTYPED, .rights = TERN_RIGHTS_ALL,
                               .size_bits = bits, .object = base };
            place_cap(new_slot(b), cap);
            info->untyped[info->untyped_count++] = (struct tern_untyped_description){
                .physical_address = base, .size_bits = bits };
            base += 1ULL << bits;
        }
    }
}

bool root_task_create(const struct board_facts *facts, struct free_memory *free_memory)
{
    if (!facts->initrd_start || facts->initrd_end <= facts->initrd_start) {
        kprintf("tern: no boot archive (initrd): nothing to run\n");
        return false;
    }
    uint64_t archive_size = facts->initrd_end - facts->initrd_start;
    uint64_t init_size;
    const uint8_t *init = cpio_find(phys_to_virt(facts->initrd_start), archive_size, "init",
                                    &init_size);
    if (!init) {
        kprintf("tern: the boot archive has no \"init\"\n");
        return false;
    }

    static struct root_builder builder;
    struct root_builder *b = &builder;
    b->free = free_memory;

    /* The CNode first: every other capability goes into it. */
    unsigned cnode_bits = TERN_ROOT_CNODE_BITS + CTE_SIZE_BITS;
    uint64_t cnode_physical = allocate_physical(b, cnode_bits);
    b->cnode = phys_to_virt(cnode_physical);
    struct cap cnode_cap = { .type = CAP_CNODE, .rights = TERN_RIGHTS_ALL,
                             .size_bits = TERN_ROOT_CNODE_BITS, .object = (uint64_t)b->cnode,
                             .word = 0, .word2 = 64 - TERN_ROOT_CNODE_BITS };
    b->cnode_slot = place_cap(&b->cnode[TERN_SLOT_CNODE], cnode_cap);
    b->next_slot = TERN_SLOT_FIRST_FREE_FIXED;

    struct cte *tcb_slot = new_object(b, CAP_TCB, TCB_SIZE_BITS, &b->cnode[TERN_SLOT_TCB]);
    b->tcb = (struct tcb *)tcb_slot->cap.object;
    b->vspace_slot = new_object(b, CAP_VSPACE, VSPACE_SIZE_BITS, &b->cnode[TERN_SLOT_VSPACE]);
    vspace_init_object((struct vspace *)(b->vspace_slot->cap.object + PAGE_SIZE));
    place_cap(&b->cnode[TERN_SLOT_IRQ_CONTROL],
              (struct cap){ .type = CAP_IRQ_CONTROL, .rights = TERN_RIGHTS_ALL });
    place_cap(&b->cnode[TERN_SLOT_CONSOLE],
              (struct cap){ .type = CAP_CONSOLE, .rights = TERN_RIGHTS_ALL });

    struct cte *info_frame = new_object(b, CAP_FRAME, 12, &b->cnode[TERN_SLOT_BOOT_INFO]);
    b->info = phys_to_virt(info_frame->cap.object);
    struct cte *buffer_frame = new_object(b, CAP_FRAME, 12, &b->cnode[TERN_SLOT_IPC_BUFFER]);

    if (!load_image(b, init, init_size))
        return false;
    for (unsigned i = 1; i <= ROOT_STACK_PAGES; i++)
        map_frame(b, new_object(b, CAP_FRAME, 12, 0), ROOT_STACK_TOP - i * PAGE_SIZE,
                  TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    map_frame(b, buffer_frame, ROOT_IPC_BUFFER, TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    map_frame(b, info_frame, ROOT_BOOT_INFO, TERN_RIGHT_READ);
    if (!map_boot_archive(b, facts->initrd_start, facts->initrd_end))
        return false;

    struct tcb *tcb = b->tcb;
    cte_insert(b->cnode_slot, &tcb->cspace_root, cnode_cap);
    cte_insert(b->vspace_slot, &tcb->vspace_root, b->vspace_slot->cap);
    struct cap buffer_cap = buffer_frame->cap;
    buffer_cap.word = buffer_cap.word2 = 0;
    cte_insert(buffer_frame, &tcb->ipc_buffer_frame, buffer_cap);
    tcb_set_ipc_buffer(tcb, ROOT_IPC_BUFFER);
    tcb->context.tpidrro_el0 = ROOT_IPC_BUFFER;
    tcb->context.sp = ROOT_STACK_TOP;
    tcb->context.x[0] = ROOT_BOOT_INFO;
    tcb->context.spsr = 0;
    tcb->priority = ROOT_PRIORITY;
    tcb->cpu = 0;

    struct tern_boot_info *info = b->info;
    info->ipc_buffer = ROOT_IPC_BUFFER;
    info->cpu_count = cpus_online();
    info->timer_frequency = timer_frequency();
    info->timer_irq = facts->timer_irq_phys;
    if (facts->rtc_base) {
        info->realtime_seconds = pl031_read_seconds(facts->rtc_base);
        info->realtime_counter = timer_now();
    }
    memcpy(info->command_line, facts->command_line, sizeof(info->command_line));
    hand_out_untyped(b);
    info->empty_first = b->next_slot;
    info->empty_last = 1ULL << TERN_ROOT_CNODE_BITS;

    kprintf("tern: root task \"init\" (%lu KiB), %lu untyped capabilities, %lu MiB\n",
            init_size >> 10, info->untyped_count, free_memory_total(free_memory) >> 20);
    thread_make_runnable(tcb);
    return true;
}
