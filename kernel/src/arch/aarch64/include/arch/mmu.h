/* The kernel's page tables: the linear map of RAM, the image, devices. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdint.h>
#include "arch/memory_layout.h"
#include "kernel/board.h"

/* Build the kernel's final TTBR1 tables (linear map of every RAM range the
 * device tree lists, the image with per-section permissions) and switch to
 * them. image_physical_base is where KERNEL_IMAGE_BASE is loaded. */
void mmu_init(const struct board_facts *facts, uint64_t image_physical_base);

/* Map a device's registers (Device-nGnRE, never executable) into the
 * device window and return their virtual address. */
uintptr_t ioremap(uint64_t physical, uint64_t size);

/* Install an empty user address space on the calling core. */
void mmu_clear_user_space(void);

uint64_t virt_to_phys(const void *kernel_address);

static inline void *phys_to_virt(uint64_t physical)
{
    return (void *)(physical + LINEAR_MAP_BASE);
}

#endif
