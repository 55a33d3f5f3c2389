/*
 * setjmp/longjmp for the test runner: a failed CHECK jumps from deep in a
 * test back to run_test. Only the callee-saved general registers and sp
 * are kept (the tests are built -mgeneral-regs-only).
 *
 *   int ktest_setjmp(struct jump_buffer *buffer)
 *   void ktest_longjmp(struct jump_buffer *buffer, int value)
 */
    .text
    .global ktest_setjmp
    .type ktest_setjmp, %function
ktest_setjmp:
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x1, sp
    str     x1, [x0, #96]
    mov     w0, #0
    ret
    .size ktest_setjmp, . - ktest_setjmp

    .global ktest_longjmp
    .type ktest_longjmp, %function
ktest_longjmp:
    ldp     x19, x20, [x0, #0]
    ldp     x21, x22, [x0, #16]
    ldp     x23, x24, [x0, #32]
    ldp     x25, x26, [x0, #48]
    ldp     x27, x28, [x0, #64]
    ldp     x29, x30, [x0, #80]
    ldr     x2, [x0, #96]
    mov     sp, x2
    cmp     w1, #0
    csinc   w0, w1, wzr, ne         /* setjmp returns value, or 1 for 0 */
    ret
    .size ktest_longjmp, . - ktest_longjmp
