/*
 * The kernel's own translation tables (TTBR1). Page-table pages come from
 * a pool inside the image, so they are reachable before the linear map
 * exists and never compete with the memory handed to user mode.
 */
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/page_table.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define TABLE_POOL_PAGES 64

typedef uint64_t page_table[TABLE_ENTRIES];

static page_table table_pool[TABLE_POOL_PAGES] __attribute__((aligned(PAGE_SIZE), section(".bss.page_tables")));
static unsigned table_pool_used;
static page_table *kernel_root;
/* An all-invalid table for an empty TTBR0 or TTBR1. */
static page_table empty_table __attribute__((aligned(PAGE_SIZE), section(".bss.page_tables")));
static uint64_t image_base_physical;
static uintptr_t device_window_next = DEVICE_WINDOW_BASE;

extern char _start_image[], _etext[], _erodata[], _end[];
/* In head.S: must be called at its physical (identity-mapped) address. */
extern void replace_ttbr1(uint64_t new_root, uint64_t empty_root);
typedef void replace_ttbr1_function(uint64_t new_root, uint64_t empty_root);

#define KERNEL_TEXT     (PTE_VALID | PTE_PAGE | PTE_ATTR(MAIR_INDEX_NORMAL) | PTE_SH_INNER | \
                         PTE_AF | PTE_AP_READ_ONLY | PTE_UXN)
#define KERNEL_RODATA   (PTE_VALID | PTE_PAGE | PTE_ATTR(MAIR_INDEX_NORMAL) | PTE_SH_INNER | \
                         PTE_AF | PTE_AP_READ_ONLY | PTE_UXN | PTE_PXN)
#define KERNEL_DATA     (PTE_VALID | PTE_PAGE | PTE_ATTR(MAIR_INDEX_NORMAL) | PTE_SH_INNER | \
                         PTE_AF | PTE_UXN | PTE_PXN)
#define KERNEL_DEVICE   (PTE_VALID | PTE_PAGE | PTE_ATTR(MAIR_INDEX_DEVICE_nGnRE) | \
                         PTE_AF | PTE_UXN | PTE_PXN)
/* The same attributes as an L2 block rather than an L3 page. */
#define AS_BLOCK(attributes) ((attributes) & ~(uint64_t)PTE_PAGE)

uint64_t virt_to_phys(const void *kernel_address)
{
    uintptr_t address = (uintptr_t)kernel_address;
    if (address >= KERNEL_IMAGE_BASE)
        return address - KERNEL_IMAGE_BASE + image_base_physical;
    return address - LINEAR_MAP_BASE;
}

static page_table *allocate_table(void)
{
    if (table_pool_used == TABLE_POOL_PAGES)
        panic("kernel page-table pool exhausted");
    return &table_pool[table_pool_used++];  /* bss: already zero */
}

static page_table *table_at(uint64_t descriptor)
{
    /* Pool tables live in the image: find one from its physical address. */
    uint64_t physical = descriptor & PTE_ADDRESS_MASK;
    return (page_table *)(physical - image_base_physical + KERNEL_IMAGE_BASE);
}

static page_table *next_level(page_table *table, unsigned index)
{
    uint64_t *entry = &(*table)[index];
    if (!(*entry & PTE_VALID))
        *entry = virt_to_phys(allocate_table()) | PTE_TABLE_DESCRIPTOR;
    return table_at(*entry);
}

static unsigned index_at(uintptr_t va, unsigned shift)
{
    return (va >> shift) & (TABLE_ENTRIES - 1);
}

/* Map [va, va + size) to pa, with 2 MiB blocks where both are aligned.
 * Only ever adds mappings: existing ones are not replaced. */
static void map_range(uintptr_t va, uint64_t pa, uint64_t size, uint64_t page_attributes)
{
    uintptr_t end = va + size;
    while (va < end) {
        page_table *l2 = next_level(kernel_root, index_at(va, L1_SHIFT));
        if (((va | pa) & (BLOCK_SIZE - 1)) == 0 && end - va >= BLOCK_SIZE) {
            (*l2)[index_at(va, BLOCK_SHIFT)] = pa | AS_BLOCK(page_attributes);
            va += BLOCK_SIZE;
            pa += BLOCK_SIZE;
            continue;
        }
        page_table *l3 = next_level(l2, index_at(va, BLOCK_SHIFT));
        (*l3)[index_at(va, PAGE_SHIFT)] = pa | page_attributes;
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
    }
}

static void map_image_section(const char *start, const char *end, uint64_t attributes)
{
    map_range((uintptr_t)start, virt_to_phys(start), (uint64_t)(end - start), attributes);
}

void mmu_init(const struct board_facts *facts, uint64_t image_physical_base)
{
    image_base_physical = image_physical_base;
    kernel_root = allocate_table();

    map_image_section(_start_image, _etext, KERNEL_TEXT);
    map_image_section(_etext, _erodata, KERNEL_RODATA);
    map_image_section(_erodata, _end, KERNEL_DATA);

    for (int i = 0; i < facts->memory_count; i++) {
        const struct phys_range *ram = &facts->memory[i];
        if (ram->base + ram->size > LINEAR_MAP_SIZE)
            panic("RAM at %lx is beyond the linear map", ram->base);
        uint64_t base = ram->base & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (ram->base + ram->size) & ~(uint64_t)(PAGE_SIZE - 1);
        map_range(LINEAR_MAP_BASE + base, base, end - base, KERNEL_DATA);
    }

    dsb_ish();
    replace_ttbr1_function *identity_mapped =
        (replace_ttbr1_function *)virt_to_phys((const void *)replace_ttbr1);
    identity_mapped(virt_to_phys(kernel_root), virt_to_phys(empty_table));
}

uintptr_t ioremap(uint64_t physical, uint64_t size)
{
    uint64_t offset = physical & (PAGE_SIZE - 1);
    uint64_t base = physical - offset;
    uint64_t length = (offset + size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (device_window_next + length > DEVICE_WINDOW_BASE + DEVICE_WINDOW_SIZE)
        panic("device window exhausted");
    uintptr_t va = device_window_next;
    device_window_next += length;
    map_range(va, base, length, KERNEL_DEVICE);
    dsb_ish();  /* new entries were invalid before: no TLB maintenance */
    isb();
    return va + offset;
}

void mmu_clear_user_space(void)
{
    write_sysreg(ttbr0_el1, virt_to_phys(empty_table));
    isb();
    __asm__ volatile("tlbi vmalle1; dsb nsh; isb" ::: "memory");
}

void dcache_clean_invalidate_range(const void *start, uint64_t size)
{
    uint64_t line = 4u << ((read_sysreg(ctr_el0) >> 16) & 0xf);
    uintptr_t address = (uintptr_t)start & ~(line - 1);
    for (; address < (uintptr_t)start + size; address += line)
        __asm__ volatile("dc civac, %0" : : "r"(address) : "memory");
    dsb_sy();
}
