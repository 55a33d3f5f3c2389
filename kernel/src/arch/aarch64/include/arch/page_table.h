/*
 * VMSAv8-64 translation table descriptors, 4 KiB granule. Shared by the
 * boot assembly (the first tables) and mmu.c (the kernel's final tables).
 */
#ifndef ARCH_PAGE_TABLE_H
#define ARCH_PAGE_TABLE_H

#include "arch/registers.h"

#define PTE_VALID               (1 << 0)
#define PTE_TABLE               (1 << 1)    /* at L1/L2: points to a table */
#define PTE_PAGE                (1 << 1)    /* at L3: a 4 KiB page */
#define PTE_BLOCK               0           /* at L1/L2: a block */
#define PTE_ATTR(index)         ((index) << 2)
#define PTE_AP_EL0              (1 << 6)    /* AP[1]: EL0 may access */
#define PTE_AP_READ_ONLY        (1 << 7)    /* AP[2] */
#define PTE_SH_INNER            (3 << 8)
#define PTE_AF                  (1 << 10)
#define PTE_NG                  (1 << 11)   /* not global: tagged by ASID */
#define PTE_PXN                 BIT(53)
#define PTE_UXN                 BIT(54)
#define PTE_ADDRESS_MASK        0x0000fffffffff000

#define PTE_TABLE_DESCRIPTOR    (PTE_VALID | PTE_TABLE)
#define PTE_KERNEL_BLOCK        (PTE_VALID | PTE_BLOCK | PTE_ATTR(MAIR_INDEX_NORMAL) | \
                                 PTE_SH_INNER | PTE_AF)

#define TABLE_ENTRIES           512

#endif
