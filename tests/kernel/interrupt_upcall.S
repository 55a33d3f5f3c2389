/*
 * For the interrupt tests (test_interrupt.c): an upcall entry with the
 * three entry points the kernel and procmgr use, and a loop that runs
 * with known values in every register.
 */
#define TERN_SVC_UPCALL_RETURN  (0x100 + 12)    /* checked in test_interrupt.c */

    .text
    .global interrupt_upcall_table
    .type interrupt_upcall_table, %function
    .balign 4
interrupt_upcall_table:
    b       linux_entry                 /* + 0: svc #0 */
    udf     #0                          /* + 4: procmgr's fault return, unused */
    b       interrupt_entry             /* + 8: an interrupt */
    .size interrupt_upcall_table, . - interrupt_upcall_table

/* svc #0: the answer is what the C function interrupt_test_linux_call
 * returns (it may clobber what a C call may). */
linux_entry:
    stp     x29, x30, [sp, #-16]!
    bl      interrupt_test_linux_call
    ldp     x29, x30, [sp], #16
    svc     #TERN_SVC_UPCALL_RETURN
    udf     #0

/* An interrupt: record x0-x30 and sp in interrupt_record (x[31], sp,
 * entries), count the entry, and return with every register intact. */
interrupt_entry:
    stp     x9, x10, [sp, #-16]!
    adrp    x9, interrupt_record
    add     x9, x9, :lo12:interrupt_record
    stp     x0, x1, [x9, #0]
    stp     x2, x3, [x9, #16]
    stp     x4, x5, [x9, #32]
    stp     x6, x7, [x9, #48]
    str     x8, [x9, #64]
    ldp     x0, x1, [sp]                /* the thread's x9, x10 */
    stp     x0, x1, [x9, #72]
    str     x11, [x9, #88]
    stp     x12, x13, [x9, #96]
    stp     x14, x15, [x9, #112]
    stp     x16, x17, [x9, #128]
    stp     x18, x19, [x9, #144]
    stp     x20, x21, [x9, #160]
    stp     x22, x23, [x9, #176]
    stp     x24, x25, [x9, #192]
    stp     x26, x27, [x9, #208]
    stp     x28, x29, [x9, #224]
    str     x30, [x9, #240]
    add     x0, sp, #16
    str     x0, [x9, #248]              /* sp as the kernel entered with it */
    ldr     x0, [x9, #256]
    add     x0, x0, #1
    str     x0, [x9, #256]
    ldp     x0, x1, [x9, #0]
    ldp     x9, x10, [sp], #16
    svc     #TERN_SVC_UPCALL_RETURN
    udf     #0

/* linux_svc0_77(): svc #0 with x8 = 77; returns the upcall's x0. */
    .global linux_svc0_77
    .type linux_svc0_77, %function
linux_svc0_77:
    mov     x8, #77
    svc     #0
    .global linux_svc0_77_return
linux_svc0_77_return:
    ret
    .size linux_svc0_77, . - linux_svc0_77

/* spin_with_known_registers(struct spin *spin): x1-x29 = 0x1000 + n, x0
 * = spin; set spin->started (offset 8), then wait for spin->release
 * (offset 0) with x30 as the only register that changes (it holds the
 * loaded word: 0 while waiting). Returns to the caller afterwards. */
    .global spin_with_known_registers
    .type spin_with_known_registers, %function
spin_with_known_registers:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    .irp n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29
    mov     x\n, #(0x1000 + \n)
    .endr
    mov     x30, #1
    str     x30, [x0, #8]
    .global spin_loop_start
spin_loop_start:
    ldr     x30, [x0]
    cbz     x30, spin_loop_start
    .global spin_loop_end
spin_loop_end:
    ldp     x27, x28, [sp, #80]
    ldp     x25, x26, [sp, #64]
    ldp     x23, x24, [sp, #48]
    ldp     x21, x22, [sp, #32]
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #96
    ret
    .size spin_with_known_registers, . - spin_with_known_registers
