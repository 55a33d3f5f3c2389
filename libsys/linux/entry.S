/*
 * linux_upcall_entry: where the kernel sends a Linux `svc #0` of any
 * thread of this process (docs/abi.md, "The Linux upcall"). Every register
 * is the thread's; the return address and PSTATE are in the thread's IPC
 * buffer, whose address is in TPIDRRO_EL0.
 *
 * The personality runs on its own stack, the one that ends where this
 * thread's IPC buffer begins (sys/linux_process.h, thread areas), so a
 * syscall never depends on how much user stack is left. No register is
 * free on entry, so x0 and x1 are parked for a moment just below the
 * user's stack pointer (sp does not move): AArch64 has no red zone and
 * Linux itself writes signal frames there, so nothing of the program's
 * lives below sp.
 *
 * The way back restores x1..x30 and sp from the frame and returns through
 * UpcallReturn, which resumes at upcall_return_address with x0 = the
 * result and every other register as it is then. The personality is built
 * with -mgeneral-regs-only: FP/SIMD registers are never touched, so they
 * need no saving.
 */
#include "frame.h"

    .section .text.entry, "ax"
    .global linux_upcall_entry
    .type linux_upcall_entry, %function
    .balign 4
linux_upcall_entry:
    stp     x0, x1, [sp, #-16]          /* park x0, x1 below the user's sp */
    mov     x1, sp
    mrs     x0, tpidrro_el0             /* the personality stack ends here */
    sub     x0, x0, #LINUX_FRAME_SIZE
    mov     sp, x0

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
    stp     x30, x1, [sp, #LINUX_FRAME_X30]     /* x30 and the user's sp */
    ldp     x2, x3, [x1, #-16]                  /* the parked x0, x1 */
    stp     x2, x3, [sp, #0]
    mrs     x0, tpidrro_el0
    ldr     x2, [x0, #LINUX_IPC_UPCALL_RETURN_ADDRESS]
    ldr     x3, [x0, #LINUX_IPC_UPCALL_RETURN_PSTATE]
    stp     x2, x3, [sp, #LINUX_FRAME_PC]

    mov     x29, #0                     /* the frame-pointer chain ends here */
    mov     x30, #0
    mov     x0, sp
    bl      linux_syscall               /* x0: the result */

    /* Park the user's x1 below its sp again (the frame is about to be
     * left behind with the personality stack), then restore x3..x30,
     * switch back to the user's stack and restore x2 and x1 last. */
    ldr     x2, [sp, #LINUX_FRAME_SP]
    ldr     x3, [sp, #LINUX_FRAME_X1]
    str     x3, [x2, #-8]
    ldp     x3, x4, [sp, #24]
    ldp     x5, x6, [sp, #40]
    ldp     x7, x8, [sp, #56]
    ldp     x9, x10, [sp, #72]
    ldp     x11, x12, [sp, #88]
    ldp     x13, x14, [sp, #104]
    ldp     x15, x16, [sp, #120]
    ldp     x17, x18, [sp, #136]
    ldp     x19, x20, [sp, #152]
    ldp     x21, x22, [sp, #168]
    ldp     x23, x24, [sp, #184]
    ldp     x25, x26, [sp, #200]
    ldp     x27, x28, [sp, #216]
    ldp     x29, x30, [sp, #232]
    ldr     x1, [sp, #LINUX_FRAME_X2]
    mov     sp, x2
    mov     x2, x1
    ldr     x1, [sp, #-8]
    svc     #LINUX_SVC_UPCALL_RETURN
    .size linux_upcall_entry, . - linux_upcall_entry
