#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/mmu.h"
#include "arch/timer.h"
#include "kernel/interrupt.h"
#include "kernel/irq.h"
#include "kernel/membarrier.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "object/objects.h"

struct cpu_state cpu_states[MAX_CPUS];
struct spinlock kernel_lock;
/* A thread another core needs this core to stop running, at once. */
static struct tcb *volatile stop_request[MAX_CPUS];


void scheduler_init_cpu(unsigned cpu)
{
    struct cpu_state *state = &cpu_states[cpu];
    state->idle.is_idle = 1;
    state->idle.state = THREAD_RUNNABLE;
    state->idle.cpu = cpu;
    state->idle.on_cpu = cpu + 1;
    state->current = &state->idle;
    fpu_init_cpu(cpu);      /* on the core itself, as for every core */
}

/*
 * Time slices and the wakeup turn. The tick comes every millisecond; a
 * thread's slice is SLICE_TICKS of them from when it was taken off the
 * queue, after which an equal priority waiting goes first (round robin).
 * A thread woken from a wait joins the back of its priority's queue, and
 * round robin alone would run it only when the running thread's slice
 * ends. Linux runs a woken thread sooner (CFS's wakeup preemption), and
 * programs count on it: a thread that wakes a mutex's waiters and goes
 * on locking and unlocking it calls FUTEX_WAKE for them, in vain, at
 * every unlock until they have run. So a tick that finds a woken thread
 * waiting on its core ends the running thread's turn as a slice's end
 * does: a woken thread waits at most a millisecond per thread ahead of
 * it. Threads that block before the tick (a ping-pong, a client calling
 * a server) never meet it, and a CPU-bound thread nobody wakes beside
 * keeps its whole slice.
 */
#define SLICE_TICKS 10

/* Queue a thread on its core; woken: it comes from a wait. */
static void enqueue(struct tcb *thread, bool woken)
{
    struct cpu_state *state = &cpu_states[thread->cpu];
    run_queue_append(&state->ready, thread);
    thread->queued = 1;
    thread->woken = woken;
    state->woken_waiting += woken;
    if (thread->cpu != this_cpu_index())
        irq_send_ipi(thread->cpu);
}

static void dequeue(struct tcb *thread)
{
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (thread->queued && run_queue_contains(&cpu_states[cpu].ready, thread)) {
            run_queue_remove(&cpu_states[cpu].ready, thread);
            thread->queued = 0;
            cpu_states[cpu].woken_waiting -= thread->woken;
            thread->woken = 0;
            return;
        }
    }
}

void thread_make_runnable(struct tcb *thread)
{
    thread->state = THREAD_RUNNABLE;
    thread->blocked_on = 0;
    /* A thread that blocked and is woken within one kernel entry is still
     * its core's current: it simply carries on. */
    if (thread->on_cpu && cpu_states[thread->on_cpu - 1].current == thread) {
        if ((unsigned)(thread->on_cpu - 1) != this_cpu_index())
            irq_send_ipi(thread->on_cpu - 1);
        return;
    }
    if (!thread->queued)
        enqueue(thread, true);
}

/*
 * Make another core stop running thread before going on, so that a
 * suspended thread really is stopped and a destroyed one's memory is no
 * longer used there. That core switches to idle without the kernel lock
 * (we hold it): from its interrupt handler, or from its wait for the lock.
 * While waiting, answer membarrier requests, which it may be waiting on.
 */
static void stop_on_other_core(struct tcb *thread)
{
    unsigned cpu = thread->on_cpu - 1;
    __atomic_store_n(&stop_request[cpu], thread, __ATOMIC_RELEASE);
    irq_send_ipi(cpu);
    while (__atomic_load_n(&cpu_states[cpu].current, __ATOMIC_ACQUIRE) == thread) {
        membarrier_answer_ipi(this_cpu_index());
        spin_wait_hint();
    }
}

void thread_block(struct tcb *thread, enum thread_state state)
{
    thread->state = state;
    if (thread->queued)
        dequeue(thread);
    if (thread->on_cpu && (unsigned)(thread->on_cpu - 1) != this_cpu_index())
        stop_on_other_core(thread);
}

/* The other half of stop_on_other_core, on the core asked to stop. */
static void switch_to_idle_unlocked(struct cpu_state *state, bool entered_by_svc)
{
    struct tcb *thread = state->current;
    save_user_state(thread);
    fpu_release(this_cpu_index(), thread);
    if (entered_by_svc)
        thread->context.pc -= 4;
    mmu_clear_user_space();
    thread->on_cpu = 0;
    state->idle.on_cpu = this_cpu_index() + 1;
    __atomic_store_n(&stop_request[this_cpu_index()], 0, __ATOMIC_RELAXED);
    __atomic_store_n(&state->current, &state->idle, __ATOMIC_RELEASE);
}

bool scheduler_stop_requested(void)
{
    return __atomic_load_n(&stop_request[this_cpu_index()], __ATOMIC_ACQUIRE) != 0;
}

void kernel_lock_for_thread(bool entered_by_svc)
{
    struct cpu_state *state = &cpu_states[this_cpu_index()];
    for (;;) {
        fpu_answer_flush_request(this_cpu_index());
        struct tcb *wanted = __atomic_load_n(&stop_request[this_cpu_index()], __ATOMIC_ACQUIRE);
        if (wanted && wanted == state->current) {
            switch_to_idle_unlocked(state, entered_by_svc);
            idle_loop();
        }
        if (spin_trylock(&kernel_lock))
            return;
        spin_wait_hint();
    }
}

void thread_set_placement(struct tcb *thread, uint8_t priority, uint8_t cpu)
{
    /* Out of its run queue while the level it is on is still its
     * priority: dequeue finds it there. */
    bool was_queued = thread->queued;
    bool moves = thread->cpu != cpu;
    if (was_queued)
        dequeue(thread);
    thread->priority = priority;
    thread->cpu = cpu;
    if (was_queued) {
        enqueue(thread, false);
    } else if (thread->on_cpu && (unsigned)(thread->on_cpu - 1) != this_cpu_index()) {
        /* Running elsewhere: stop it there, then queue it where it now
         * belongs, so the change holds on return. */
        stop_on_other_core(thread);
        if (thread->state == THREAD_RUNNABLE)
            enqueue(thread, false);
    }
    if (moves)
        fpu_flush(thread);      /* its FP state may be live on the old core */
}

void thread_follow_caller(struct tcb *receiver, unsigned cpu)
{
    if (receiver->cpu == cpu || !tcb_may_follow_to(receiver, cpu) ||
        run_queue_has_above(&cpu_states[cpu].ready, receiver->priority))
        return;
    fpu_flush(receiver);    /* an IPI only if its FP state is live on its old core */
    receiver->cpu = cpu;
}

void scheduler_tick(uint64_t elapsed)
{
    struct cpu_state *state = &cpu_states[this_cpu_index()];
    if (++state->slice_ticks >= SLICE_TICKS || state->woken_waiting)
        state->slice_expired = true;
    /* CPU time, sampled as Linux's tick accounting does: the time since
     * the last tick goes to the thread the tick finds running. */
    if (!state->current->is_idle)
        state->current->cpu_time += elapsed;
}

void scheduler_yield(void)
{
    cpu_states[this_cpu_index()].slice_expired = true;
}

static void switch_to(struct cpu_state *state, struct tcb *next)
{
    struct tcb *previous = state->current;
    if (previous == next)
        return;
    if (!previous->is_idle)
        save_user_state(previous);
    previous->on_cpu = 0;
    fpu_switch(this_cpu_index(), previous, next);
    if (!next->is_idle) {
        load_user_registers(next);
        vspace_activate(tcb_vspace(next));
    }
    next->on_cpu = this_cpu_index() + 1;
    state->current = next;
}

void schedule(void)
{
    unsigned cpu = this_cpu_index();
    struct cpu_state *state = &cpu_states[cpu];
    struct tcb *current = state->current;
    struct tcb *best = run_queue_highest(&state->ready);
    bool current_may_run = !current->is_idle && current->state == THREAD_RUNNABLE;

    if (current_may_run && current->cpu != cpu) {
        /* Its affinity changed while it ran here: hand it over. */
        current->on_cpu = 0;
        enqueue(current, false);
        current_may_run = false;
    }
    if (current_may_run) {
        /* A FIFO thread's turn ends only when it blocks or yields, or a
         * higher priority comes. */
        bool turn_over = state->slice_expired && !current->fifo;
        bool keep = !best || best->priority < current->priority ||
                    (best->priority == current->priority && !turn_over);
        if (keep) {
            state->slice_expired = false;
            return;
        }
        /* Preempted by a higher priority: keep its turn at the head. */
        if (turn_over)
            run_queue_append(&state->ready, current);
        else
            run_queue_prepend(&state->ready, current);
        current->queued = 1;
    }
    state->slice_expired = false;
    best = run_queue_highest(&state->ready);
    if (best) {
        scheduler_take(state, best);
        switch_to(state, best);
    } else {
        switch_to(state, &state->idle);
    }
}

void kernel_exit(void)
{
    schedule();
    struct tcb *current = cpu_states[this_cpu_index()].current;
    if (current->interrupt_pending)
        interrupt_divert_on_exit(current);
    spin_unlock(&kernel_lock);
    if (current->is_idle)
        idle_loop();
    restore_user_context(&current->context);
}

/* This core's idle loop (entered through idle_loop in vectors.S, on an
 * empty stack). It checks for work with interrupts masked and only then
 * sleeps: an interrupt that arrives in between still ends the WFI. A
 * secondary core sleeps without its tick (work reaches it by IPI; the
 * boot core's tick expires timeouts), as Linux's idle cores do: a core
 * woken a hundred times a second for nothing is not idle. */
static volatile bool idle_without_tick;

void scheduler_allow_idle_without_tick(void)
{
    idle_without_tick = true;
}

/* The lock for the idle loop. Its holder may be waiting for this core to
 * save a thread's FP/SIMD state that it still holds (fpu_flush: a thread
 * that ran here and now moves, or is copied for a fork): the request's
 * IPI is not taken with interrupts masked, so answer it while waiting. */
static void kernel_lock_for_idle(unsigned cpu)
{
    while (!spin_trylock(&kernel_lock)) {
        fpu_answer_flush_request(cpu);
        spin_wait_hint();
    }
}

void idle_loop_body(void)
{
    unsigned cpu = this_cpu_index();
    for (;;) {
        bool tickless = cpu != 0 && idle_without_tick;
        kernel_lock_for_idle(cpu);
        irq_process_deferred();
        if (run_queue_highest(&cpu_states[cpu].ready)) {
            if (tickless)
                timer_start_tick();
            kernel_exit();
        }
        spin_unlock(&kernel_lock);
        if (tickless)
            timer_stop_tick();
        wait_for_interrupt();
        irq_enable();
        irq_disable();
    }
}
