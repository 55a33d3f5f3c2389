/*
 * FP/SIMD state, switched lazily. A thread starts without FP state; its
 * first FP instruction traps (CPACR_EL1.FPEN traps EL0) and gives it
 * some. A core's FP registers then keep the state of the last thread that
 * used them there, their owner, until another thread on that core uses
 * FP/SIMD: every thread but the owner runs with the trap set, and the
 * trap saves the owner's state to its TCB and loads the trapping
 * thread's. So a program that uses SIMD and calls servers that never do
 * (they are built with -mgeneral-regs-only) pays nothing for FP on those
 * calls, where saving and loading 512 bytes each way used to cost about
 * a hundred instructions.
 *
 * The owner's TCB copy is stale; before the thread runs on another core
 * or its state is read, fpu_flush puts it there, asking the owning core
 * when that is another (which answers in its interrupt handler, or while
 * it waits for the kernel lock: fpu_answer_flush_request).
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <stdbool.h>
#include "arch/cpu.h"
#include "arch/memory_layout.h"
#include "arch/registers.h"
#include "object/tcb.h"

#define CPACR_FPEN_TRAP_EL0         (1 << 20)

/* Per core: whose state the FP registers hold (0: nobody's). EL0 may
 * use them exactly while their owner is the core's current thread: every
 * change of owner or of current thread keeps that true. Written by their
 * own core, under the kernel lock or in fpu_answer_flush_request. */
extern struct tcb *fp_owner[MAX_CPUS];

/* Trap EL0's FP/SIMD use (or not) on the calling core. No ISB: only EL0
 * is affected (FPEN lets EL1 use FP/SIMD either way), and the ERET back
 * to it synchronizes the change. */
static inline void fpu_set_access(bool open)
{
    write_sysreg(cpacr_el1, open ? CPACR_FPEN_ALL : CPACR_FPEN_TRAP_EL0);
}

/* The calling core (cpu) switches from previous to next (two threads,
 * either may be idle): the access changes only when one of them owns the
 * registers. */
static inline void fpu_switch(unsigned cpu, const struct tcb *previous, const struct tcb *next)
{
    const struct tcb *owner = fp_owner[cpu];
    if (__builtin_expect(owner == previous || owner == next, 0))
        fpu_set_access(owner == next);
}

/* A core starts with nobody's state and the trap set. */
void fpu_init_cpu(unsigned cpu);

/* The trap on an FP/SIMD instruction of a thread that does not own the
 * registers: it does from now on, with its state (zeroed the first time). */
void fpu_access_trap(struct tcb *thread);

/* thread's FP state into its TCB, from whichever core holds it, and that
 * core no longer its owner's. Kernel lock held; thread runs nowhere else. */
void fpu_flush(struct tcb *thread);

/* This core (cpu) is made to stop running thread (for another core, which
 * holds the kernel lock): its state to its TCB if this core holds it. */
void fpu_release(unsigned cpu, struct tcb *thread);

/* thread is going away, or its TCB copy is being replaced: no core keeps
 * its state (nor a pointer to it). */
void fpu_forget(struct tcb *thread);

/* On the core another asked (fpu_flush): save what it asked for. Without
 * the kernel lock, which the asking core holds. */
void fpu_answer_flush_request(unsigned cpu);

#endif
