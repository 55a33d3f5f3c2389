/*
 * The signal system calls: sending (procmgr's: kill, tgkill, tkill),
 * actions (kept here per process; procmgr learns only SIG_DFL / SIG_IGN /
 * handler, which is what it needs to act), the blocked mask and the
 * alternate stack per thread, and waiting for a signal (rt_sigsuspend).
 * Running the handlers is signal_frame.c's.
 *
 * SIGPIPE is raised here too: a write to a pipe without readers comes back
 * -EPIPE from the pipe server, and the writer sends itself the signal.
 */
#include "clock_math.h"
#include "personality.h"
#include "server_call.h"
#include "signals.h"
#include "syscall_numbers.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

#define SIGSET_SIZE         8

static bool signal_is_valid(int64_t signal)
{
    return signal >= 1 && signal <= LINUX_NSIG;
}

int64_t sys_kill(int64_t pid, int64_t signal)
{
    if (signal < 0 || signal > LINUX_NSIG)
        return -LINUX_EINVAL;
    return linux_request(LINUX_SLOT_PROCMGR, PROC_KILL, 2, (uint64_t)(int64_t)(int32_t)pid,
                         (uint64_t)signal, 0, 0);
}

int64_t sys_tgkill(int64_t tgid, int64_t tid, int64_t signal)
{
    if ((int32_t)tgid <= 0 || (int32_t)tid <= 0 || signal < 0 || signal > LINUX_NSIG)
        return -LINUX_EINVAL;
    return linux_request(LINUX_SLOT_PROCMGR, PROC_TGKILL, 3, (uint64_t)(int32_t)tgid,
                         (uint64_t)(int32_t)tid, (uint64_t)signal, 0);
}

/* Linux's do_rt_sigqueueinfo: the caller's siginfo as given, but what
 * would pass for the kernel's (si_code >= 0) or tgkill's goes only to the
 * caller itself (self: the process, or for rt_tgsigqueueinfo the thread). */
static int64_t queue_signal(int64_t pid, int64_t tid, int64_t signal, const void *info,
                            bool self)
{
    if (info == 0)
        return -LINUX_EFAULT;
    struct queued_siginfo given = *(const struct queued_siginfo *)info;   /* faults: EFAULT */
    if ((given.code >= 0 || given.code == LINUX_SI_TKILL) && !self)
        return -LINUX_EPERM;
    tern_set_mr(4, given.value);
    tern_set_mr(5, given.pid);
    tern_set_mr(6, given.uid);
    uint64_t mr[4] = {(uint64_t)pid, (uint64_t)tid, (uint64_t)signal,
                      (uint64_t)(int64_t)given.code};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_SIGQUEUE, 7, 0, 0, mr);
}

int64_t sys_rt_sigqueueinfo(int64_t pid, int64_t signal, const void *info)
{
    int32_t target = (int32_t)pid;      /* none at 0 or below: ESRCH */
    return queue_signal(target, 0, signal, info,
                        target > 0 && (uint64_t)target == linux_process_info()->pid);
}

int64_t sys_rt_tgsigqueueinfo(int64_t tgid, int64_t tid, int64_t signal, const void *info)
{
    if ((int32_t)tgid <= 0 || (int32_t)tid <= 0)
        return -LINUX_EINVAL;
    return queue_signal((int32_t)tgid, (int32_t)tid, signal, info,
                        (uint64_t)(int32_t)tid == linux_thread_id());
}

int64_t sys_tkill(int64_t tid, int64_t signal)
{
    if ((int32_t)tid <= 0 || signal < 0 || signal > LINUX_NSIG)
        return -LINUX_EINVAL;
    /* tgid 0: whichever process the thread belongs to. */
    return linux_request(LINUX_SLOT_PROCMGR, PROC_TGKILL, 3, 0, (uint64_t)(int32_t)tid,
                         (uint64_t)signal, 0);
}

static struct linux_sigaction actions[LINUX_NSIG];
static struct linux_lock actions_lock;
static bool actions_loaded;

/* A new program starts with the signals its predecessor ignored still
 * ignored (procmgr lists them in the info page); call with the lock. */
static void load_inherited_actions(void)
{
    if (actions_loaded)
        return;
    actions_loaded = true;
    uint64_t ignored = linux_process_info()->ignored_signals;
    for (unsigned signal = 1; signal <= LINUX_NSIG; signal++)
        if (ignored & LINUX_SIGNAL_BIT(signal))
            actions[signal - 1].handler = LINUX_SIG_IGN;
}

int64_t sys_rt_sigaction(int64_t signal, const struct linux_sigaction *action,
                         struct linux_sigaction *old_action, uint64_t set_size)
{
    if (set_size != SIGSET_SIZE || !signal_is_valid(signal))
        return -LINUX_EINVAL;
    if (action != 0 && (signal == LINUX_SIGKILL || signal == LINUX_SIGSTOP))
        return -LINUX_EINVAL;
    struct linux_sigaction wanted;
    if (action != 0) {
        wanted = *action;
        wanted.mask &= ~LINUX_UNBLOCKABLE;
        uint64_t disposition = wanted.handler == LINUX_SIG_DFL ? 0
                               : wanted.handler == LINUX_SIG_IGN ? 1 : 2;
        int64_t result = linux_request(LINUX_SLOT_PROCMGR, PROC_SIGACTION, 3, (uint64_t)signal,
                                       disposition, wanted.flags, 0);
        if (result < 0)
            return result;
    }
    linux_lock(&actions_lock);
    load_inherited_actions();
    struct linux_sigaction previous = actions[signal - 1];
    if (action != 0)
        actions[signal - 1] = wanted;
    linux_unlock(&actions_lock);
    if (old_action != 0)
        *old_action = previous;
    return 0;
}

#define LINUX_SIG_BLOCK     0
#define LINUX_SIG_UNBLOCK   1
#define LINUX_SIG_SETMASK   2

int64_t sys_rt_sigprocmask(int64_t how, const uint64_t *set, uint64_t *old_set, uint64_t set_size)
{
    if (set_size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    uint64_t previous = linux_blocked_signals();
    if (set != 0) {
        switch (how) {
        case LINUX_SIG_BLOCK:
            linux_set_blocked_signals(previous | *set);
            break;
        case LINUX_SIG_UNBLOCK:
            linux_set_blocked_signals(previous & ~*set);
            break;
        case LINUX_SIG_SETMASK:
            linux_set_blocked_signals(*set);
            break;
        default:
            return -LINUX_EINVAL;
        }
    }
    if (old_set != 0)
        *old_set = previous;
    return 0;       /* a signal unblocked now is delivered on the way out */
}

/* Pending and blocked, as Linux reports them. */
int64_t sys_rt_sigpending(uint64_t *set, uint64_t set_size)
{
    if (set_size > SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (set == 0)
        return -LINUX_EFAULT;
    uint64_t pending = (linux_thread_info()->pending_signals
                        | linux_process_info()->pending_signals) & linux_blocked_signals();
    __builtin_memcpy(set, &pending, set_size);
    return 0;
}

void linux_block_temporarily(uint64_t mask)
{
    struct linux_thread_state *thread = linux_thread_state();
    thread->mask_to_restore = linux_blocked_signals();
    thread->mask_is_temporary = 1;
    linux_set_blocked_signals(mask);
}

void linux_end_temporary_mask(void)
{
    struct linux_thread_state *thread = linux_thread_state();
    if (!thread->mask_is_temporary)
        return;
    thread->mask_is_temporary = 0;
    linux_set_blocked_signals(thread->mask_to_restore);
}

/* Waits with mask in force until a signal has a handler run: always
 * -EINTR then, as Linux's (-ERESTARTNOHAND becomes it). */
int64_t sys_rt_sigsuspend(const uint64_t *mask, uint64_t set_size)
{
    if (set_size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (mask == 0)
        return -LINUX_EFAULT;
    linux_block_temporarily(*mask);
    return linux_request(LINUX_SLOT_PROCMGR, PROC_SIGNAL_PAUSE, 2, linux_thread_id(),
                         linux_blocked_signals(), 0, 0);
}

/* sigwaitinfo and sigtimedwait: a signal of set is taken, whatever its
 * action. While waiting, the thread info names set as accepted, so that
 * procmgr interrupts this thread when one comes (blocked or not) instead
 * of carrying out its action; a signal the mask lets through ends the
 * wait with EINTR, its handler run on the way out, as on Linux; so does
 * a stop (the thread stops on the way out: Linux's sigtimedwait is one
 * of the calls a stop and SIGCONT end with EINTR). */
int64_t sys_rt_sigtimedwait(const uint64_t *set, void *info,
                            const struct linux_timespec *timeout, uint64_t set_size)
{
    if (set_size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (set == 0)
        return -LINUX_EFAULT;
    if (timeout != 0 && !timespec_is_valid(timeout))
        return -LINUX_EINVAL;
    uint64_t wanted = *set & ~LINUX_UNBLOCKABLE;
    uint64_t deadline = UINT64_MAX;     /* no timeout: until a signal */
    if (timeout != 0) {
        uint64_t ticks = timespec_to_ticks(timeout, linux_counter_frequency());
        deadline = deadline_after(linux_counter_now(), ticks ? ticks : 1);
    }
    struct linux_thread_info *thread = linux_thread_info();
    thread->accepting_signals = wanted;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* before the pending words are read */
    int64_t result;
    for (;;) {
        result = linux_signal_accept(wanted, info);
        if (result != 0)
            break;
        uint64_t pending = thread->pending_signals | linux_process_info()->pending_signals;
        if (pending & wanted)
            continue;       /* came meanwhile */
        if ((pending & ~linux_blocked_signals()) || linux_process_info()->stopped) {
            result = -LINUX_EINTR;
            break;
        }
        if (linux_sleep_until(deadline)) {
            result = -LINUX_EAGAIN;
            break;
        }
    }
    thread->accepting_signals = 0;
    return result;
}

int64_t sys_restart_syscall(void)
{
    struct linux_thread_state *thread = linux_thread_state();
    uint64_t call = thread->restart_call;
    thread->restart_call = 0;
    switch (call) {
    case LINUX_NR_clock_nanosleep: return linux_nanosleep_restart();
    case LINUX_NR_futex: return linux_futex_wait_restart();
    default: return -LINUX_EINTR;       /* Linux's do_no_restart_syscall */
    }
}

#define LINUX_MINSIGSTKSZ   5120

/* With SS_AUTODISARM a handler never runs on the stack while it is
 * armed (it is disarmed as the handler starts), so sp is never on it. */
bool linux_on_signal_stack(uint64_t sp)
{
    const struct linux_thread_state *thread = linux_thread_state();
    return thread->altstack_enabled && !(thread->altstack_given_flags & LINUX_SS_AUTODISARM)
        && sp > thread->altstack_base && sp - thread->altstack_base <= thread->altstack_size;
}

uint32_t linux_altstack_flags(void)
{
    const struct linux_thread_state *thread = linux_thread_state();
    return thread->altstack_enabled ? (uint32_t)thread->altstack_given_flags
                                    : (uint32_t)thread->altstack_given_flags | LINUX_SS_DISABLE;
}

void linux_disarm_altstack(void)
{
    struct linux_thread_state *thread = linux_thread_state();
    thread->altstack_enabled = 0;
    thread->altstack_base = 0;
    thread->altstack_size = 0;
    thread->altstack_given_flags = LINUX_SS_DISABLE;
}

int64_t linux_set_altstack(const struct linux_stack *stack, uint64_t sp)
{
    struct linux_thread_state *thread = linux_thread_state();
    if (linux_on_signal_stack(sp))
        return -LINUX_EPERM;        /* a handler runs on it */
    uint32_t mode = (uint32_t)stack->flags & ~LINUX_SS_AUTODISARM;
    if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
        return -LINUX_EINVAL;
    if (mode == LINUX_SS_DISABLE) {
        linux_disarm_altstack();
    } else {
        if (stack->size < LINUX_MINSIGSTKSZ)
            return -LINUX_ENOMEM;
        thread->altstack_enabled = 1;
        thread->altstack_base = stack->base;
        thread->altstack_size = stack->size;
    }
    thread->altstack_given_flags = (uint32_t)stack->flags;
    return 0;
}

int64_t sys_sigaltstack(const struct linux_stack *stack, struct linux_stack *old_stack)
{
    struct linux_thread_state *thread = linux_thread_state();
    uint64_t sp = tern_ipc_buffer()->upcall_saved_sp;
    /* Linux's sas_ss_flags, with the flag bits (SS_AUTODISARM) it was given. */
    uint32_t state = !thread->altstack_enabled ? LINUX_SS_DISABLE
                     : linux_on_signal_stack(sp) ? LINUX_SS_ONSTACK : 0;
    struct linux_stack previous = {
        .base = thread->altstack_base,
        .flags = (int32_t)(state | ((uint32_t)thread->altstack_given_flags & LINUX_SS_AUTODISARM)),
        .size = thread->altstack_size,
    };
    if (stack != 0) {
        int64_t error = linux_set_altstack(stack, sp);
        if (error != 0)
            return error;
    }
    if (old_stack != 0)
        *old_stack = previous;
    return 0;
}

struct linux_sigaction linux_signal_action(unsigned signal)
{
    linux_lock(&actions_lock);
    load_inherited_actions();
    struct linux_sigaction action = actions[signal - 1];
    linux_unlock(&actions_lock);
    return action;
}

void linux_signal_reset_action(unsigned signal)
{
    linux_lock(&actions_lock);
    load_inherited_actions();
    actions[signal - 1] = (struct linux_sigaction){ .handler = LINUX_SIG_DFL };
    linux_unlock(&actions_lock);
    linux_request_uninterrupted(LINUX_SLOT_PROCMGR, PROC_SIGACTION, 2, signal, 0, 0, 0);
}

void linux_raise_signal(unsigned signal, uint64_t how)
{
    bool dies = linux_signal_action(signal).handler == LINUX_SIG_DFL
             && !(linux_blocked_signals() & LINUX_SIGNAL_BIT(signal));
    /* To this thread. A handler runs as the syscall returns; a default
     * action that ends the process is procmgr's, which answers before it
     * carries it out, so wait here for the end rather than let the
     * program run on (the sleep only ends if another thread changed the
     * disposition meanwhile). */
    int64_t result = linux_request(LINUX_SLOT_PROCMGR, PROC_TGKILL, 4, linux_process_info()->pid,
                                   linux_thread_id(), signal, how);
    if (result == 0 && dies) {
        const struct linux_timespec grace = {1, 0};
        sys_nanosleep(&grace, 0);
    }
}
