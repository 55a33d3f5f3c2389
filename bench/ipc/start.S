/* Root task entry: x0 = boot info, sp set by the kernel. */
    .globl  _start
_start:
    bl      benchmark_main
1:  b       1b
