/*
 * _start: the entry point of a native program. The kernel (or whoever
 * started the thread) has set the stack pointer and x0; enter root_main
 * with x0 as its argument, and stop the machine when it returns.
 */
    .section .text.start, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x29, #0             /* the end of the frame-pointer chain */
    mov     x30, #0
    bl      root_main
    bl      tern_root_exit      /* x0: root_main's return value */
1:  b       1b
    .size _start, . - _start
