/*
 * FP/SIMD state. A thread starts without FP state; its first FP
 * instruction traps (CPACR_EL1.FPEN = EL0 trapped), which marks it as an
 * FP user. From then on its registers are saved when it is switched out
 * and restored when it is switched in. Threads that never touch FP (the
 * servers, built with -mgeneral-regs-only) never pay for it.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include "object/tcb.h"

void fpu_save(struct fp_context *fp);
/* Load next's FP state if it has any, and set the trap accordingly. */
void fpu_switch_to(struct tcb *next);
/* The trap on a thread's first FP instruction. */
void fpu_first_use(struct tcb *thread);

#endif
