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
 * Not yet: stopping (SIGSTOP and the default action of SIGTSTP, SIGTTIN,
 * SIGTTOU do nothing), and sigqueue's values.
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

/* The thread's blocked and accepting (sigtimedwait) masks, as its
 * personality keeps them. */
struct thread_masks {
    uint64_t blocked, accepting;
};

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

/* Whether a thread with masks takes the signal of bit now: it does not
 * block it, or waits for it in sigtimedwait. */
static bool takes(struct thread_masks masks, uint64_t bit)
{
    return !(masks.blocked & bit) || (masks.accepting & bit);
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

static bool ignored_by_default(unsigned signal)
{
    return signal == LINUX_SIGCHLD || signal == LINUX_SIGCONT || signal == LINUX_SIGURG
        || signal == LINUX_SIGWINCH;
}

/* Stopping is not supported: the stop signals' default does nothing. */
static bool stops_by_default(unsigned signal)
{
    return signal == LINUX_SIGSTOP || signal == LINUX_SIGTSTP || signal == LINUX_SIGTTIN
        || signal == LINUX_SIGTTOU;
}

/* Whether the process's action for signal, now, is to do nothing. */
static bool is_ignored(const struct process *process, unsigned signal)
{
    uint8_t disposition = process->signal_disposition[signal];
    if (signal == LINUX_SIGKILL)
        return false;
    return disposition == SIGNAL_IGNORE
        || (disposition == SIGNAL_DEFAULT && (ignored_by_default(signal)
                                              || stops_by_default(signal)));
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
        answer(thread->paused_reply, 1, &(uint64_t){ (uint64_t)-LINUX_ERESTARTNOHAND });
        reply_free(thread->paused_reply);
        thread->paused_reply = 0;
        return;
    }
    if (wait_interrupt(thread))
        return;
    tern_tcb_interrupt(thread->tcb);
}

/* The thread that takes the signal of bit (thread, or for the process
 * any of its threads, the main thread first), with its masks; 0 if none
 * does. */
static struct thread *taking_thread(struct process *process, struct thread *thread,
                                    uint64_t bit, struct thread_masks *masks)
{
    if (thread) {
        *masks = thread_masks(thread);
        return takes(*masks, bit) ? thread : 0;
    }
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++) {
        struct thread *candidate = process->threads[area];
        if (!candidate)
            continue;
        *masks = thread_masks(candidate);
        if (takes(*masks, bit))
            return candidate;
    }
    return 0;
}

int signal_send(struct process *process, struct thread *thread, unsigned signal,
                const struct signal_info *info)
{
    if (process->state != PROCESS_ALIVE || !process->space || signal == 0)
        return 0;
    if (signal == LINUX_SIGKILL) {
        terminate(process, signal);
        return 0;
    }
    uint64_t bit = LINUX_SIGNAL_BIT(signal);
    /* Pending first, then the masks: a thread unblocking meanwhile sees
     * the pending word, or procmgr sees its new mask. */
    struct pending_signals *pending = pending_of(process, thread);
    int status = pending_add(pending, signal, info, &heap);
    if (status < 0)
        return status;
    mirror_pending(process, thread);
    struct thread_masks masks;
    struct thread *target = taking_thread(process, thread, bit, &masks);
    if (!target)
        return 0;               /* blocked everywhere: it waits, pending */
    if (masks.accepting & bit) {
        interrupt(target);      /* sigtimedwait takes it, whatever its action */
        return 0;
    }
    if (is_ignored(process, signal)) {
        /* Discarded, as Linux does with an ignored signal nobody blocks. */
        pending_discard(pending, signal, &heap);
        mirror_pending(process, thread);
        return 0;
    }
    if (process->signal_disposition[signal] == SIGNAL_DEFAULT)
        terminate(process, signal);
    else
        interrupt(target);
    return 0;
}

bool signal_can_queue(struct process *process, struct thread *thread, unsigned signal)
{
    return pending_has_room(pending_of(process, thread), signal);
}

bool signal_fault(struct thread *thread, unsigned signal, int32_t code, uint64_t address)
{
    uint64_t bit = LINUX_SIGNAL_BIT(signal);
    if (thread->process->signal_disposition[signal] != SIGNAL_HANDLER
        || (signal_blocked_mask(thread) & bit))
        return false;       /* Linux's force_sig: blocked or not caught, it kills */
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
        uint64_t deliverable = (thread->pending.set | process->pending.set) & ~blocked;
        if (!deliverable)
            return 0;
        unsigned signal = (unsigned)__builtin_ctzll(deliverable) + 1;
        if (thread->pending.set & LINUX_SIGNAL_BIT(signal)) {
            *info = pending_take(&thread->pending, signal, &heap);
            mirror_thread_pending(thread);
        } else {
            *info = pending_take(&process->pending, signal, &heap);
            mirror_process_pending(process);
        }
        if (accept)
            return (int)signal;
        if (is_ignored(process, signal))
            continue;
        if (process->signal_disposition[signal] == SIGNAL_DEFAULT) {
            terminate(process, signal);
            return -1;
        }
        return (int)signal;
    }
}

bool signal_pause(struct thread *thread, uint64_t blocked, uint64_t reply)
{
    if ((thread->pending.set | thread->process->pending.set) & ~blocked)
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
    if (!is_ignored(process, signal))
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
        reply_free(thread->paused_reply);
    thread->paused_reply = 0;
    pending_discard(&thread->pending, 0, &heap);
}

void signal_process_gone(struct process *process)
{
    pending_discard(&process->pending, 0, &heap);
}
