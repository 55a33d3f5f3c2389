/*
 * Kernel entry: the arm64 Image header, the drop from EL2 to EL1, the first
 * page tables and the switch to the kernel's virtual addresses.
 *
 * The bootloader (QEMU, U-Boot's booti, the Pi firmware) enters at offset 0
 * with the MMU off, x0 = physical address of the device tree. Until the MMU
 * is on, everything here runs at whatever physical address the image was
 * loaded to, so only PC-relative addressing (adr/adrp) is used.
 *
 * The first tables map just enough for kernel_main(): the image at
 * KERNEL_IMAGE_BASE, the device tree at BOOT_DTB_WINDOW (2 MiB blocks,
 * TTBR1), and an identity map of the image (TTBR0) to survive the instant the
 * MMU comes on. mmu.c later builds the real tables from the device tree.
 */
#include "arch/memory_layout.h"
#include "arch/page_table.h"
#include "arch/registers.h"

/* x = physical address of symbol (PC-relative; valid before the MMU). */
.macro adr_l reg, symbol
    adrp    \reg, \symbol
    add     \reg, \reg, :lo12:\symbol
.endm

    .section ".text.head", "ax"
    .globl  _start
_start:
    /* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
    b       primary_entry               /* code0 */
    .long   0                           /* code1 */
    .quad   KERNEL_TEXT_OFFSET          /* text_offset */
    .quad   _kernel_image_size          /* image_size, including bss */
    .quad   0x2                         /* flags: LE, 4 KiB pages, 2 MiB-aligned base */
    .quad   0, 0, 0                     /* res2..res4 */
    .ascii  "ARM\x64"                   /* magic */
    .long   0                           /* res5 */

primary_entry:
    mov     x19, x0                     /* x19 = device tree (physical) */
    bl      leave_el2                   /* x20 = exception level we came in at */

    /* The image must sit at a 2 MiB boundary + text_offset, as booti and
     * the Pi firmware place it; the block mappings below rely on that. */
    adr     x21, _start                 /* x21 = physical load address */
    and     x0, x21, #(BLOCK_SIZE - 1)
    cmp     x0, #KERNEL_TEXT_OFFSET
    b.ne    hang
    sub     x22, x21, #KERNEL_TEXT_OFFSET   /* x22 = physical base of the image window */

    adr_l   x0, __bss_start
    adr_l   x1, __bss_end
1:  stp     xzr, xzr, [x0], #16
    cmp     x0, x1
    b.lo    1b

    /* TTBR1: the image window, 2 MiB blocks from x22. */
    adr_l   x0, boot_ttbr1_l1
    adr_l   x1, boot_image_l2
    ldr     x2, =KERNEL_IMAGE_BASE
    mov     x3, x22
    ldr     x4, =_kernel_image_size
    add     x4, x4, #KERNEL_TEXT_OFFSET
    bl      map_blocks

    /* TTBR1: the device tree window, two blocks (a DTB is at most 2 MiB). */
    cbz     x19, hang
    adr_l   x0, boot_ttbr1_l1
    adr_l   x1, boot_dtb_l2
    ldr     x2, =BOOT_DTB_WINDOW
    and     x3, x19, #~(BLOCK_SIZE - 1)
    mov     x4, #(2 * BLOCK_SIZE)
    bl      map_blocks

    /* TTBR0: identity map of the image window. */
    adr_l   x0, boot_idmap_l1
    adr_l   x1, boot_idmap_l2
    mov     x2, x22
    mov     x3, x22
    ldr     x4, =_kernel_image_size
    add     x4, x4, #KERNEL_TEXT_OFFSET
    bl      map_blocks

    /* The tables and bss were written with the MMU (and so the D-cache)
     * off: drop any stale cache lines a bootloader may have left. */
    adr_l   x0, __bss_start
    adr_l   x1, __bss_end
    bl      invalidate_dcache_range

    adr_l   x0, boot_idmap_l1
    adr_l   x1, boot_ttbr1_l1
    bl      enable_mmu

    ldr     x0, =primary_virtual
    br      x0

primary_virtual:
    mov     x0, #0                      /* the boot core is cpu 0 */
    bl      set_cpu_stack
    adr_l   x0, exception_vectors
    msr     vbar_el1, x0
    isb
    /* kernel_main(dtb window address, dtb physical, image physical base, entry EL) */
    ldr     x0, =BOOT_DTB_WINDOW
    and     x1, x19, #(BLOCK_SIZE - 1)
    add     x0, x0, x1
    mov     x1, x19
    mov     x2, x22
    mov     x3, x20
    bl      kernel_main
    b       hang

/*
 * Secondary cores start here (physical address, MMU off), released by PSCI
 * CPU_ON or from a spin table. smp.c filled secondary_boot_tables and cleaned
 * it to the point of coherency, since we read it with the D-cache off.
 */
    .globl  secondary_entry
secondary_entry:
    bl      leave_el2
    adr_l   x0, boot_idmap_l1
    adr_l   x1, secondary_boot_ttbr1
    ldr     x1, [x1]
    bl      enable_mmu
    ldr     x0, =secondary_virtual
    br      x0

secondary_virtual:
    /* Our cpu index is our MPIDR's position in cpu_mpidr[] (smp.c). */
    mrs     x1, mpidr_el1
    ldr     x2, =MPIDR_AFFINITY_MASK
    and     x1, x1, x2
    adr_l   x2, cpu_mpidr
    mov     x19, #0
1:  ldr     x3, [x2, x19, lsl #3]
    cmp     x3, x1
    b.eq    2f
    add     x19, x19, #1
    cmp     x19, #MAX_CPUS
    b.lo    1b
    b       hang
2:  mov     x0, x19
    bl      set_cpu_stack
    adr_l   x0, exception_vectors
    msr     vbar_el1, x0
    isb
    mov     x0, x19
    bl      secondary_main
    b       hang

/* sp = top of cpu x0's kernel stack. Clobbers x1-x2. */
set_cpu_stack:
    adr_l   x1, cpu_stacks
    add     x2, x0, #1
    mov     x0, #KERNEL_STACK_SIZE
    madd    x1, x2, x0, x1
    mov     sp, x1
    ret

/*
 * Leave EL2 for EL1 if we were entered at EL2; x20 = the entry EL.
 * Clobbers x0-x1. Returns at EL1 to the caller.
 */
leave_el2:
    mrs     x0, CurrentEL
    lsr     x20, x0, #2
    cmp     x20, #2
    b.eq    1f
    cmp     x20, #1
    b.ne    hang                        /* EL3 is not supported */
    ret
1:  ldr     x0, =HCR_EL2_RW
    msr     hcr_el2, x0
    mrs     x0, cnthctl_el2
    orr     x0, x0, #CNTHCTL_EL1_TIMER_ACCESS
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    /* With a GICv3, let EL1 use the system-register CPU interface. */
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4
    cbz     x0, 2f
    mrs     x0, S3_4_C12_C9_5           /* ICC_SRE_EL2 */
    mov     x1, #ICC_SRE_EL2_SRE_ENABLE
    orr     x0, x0, x1
    msr     S3_4_C12_C9_5, x0
    isb
2:  mov     x0, #CPTR_EL2_NO_TRAPS
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    /* Give EL1 every PMU counter (benchmarks read them). */
    mrs     x0, pmcr_el0
    ubfx    x0, x0, #11, #5
    msr     mdcr_el2, x0
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    msr     vttbr_el2, xzr
    ldr     x0, =SCTLR_MMU_OFF
    msr     sctlr_el1, x0
    mov     x0, #SPSR_EL1H_MASKED
    msr     spsr_el2, x0
    msr     elr_el2, x30
    eret

/*
 * Turn the MMU on with x0 = TTBR0 table, x1 = TTBR1 table (physical).
 * Runs from the identity map, so execution carries on at the next
 * instruction. Clobbers x0-x3.
 */
enable_mmu:
    ldr     x2, =MAIR_VALUE
    msr     mair_el1, x2
    ldr     x2, =TCR_VALUE
    mrs     x3, id_aa64mmfr0_el1        /* physical address size */
    ubfx    x3, x3, #0, #3
    bfi     x2, x3, #TCR_IPS_SHIFT, #3
    msr     tcr_el1, x2
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x1
    mov     x2, #CPACR_FPEN_ALL
    msr     cpacr_el1, x2
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x2, =SCTLR_MMU_ON
    msr     sctlr_el1, x2
    isb
    ic      iallu
    dsb     nsh
    isb
    ret

/*
 * Map [x2, x2 + x4) to physical x3 with 2 MiB blocks, through the L1 table
 * x0 and the L2 table x1 (all within one 1 GiB region). Clobbers x4-x7.
 */
map_blocks:
    ubfx    x5, x2, #L1_SHIFT, #9       /* L1 index */
    orr     x6, x1, #PTE_TABLE_DESCRIPTOR
    str     x6, [x0, x5, lsl #3]
    ubfx    x5, x2, #BLOCK_SHIFT, #9    /* first L2 index */
    ldr     x7, =PTE_KERNEL_BLOCK
    orr     x6, x3, x7
    ldr     x7, =(BLOCK_SIZE - 1)
    add     x4, x4, x7
    lsr     x4, x4, #BLOCK_SHIFT        /* block count */
1:  str     x6, [x1, x5, lsl #3]
    add     x5, x5, #1
    add     x6, x6, #BLOCK_SIZE
    subs    x4, x4, #1
    b.ne    1b
    ret

/* Invalidate the data cache lines covering [x0, x1). Clobbers x0-x3. */
invalidate_dcache_range:
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4             /* DminLine: log2 of words */
    mov     x2, #4
    lsl     x2, x2, x3                  /* line size in bytes */
    sub     x3, x2, #1
    bic     x0, x0, x3
1:  dc      ivac, x0
    add     x0, x0, x2
    cmp     x0, x1
    b.lo    1b
    dsb     sy
    ret

    .globl  hang
hang:
    wfe
    b       hang

    .ltorg

/* The first page tables; kept for the life of the system because the
 * identity map serves every secondary core's MMU switch. */
    .section ".bss.page_tables", "aw", %nobits
    .balign PAGE_SIZE
    .globl  boot_idmap_l1
boot_ttbr1_l1:  .space PAGE_SIZE
boot_image_l2:  .space PAGE_SIZE
boot_dtb_l2:    .space PAGE_SIZE
boot_idmap_l1:  .space PAGE_SIZE
boot_idmap_l2:  .space PAGE_SIZE

    .section ".bss.stacks", "aw", %nobits
    .balign 16
    .globl  cpu_stacks
cpu_stacks:     .space KERNEL_STACK_SIZE * MAX_CPUS

/*
 * replace_ttbr1(new root, empty root): install new kernel tables. mmu.c
 * calls it at its physical address, through the identity map, so no
 * instruction fetch depends on TTBR1 while it changes; passing through an
 * empty table means old and new translations never coexist in the TLB.
 */
    .text
    .globl  replace_ttbr1
replace_ttbr1:
    msr     ttbr1_el1, x1
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ret
