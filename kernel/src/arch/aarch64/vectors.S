/*
 * The exception vector table.
 *
 * From the kernel (EL1), an entry saves a struct trap_frame on the kernel
 * stack, calls C with a pointer to it, and restores it.
 *
 * From user mode (EL0), SP_EL1 points just past the register area of the
 * running thread's TCB (restore_user_context leaves it there), so the same
 * save_frame stores the user registers straight into the TCB. The handler
 * then moves to this core's kernel stack and never returns: it leaves
 * through kernel_exit(), which restores whichever thread runs next.
 */
#include "arch/memory_layout.h"
#include "arch/trap_frame.h"

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

/* sp = top of this core's kernel stack (TPIDR_EL1 = cpu index). */
.macro use_kernel_stack
    mrs     x0, tpidr_el1
    adrp    x1, cpu_stacks
    add     x1, x1, :lo12:cpu_stacks
    add     x0, x0, #1
    mov     x2, #KERNEL_STACK_SIZE
    madd    x1, x0, x2, x1
    mov     sp, x1
.endm

/* A slot for entries from user mode: save into the TCB, call handler(). */
.macro user_vector handler
    .balign 0x80
    save_frame
    use_kernel_stack
    mov     x29, #0                 /* end of the frame-pointer chain */
    bl      \handler
.endm

/* One 128-byte vector slot: save, call handler(frame, kind), restore. */
.macro vector handler, kind
    .balign 0x80
    save_frame
    mov     x0, sp
    mov     x1, #\kind
    bl      \handler
    b       exception_return
.endm

    .text
    .balign 0x800
    .globl  exception_vectors
exception_vectors:
    /* Current EL with SP_EL0: never used by the kernel. */
    vector  handle_unexpected_exception, 0
    vector  handle_unexpected_exception, 1
    vector  handle_unexpected_exception, 2
    vector  handle_unexpected_exception, 3
    /* Current EL with SP_ELx: the kernel itself. */
    vector  handle_kernel_sync, 4
    vector  handle_irq, 5
    vector  handle_unexpected_exception, 6
    vector  handle_unexpected_exception, 7
    /* Lower EL, AArch64: user threads. A synchronous exception tries the
     * Linux upcall's way in and out first (upcall_fastpath.S). */
    .balign 0x80
    b       el0_sync_fast
    user_vector handle_user_irq
    vector  handle_unexpected_exception, 10
    vector  handle_unexpected_exception, 11
    /* Lower EL, AArch32: not supported. */
    vector  handle_unexpected_exception, 12
    vector  handle_unexpected_exception, 13
    vector  handle_unexpected_exception, 14
    vector  handle_unexpected_exception, 15

exception_return:
    restore_frame_and_return

/* A user thread's synchronous exception that el0_sync_fast did not take:
 * sp is lowered and x0-x3 are saved already. */
    .globl  el0_sync_general
el0_sync_general:
    save_frame_from_x4
    use_kernel_stack
    mov     x29, #0                 /* end of the frame-pointer chain */
    bl      handle_user_sync

/* restore_user_context(struct user_context *): run a thread. */
    .globl  restore_user_context
restore_user_context:
    mov     sp, x0
    restore_frame_and_return

/* idle_loop(): start this core's idle loop on an empty kernel stack. */
    .globl  idle_loop
idle_loop:
    use_kernel_stack
    b       idle_loop_body
