/* The registers vectors.S saves on the kernel stack at every exception. */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#define TRAP_FRAME_SIZE 272

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
    uint64_t x[31];
    uint64_t sp_el0;
    uint64_t elr;
    uint64_t spsr;
};

_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "vectors.S layout");
#endif

#endif
