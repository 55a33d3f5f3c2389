/*
 * Assembler macros shared by the exception entries (vectors.S) and the
 * fast entries from user mode (upcall_fastpath.S): saving and restoring a
 * thread's registers, the kernel stack, and the kernel lock.
 */
#ifndef ARCH_ENTRY_MACROS_H
#define ARCH_ENTRY_MACROS_H

#include "arch/memory_layout.h"
#include "arch/trap_frame.h"

#ifdef __ASSEMBLER__

.macro save_frame
    sub     sp, sp, #TRAP_FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    save_frame_from_x4
.endm

/* The rest of save_frame, once sp is lowered and x0-x3 are saved. */
.macro save_frame_from_x4
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x21, sp_el0
    stp     x30, x21, [sp, #16 * 15]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #16 * 16]
.endm

.macro restore_frame_and_return
    ldp     x22, x23, [sp, #16 * 16]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    ldp     x30, x21, [sp, #16 * 15]
    msr     sp_el0, x21
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #TRAP_FRAME_SIZE
    eret
.endm

/* sp = top of this core's kernel stack (TPIDR_EL1, cpu_set_identity).
 * Uses x1. */
.macro use_kernel_stack
    mrs     x1, tpidr_el1
    mov     sp, x1
.endm

/* Takes the kernel lock if it is free, else branches to busy (which
 * waits for it the general way) by way of kernel_lock_busy_exit, which
 * the file places once per busy label, out of the straight line. Uses
 * x1, x2, x3 and no call, so that it serves where x30 is still the
 * thread's. */
.macro take_kernel_lock busy
    adrp    x2, kernel_lock
    add     x2, x2, :lo12:kernel_lock
    mov     w3, #1
1:  ldaxr   w1, [x2]
    cbnz    w1, \busy\()_clrex
    stxr    w1, w3, [x2]
    cbnz    w1, 1b
.endm

/* The other half of take_kernel_lock busy: once per busy label. */
.macro kernel_lock_busy_exit busy
\busy\()_clrex:
    clrex
    b       \busy
.endm

#endif

#endif
