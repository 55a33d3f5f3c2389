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
#include "arch/entry_macros.h"

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
 * sp is lowered and x0-x3 are saved already. handle_user_sync(thread,
 * esr): the TCB starts where its register area does, at sp. */
    .globl  el0_sync_general
el0_sync_general:
    save_frame_from_x4
    mov     x19, sp
    use_kernel_stack
    mov     x29, #0                 /* end of the frame-pointer chain */
    mov     x0, x19
    mrs     x1, esr_el1
    bl      handle_user_sync

/* Call, ReplyRecv, Recv and Reply, from el0_sync_fast with x0-x3 saved:
 * every register to the TCB, the kernel lock, then the C fast path
 * (kernel/fastpath.c)
 * with x0 = the thread (its TCB, where sp was), which leaves the kernel
 * itself when it does the call. When it returns it has changed nothing,
 * and the general handler takes the call, with the lock held. The fast
 * path makes no frame, so only the ways out of it end the frame-pointer
 * chain (x29 = 0). */
.macro enter_ipc_fast_path
    save_frame_from_x4
    mov     x0, sp
    use_kernel_stack
    take_kernel_lock ipc_lock_busy
.endm

    .globl  el0_call
el0_call:
    enter_ipc_fast_path
    bl      fastpath_call
    mov     x29, #0
    bl      handle_declined_call            /* kernel/syscall.c */

    .globl  el0_reply_receive
el0_reply_receive:
    enter_ipc_fast_path
    bl      fastpath_reply_receive
    mov     x29, #0
    bl      handle_declined_fast_path

    .globl  el0_receive
el0_receive:
    enter_ipc_fast_path
    bl      fastpath_receive
    mov     x29, #0
    bl      handle_declined_fast_path

    .globl  el0_reply
el0_reply:
    enter_ipc_fast_path
    bl      fastpath_reply
    mov     x29, #0
    bl      handle_declined_fast_path

/* The kernel lock is taken: wait for it the general way. x0 = the thread. */
ipc_lock_busy:
    mov     x29, #0
    mrs     x1, esr_el1
    bl      handle_user_sync

    kernel_lock_busy_exit ipc_lock_busy

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
