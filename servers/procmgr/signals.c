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
 * Stopping (job control): a stop signal taken with its default action
 * makes the process stopping, which its info page says (`stopped`), and
 * every thread is interrupted as for a handler. Each thread's personality
 * then sees the word and takes its signals (PROC_SIGNAL_TAKE), whose reply
 * procmgr keeps (stop_reply): that is where a thread stays stopped. A
 * thread that was waiting in a server call is stopped with the call ended
 * by the interrupt (-ERESTARTSYS), so the call restarts when it goes on,
 * as Linux's do when no handler runs. Once every thread waits there, the
 * stop is complete and the parent is told. SIGCONT answers the kept
 * replies with whatever signal each thread takes then (SIGCONT's own
 * handler, say), and the threads go on. While stopped, a process's
 * signals stay pending, but for SIGKILL, which ends it.
 *
 * What a signal comes to is signal_delivery.c's decision, the pending
 * sets are pending_signals.c's, and the stop's state job_control.c's;
 * this file reads the masks, mirrors the sets and acts.
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

/* One more signal queued, out to the info page. */
static void count_queued(struct process *process)
{
    write_word(process,
               LINUX_PROCESS_INFO + __builtin_offsetof(struct linux_process_info, signals_queued),
               ++process->signals_queued);
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

/* Whether the process's threads are to stop, out to its info page. */
static void mirror_job(struct process *process)
{
    write_word(process, LINUX_PROCESS_INFO + __builtin_offsetof(struct linux_process_info, stopped),
               job_stopping(&process->job));
}

static void terminate(struct process *process, unsigned signal)
{
    process_exit(process, LINUX_W_EXITCODE(0, signal));
}

/* Make thread stop waiting or running the program so that its
 * personality looks at its signals. A stopped thread looks at them when
 * it continues. */
static void interrupt(struct thread *thread)
{
    if (thread->stop_reply)
        return;
    if (thread->paused_reply) {
        answer_waiter(thread->paused_reply, 1, &(uint64_t){ (uint64_t)-LINUX_ERESTARTNOHAND });
        thread->paused_reply = 0;
        return;
    }
    if (wait_interrupt(thread) || pi_futex_interrupt(thread) || userfault_interrupt(thread))
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

/* Every pending instance of the signals in set goes, the process's and
 * each thread's. */
static void discard_everywhere(struct process *process, uint64_t set)
{
    for (unsigned signal = 1; signal <= LINUX_NSIG; signal++) {
        uint64_t bit = LINUX_SIGNAL_BIT(signal);
        if (!(set & bit))
            continue;
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
}

/* No member has a parent in another group of the same session. */
bool process_group_orphaned(const struct process *process)
{
    for (uint64_t id = 1; id < ID_LIMIT; id++) {
        const struct process *member = processes[id];
        if (!member || member->pgid != process->pgid)
            continue;
        const struct process *parent = processes[member->ppid];
        if (!parent)
            continue;
        struct process_ids member_ids = process_ids_of(member), parent_ids = process_ids_of(parent);
        if (process_group_member_anchors(&member_ids, member->state != PROCESS_ALIVE, &parent_ids))
            return false;
    }
    return true;
}

static unsigned stopped_threads(const struct process *process)
{
    unsigned count = 0;
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++)
        if (process->threads[area] && process->threads[area]->stop_reply)
            count++;
    return count;
}

/* A stopping process whose threads have all stopped: its parent hears. */
static void stop_progress(struct process *process)
{
    if (job_stop_progress(&process->job, stopped_threads(process), process->thread_count))
        wait_notify_job_change(process, LINUX_CLD_STOPPED);
}

/* A stop signal's default action: every thread is to stop (unless the
 * process is already stopping), as it next looks at its signals. */
static void stop_process(struct process *process, unsigned signal)
{
    if (!job_stop_begin(&process->job, signal))
        return;
    mirror_job(process);
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++)
        if (process->threads[area])
            interrupt(process->threads[area]);
    stop_progress(process);     /* the thread that took the signal may be the only one */
}

/* The thread stops: reply (its PROC_SIGNAL_TAKE) is kept until SIGCONT. */
static int stop_thread(struct thread *thread, uint64_t blocked, uint64_t reply)
{
    if (!reply || !server_can_defer())
        return 0;       /* it asks again (the personality sees `stopped`) */
    /* One kept already: an interrupt ended that call, and the thread
     * asked again. */
    if (thread->stop_reply)
        server_release_reply(thread->stop_reply);
    thread->stop_reply = reply;
    thread->stop_blocked = blocked;
    stop_progress(thread->process);
    return SIGNAL_TAKE_STOPPED;
}

/* SIGCONT: the process runs again; its stopped threads take their
 * signals, each answered with what it takes. */
static void continue_process(struct process *process)
{
    int32_t told = job_continue(&process->job, stopped_threads(process));
    mirror_job(process);
    if (told)
        wait_notify_job_change(process, told);
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++) {
        if (process->state != PROCESS_ALIVE)
            return;     /* a signal a thread took ended it */
        struct thread *thread = process->threads[area];
        if (!thread || !thread->stop_reply)
            continue;
        uint64_t reply = thread->stop_reply;
        thread->stop_reply = 0;
        struct signal_info info;
        int signal = signal_take(thread, thread->stop_blocked, false, &info, reply);
        if (signal == SIGNAL_TAKE_STOPPED)
            continue;
        if (signal < 0) {
            server_release_reply(reply);
            return;
        }
        uint64_t values[4];
        answer_waiter(reply, signal_take_values(signal, &info, values), values);
    }
}

static uint64_t signals_in(const struct pending_signals *pending)
{
    return (uint64_t)__builtin_popcountll(pending->set) + pending->queue_length;
}

/* RLIMIT_SIGPENDING, as Linux's __sigqueue_alloc counts it: every signal
 * pending with its information (each pending one and each queued
 * instance) of every process of the target's real user, root's too. A
 * signal kill or the system sends (si_code >= 0) is never refused; a
 * real-time one sent with a negative si_code (sigqueue, tgkill, a
 * timer's, a message queue's) is, once the count reaches the target's
 * limit. (Linux keeps a standard signal then, without its information;
 * here it keeps it with it.) */
static bool over_pending_limit(const struct process *target, unsigned signal,
                               const struct signal_info *info)
{
    if (target->pending_limit == UINT64_MAX || info->code >= 0 || signal < LINUX_SIGRTMIN)
        return false;
    uint64_t pending = 0;
    for (unsigned pid = 1; pid < ID_LIMIT; pid++) {
        const struct process *process = processes[pid];
        if (!process || process->uid != target->uid)
            continue;
        pending += signals_in(&process->pending);
        for (unsigned area = 0; area < LINUX_MAX_THREADS; area++)
            if (process->threads[area])
                pending += signals_in(&process->threads[area]->pending);
    }
    return pending >= target->pending_limit;
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
    /* SIGCONT and the stop signals discard each other, whatever their
     * actions and masks. */
    discard_everywhere(process, signal_discarded_by(signal));
    /* Pending first, then the masks: a thread unblocking meanwhile sees
     * the pending word, or procmgr sees its new mask. */
    struct pending_signals *pending = pending_of(process, thread);
    bool merges = signal < LINUX_SIGRTMIN && (pending->set & LINUX_SIGNAL_BIT(signal));
    if (over_pending_limit(process, signal, info))
        return -LINUX_EAGAIN;
    int status = pending_add(pending, signal, info, &heap);
    if (status < 0)
        return status;
    mirror_pending(process, thread);
    if (!merges)
        count_queued(process);
    struct thread_masks masks = { 0, 0 };
    struct thread *target = taking_thread(process, thread, signal, &masks);
    bool stopped = job_stopping(&process->job) && signal != LINUX_SIGCONT;
    switch (signal_outcome(signal, process->signal_disposition[signal], target != 0, masks,
                           stopped)) {
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
        return 0;
    case SIGNAL_STOPS:
        pending_discard(pending, signal, &heap);
        mirror_pending(process, thread);
        if (signal_stop_applies(signal, process_group_orphaned(process)))
            stop_process(process, signal);
        break;
    }
    /* SIGCONT continues the process, even ignored or blocked. */
    if (signal == LINUX_SIGCONT)
        continue_process(process);
    return 0;
}

bool signal_process_stopping(const struct process *process)
{
    return job_stopping(&process->job);
}

void signal_thread_started(struct thread *thread)
{
    if (job_stopping(&thread->process->job))
        tern_tcb_interrupt(thread->tcb);
}

void signal_thread_ended(struct process *process)
{
    if (process->state == PROCESS_ALIVE)
        stop_progress(process);
}

bool signal_can_queue(struct process *process, struct thread *thread, unsigned signal,
                      const struct signal_info *info)
{
    return pending_has_room(pending_of(process, thread), signal)
        && !over_pending_limit(process, signal, info);
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

int signal_take(struct thread *thread, uint64_t blocked, bool accept, struct signal_info *info,
                uint64_t reply)
{
    struct process *process = thread->process;
    /* A stop goes first, as Linux's get_signal stops before it dequeues. */
    if (!accept && job_stopping(&process->job))
        return stop_thread(thread, blocked, reply);
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
        case SIGNAL_ACTION_STOP: {
            if (!signal_stop_applies(signal, process_group_orphaned(process)))
                continue;
            /* This thread stops first, so that it is not interrupted
             * out of the call procmgr keeps. */
            int stopped = stop_thread(thread, blocked, reply);
            stop_process(process, signal);
            return stopped;
        }
        case SIGNAL_ACTION_HANDLER:
            return (int)signal;
        }
    }
}

unsigned signal_take_values(int signal, const struct signal_info *info, uint64_t values[4])
{
    values[0] = (uint64_t)signal;
    if (!signal)
        return 1;
    values[1] = (uint64_t)(int64_t)info->code;
    values[2] = info->pid | (uint64_t)info->uid << 32;
    values[3] = info->value;
    return 4;
}

bool signal_pause(struct thread *thread, uint64_t blocked, uint64_t reply)
{
    if (job_stopping(&thread->process->job))
        return false;           /* it stops first, then pauses again */
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
    if (signal == LINUX_SIGCHLD) {
        process->no_child_zombies = (flags & LINUX_SA_NOCLDWAIT) != 0;
        process->no_child_stops = (flags & LINUX_SA_NOCLDSTOP) != 0;
    }
    if (signal_action(signal, (uint8_t)disposition) != SIGNAL_ACTION_NONE)
        return;
    /* Setting a signal to be ignored discards it where it is pending. */
    discard_everywhere(process, LINUX_SIGNAL_BIT(signal));
}

void signal_reset_handlers(struct process *process)
{
    for (unsigned signal = 1; signal <= LINUX_NSIG; signal++)
        if (process->signal_disposition[signal] == SIGNAL_HANDLER)
            process->signal_disposition[signal] = SIGNAL_DEFAULT;   /* ignored stays */
    process->no_child_zombies = false;      /* execve clears every sa_flags */
    process->no_child_stops = false;
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
    if (thread->stop_reply)
        server_release_reply(thread->stop_reply);
    thread->stop_reply = 0;
    pending_discard(&thread->pending, 0, &heap);
}

void signal_process_gone(struct process *process)
{
    pending_discard(&process->pending, 0, &heap);
}
