/*
 * linux_upcall_entry: where the kernel sends a Linux `svc #0` of any
 * thread of this process (docs/abi.md, "The Linux upcall"). Every register
 * is the thread's; the return address and PSTATE are in the thread's IPC
 * buffer, whose address is in TPIDRRO_EL0.
 *
 * The personality runs on its own stack, the one that ends where this
 * thread's IPC buffer begins (sys/linux_process.h, thread areas): procmgr
 * names it as the thread's upcall stack (ipc_buffer->upcall_stack), so
 * the kernel enters here with sp on it and the program's sp saved in
 * ipc_buffer->upcall_saved_sp, and UpcallReturn puts that sp back. The
 * program's stack is never touched: a thread may have unmapped it (musl's
 * exiting detached threads do), and a syscall never depends on how much
 * of it is left.
 *
 * The way back restores x1..x30 from the frame (only those the C code may
 * change when the frame was not rewritten) and returns through
 * UpcallReturn, which resumes at upcall_return_address with x0 = the
 * result, sp restored, and every other register as it is then. The
 * personality is built with -mgeneral-regs-only: FP/SIMD registers are
 * never touched, so they need no saving.
 */
#include "frame.h"

    .section .text.entry, "ax"
    .global linux_upcall_entry
    .type linux_upcall_entry, %function
    .balign 4
linux_upcall_entry:
    b       linux_upcall_body

/*
 * linux_fault_return, at linux_upcall_entry + 4 (TERN_UPCALL_FAULT_RETURN_OFFSET,
 * tern/syscalls.h): where procmgr sends a thread whose personality
 * code faulted on a bad user address. The syscall ends with -EFAULT and
 * the frame it saved, as Linux's copy_from_user fixups make it, unless the
 * fault was in a signal frame (linux_fault_returned).
 */
    .global linux_fault_return
linux_fault_return:
    b       linux_fault_return_body

/*
 * linux_interrupt_entry, at linux_upcall_entry + 8
 * (TERN_UPCALL_INTERRUPT_OFFSET): where the kernel sends a thread that was
 * interrupted (TCB_Interrupt) while it ran the program's own code, or as
 * it left a syscall. Every register is the program's, x0 included; the
 * frame is saved as for a syscall and linux_interrupted decides what x0
 * becomes (a signal handler's argument, or x0 again).
 */
linux_interrupt_entry:
    b       linux_interrupt_body

linux_fault_return_body:
    mrs     x0, tpidrro_el0
    sub     sp, x0, #LINUX_FRAME_SIZE
    mov     x0, sp
    bl      linux_fault_returned        /* x0: the result */
    b       linux_upcall_return

/* Saves the thread's registers, sp, pc and PSTATE in a frame on this
 * stack (the upcall stack, just below the IPC buffer: linux_fault_return
 * finds it there) and leaves its address in x0. */
.macro save_frame
    sub     sp, sp, #LINUX_FRAME_SIZE
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x0, tpidrro_el0
    ldr     x1, [x0, #LINUX_IPC_UPCALL_SAVED_SP]
    stp     x30, x1, [sp, #LINUX_FRAME_X30]     /* x30 and the program's sp */
    ldr     x2, [x0, #LINUX_IPC_UPCALL_RETURN_ADDRESS]
    ldr     x3, [x0, #LINUX_IPC_UPCALL_RETURN_PSTATE]
    stp     x2, x3, [sp, #LINUX_FRAME_PC]
    mov     x29, #0                     /* the frame-pointer chain ends here */
    mov     x30, #0
    mov     x0, sp
.endm

linux_upcall_body:
    save_frame
    bl      linux_syscall               /* x0: the result; x1: frame rewritten */
    cbz     x1, restore_caller_saved    /* x19..x28: the program's still */
    b       linux_upcall_return

linux_interrupt_body:
    save_frame
    bl      linux_interrupted           /* x0: what the program's x0 becomes */

/* Back to the program with the frame's registers and x0; sp, pc and
 * PSTATE are the IPC buffer's, which linux_resume_with wrote from it.
 * The C code keeps x19..x28, so a frame nobody rewrote needs only the
 * rest (restore_caller_saved). */
linux_upcall_return:
    ldp     x19, x20, [sp, #152]
    ldp     x21, x22, [sp, #168]
    ldp     x23, x24, [sp, #184]
    ldp     x25, x26, [sp, #200]
    ldp     x27, x28, [sp, #216]
restore_caller_saved:
    ldr     x1, [sp, #8]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldr     x18, [sp, #144]
    ldp     x29, x30, [sp, #232]
    svc     #LINUX_SVC_UPCALL_RETURN    /* sp: the program's again */
    .size linux_upcall_entry, . - linux_upcall_entry

/*
 * Where a handler returns when its sigaction gave no SA_RESTORER (musl
 * always gives one): rt_sigreturn, as Linux's vDSO trampoline does.
 */
    .text
    .global linux_signal_trampoline
    .type linux_signal_trampoline, %function
    .balign 4
linux_signal_trampoline:
    mov     x8, #139                    /* rt_sigreturn */
    svc     #0
    .size linux_signal_trampoline, . - linux_signal_trampoline
