/*
 * Signals as procmgr keeps them: what each process does with a signal
 * (default, ignore, handler), what is pending for a process and for each
 * of its threads, and getting a handler run.
 *
 * A signal that will run a handler is made pending, and a thread that
 * does not block it is interrupted: a thread waiting in procmgr (wait4,
 * PROC_SIGNAL_PAUSE) is answered with Linux's internal restart codes, any
 * other gets TCB_Interrupt, which ends a server call it waits in or sends
 * it into its personality. The personality then takes the signal
 * (PROC_SIGNAL_TAKE) and runs the handler. The pending sets are mirrored
 * in the process's info pages, and the personality's blocked masks are
 * read from there (sys/linux_process.h says why neither side can miss the
 * other).
 *
 * What a signal comes to is signal_delivery.c's decision, and the pending
 * sets are pending_signals.c's; this file reads the masks, mirrors the
 * sets and acts.
 *
 * Not yet: stopping (SIGSTOP and the default action of SIGTSTP, SIGTTIN,
 * SIGTTOU do nothing).
 */
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

static uint64_t thread_info_address(const struct thread *thread)
{
    return linux_thread_ipc_buffer(thread->area) + LINUX_THREAD_INFO_OFFSET;
}

static void write_word(struct process *process, uint64_t address, uint64_t value)
{
    uint64_t copied;
    tern_vspace_write(process->space->vspace, address, sizeof value, (uint64_t)&value, &copied);
}

/* The thread's masks, read from its info page. */
static struct thread_masks thread_masks(const struct thread *thread)
{
    struct thread_masks masks = {0, 0};
    uint64_t copied;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* after the pending word went out */
    tern_vspace_read(thread->process->space->vspace,
                     thread_info_address(thread) + __builtin_offsetof(struct linux_thread_info,
                                                                      blocked_signals),
                     sizeof masks, (uint64_t)&masks, &copied);
    return masks;
}

uint64_t signal_blocked_mask(const struct thread *thread)
{
    return thread_masks(thread).blocked;
}

static void mirror_thread_pending(struct thread *thread)
{
    write_word(thread->process, thread_info_address(thread)
                   + __builtin_offsetof(struct linux_thread_info, pending_signals),
               thread->pending.set);
}

static void mirror_process_pending(struct process *process)
{
    write_word(process,
               LINUX_PROCESS_INFO + __builtin_offsetof(struct linux_process_info, pending_signals),
               process->pending.set);
}

/* Queued real-time instances live in procmgr's heap. */
static const struct pending_memory heap = { heap_allocate, heap_free };

/* The set a signal for thread goes to, or for the process if thread is 0. */
static struct pending_signals *pending_of(struct process *process, struct thread *thread)
{
    return thread ? &thread->pending : &process->pending;
}

/* The thread's set if thread, else the process's, out to its page. */
static void mirror_pending(struct process *process, struct thread *thread)
{
    if (thread)
        mirror_thread_pending(thread);
    else
        mirror_process_pending(process);
}

static void terminate(struct process *process, unsigned signal)
{
    process_exit(process, LINUX_W_EXITCODE(0, signal));
}

/* Make thread stop waiting or running the program so that its
 * personality looks at its signals. */
static void interrupt(struct thread *thread)
{
    if (thread->paused_reply) {
        answer_waiter(thread->paused_reply, 1, &(uint64_t){ (uint64_t)-LINUX_ERESTARTNOHAND });
        thread->paused_reply = 0;
        return;
    }
    if (wait_interrupt(thread))
        return;
    tern_tcb_interrupt(thread->tcb);
}

/* The thread that takes signal (thread, or for the process the one
 * signal_choose_thread picks), with its masks; 0 if none does. */
static struct thread *taking_thread(struct process *process, struct thread *thread,
                                    unsigned signal, struct thread_masks *masks)
{
    /* Too big for procmgr's stack; one call at a time uses them. */
    static struct thread *candidates[LINUX_MAX_THREADS];
    static struct thread_masks candidate_masks[LINUX_MAX_THREADS];
    if (thread) {
        *masks = thread_masks(thread);
        return signal_taken_by(*masks, signal) ? thread : 0;
    }
    unsigned count = 0;
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++) {
        if (!process->threads[area])
            continue;
        candidates[count] = process->threads[area];
        candidate_masks[count++] = thread_masks(process->threads[area]);
    }
    unsigned chosen = signal_choose_thread(candidate_masks, count, signal);
    if (chosen == count)
        return 0;
    *masks = candidate_masks[chosen];
    return candidates[chosen];
}

int signal_send(struct process *process, struct thread *thread, unsigned signal,
                const struct signal_info *info)
{
    /* Without a program (init) there is nothing for a signal to act on. */
    if (process->state != PROCESS_ALIVE || !process->space || signal == 0)
        return 0;
    if (signal == LINUX_SIGKILL) {     /* neither blocked nor caught: at once */
        terminate(process, signal);
        return 0;
    }
    /* Pending first, then the masks: a thread unblocking meanwhile sees
     * the pending word, or procmgr sees its new mask. */
    struct pending_signals *pending = pending_of(process, thread);
    int status = pending_add(pending, signal, info, &heap);
    if (status < 0)
        return status;
    mirror_pending(process, thread);
    struct thread_masks masks = { 0, 0 };
    struct thread *target = taking_thread(process, thread, signal, &masks);
    switch (signal_outcome(signal, process->signal_disposition[signal], target != 0, masks)) {
    case SIGNAL_STAYS_PENDING:
        break;
    case SIGNAL_INTERRUPTS:
        interrupt(target);
        break;
    case SIGNAL_DISCARDED:
        pending_discard(pending, signal, &heap);
        mirror_pending(process, thread);
        break;
    case SIGNAL_TERMINATES:
        terminate(process, signal);
        break;
    }
    return 0;
}

bool signal_can_queue(struct process *process, struct thread *thread, unsigned signal)
{
    return pending_has_room(pending_of(process, thread), signal);
}

bool signal_fault(struct thread *thread, unsigned signal, int32_t code, uint64_t address)
{
    if (!signal_fault_caught(signal, thread->process->signal_disposition[signal],
                             signal_blocked_mask(thread)))
        return false;
    struct signal_info info = {
        .code = code, .pid = (uint32_t)address, .uid = (uint32_t)(address >> 32),
    };
    pending_add(&thread->pending, signal, &info, &heap);
    mirror_thread_pending(thread);
    tern_tcb_interrupt(thread->tcb);    /* its fault's answer resumes it into the handler */
    return true;
}

int signal_take(struct thread *thread, uint64_t blocked, bool accept, struct signal_info *info)
{
    struct process *process = thread->process;
    for (;;) {
        bool from_thread;
        unsigned signal = signal_next(thread->pending.set, process->pending.set, blocked,
                                      &from_thread);
        if (!signal)
            return 0;
        if (from_thread) {
            *info = pending_take(&thread->pending, signal, &heap);
            mirror_thread_pending(thread);
        } else {
            *info = pending_take(&process->pending, signal, &heap);
            mirror_process_pending(process);
        }
        if (info->code == LINUX_SI_TIMER)
            posix_timer_taken(process, info);
        if (accept)
            return (int)signal;
        switch (signal_action(signal, process->signal_disposition[signal])) {
        case SIGNAL_ACTION_NONE:
            continue;           /* ignored meanwhile: the next one */
        case SIGNAL_ACTION_TERMINATE:
            terminate(process, signal);
            return -1;
        case SIGNAL_ACTION_HANDLER:
            return (int)signal;
        }
    }
}

bool signal_pause(struct thread *thread, uint64_t blocked, uint64_t reply)
{
    bool from_thread;
    if (signal_next(thread->pending.set, thread->process->pending.set, blocked, &from_thread))
        return false;
    if (thread->paused_reply)
        return false;           /* cannot happen: the thread waits in one call */
    thread->paused_reply = reply;
    return true;
}

void signal_set_disposition(struct process *process, unsigned signal, unsigned disposition,
                            uint64_t flags)
{
    process->signal_disposition[signal] = (uint8_t)disposition;
    if (signal == LINUX_SIGCHLD)
        process->no_child_zombies = (flags & LINUX_SA_NOCLDWAIT) != 0;
    if (signal_action(signal, (uint8_t)disposition) != SIGNAL_ACTION_NONE)
        return;
    /* Setting a signal to be ignored discards it where it is pending. */
    uint64_t bit = LINUX_SIGNAL_BIT(signal);
    if (process->pending.set & bit) {
        pending_discard(&process->pending, signal, &heap);
        mirror_process_pending(process);
    }
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++) {
        struct thread *thread = process->threads[area];
        if (thread && (thread->pending.set & bit)) {
            pending_discard(&thread->pending, signal, &heap);
            mirror_thread_pending(thread);
        }
    }
}

void signal_reset_handlers(struct process *process)
{
    for (unsigned signal = 1; signal <= LINUX_NSIG; signal++)
        if (process->signal_disposition[signal] == SIGNAL_HANDLER)
            process->signal_disposition[signal] = SIGNAL_DEFAULT;   /* ignored stays */
    process->no_child_zombies = false;
}

uint64_t signal_ignored_set(const struct process *process)
{
    uint64_t set = 0;
    for (unsigned signal = 1; signal <= LINUX_NSIG; signal++)
        if (process->signal_disposition[signal] == SIGNAL_IGNORE)
            set |= LINUX_SIGNAL_BIT(signal);
    return set;
}

void signal_keep(struct thread *to, struct thread *from)
{
    pending_move(&to->pending, &from->pending);
    if (to->process)
        mirror_thread_pending(to);
}

bool signal_reaps_children(const struct process *process)
{
    return process->signal_disposition[LINUX_SIGCHLD] == SIGNAL_IGNORE
        || process->no_child_zombies;
}

void signal_thread_gone(struct thread *thread)
{
    if (thread->paused_reply)
        server_release_reply(thread->paused_reply);
    thread->paused_reply = 0;
    pending_discard(&thread->pending, 0, &heap);
}

void signal_process_gone(struct process *process)
{
    pending_discard(&process->pending, 0, &heap);
}
