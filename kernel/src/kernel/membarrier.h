/* membarrier(2), in the kernel: memory barriers on other cores by IPI. */
#ifndef KERNEL_MEMBARRIER_H
#define KERNEL_MEMBARRIER_H

#include <stdint.h>
#include "object/tcb.h"

/* Linux's membarrier(cmd, flags, cpu_id) for the caller's address space;
 * returns what Linux returns (a mask, 0, or -errno). */
int64_t membarrier(struct tcb *caller, uint64_t command, uint64_t flags, uint64_t cpu_id);

/* On the target core, from the IPI handler (no kernel lock needed). */
void membarrier_answer_ipi(unsigned cpu);

#endif
