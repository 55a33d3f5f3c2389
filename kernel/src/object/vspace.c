/*
 * Address spaces: VSpaces, the page tables below them, frames mapped into
 * them, ASIDs, and copies between address spaces.
 *
 * A user address space is what TTBR0_EL1 translates: 39-bit virtual
 * addresses, a 4 KiB granule, three levels.
 *
 *   L1  the VSpace object's first page; each entry covers 1 GiB and points
 *       to a page directory (we never map 1 GiB blocks)
 *   L2  a PAGE_DIRECTORY object; each entry covers 2 MiB: a page table or
 *       a 2 MiB frame (block)
 *   L3  a PAGE_TABLE object; each entry maps one 4 KiB frame
 *
 * A mapping is recorded in the capability that made it: cap.word is the
 * virtual address, cap.word2 the ASID (0 = unmapped). An ASID, unlike a
 * pointer, can be checked after its VSpace is gone; and since an ASID can
 * be reused, unmapping walks the tables and only clears an entry that
 * really points at the frame or table the capability names.
 *
 * Invariants:
 * - A table that no live VSpace reaches is all zero, except one whose
 *   capability still records a mapping into a VSpace that has since been
 *   destroyed; unmapping that capability zeroes it, and a table can only
 *   be linked in through an unmapped capability. So stale entries can
 *   never become reachable again.
 * - A table object is linked in at most one place: it is mapped and
 *   unmapped only through the one capability to it (see
 *   table_cap_is_only_copy), so copies cannot map it a second time.
 * - Break-before-make: a valid entry is never overwritten by another
 *   valid one. It is cleared and its TLB entries invalidated first, since
 *   the architecture lets a TLB hold both translations at once otherwise.
 * - TLB maintenance is broadcast (the "is" forms) so no core needs an IPI.
 *   An entry that was invalid needs none: TLBs do not cache faults.
 * - Only Normal (RAM) mappings are reachable through the kernel's linear
 *   map, so copies refuse any page whose AttrIndx is not Normal memory;
 *   device frames are always mapped as Device memory.
 *
 * The kernel lock is held around every function here.
 */
#include <stdbool.h>
#include <stdint.h>
#include "arch/memory_layout.h"
#include "arch/mmu.h"
#include "arch/page_table.h"
#include "arch/registers.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "object/objects.h"
#include "object/vspace_switch.h"

#define USER_ADDRESS_LIMIT      (1ULL << VA_BITS)   /* TTBR0 covers [0, 2^39) */
#define FRAME_4K_BITS           PAGE_SHIFT
#define FRAME_2M_BITS           BLOCK_SHIFT
#define VSPACE_COPY_MAX         (1ULL << 20)        /* bytes per VSpace_Read/Write */
#define DESCRIPTOR_TYPE_MASK    3ULL
#define PTE_ATTR_INDEX(entry)   (((entry) >> 2) & 7)

/* ASIDs tag TLB entries, so switching address spaces needs no flush. The
 * hardware has 16 bits (TCR_EL1.AS = 1), but a table from every ASID to
 * its VSpace would be 512 KiB of bss; we hand out 1..MAX_ASIDS-1 and keep
 * that table at 32 KiB. ASID 0 tags the empty user space (mmu.c). */
#define MAX_ASIDS               4096

static struct vspace *asid_table[MAX_ASIDS];
/* A set bit is an ASID in use, or retired and waiting for a core to drop
 * it (see stale_asid). Bit 0 is set for good: ASID 0 is never handed out. */
static uint64_t asid_in_use[MAX_ASIDS / 64] = { 1 };
static unsigned asids_free = MAX_ASIDS - 1;
/* Next-fit, so a freed ASID is reused as late as possible. */
static unsigned asid_next = 1;

/* Each core's TTBR0 (object/vspace_switch.h). */
struct vspace *active_vspace[MAX_CPUS];
uint16_t stale_asid[MAX_CPUS];

/* ---- Hardware operations (the host unit test replaces these) ---- */

#ifndef VSPACE_HOST_TEST
#include "arch/cache.h"
#include "arch/tlb.h"

static unsigned current_cpu(void)
{
    return this_cpu_index();
}
#endif

/* ---- ASIDs ---- */

static bool asid_is_used(unsigned asid)
{
    return asid_in_use[asid / 64] & (1ULL << (asid % 64));
}

static uint16_t asid_allocate(void)
{
    for (unsigned tried = 0; tried < MAX_ASIDS; tried++) {
        unsigned asid = (asid_next + tried) % MAX_ASIDS;
        if (!asid_is_used(asid)) {
            asid_in_use[asid / 64] |= 1ULL << (asid % 64);
            asids_free--;
            asid_next = (asid + 1) % MAX_ASIDS;
            return (uint16_t)asid;
        }
    }
    return 0;
}

/* Only once no TLB can hold entries tagged with asid. */
static void asid_release(uint16_t asid)
{
    asid_in_use[asid / 64] &= ~(1ULL << (asid % 64));
    asids_free++;
}

bool vspace_asids_available(unsigned count)
{
    return count <= asids_free;
}

/* The live VSpace an ASID names, or 0. */
static struct vspace *vspace_for_asid(uint64_t asid)
{
    if (asid == 0 || asid >= MAX_ASIDS)
        return 0;
    return asid_table[asid];
}

/* ---- Translation table entries ---- */

static unsigned level_shift(unsigned level)        /* 1: 30, 2: 21, 3: 12 */
{
    return PAGE_SHIFT + 9 * (3 - level);
}

static unsigned table_index(uint64_t address, unsigned level)
{
    return (address >> level_shift(level)) & (TABLE_ENTRIES - 1);
}

static bool is_table_descriptor(uint64_t entry)    /* at L1 and L2 */
{
    return (entry & DESCRIPTOR_TYPE_MASK) == (PTE_VALID | PTE_TABLE);
}

/* A page at L3 or a block at L2. */
static bool is_leaf_descriptor(uint64_t entry, unsigned level)
{
    uint64_t type = entry & DESCRIPTOR_TYPE_MASK;
    if (level == 3)
        return type == (PTE_VALID | PTE_PAGE);
    return level == 2 && type == (PTE_VALID | PTE_BLOCK);
}

static uint64_t descriptor_address(uint64_t entry)
{
    return entry & PTE_ADDRESS_MASK;
}

static uint64_t *table_at(uint64_t descriptor)
{
    return phys_to_virt(descriptor_address(descriptor));
}

static uint64_t *root_table(const struct vspace *vspace)
{
    return phys_to_virt(vspace->table_physical);
}

/* The entry at level (1..3) that translates address, or 0 when a table
 * above it is missing. address must be below USER_ADDRESS_LIMIT. */
static uint64_t *find_entry(const struct vspace *vspace, uint64_t address, unsigned level)
{
    uint64_t *table = root_table(vspace);
    for (unsigned above = 1; above < level; above++) {
        uint64_t entry = table[table_index(address, above)];
        if (!is_table_descriptor(entry))
            return 0;
        table = table_at(entry);
    }
    return &table[table_index(address, level)];
}

/* The page or block entry that maps address, and log2 of the size it
 * maps; 0 if none does. */
static uint64_t find_leaf(const struct vspace *vspace, uint64_t address, unsigned *size_shift)
{
    if (address >= USER_ADDRESS_LIMIT)
        return 0;
    uint64_t directory = root_table(vspace)[table_index(address, 1)];
    if (!is_table_descriptor(directory))
        return 0;
    uint64_t middle = table_at(directory)[table_index(address, 2)];
    if (is_leaf_descriptor(middle, 2)) {
        *size_shift = BLOCK_SHIFT;
        return middle;
    }
    if (!is_table_descriptor(middle))
        return 0;
    uint64_t page = table_at(middle)[table_index(address, 3)];
    if (!is_leaf_descriptor(page, 3))
        return 0;
    *size_shift = PAGE_SHIFT;
    return page;
}

/* The entry for a user frame. Device memory is never executable: fetches
 * from it could be speculative reads with side effects. */
static uint64_t user_frame_descriptor(uint64_t physical, unsigned level, unsigned rights,
                                      bool device)
{
    uint64_t entry = physical | PTE_VALID | (level == 3 ? PTE_PAGE : PTE_BLOCK) |
                     PTE_AF | PTE_NG | PTE_SH_INNER | PTE_AP_EL0 | PTE_PXN;
    entry |= device ? PTE_ATTR(MAIR_INDEX_DEVICE_nGnRE) : PTE_ATTR(MAIR_INDEX_NORMAL);
    if (!(rights & TERN_RIGHT_WRITE))
        entry |= PTE_AP_READ_ONLY;
    if (device || !(rights & TERN_RIGHT_EXECUTE))
        entry |= PTE_UXN;
    return entry;
}

/* Whether user mode may read (and if writable, write) through a leaf, and
 * the kernel may reach its memory through the linear map. */
static bool leaf_allows_user_access(uint64_t entry, bool writable)
{
    if (!(entry & PTE_AP_EL0))
        return false;
    if (writable && (entry & PTE_AP_READ_ONLY))
        return false;
    return PTE_ATTR_INDEX(entry) == MAIR_INDEX_NORMAL;
}

/* Write a valid entry, breaking before making if the slot holds one. */
static void install_entry(uint64_t *slot, uint64_t entry, uint16_t asid, uint64_t address)
{
    if (*slot & PTE_VALID) {
        *slot = 0;
        tlb_flush_page(asid, address);
    }
    *slot = entry;
    translation_entry_written();
}

/* ---- Capabilities of mapping objects ---- */

/* The level a frame is mapped at: 4 KiB pages at L3, 2 MiB blocks at L2;
 * 0 for any other size. */
static unsigned frame_level(const struct cap *frame)
{
    if (frame->size_bits == FRAME_4K_BITS)
        return 3;
    if (frame->size_bits == FRAME_2M_BITS)
        return 2;
    return 0;
}

/* The level of the entry that links a table in: a page table (L3) hangs
 * from an L2 entry, a page directory (L2) from an L1 entry. */
static unsigned table_parent_level(const struct cap *table)
{
    return table->type == CAP_PAGE_TABLE ? 2 : 1;
}

static uint64_t *table_of_cap(const struct cap *table)
{
    return (uint64_t *)(uintptr_t)table->object;
}

static bool cap_is_mapped(const struct cap *cap)
{
    return cap->word2 != 0;
}

static bool same_table(const struct cap *a, const struct cap *b)
{
    return a->type == b->type && a->object == b->object;
}

/* Whether slot holds the only capability to its table. Every copy of a
 * table capability descends from the one Retype made, and a copy's
 * children move up when it is deleted, so any other copy is this slot's
 * parent, one of its children (nothing else derives from a table
 * capability), or one of its siblings. */
static bool table_cap_is_only_copy(const struct cte *slot)
{
    if (slot->first_child)
        return false;
    if (slot->parent && same_table(&slot->parent->cap, &slot->cap))
        return false;
    for (const struct cte *other = slot->previous_sibling; other && other != slot;
         other = other->previous_sibling)
        if (same_table(&other->cap, &slot->cap))
            return false;
    for (const struct cte *other = slot->next_sibling; other && other != slot;
         other = other->next_sibling)
        if (same_table(&other->cap, &slot->cap))
            return false;
    return true;
}

/* The VSpace extra capability 0 names, for Map invocations. */
static enum tern_error target_vspace(const struct invocation *inv, struct vspace **vspace)
{
    if (inv->extra_cap_count < 1 || !inv->extra_caps[0])
        return TERN_TRUNCATED_MESSAGE;
    const struct cap *cap = &inv->extra_caps[0]->cap;
    if (cap->type != CAP_VSPACE)
        return TERN_INVALID_CAPABILITY;
    *vspace = vspace_of_cap(cap);
    if (vspace_for_asid((*vspace)->asid) != *vspace)
        return TERN_INVALID_CAPABILITY;
    return TERN_OK;
}

/* ---- Unmapping ---- */

static void unmap_frame(const struct cap *frame)
{
    struct vspace *vspace = vspace_for_asid(frame->word2);
    unsigned level = frame_level(frame);
    if (!vspace || !level)
        return;     /* the address space is gone, its TLB entries with it */
    uint64_t *slot = find_entry(vspace, frame->word, level);
    if (!slot || !is_leaf_descriptor(*slot, level) || descriptor_address(*slot) != frame->object)
        return;     /* stale record: its table was unmapped meanwhile */
    *slot = 0;
    tlb_flush_page(vspace->asid, frame->word);
}

static void unmap_table(const struct cap *table)
{
    uint64_t *contents = table_of_cap(table);
    struct vspace *vspace = vspace_for_asid(table->word2);
    if (vspace) {
        uint64_t *slot = find_entry(vspace, table->word, table_parent_level(table));
        if (slot && is_table_descriptor(*slot) &&
            descriptor_address(*slot) == virt_to_phys(contents)) {
            *slot = 0;
            /* Every page below it, and walk-cache entries for it. */
            tlb_flush_asid(vspace->asid);
        }
    }
    /* No VSpace reaches the table now: forget what it mapped, so that
     * mapping it again starts empty (see the invariants above). */
    memset(contents, 0, PAGE_SIZE);
}

void mapping_cap_unmap(struct cap *cap)
{
    if (!cap_is_mapped(cap))
        return;
    switch (cap->type) {
    case CAP_FRAME:
        unmap_frame(cap);
        break;
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
        unmap_table(cap);
        break;
    default:
        return;
    }
    cap->word = 0;
    cap->word2 = 0;
}

/* ---- Frame invocations ---- */

struct frame_mapping {
    struct vspace *vspace;
    uint64_t *slot;
    uint64_t entry;
    uint64_t address;
    bool executable;        /* Normal memory mapped executable */
};

static enum tern_error decode_frame_map(const struct invocation *inv, struct frame_mapping *map)
{
    const struct cap *frame = &inv->slot->cap;
    uint64_t address = invocation_arg(inv, 0);
    unsigned rights = (unsigned)invocation_arg(inv, 1) & frame->rights;
    uint64_t attributes = invocation_arg(inv, 2);
    unsigned level = frame_level(frame);

    if (inv->length < 3)
        return TERN_TRUNCATED_MESSAGE;
    enum tern_error error = target_vspace(inv, &map->vspace);
    if (error)
        return error;
    if (!level)
        return TERN_INVALID_CAPABILITY;
    if (address & ((1ULL << frame->size_bits) - 1))
        return TERN_ALIGNMENT_ERROR;
    if (address >= USER_ADDRESS_LIMIT)
        return TERN_INVALID_ARGUMENT;
    if (!(rights & TERN_RIGHT_READ) || (attributes & ~(uint64_t)TERN_MAP_UNCACHED))
        return TERN_INVALID_ARGUMENT;
    /* A capability holds one mapping; map a copy to map the frame again.
     * Mapping it again where it is (new rights) is a remap. */
    bool remap = cap_is_mapped(frame);
    if (remap && (frame->word2 != map->vspace->asid || frame->word != address))
        return TERN_ILLEGAL_OPERATION;

    map->slot = find_entry(map->vspace, address, level);
    if (!map->slot)
        return TERN_FAILED_LOOKUP;
    uint64_t present = *map->slot;
    bool holds_this_frame = is_leaf_descriptor(present, level) &&
                            descriptor_address(present) == frame->object;
    if ((present & PTE_VALID) && !(remap && holds_this_frame))
        return TERN_DELETE_FIRST;

    bool device = (frame->flags & CAP_FLAG_DEVICE) || (attributes & TERN_MAP_UNCACHED);
    map->entry = user_frame_descriptor(frame->object, level, rights, device);
    map->executable = !device && (rights & TERN_RIGHT_EXECUTE);
    map->address = address;
    return TERN_OK;
}

static void perform_frame_map(struct cap *frame, const struct frame_mapping *map)
{
    /* Before the entry exists, so no fetch through it sees stale lines. */
    if (map->executable)
        sync_instruction_cache(frame->object, 1ULL << frame->size_bits);
    install_entry(map->slot, map->entry, map->vspace->asid, map->address);
    frame->word = map->address;
    frame->word2 = map->vspace->asid;
}

enum tern_error frame_decode(struct invocation *inv)
{
    struct cap *frame = &inv->slot->cap;
    inv->result_count = 0;
    switch (inv->label) {
    case TERN_FRAME_MAP: {
        struct frame_mapping map;
        enum tern_error error = decode_frame_map(inv, &map);
        if (error)
            return error;
        perform_frame_map(frame, &map);
        return TERN_OK;
    }
    case TERN_FRAME_UNMAP:
        mapping_cap_unmap(frame);
        return TERN_OK;
    case TERN_FRAME_GET_ADDRESS:
        inv->results[0] = frame->object;
        inv->result_count = 1;
        return TERN_OK;
    default:
        return TERN_ILLEGAL_OPERATION;
    }
}

/* ---- Page table and page directory invocations ---- */

struct table_mapping {
    struct vspace *vspace;
    uint64_t *slot;
    uint64_t address;
};

static enum tern_error decode_table_map(const struct invocation *inv, struct table_mapping *map)
{
    const struct cap *table = &inv->slot->cap;
    uint64_t address = invocation_arg(inv, 0);
    unsigned parent_level = table_parent_level(table);

    if (inv->length < 1)
        return TERN_TRUNCATED_MESSAGE;
    enum tern_error error = target_vspace(inv, &map->vspace);
    if (error)
        return error;
    if (cap_is_mapped(table))
        return TERN_ILLEGAL_OPERATION;
    if (!table_cap_is_only_copy(inv->slot))
        return TERN_REVOKE_FIRST;
    if (address & ((1ULL << level_shift(parent_level)) - 1))
        return TERN_ALIGNMENT_ERROR;
    if (address >= USER_ADDRESS_LIMIT)
        return TERN_INVALID_ARGUMENT;
    map->slot = find_entry(map->vspace, address, parent_level);
    if (!map->slot)
        return TERN_FAILED_LOOKUP;
    if (*map->slot & PTE_VALID)
        return TERN_DELETE_FIRST;
    map->address = address;
    return TERN_OK;
}

static void perform_table_map(struct cap *table, const struct table_mapping *map)
{
    /* The table's (zero) contents must be visible before the link is. */
    translation_store_barrier();
    *map->slot = virt_to_phys(table_of_cap(table)) | PTE_TABLE_DESCRIPTOR;
    translation_entry_written();
    table->word = map->address;
    table->word2 = map->vspace->asid;
}

enum tern_error page_table_decode(struct invocation *inv)
{
    struct cap *table = &inv->slot->cap;
    inv->result_count = 0;
    switch (inv->label) {
    case TERN_PAGE_TABLE_MAP: {
        struct table_mapping map;
        enum tern_error error = decode_table_map(inv, &map);
        if (error)
            return error;
        perform_table_map(table, &map);
        return TERN_OK;
    }
    case TERN_PAGE_TABLE_UNMAP:
        /* Copies would go on recording a mapping that is gone. */
        if (!table_cap_is_only_copy(inv->slot))
            return TERN_REVOKE_FIRST;
        mapping_cap_unmap(table);
        return TERN_OK;
    default:
        return TERN_ILLEGAL_OPERATION;
    }
}

/* ---- Copies between address spaces ---- */

void *vspace_user_pointer(struct vspace *vspace, uint64_t address, bool writable)
{
    unsigned size_shift;
    if (!vspace)
        return 0;
    uint64_t leaf = find_leaf(vspace, address, &size_shift);
    if (!leaf || !leaf_allows_user_access(leaf, writable))
        return 0;
    uint64_t offset = address & ((1ULL << size_shift) - 1);
    return phys_to_virt(descriptor_address(leaf) + offset);
}

/* Whether every page of [address, address + length) is accessible; a
 * kernel buffer (no vspace) always is. */
static bool user_range_accessible(struct vspace *vspace, uint64_t address, uint64_t length,
                                  bool writable)
{
    if (!vspace || length == 0)
        return true;
    if (address >= USER_ADDRESS_LIMIT || length > USER_ADDRESS_LIMIT - address)
        return false;
    uint64_t end = address + length;
    for (uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1); page < end; page += PAGE_SIZE)
        if (!vspace_user_pointer(vspace, page, writable))
            return false;
    return true;
}

/* The kernel address of one side of a copy, and how many bytes from it
 * are contiguous there. */
static void *copy_pointer(struct vspace *vspace, uint64_t address, bool writable,
                          uint64_t *contiguous)
{
    if (!vspace)
        return (void *)(uintptr_t)address;
    uint64_t to_page_end = PAGE_SIZE - (address & (PAGE_SIZE - 1));
    if (*contiguous > to_page_end)
        *contiguous = to_page_end;
    return vspace_user_pointer(vspace, address, writable);
}

enum tern_error vspace_copy(struct vspace *destination, uint64_t destination_address,
                            struct vspace *source, uint64_t source_address,
                            uint64_t length)
{
    /* Check everything first so that a failure copies nothing. The kernel
     * lock keeps the tables as they are until the copy is done. */
    if (!user_range_accessible(source, source_address, length, false) ||
        !user_range_accessible(destination, destination_address, length, true))
        return TERN_FAULT;
    while (length) {
        uint64_t chunk = length;
        const void *from = copy_pointer(source, source_address, false, &chunk);
        void *to = copy_pointer(destination, destination_address, true, &chunk);
        memmove(to, from, chunk);
        source_address += chunk;
        destination_address += chunk;
        length -= chunk;
    }
    return TERN_OK;
}

/* ---- VSpace invocations ---- */

/* VSpace_Read copies from the invoked VSpace into the caller's;
 * VSpace_Write from the caller's into the invoked one. */
static enum tern_error decode_vspace_copy(struct invocation *inv, bool reading)
{
    const struct cap *cap = &inv->slot->cap;
    struct vspace *target = vspace_of_cap(cap);
    uint64_t target_address = invocation_arg(inv, 0);
    uint64_t length = invocation_arg(inv, 1);
    uint64_t caller_address = invocation_arg(inv, 2);

    if (inv->length < 3)
        return TERN_TRUNCATED_MESSAGE;
    if (!(cap->rights & (reading ? TERN_RIGHT_READ : TERN_RIGHT_WRITE)))
        return TERN_INVALID_CAPABILITY;
    if (length > VSPACE_COPY_MAX)
        return TERN_RANGE_ERROR;
    /* Never 0: vspace_copy would take the address as a kernel pointer. */
    struct vspace *caller = tcb_vspace(inv->caller);
    if (!caller)
        return TERN_FAULT;
    enum tern_error error = reading
        ? vspace_copy(caller, caller_address, target, target_address, length)
        : vspace_copy(target, target_address, caller, caller_address, length);
    if (error)
        return error;
    inv->results[0] = length;
    inv->result_count = 1;
    return TERN_OK;
}

/* VSpace_Copy copies from the VSpace capability extra_caps[0] (READ)
 * into the invoked one (WRITE), neither of them the caller's: procmgr,
 * which holds every process's, copies process_vm_readv/writev's bytes
 * straight from one process to the other, with no buffer of its own in
 * between. Same rules as Read and Write: a fault anywhere copies nothing. */
static enum tern_error decode_vspace_copy_between(struct invocation *inv)
{
    const struct cap *cap = &inv->slot->cap;
    uint64_t destination_address = invocation_arg(inv, 0);
    uint64_t length = invocation_arg(inv, 1);
    uint64_t source_address = invocation_arg(inv, 2);

    if (inv->length < 3 || inv->extra_cap_count < 1 || !inv->extra_caps[0])
        return TERN_TRUNCATED_MESSAGE;
    const struct cap *source_cap = &inv->extra_caps[0]->cap;
    if (source_cap->type != CAP_VSPACE || !(source_cap->rights & TERN_RIGHT_READ) ||
        !(cap->rights & TERN_RIGHT_WRITE))
        return TERN_INVALID_CAPABILITY;
    if (length > VSPACE_COPY_MAX)
        return TERN_RANGE_ERROR;
    enum tern_error error = vspace_copy(vspace_of_cap(cap), destination_address,
                                        vspace_of_cap(source_cap), source_address, length);
    if (error)
        return error;
    inv->results[0] = length;
    inv->result_count = 1;
    return TERN_OK;
}

static enum tern_error decode_set_upcall(struct invocation *inv)
{
    const struct cap *cap = &inv->slot->cap;
    uint64_t entry = invocation_arg(inv, 0);
    if (inv->length < 1)
        return TERN_TRUNCATED_MESSAGE;
    if (!(cap->rights & TERN_RIGHT_WRITE))
        return TERN_INVALID_CAPABILITY;
    if (entry >= USER_ADDRESS_LIMIT)
        return TERN_INVALID_ARGUMENT;
    if (entry & 3)
        return TERN_ALIGNMENT_ERROR;
    vspace_of_cap(cap)->upcall_entry = entry;
    return TERN_OK;
}

/* Clears the write permission of every leaf in entries [first, last] of
 * a table at level (2: blocks, 3: pages); whether any was writable. */
static bool write_protect_leaves(uint64_t *table, unsigned level, unsigned first, unsigned last)
{
    bool changed = false;
    for (unsigned i = first; i <= last; i++) {
        uint64_t entry = table[i];
        if (is_leaf_descriptor(entry, level) && !(entry & PTE_AP_READ_ONLY)) {
            table[i] = entry | PTE_AP_READ_ONLY;
            changed = true;
        }
    }
    return changed;
}

/* The index range [*first, *last] of a level's table that [start, end]
 * covers, within the entry of the level above that holds base. */
static void index_range(uint64_t start, uint64_t end, uint64_t base, unsigned level,
                        unsigned *first, unsigned *last)
{
    uint64_t span = 1ULL << level_shift(level - 1);
    *first = start > base ? table_index(start, level) : 0;
    *last = end < base + span - 1 ? table_index(end, level) : TABLE_ENTRIES - 1;
}

/* VSpace_WriteProtect: what fork needs to share pages copy-on-write at
 * once. Taking the write permission away from mappings only ever lessens
 * what the address space may do (a later Frame_Map of the same frame may
 * give it back, as its capability allows), so the VSpace capability's
 * WRITE right is all it needs. A permission change needs no
 * break-before-make; one flush of the ASID covers every page. */
static enum tern_error decode_write_protect(struct invocation *inv)
{
    const struct cap *cap = &inv->slot->cap;
    uint64_t address = invocation_arg(inv, 0);
    uint64_t length = invocation_arg(inv, 1);
    if (inv->length < 2)
        return TERN_TRUNCATED_MESSAGE;
    if (!(cap->rights & TERN_RIGHT_WRITE))
        return TERN_INVALID_CAPABILITY;
    if ((address | length) & (PAGE_SIZE - 1))
        return TERN_ALIGNMENT_ERROR;
    if (address >= USER_ADDRESS_LIMIT || length > USER_ADDRESS_LIMIT - address)
        return TERN_INVALID_ARGUMENT;
    if (length == 0)
        return TERN_OK;
    struct vspace *vspace = vspace_of_cap(cap);
    uint64_t last_byte = address + length - 1;
    uint64_t *root = root_table(vspace);
    bool changed = false;
    for (unsigned l1 = table_index(address, 1); l1 <= table_index(last_byte, 1); l1++) {
        if (!is_table_descriptor(root[l1]))
            continue;
        uint64_t *directory = table_at(root[l1]);
        uint64_t gigabyte = (uint64_t)l1 << level_shift(1);
        unsigned first2, last2;
        index_range(address, last_byte, gigabyte, 2, &first2, &last2);
        changed |= write_protect_leaves(directory, 2, first2, last2);
        for (unsigned l2 = first2; l2 <= last2; l2++) {
            if (!is_table_descriptor(directory[l2]))
                continue;
            uint64_t block = gigabyte + ((uint64_t)l2 << level_shift(2));
            unsigned first3, last3;
            index_range(address, last_byte, block, 3, &first3, &last3);
            changed |= write_protect_leaves(table_at(directory[l2]), 3, first3, last3);
        }
    }
    if (changed) {
        translation_entry_written();
        tlb_flush_asid(vspace->asid);
    }
    return TERN_OK;
}

enum tern_error vspace_decode(struct invocation *inv)
{
    inv->result_count = 0;
    switch (inv->label) {
    case TERN_VSPACE_READ:
        return decode_vspace_copy(inv, true);
    case TERN_VSPACE_WRITE:
        return decode_vspace_copy(inv, false);
    case TERN_VSPACE_SET_UPCALL:
        return decode_set_upcall(inv);
    case TERN_VSPACE_WRITE_PROTECT:
        return decode_write_protect(inv);
    case TERN_VSPACE_COPY:
        return decode_vspace_copy_between(inv);
    default:
        return TERN_ILLEGAL_OPERATION;
    }
}

/* ---- Life cycle and activation ---- */

void vspace_init_object(struct vspace *vspace)
{
    uint16_t asid = asid_allocate();
    if (!asid)
        panic("VSpace created without a free ASID (ask vspace_asids_available first)");
    uint64_t *root = (uint64_t *)((uintptr_t)vspace - PAGE_SIZE);
    memset(root, 0, PAGE_SIZE);
    translation_store_barrier();
    vspace->asid = asid;
    vspace->table_physical = virt_to_phys(root);
    vspace->running_on = 0;
    vspace->upcall_entry = 0;
    vspace->membarrier_registered = 0;
    asid_table[asid] = vspace;
}

void vspace_flush_stale_asid(unsigned cpu)
{
    uint16_t asid = stale_asid[cpu];
    stale_asid[cpu] = 0;
    tlb_flush_asid(asid);
    asid_release(asid);
}

void vspace_activate(struct vspace *vspace)
{
    unsigned cpu = current_cpu();
    if (vspace) {
        vspace_switch(cpu, vspace);
        return;
    }
    struct vspace *previous = active_vspace[cpu];
    if (previous)
        previous->running_on &= ~(1ULL << cpu);
    active_vspace[cpu] = 0;
    mmu_clear_user_space();
    if (stale_asid[cpu])
        vspace_flush_stale_asid(cpu);
}

struct vspace *vspace_active_on(unsigned cpu)
{
    return cpu < MAX_CPUS ? active_vspace[cpu] : 0;
}

void vspace_destroy(struct vspace *vspace)
{
    unsigned self = current_cpu();
    if (active_vspace[self] == vspace)
        vspace_activate(0);
    uint16_t asid = vspace->asid;
    if (vspace_for_asid(asid) != vspace)
        return;
    asid_table[asid] = 0;
    tlb_flush_asid(asid);

    /* Cores that still hold it in TTBR0 (idle ones keep the last thread's
     * VSpace) keep the ASID until they load another TTBR0. No user thread
     * may run in it any more: its threads' VSpace capabilities are gone. */
    bool held_elsewhere = false;
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (active_vspace[cpu] != vspace)
            continue;
        /* stale_asid[cpu] is free: loading this VSpace dropped any older one. */
        active_vspace[cpu] = 0;
        stale_asid[cpu] = asid;
        held_elsewhere = true;
    }
    if (!held_elsewhere)
        asid_release(asid);
    vspace->running_on = 0;
    vspace->asid = 0;
}
