/*
 * kernel/src/object/vspace.c on the host: what a mapping's entry says for
 * each combination of rights and attributes, the checks Frame_Map and
 * PageTable_Map make, unmapping through stale records, copies between
 * address spaces, and ASID bookkeeping.
 *
 * vspace.c is compiled into this file with VSPACE_HOST_TEST, which leaves
 * out its few hardware operations (barriers, TLB and cache maintenance,
 * TTBR0: arch/tlb.h and arch/cache.h); the versions below record what was
 * asked instead. Tables and
 * frames are host memory, and virt_to_phys is the inverse of the kernel's
 * phys_to_virt, so the table walks run unchanged.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include "check.h"

/* ---- What the hardware was asked to do ---- */

static struct {
    unsigned cpu;
    unsigned page_flushes;
    uint64_t last_flushed_page;     /* tlbi vae1is operand: VA >> 12 | ASID << 48 */
    unsigned asid_flushes;
    uint16_t last_flushed_asid;
    unsigned icache_syncs;
    uint64_t icache_sync_physical;
    uint64_t icache_sync_size;
    uint64_t ttbr0;
    unsigned user_space_clears;
    /* Break-before-make: the entry when the TLB was flushed for it, and
     * when the instruction cache was made coherent. */
    const uint64_t *watched_slot;
    uint64_t watched_at_flush;
    uint64_t watched_at_icache_sync;
} hw;

static void translation_store_barrier(void) {}
static void translation_entry_written(void) {}

static void tlb_flush_page(uint16_t asid, uint64_t address)
{
    hw.page_flushes++;
    hw.last_flushed_page = (address >> 12) | ((uint64_t)asid << 48);
    if (hw.watched_slot)
        hw.watched_at_flush = *hw.watched_slot;
}

static void tlb_flush_asid(uint16_t asid)
{
    hw.asid_flushes++;
    hw.last_flushed_asid = asid;
}

static void sync_instruction_cache(uint64_t physical, uint64_t size)
{
    hw.icache_syncs++;
    hw.icache_sync_physical = physical;
    hw.icache_sync_size = size;
    if (hw.watched_slot)
        hw.watched_at_icache_sync = *hw.watched_slot;
}

static void set_user_translation_base(uint64_t ttbr0)
{
    hw.ttbr0 = ttbr0;
}

static unsigned current_cpu(void)
{
    return hw.cpu;
}

#define VSPACE_HOST_TEST
#include "object/vspace.c"

/* ---- What vspace.c needs from the rest of the kernel ---- */

uint64_t virt_to_phys(const void *kernel_address)
{
    return (uint64_t)(uintptr_t)kernel_address - LINEAR_MAP_BASE;
}

void mmu_clear_user_space(void)
{
    hw.user_space_clears++;
    hw.ttbr0 = 0;
}

void panic(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    abort();
}

/* The invoking thread: VSpace_Read and VSpace_Write copy to and from
 * its address space (none unless a test gives it one). */
static struct tcb caller_thread;

/* ---- Objects in host memory ---- */

#define MAX_ALLOCATIONS 1024
static void *allocations[MAX_ALLOCATIONS];
static unsigned allocation_count;

static void *allocate(size_t alignment, size_t size)
{
    if (allocation_count == MAX_ALLOCATIONS)
        abort();
    void *memory = aligned_alloc(alignment, size);
    if (!memory)
        abort();
    memset(memory, 0, size);
    allocations[allocation_count++] = memory;
    return memory;
}

static void free_all(void)
{
    while (allocation_count)
        free(allocations[--allocation_count]);
}

static struct cte *new_slot(uint8_t type, uint8_t rights, uint64_t object)
{
    struct cte *slot = allocate(64, sizeof(struct cte));
    slot->cap.type = type;
    slot->cap.rights = rights;
    slot->cap.object = object;
    return slot;
}

/* A VSpace capability with every right, to a fresh VSpace. */
static struct cte *new_vspace(void)
{
    uint8_t *object = allocate(PAGE_SIZE, 2 * PAGE_SIZE);
    vspace_init_object((struct vspace *)(object + PAGE_SIZE));
    return new_slot(CAP_VSPACE, TERN_RIGHTS_ALL, (uint64_t)(uintptr_t)object);
}

static struct vspace *vspace_in(const struct cte *slot)
{
    return vspace_of_cap(&slot->cap);
}

static struct cte *new_table(uint8_t type)
{
    return new_slot(type, TERN_RIGHTS_ALL, (uint64_t)(uintptr_t)allocate(PAGE_SIZE, PAGE_SIZE));
}

static struct cte *new_frame(unsigned size_bits, uint8_t rights)
{
    void *memory = allocate((size_t)1 << size_bits, (size_t)1 << size_bits);
    struct cte *slot = new_slot(CAP_FRAME, rights, virt_to_phys(memory));
    slot->cap.size_bits = (uint8_t)size_bits;
    return slot;
}

static void *frame_memory(const struct cte *frame)
{
    return phys_to_virt(frame->cap.object);
}

static struct invocation inv;

static enum tern_error invoke(struct cte *slot, uint64_t label, unsigned length,
                              uint64_t arg0, uint64_t arg1, uint64_t arg2, struct cte *extra)
{
    memset(&inv, 0, sizeof inv);
    inv.caller = &caller_thread;
    inv.slot = slot;
    inv.label = label;
    inv.length = length;
    inv.args[0] = arg0;
    inv.args[1] = arg1;
    inv.args[2] = arg2;
    inv.extra_caps[0] = extra;
    inv.extra_cap_count = extra ? 1 : 0;
    switch (slot->cap.type) {
    case CAP_FRAME:
        return frame_decode(&inv);
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
        return page_table_decode(&inv);
    default:
        return vspace_decode(&inv);
    }
}

static enum tern_error map_table(struct cte *table, struct cte *vspace, uint64_t address)
{
    return invoke(table, TERN_PAGE_TABLE_MAP, 1, address, 0, 0, vspace);
}

static enum tern_error map_frame(struct cte *frame, struct cte *vspace, uint64_t address,
                                 uint64_t rights, uint64_t attributes)
{
    return invoke(frame, TERN_FRAME_MAP, 3, address, rights, attributes, vspace);
}

/* Page directory and page table for the 2 MiB around address. */
static struct cte *add_tables(struct cte *vspace, uint64_t address)
{
    struct cte *directory = new_table(CAP_PAGE_DIRECTORY);
    struct cte *table = new_table(CAP_PAGE_TABLE);
    CHECK_EQ_U64(map_table(directory, vspace, address & ~((1ULL << 30) - 1)), TERN_OK);
    CHECK_EQ_U64(map_table(table, vspace, address & ~((1ULL << 21) - 1)), TERN_OK);
    return table;
}

static uint64_t entry_for(struct cte *vspace, uint64_t address, unsigned level)
{
    uint64_t *entry = find_entry(vspace_in(vspace), address, level);
    return entry ? *entry : ~0ULL;
}

#define VA 0x40201000ULL    /* L1 index 1, L2 index 1, L3 index 1 */

#define USER_PAGE_BITS (PTE_VALID | PTE_PAGE | PTE_AF | PTE_NG | PTE_SH_INNER | PTE_AP_EL0 | PTE_PXN)

/* ---- Entries for each combination of rights and attributes ---- */

static void test_read_only_mapping_is_el0_read_only_and_never_executable(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 3),
                 frame->cap.object | USER_PAGE_BITS | PTE_ATTR(MAIR_INDEX_NORMAL) |
                 PTE_AP_READ_ONLY | PTE_UXN);
    CHECK_EQ_U64(frame->cap.word, VA);
    CHECK_EQ_U64(frame->cap.word2, vspace_in(vspace)->asid);
    CHECK_EQ_U64(hw.icache_syncs, 0);
}

static void test_write_right_makes_the_page_el0_writable(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 3),
                 frame->cap.object | USER_PAGE_BITS | PTE_ATTR(MAIR_INDEX_NORMAL) | PTE_UXN);
}

static void test_execute_right_clears_uxn_after_syncing_the_instruction_cache(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    hw.icache_syncs = 0;
    hw.watched_slot = find_entry(vspace_in(vspace), VA, 3);
    hw.watched_at_icache_sync = ~0ULL;
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ | TERN_RIGHT_EXECUTE, 0), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 3),
                 frame->cap.object | USER_PAGE_BITS | PTE_ATTR(MAIR_INDEX_NORMAL) |
                 PTE_AP_READ_ONLY);
    CHECK_EQ_U64(hw.icache_syncs, 1);
    CHECK_EQ_U64(hw.icache_sync_physical, frame->cap.object);
    CHECK_EQ_U64(hw.icache_sync_size, PAGE_SIZE);
    CHECK_EQ_U64(hw.watched_at_icache_sync, 0);     /* before the entry existed */
    hw.watched_slot = 0;
}

static void test_rights_are_those_both_the_call_and_the_cap_grant(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *read_only = new_frame(12, TERN_RIGHT_READ);
    CHECK_EQ_U64(map_frame(read_only, vspace, VA, TERN_RIGHTS_ALL, 0), TERN_OK);
    uint64_t entry = entry_for(vspace, VA, 3);
    CHECK(entry & PTE_AP_READ_ONLY);
    CHECK(entry & PTE_UXN);

    struct cte *read_write = new_frame(12, TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    CHECK_EQ_U64(map_frame(read_write, vspace, VA + PAGE_SIZE,
                           TERN_RIGHT_READ | TERN_RIGHT_EXECUTE, 0), TERN_OK);
    entry = entry_for(vspace, VA + PAGE_SIZE, 3);
    CHECK(entry & PTE_AP_READ_ONLY);
    CHECK(entry & PTE_UXN);
}

static void test_a_mapping_without_read_is_an_invalid_argument(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_WRITE | TERN_RIGHT_EXECUTE, 0),
                 TERN_INVALID_ARGUMENT);
    struct cte *write_only_cap = new_frame(12, TERN_RIGHT_WRITE);
    CHECK_EQ_U64(map_frame(write_only_cap, vspace, VA, TERN_RIGHTS_ALL, 0),
                 TERN_INVALID_ARGUMENT);
    CHECK_EQ_U64(entry_for(vspace, VA, 3), 0);
    CHECK_EQ_U64(frame->cap.word2, 0);
}

static void test_device_frames_are_device_memory_and_never_executable(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    frame->cap.flags = CAP_FLAG_DEVICE;
    hw.icache_syncs = 0;
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHTS_ALL, 0), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 3),
                 frame->cap.object | USER_PAGE_BITS | PTE_ATTR(MAIR_INDEX_DEVICE_nGnRE) |
                 PTE_UXN);
    CHECK_EQ_U64(hw.icache_syncs, 0);
}

static void test_uncached_attribute_maps_device_memory(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ | TERN_RIGHT_WRITE,
                           TERN_MAP_UNCACHED), TERN_OK);
    CHECK_EQ_U64(PTE_ATTR_INDEX(entry_for(vspace, VA, 3)), MAIR_INDEX_DEVICE_nGnRE);
}

static void test_unknown_attributes_are_an_invalid_argument(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 2), TERN_INVALID_ARGUMENT);
}

static void test_2m_frame_maps_as_a_block_in_the_page_directory(void)
{
    struct cte *vspace = new_vspace();
    struct cte *directory = new_table(CAP_PAGE_DIRECTORY);
    CHECK_EQ_U64(map_table(directory, vspace, 0x40000000), TERN_OK);
    struct cte *frame = new_frame(21, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, 0x40200000, TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0),
                 TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, 0x40200000, 2),
                 frame->cap.object | PTE_VALID | PTE_BLOCK | PTE_AF | PTE_NG | PTE_SH_INNER |
                 PTE_AP_EL0 | PTE_PXN | PTE_UXN | PTE_ATTR(MAIR_INDEX_NORMAL));
    /* A page table cannot go where the block is. */
    CHECK_EQ_U64(map_table(new_table(CAP_PAGE_TABLE), vspace, 0x40200000), TERN_DELETE_FIRST);
    /* Nor a 4 KiB frame below it. */
    CHECK_EQ_U64(map_frame(new_frame(12, TERN_RIGHTS_ALL), vspace, 0x40201000,
                           TERN_RIGHT_READ, 0), TERN_FAILED_LOOKUP);
}

/* ---- Frame_Map's checks ---- */

static void test_misaligned_addresses_are_alignment_errors(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    CHECK_EQ_U64(map_frame(new_frame(12, TERN_RIGHTS_ALL), vspace, VA + 0x800,
                           TERN_RIGHT_READ, 0), TERN_ALIGNMENT_ERROR);
    CHECK_EQ_U64(map_frame(new_frame(21, TERN_RIGHTS_ALL), vspace, 0x40001000,
                           TERN_RIGHT_READ, 0), TERN_ALIGNMENT_ERROR);
}

static void test_addresses_beyond_39_bits_are_invalid_arguments(void)
{
    struct cte *vspace = new_vspace();
    CHECK_EQ_U64(map_frame(new_frame(12, TERN_RIGHTS_ALL), vspace, 1ULL << 39,
                           TERN_RIGHT_READ, 0), TERN_INVALID_ARGUMENT);
    CHECK_EQ_U64(map_frame(new_frame(12, TERN_RIGHTS_ALL), vspace, 0xffffffffc0000000,
                           TERN_RIGHT_READ, 0), TERN_INVALID_ARGUMENT);
}

static void test_missing_tables_are_failed_lookups(void)
{
    struct cte *vspace = new_vspace();
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(map_table(new_table(CAP_PAGE_DIRECTORY), vspace, 0x40000000), TERN_OK);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(frame->cap.word2, 0);
}

static void test_an_occupied_slot_must_be_emptied_first(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    CHECK_EQ_U64(map_frame(new_frame(12, TERN_RIGHTS_ALL), vspace, VA, TERN_RIGHT_READ, 0),
                 TERN_OK);
    struct cte *second = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(second, vspace, VA, TERN_RIGHT_READ, 0), TERN_DELETE_FIRST);
    CHECK_EQ_U64(second->cap.word2, 0);
}

static void test_missing_or_wrong_vspace_cap_is_refused(void)
{
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, 0, VA, TERN_RIGHT_READ, 0), TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(frame, TERN_FRAME_MAP, 2, VA, TERN_RIGHT_READ, 0, new_vspace()),
                 TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(map_frame(frame, new_table(CAP_PAGE_TABLE), VA, TERN_RIGHT_READ, 0),
                 TERN_INVALID_CAPABILITY);
}

static void test_a_mapped_cap_maps_elsewhere_only_through_a_copy(void)
{
    struct cte *vspace = new_vspace(), *other = new_vspace();
    add_tables(vspace, VA);
    add_tables(other, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_OK);
    CHECK_EQ_U64(map_frame(frame, vspace, VA + PAGE_SIZE, TERN_RIGHT_READ, 0),
                 TERN_ILLEGAL_OPERATION);
    CHECK_EQ_U64(map_frame(frame, other, VA, TERN_RIGHT_READ, 0), TERN_ILLEGAL_OPERATION);
    CHECK_EQ_U64(entry_for(vspace, VA + PAGE_SIZE, 3), 0);
    CHECK_EQ_U64(entry_for(other, VA, 3), 0);
}

static void test_remapping_in_place_breaks_before_making(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0), TERN_OK);
    hw.page_flushes = 0;
    hw.watched_slot = find_entry(vspace_in(vspace), VA, 3);
    hw.watched_at_flush = ~0ULL;
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_OK);
    CHECK_EQ_U64(hw.page_flushes, 1);
    CHECK_EQ_U64(hw.watched_at_flush, 0);
    CHECK_EQ_U64(hw.last_flushed_page, (VA >> 12) | ((uint64_t)vspace_in(vspace)->asid << 48));
    CHECK(entry_for(vspace, VA, 3) & PTE_AP_READ_ONLY);
    hw.watched_slot = 0;
}

static void test_get_address_answers_the_physical_address(void)
{
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(invoke(frame, TERN_FRAME_GET_ADDRESS, 0, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(inv.result_count, 1);
    CHECK_EQ_U64(inv.results[0], frame->cap.object);
}

/* ---- Unmapping ---- */

static void test_unmap_clears_the_entry_and_flushes_the_page(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_OK);
    hw.page_flushes = 0;
    CHECK_EQ_U64(invoke(frame, TERN_FRAME_UNMAP, 0, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 3), 0);
    CHECK_EQ_U64(hw.page_flushes, 1);
    CHECK_EQ_U64(hw.last_flushed_page, (VA >> 12) | ((uint64_t)vspace_in(vspace)->asid << 48));
    CHECK_EQ_U64(frame->cap.word, 0);
    CHECK_EQ_U64(frame->cap.word2, 0);
    /* Unmapping an unmapped frame is harmless. */
    CHECK_EQ_U64(invoke(frame, TERN_FRAME_UNMAP, 0, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(hw.page_flushes, 1);
}

static void test_unmap_after_the_vspace_is_gone_only_forgets_the_mapping(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_OK);
    vspace_destroy(vspace_in(vspace));
    hw.page_flushes = 0;
    mapping_cap_unmap(&frame->cap);
    CHECK_EQ_U64(hw.page_flushes, 0);
    CHECK_EQ_U64(frame->cap.word2, 0);
}

static void test_unmap_through_a_reused_asid_leaves_the_new_owner_alone(void)
{
    struct cte *old_space = new_vspace();
    uint16_t asid = vspace_in(old_space)->asid;
    add_tables(old_space, VA);
    struct cte *stale = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(stale, old_space, VA, TERN_RIGHT_READ, 0), TERN_OK);
    vspace_destroy(vspace_in(old_space));

    asid_next = asid;   /* hand the same ASID to the next VSpace */
    struct cte *new_space = new_vspace();
    CHECK_EQ_U64(vspace_in(new_space)->asid, asid);
    add_tables(new_space, VA);
    struct cte *current = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(current, new_space, VA, TERN_RIGHT_READ, 0), TERN_OK);

    uint64_t entry = entry_for(new_space, VA, 3);
    hw.page_flushes = 0;
    mapping_cap_unmap(&stale->cap);
    CHECK_EQ_U64(entry_for(new_space, VA, 3), entry);
    CHECK_EQ_U64(hw.page_flushes, 0);
    CHECK_EQ_U64(stale->cap.word2, 0);
}

/* ---- Page tables and page directories ---- */

static void test_table_map_links_a_table_descriptor(void)
{
    struct cte *vspace = new_vspace();
    struct cte *directory = new_table(CAP_PAGE_DIRECTORY);
    CHECK_EQ_U64(map_table(directory, vspace, 0x40000000), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, 0x40000000, 1),
                 virt_to_phys((void *)(uintptr_t)directory->cap.object) | PTE_VALID | PTE_TABLE);
    CHECK_EQ_U64(directory->cap.word, 0x40000000);
    CHECK_EQ_U64(directory->cap.word2, vspace_in(vspace)->asid);
}

static void test_table_map_checks(void)
{
    struct cte *vspace = new_vspace();
    struct cte *table = new_table(CAP_PAGE_TABLE);
    CHECK_EQ_U64(map_table(table, vspace, 0x40200000), TERN_FAILED_LOOKUP);
    struct cte *directory = new_table(CAP_PAGE_DIRECTORY);
    CHECK_EQ_U64(map_table(directory, vspace, 0x40200000), TERN_ALIGNMENT_ERROR);
    CHECK_EQ_U64(map_table(directory, vspace, 1ULL << 39), TERN_INVALID_ARGUMENT);
    CHECK_EQ_U64(map_table(directory, vspace, 0x40000000), TERN_OK);
    CHECK_EQ_U64(map_table(directory, vspace, 0x80000000), TERN_ILLEGAL_OPERATION);
    CHECK_EQ_U64(map_table(new_table(CAP_PAGE_DIRECTORY), vspace, 0x40000000),
                 TERN_DELETE_FIRST);
    CHECK_EQ_U64(map_table(table, vspace, 0x40201000), TERN_ALIGNMENT_ERROR);
    CHECK_EQ_U64(map_table(table, vspace, 0x40200000), TERN_OK);
    CHECK_EQ_U64(map_table(new_table(CAP_PAGE_TABLE), vspace, 0x40200000), TERN_DELETE_FIRST);
    CHECK_EQ_U64(invoke(table, TERN_PAGE_TABLE_MAP, 0, 0x40400000, 0, 0, vspace),
                 TERN_TRUNCATED_MESSAGE);
}

static void test_a_copied_table_cap_cannot_map_or_unmap(void)
{
    struct cte *vspace = new_vspace();
    struct cte *original = new_table(CAP_PAGE_DIRECTORY);
    struct cte *copy = new_slot(CAP_PAGE_DIRECTORY, TERN_RIGHTS_ALL, original->cap.object);
    original->first_child = copy;
    copy->parent = original;
    CHECK_EQ_U64(map_table(original, vspace, 0x40000000), TERN_REVOKE_FIRST);
    CHECK_EQ_U64(map_table(copy, vspace, 0x40000000), TERN_REVOKE_FIRST);

    /* Copies left as siblings after the cap between them was deleted. */
    struct cte *untyped = new_slot(CAP_UNTYPED, TERN_RIGHTS_ALL, 0);
    struct cte *first = new_table(CAP_PAGE_TABLE);
    struct cte *second = new_slot(CAP_PAGE_TABLE, TERN_RIGHTS_ALL, first->cap.object);
    untyped->first_child = first;
    first->parent = second->parent = untyped;
    first->next_sibling = second;
    second->previous_sibling = first;
    CHECK_EQ_U64(map_table(second, vspace, 0x40200000), TERN_REVOKE_FIRST);
    CHECK_EQ_U64(invoke(first, TERN_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0), TERN_REVOKE_FIRST);

    /* An unrelated sibling does not count. */
    struct cte *alone = new_table(CAP_PAGE_DIRECTORY);
    alone->next_sibling = new_table(CAP_PAGE_DIRECTORY);
    CHECK_EQ_U64(map_table(alone, vspace, 0x40000000), TERN_OK);
}

static void test_table_unmap_unlinks_flushes_the_asid_and_empties_the_table(void)
{
    struct cte *vspace = new_vspace();
    struct cte *table = add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ, 0), TERN_OK);
    hw.asid_flushes = 0;
    CHECK_EQ_U64(invoke(table, TERN_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 2), 0);
    CHECK_EQ_U64(hw.asid_flushes, 1);
    CHECK_EQ_U64(hw.last_flushed_asid, vspace_in(vspace)->asid);
    const uint64_t *contents = table_of_cap(&table->cap);
    CHECK_EQ_U64(contents[table_index(VA, 3)], 0);
    CHECK_EQ_U64(table->cap.word2, 0);
    CHECK_EQ_U64(vspace_user_pointer(vspace_in(vspace), VA, false), 0);

    /* It maps again empty, and the frame's stale record unmaps nothing. */
    CHECK_EQ_U64(map_table(table, vspace, VA & ~((1ULL << 21) - 1)), TERN_OK);
    CHECK_EQ_U64(entry_for(vspace, VA, 3), 0);
    hw.page_flushes = 0;
    mapping_cap_unmap(&frame->cap);
    CHECK_EQ_U64(hw.page_flushes, 0);
    CHECK_EQ_U64(frame->cap.word2, 0);
}

static void test_table_of_a_destroyed_vspace_is_emptied_on_unmap(void)
{
    struct cte *vspace = new_vspace();
    struct cte *table = add_tables(vspace, VA);
    CHECK_EQ_U64(map_frame(new_frame(12, TERN_RIGHTS_ALL), vspace, VA, TERN_RIGHT_READ, 0),
                 TERN_OK);
    vspace_destroy(vspace_in(vspace));
    mapping_cap_unmap(&table->cap);
    CHECK_EQ_U64(table_of_cap(&table->cap)[table_index(VA, 3)], 0);
    CHECK_EQ_U64(table->cap.word2, 0);
}

/* ---- Copies between address spaces ---- */

/* Two pages at VA in a new VSpace, the second with the given rights. */
static struct cte *two_pages(struct cte **first, struct cte **second, uint64_t second_rights)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    *first = new_frame(12, TERN_RIGHTS_ALL);
    *second = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(*first, vspace, VA, TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0), TERN_OK);
    CHECK_EQ_U64(map_frame(*second, vspace, VA + PAGE_SIZE, second_rights, 0), TERN_OK);
    return vspace;
}

static void test_user_pointer_is_the_kernel_alias_of_that_byte(void)
{
    struct cte *first, *second;
    struct cte *vspace = two_pages(&first, &second, TERN_RIGHT_READ);
    struct vspace *space = vspace_in(vspace);
    CHECK(vspace_user_pointer(space, VA + 0x123, true) == (uint8_t *)frame_memory(first) + 0x123);
    CHECK(vspace_user_pointer(space, VA + PAGE_SIZE + 8, false) ==
          (uint8_t *)frame_memory(second) + 8);
    CHECK(vspace_user_pointer(space, VA + PAGE_SIZE + 8, true) == 0);
    CHECK(vspace_user_pointer(space, VA + 2 * PAGE_SIZE, false) == 0);
    CHECK(vspace_user_pointer(space, 1ULL << 39, false) == 0);
    CHECK(vspace_user_pointer(0, VA, false) == 0);
}

static void test_vspace_read_copies_across_pages_into_the_caller(void)
{
    struct cte *first, *second, *mine, *mine_too;
    struct cte *target = two_pages(&first, &second, TERN_RIGHT_READ);
    struct cte *caller = two_pages(&mine, &mine_too, TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    caller_thread.vspace_root.cap = caller->cap;
    memset(frame_memory(first), 'a', PAGE_SIZE);
    memset(frame_memory(second), 'b', PAGE_SIZE);
    /* 100 bytes from the end of the target's first page to 20 bytes into
     * the caller's second. */
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, VA + PAGE_SIZE - 50, 100,
                        VA + PAGE_SIZE + 20, 0), TERN_OK);
    CHECK_EQ_U64(inv.result_count, 1);
    CHECK_EQ_U64(inv.results[0], 100);
    const uint8_t *copied = (const uint8_t *)frame_memory(mine_too) + 20;
    CHECK_EQ_U64(copied[0], 'a');
    CHECK_EQ_U64(copied[49], 'a');
    CHECK_EQ_U64(copied[50], 'b');
    CHECK_EQ_U64(copied[99], 'b');
    CHECK_EQ_U64(copied[100], 0);
}

static void test_vspace_write_copies_from_the_caller(void)
{
    struct cte *first, *second, *mine, *mine_too;
    struct cte *target = two_pages(&first, &second, TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    struct cte *caller = two_pages(&mine, &mine_too, TERN_RIGHT_READ);
    caller_thread.vspace_root.cap = caller->cap;
    memcpy(frame_memory(mine_too), "hello", 5);
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_WRITE, 3, VA + 4094, 5, VA + PAGE_SIZE, 0), TERN_OK);
    CHECK_EQ_U64(inv.results[0], 5);
    CHECK(memcmp((uint8_t *)frame_memory(first) + 4094, "he", 2) == 0);
    CHECK(memcmp(frame_memory(second), "llo", 3) == 0);
}

static void test_a_failed_copy_copies_nothing(void)
{
    struct cte *first, *second, *mine, *mine_too;
    struct cte *target = two_pages(&first, &second, TERN_RIGHT_READ);
    struct cte *caller = two_pages(&mine, &mine_too, TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    caller_thread.vspace_root.cap = caller->cap;
    memset(frame_memory(mine), 'x', PAGE_SIZE);
    /* The target's second page is read-only: nothing is written to it,
     * not even the part of the first page before it. */
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_WRITE, 3, VA + PAGE_SIZE - 10, 20, VA, 0),
                 TERN_FAULT);
    CHECK_EQ_U64(((uint8_t *)frame_memory(first))[PAGE_SIZE - 1], 0);
    /* Reading past the target's last page. */
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, VA + 2 * PAGE_SIZE - 10, 20, VA, 0),
                 TERN_FAULT);
    CHECK_EQ_U64(((uint8_t *)frame_memory(mine))[0], 'x');
    /* A range that wraps around. */
    CHECK_EQ_U64(vspace_copy(vspace_in(caller), VA, vspace_in(target), ~0ULL - 4, 10),
                 TERN_FAULT);
}

static void test_copies_refuse_device_memory(void)
{
    struct cte *vspace = new_vspace();
    add_tables(vspace, VA);
    struct cte *frame = new_frame(12, TERN_RIGHTS_ALL);
    CHECK_EQ_U64(map_frame(frame, vspace, VA, TERN_RIGHT_READ | TERN_RIGHT_WRITE,
                           TERN_MAP_UNCACHED), TERN_OK);
    uint8_t buffer[8];
    CHECK_EQ_U64(vspace_copy(0, (uintptr_t)buffer, vspace_in(vspace), VA, 8), TERN_FAULT);
    CHECK(vspace_user_pointer(vspace_in(vspace), VA, false) == 0);
}

static void test_vspace_copy_invocation_checks(void)
{
    struct cte *first, *second;
    struct cte *target = two_pages(&first, &second, TERN_RIGHT_READ | TERN_RIGHT_WRITE);
    caller_thread.vspace_root.cap = target->cap;
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 2, VA, 8, VA + PAGE_SIZE, 0),
                 TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, VA, (1 << 20) + 1, VA + PAGE_SIZE, 0),
                 TERN_RANGE_ERROR);
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(inv.results[0], 0);

    target->cap.rights = TERN_RIGHT_WRITE;
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, VA, 8, VA + PAGE_SIZE, 0),
                 TERN_INVALID_CAPABILITY);
    target->cap.rights = TERN_RIGHT_READ;
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_WRITE, 3, VA, 8, VA + PAGE_SIZE, 0),
                 TERN_INVALID_CAPABILITY);
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, VA, 8, VA + PAGE_SIZE, 0), TERN_OK);

    caller_thread.vspace_root.cap = (struct cap){0};    /* never a kernel pointer */
    CHECK_EQ_U64(invoke(target, TERN_VSPACE_READ, 3, VA, 8, 0xffffff8000000000, 0), TERN_FAULT);
}

static void test_set_upcall_needs_write_and_a_user_address(void)
{
    struct cte *vspace = new_vspace();
    CHECK_EQ_U64(invoke(vspace, TERN_VSPACE_SET_UPCALL, 1, 0x400000, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(vspace_in(vspace)->upcall_entry, 0x400000);
    CHECK_EQ_U64(invoke(vspace, TERN_VSPACE_SET_UPCALL, 1, 0x400002, 0, 0, 0),
                 TERN_ALIGNMENT_ERROR);
    CHECK_EQ_U64(invoke(vspace, TERN_VSPACE_SET_UPCALL, 1, 1ULL << 39, 0, 0, 0),
                 TERN_INVALID_ARGUMENT);
    CHECK_EQ_U64(invoke(vspace, TERN_VSPACE_SET_UPCALL, 0, 0, 0, 0, 0), TERN_TRUNCATED_MESSAGE);
    vspace->cap.rights = TERN_RIGHT_READ;
    CHECK_EQ_U64(invoke(vspace, TERN_VSPACE_SET_UPCALL, 1, 0, 0, 0, 0), TERN_INVALID_CAPABILITY);
    CHECK_EQ_U64(vspace_in(vspace)->upcall_entry, 0x400000);
}

/* ---- ASIDs and activation ---- */

static void test_activate_loads_ttbr0_and_tracks_running_cores(void)
{
    struct cte *one = new_vspace(), *two = new_vspace();
    struct vspace *first = vspace_in(one), *second = vspace_in(two);
    hw.cpu = 2;
    vspace_activate(first);
    CHECK_EQ_U64(hw.ttbr0, first->table_physical | ((uint64_t)first->asid << 48));
    CHECK_EQ_U64(first->table_physical, virt_to_phys((void *)(uintptr_t)one->cap.object));
    CHECK_EQ_U64(first->running_on, 1 << 2);
    CHECK(vspace_active_on(2) == first);
    vspace_activate(second);
    CHECK_EQ_U64(first->running_on, 0);
    CHECK_EQ_U64(second->running_on, 1 << 2);
    unsigned clears = hw.user_space_clears;
    vspace_activate(0);
    CHECK_EQ_U64(hw.user_space_clears, clears + 1);
    CHECK_EQ_U64(second->running_on, 0);
    CHECK(vspace_active_on(2) == 0);
    CHECK(vspace_active_on(MAX_CPUS) == 0);
    hw.cpu = 0;
}

static void test_destroy_frees_the_asid_once_no_core_holds_it(void)
{
    struct cte *held = new_vspace(), *other = new_vspace();
    struct vspace *space = vspace_in(held);
    uint16_t asid = space->asid;
    unsigned free_before = asids_free;

    hw.cpu = 1;             /* core 1 ran it last and went idle */
    vspace_activate(space);
    hw.cpu = 0;
    hw.asid_flushes = 0;
    vspace_destroy(space);
    CHECK_EQ_U64(hw.asid_flushes, 1);
    CHECK_EQ_U64(hw.last_flushed_asid, asid);
    CHECK(vspace_active_on(1) == 0);
    CHECK(asid_is_used(asid));
    CHECK_EQ_U64(asids_free, free_before);

    hw.cpu = 1;             /* core 1 moves on: now the ASID is free */
    vspace_activate(vspace_in(other));
    CHECK_EQ_U64(hw.asid_flushes, 2);
    CHECK_EQ_U64(hw.last_flushed_asid, asid);
    CHECK(!asid_is_used(asid));
    CHECK_EQ_U64(asids_free, free_before + 1);
    vspace_activate(0);
    hw.cpu = 0;

    /* Destroyed while active on the calling core: it switches away. */
    struct cte *mine = new_vspace();
    vspace_activate(vspace_in(mine));
    unsigned clears = hw.user_space_clears;
    vspace_destroy(vspace_in(mine));
    CHECK_EQ_U64(hw.user_space_clears, clears + 1);
    CHECK(vspace_active_on(0) == 0);
}

static void test_asids_available_counts_free_asids(void)
{
    unsigned free_now = asids_free;
    CHECK(vspace_asids_available(free_now));
    CHECK(!vspace_asids_available(free_now + 1));
    struct cte *vspace = new_vspace();
    CHECK(!vspace_asids_available(free_now));
    CHECK(vspace_in(vspace)->asid != 0);
    vspace_destroy(vspace_in(vspace));
    CHECK(vspace_asids_available(free_now));
}

int main(void)
{
    RUN_TEST(test_read_only_mapping_is_el0_read_only_and_never_executable);
    RUN_TEST(test_write_right_makes_the_page_el0_writable);
    RUN_TEST(test_execute_right_clears_uxn_after_syncing_the_instruction_cache);
    RUN_TEST(test_rights_are_those_both_the_call_and_the_cap_grant);
    RUN_TEST(test_a_mapping_without_read_is_an_invalid_argument);
    RUN_TEST(test_device_frames_are_device_memory_and_never_executable);
    RUN_TEST(test_uncached_attribute_maps_device_memory);
    RUN_TEST(test_unknown_attributes_are_an_invalid_argument);
    RUN_TEST(test_2m_frame_maps_as_a_block_in_the_page_directory);
    RUN_TEST(test_misaligned_addresses_are_alignment_errors);
    RUN_TEST(test_addresses_beyond_39_bits_are_invalid_arguments);
    RUN_TEST(test_missing_tables_are_failed_lookups);
    RUN_TEST(test_an_occupied_slot_must_be_emptied_first);
    RUN_TEST(test_missing_or_wrong_vspace_cap_is_refused);
    RUN_TEST(test_a_mapped_cap_maps_elsewhere_only_through_a_copy);
    RUN_TEST(test_remapping_in_place_breaks_before_making);
    RUN_TEST(test_get_address_answers_the_physical_address);
    RUN_TEST(test_unmap_clears_the_entry_and_flushes_the_page);
    RUN_TEST(test_unmap_after_the_vspace_is_gone_only_forgets_the_mapping);
    RUN_TEST(test_unmap_through_a_reused_asid_leaves_the_new_owner_alone);
    RUN_TEST(test_table_map_links_a_table_descriptor);
    RUN_TEST(test_table_map_checks);
    RUN_TEST(test_a_copied_table_cap_cannot_map_or_unmap);
    RUN_TEST(test_table_unmap_unlinks_flushes_the_asid_and_empties_the_table);
    RUN_TEST(test_table_of_a_destroyed_vspace_is_emptied_on_unmap);
    RUN_TEST(test_user_pointer_is_the_kernel_alias_of_that_byte);
    RUN_TEST(test_vspace_read_copies_across_pages_into_the_caller);
    RUN_TEST(test_vspace_write_copies_from_the_caller);
    RUN_TEST(test_a_failed_copy_copies_nothing);
    RUN_TEST(test_copies_refuse_device_memory);
    RUN_TEST(test_vspace_copy_invocation_checks);
    RUN_TEST(test_set_upcall_needs_write_and_a_user_address);
    RUN_TEST(test_activate_loads_ttbr0_and_tracks_running_cores);
    RUN_TEST(test_destroy_frees_the_asid_once_no_core_holds_it);
    RUN_TEST(test_asids_available_counts_free_asids);
    free_all();
    return check_report();
}
