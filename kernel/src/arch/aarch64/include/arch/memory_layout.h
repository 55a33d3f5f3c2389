/*
 * The kernel's virtual address space (39-bit VAs, 4 KiB granule, three
 * levels of translation from L1 to L3, for both TTBR0 and TTBR1).
 *
 *   0x0000_0000_0000_0000 .. 0x0000_007f_ffff_ffff  user (TTBR0)
 *   0xffff_ff80_0000_0000 .. 0xffff_ffbf_ffff_ffff  linear map: VA = PA + LINEAR_MAP_BASE
 *   0xffff_ffc0_0000_0000 .. 0xffff_ffc3_ffff_ffff  device window (ioremap)
 *   0xffff_ffff_8000_0000 .. +4 MiB                 boot-time view of the device tree
 *   0xffff_ffff_c000_0000 ..                        the kernel image (linked here)
 *
 * The image is linked at a fixed address and mapped to wherever the
 * bootloader put it; its physical placement is only known at entry
 * (0x40080000 on QEMU virt, 0x80000 on a Pi). Usable from C and assembly.
 */
#ifndef ARCH_MEMORY_LAYOUT_H
#define ARCH_MEMORY_LAYOUT_H

#define VA_BITS                 39
#define PAGE_SHIFT              12
#define PAGE_SIZE               (1 << PAGE_SHIFT)
#define BLOCK_SHIFT             21                  /* L2 block: 2 MiB */
#define BLOCK_SIZE              (1 << BLOCK_SHIFT)
#define L1_SHIFT                30                  /* L1 block: 1 GiB */

#define LINEAR_MAP_BASE         0xffffff8000000000
#define LINEAR_MAP_SIZE         0x0000004000000000  /* 256 GiB of physical space */
#define DEVICE_WINDOW_BASE      0xffffffc000000000
#define DEVICE_WINDOW_SIZE      0x0000000400000000
#define BOOT_DTB_WINDOW         0xffffffff80000000  /* two 2 MiB blocks */
#define BOOT_DTB_MAX_SIZE       0x200000
#define KERNEL_IMAGE_BASE       0xffffffffc0000000
#define KERNEL_TEXT_OFFSET      0x80000             /* Image header text_offset */
#define KERNEL_LINK_ADDRESS     (KERNEL_IMAGE_BASE + KERNEL_TEXT_OFFSET)

#define KERNEL_STACK_SIZE       0x4000
#define MAX_CPUS                8

#endif
