/*
 * The Linux upcall entry the fault tests register with VSpace_SetUpcall.
 * The kernel enters it in the thread that executed `svc #0`, with every
 * register as the thread left it. It records x8 and x0-x5 in
 * upcall_record, answers x0 = x8 + x0 (a made-up "syscall"), and returns
 * with TERN_SYS_UPCALL_RETURN, which resumes after the svc. It clobbers
 * x9 and x10 only.
 */
#define TERN_SVC_UPCALL_RETURN  (0x100 + 12)    /* checked in test_faults.c */

    .text
    .global upcall_entry
    .type upcall_entry, %function
    .balign 4
upcall_entry:
    adrp    x9, upcall_record
    add     x9, x9, :lo12:upcall_record
    stp     x8, x0, [x9, #0]
    stp     x1, x2, [x9, #16]
    stp     x3, x4, [x9, #32]
    str     x5, [x9, #48]
    ldr     x10, [x9, #56]          /* entries */
    add     x10, x10, #1
    str     x10, [x9, #56]
    add     x0, x8, x0
    svc     #TERN_SVC_UPCALL_RETURN
    /* Not reached: the kernel resumed the thread after its svc #0. */
    udf     #0
    .size upcall_entry, . - upcall_entry
