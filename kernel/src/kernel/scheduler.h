/*
 * Fixed-priority round-robin scheduling, one run queue per core. The
 * thread running on a core is its "current" and is not in the queue. Every
 * kernel exit calls schedule(), so making a thread runnable is all it takes
 * to have it run when it is the highest priority on its core.
 */
#ifndef KERNEL_SCHEDULER_H
#define KERNEL_SCHEDULER_H

#include <stdbool.h>
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/memory_layout.h"
#include "kernel/run_queue.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"

/* Aligned (so sized) to a power of two: the fast path finds a core's
 * state with a shift, not a multiply. */
struct __attribute__((aligned(8192))) cpu_state {
    struct tcb *current;        /* never 0: the idle thread when nothing runs */
    struct run_queue ready;
    bool slice_expired;         /* rotate equal priorities: the slice's end, a
                                 * woken thread waiting, or a Yield */
    uint8_t slice_ticks;        /* ticks since current was taken off the queue */
    uint32_t woken_waiting;     /* queued threads woken from a wait, not run since
                                 * (both in what was padding: the size stays) */
    struct tcb idle;
};

extern struct cpu_state cpu_states[MAX_CPUS];
/* The big kernel lock: held for the whole of every kernel entry. */
extern struct spinlock kernel_lock;

void scheduler_init_cpu(unsigned cpu);

static inline struct tcb *current_thread(void)
{
    return cpu_states[this_cpu_index()].current;
}

/* A thread's user state that lives in system registers while it runs:
 * keep it when the thread leaves this core, load it when one arrives. The
 * FP trap and the address space are the callers' (their rules differ). */
static inline void save_user_state(struct tcb *thread)
{
    thread->context.tpidr_el0 = read_sysreg(tpidr_el0);
}

static inline void load_user_registers(const struct tcb *thread)
{
    write_sysreg(tpidr_el0, thread->context.tpidr_el0);
    write_sysreg(tpidrro_el0, thread->context.tpidrro_el0);
}

/* Make a blocked or inactive thread runnable on its core (an IPI tells
 * another core). */
void thread_make_runnable(struct tcb *thread);
/* Take a thread out of the running: it blocks (or is suspended). */
void thread_block(struct tcb *thread, enum thread_state state);
/* Give a thread a new priority and core: a queued thread moves to the
 * run queue and level they name, one running on another core is stopped
 * there (and queued here, or where it now belongs). */
void thread_set_placement(struct tcb *thread, uint8_t priority, uint8_t cpu);

/* Servers follow callers (docs/multicore.md): receiver, blocked and about
 * to be woken by a Call from this core (cpu), moves here if its
 * follow_cores allow it and no thread ready here outranks it, so it runs
 * as soon as the caller blocks, with no IPI (unless its FP/SIMD state is
 * live on its old core: fpu_flush gets it). Otherwise it stays where it
 * is, and is woken there. */
void thread_follow_caller(struct tcb *receiver, unsigned cpu);

/* Take the kernel lock on entry from a thread. While waiting, honour a
 * request from another core to stop running the current thread: switch to
 * idle and never return (a thread stopped in a system call re-executes it
 * when it runs again, so pass entered_by_svc). */
void kernel_lock_for_thread(bool entered_by_svc);
/* Another core waits for this one to stop its current thread. */
bool scheduler_stop_requested(void);

/* A timer tick on this core, elapsed counter ticks after the previous. */
void scheduler_tick(uint64_t elapsed);
void scheduler_yield(void);

/* Take next off this core's run queue (state): it runs now, a new slice. */
static inline void scheduler_take(struct cpu_state *state, struct tcb *next)
{
    run_queue_remove(&state->ready, next);
    next->queued = 0;
    state->woken_waiting -= next->woken;
    next->woken = 0;
    state->slice_ticks = 0;
}

/* Pick this core's next thread and switch to it. */
void schedule(void);

/* Leave the kernel: schedule, drop the kernel lock, run the current
 * thread (or the idle loop). */
void kernel_exit(void) __attribute__((noreturn));

/* In vectors.S: load a thread's registers and return to user mode. */
void restore_user_context(struct user_context *context) __attribute__((noreturn));

/* Leave the kernel to current, which a fast path made this core's
 * current thread already. */
static inline __attribute__((always_inline, noreturn)) void kernel_exit_to(struct tcb *current)
{
    spin_unlock(&kernel_lock);
    /* A jump, not a call: nothing comes back, so the caller need not set
     * up a frame for it (the fast paths have none otherwise). */
    register struct user_context *context __asm__("x0") = &current->context;
    __asm__ volatile("b restore_user_context" : : "r"(context) : "memory");
    __builtin_unreachable();
}

/* Release the kernel lock and wait for work: this core's idle loop. */
void idle_loop(void) __attribute__((noreturn));

/* After the boot's interrupt self-test: idle secondary cores may stop
 * their tick (idle_loop_body). */
void scheduler_allow_idle_without_tick(void);

#endif
