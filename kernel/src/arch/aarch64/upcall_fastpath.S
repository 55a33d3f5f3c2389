/*
 * el0_sync_fast sorts a user thread's synchronous exceptions before any
 * register but x0-x3 is saved: svc #0 and UpcallReturn are done here,
 * Call, ReplyRecv, Recv and Reply go to their fast paths (el0_call,
 * el0_reply_receive, el0_receive, el0_reply in vectors.S), anything else
 * to the general entry.
 *
 * The Linux upcall's way in (svc #0) and out (UpcallReturn) in a straight
 * line of assembly, ahead of the general entry: upcall_enter and
 * upcall_leave (kernel/interrupt.c) for a thread that carries on at once,
 * as kernel/fastpath.c does them in C. Only x0-x3 are needed here: they
 * go to their places in the thread's register area and come back, and
 * every other register stays the thread's, so nothing else is saved.
 *
 * Whatever this path does not do goes on to the general entry
 * (el0_sync_general, vectors.S) with x0-x3 saved, as if it had never
 * looked: any other exception, the kernel lock held by another core (the
 * general entry waits, answering what that core asks of this one), no
 * IPC buffer or upcall entry (a fault), or on the way out an interrupt to
 * deliver.
 */
#include "arch/entry_macros.h"
#include "arch/upcall_offsets.h"

/* x1 = the thread's IPC buffer (kernel address), as tcb_ipc_buffer()
 * reads it from the TCB at sp; to fail if it has none. Uses x0. */
.macro ipc_buffer fail
    ldrb    w0, [sp, #TCB_IPC_FRAME_CAP_TYPE]
    cmp     w0, #UPCALL_CAP_FRAME
    b.ne    \fail
    ldr     x1, [sp, #TCB_IPC_BUFFER]
.endm

    .text
    .globl  el0_sync_fast
el0_sync_fast:
    /* sp is just past the running thread's register area (vectors.S):
     * the TCB starts where the area does. */
    sub     sp, sp, #TRAP_FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    mrs     x0, esr_el1
    mov     x1, #UPCALL_ESR_LINUX_SVC
    sub     x0, x0, x1              /* an svc's immediate, if it is one */
    cmp     x0, #UPCALL_SVC_CALL
    b.eq    el0_call                /* vectors.S */
    cmp     x0, #UPCALL_SVC_REPLY_RECV
    b.eq    el0_reply_receive
    cbz     x0, linux_svc
    cmp     x0, #UPCALL_SVC_RETURN
    b.eq    upcall_return
    cmp     x0, #UPCALL_SVC_RECV
    b.eq    el0_receive
    cmp     x0, #UPCALL_SVC_REPLY
    b.eq    el0_reply
    b       el0_sync_general

    /* UpcallReturn: back to the program, unless an interrupt waits. */
upcall_return:
    take_kernel_lock el0_sync_general
    ldrb    w0, [sp, #TCB_INTERRUPT_PENDING]
    cbnz    w0, unlock_and_go_general
    ipc_buffer unlock_and_go_general
    ldr     x2, [x1, #IPC_UPCALL_RETURN_ADDRESS]
    msr     elr_el1, x2
    ldr     x2, [x1, #IPC_UPCALL_RETURN_PSTATE]
    and     x2, x2, #0xf0000000         /* the condition flags only */
    msr     spsr_el1, x2
    ldr     x2, [x1, #IPC_UPCALL_STACK]
    cbz     x2, 4f
    ldr     x2, [x1, #IPC_UPCALL_SAVED_SP]
    msr     sp_el0, x2
4:  strb    wzr, [sp, #TCB_IN_UPCALL]
    b       unlock_and_return

    /* svc #0: into the upcall entry, on the upcall stack if it has one. */
linux_svc:
    take_kernel_lock el0_sync_general
    ipc_buffer unlock_and_go_general
    ldrb    w0, [sp, #TCB_VSPACE_CAP_TYPE]
    cmp     w0, #UPCALL_CAP_VSPACE
    b.ne    unlock_and_go_general
    ldr     x0, [sp, #TCB_VSPACE_CAP_OBJECT]
    ldr     x0, [x0, #(PAGE_SIZE + VSPACE_UPCALL_ENTRY)]
    cbz     x0, unlock_and_go_general
    mrs     x2, elr_el1
    str     x2, [x1, #IPC_UPCALL_RETURN_ADDRESS]
    mrs     x2, spsr_el1
    str     x2, [x1, #IPC_UPCALL_RETURN_PSTATE]
    msr     elr_el1, x0                 /* + TERN_UPCALL_SYSCALL_OFFSET, 0 */
    ldr     x2, [x1, #IPC_UPCALL_STACK]
    cbz     x2, 4f
    mrs     x3, sp_el0
    str     x3, [x1, #IPC_UPCALL_SAVED_SP]
    msr     sp_el0, x2
4:  mov     w2, #1
    strb    w2, [sp, #TCB_IN_UPCALL]

unlock_and_return:
    adrp    x2, kernel_lock
    add     x2, x2, :lo12:kernel_lock
    stlr    wzr, [x2]
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    add     sp, sp, #TRAP_FRAME_SIZE
    eret

unlock_and_go_general:
    adrp    x2, kernel_lock
    add     x2, x2, :lo12:kernel_lock
    stlr    wzr, [x2]
    b       el0_sync_general

    kernel_lock_busy_exit el0_sync_general

