/*
 * Signals, as far as they go today: sending them is procmgr's (kill,
 * tgkill, tkill; default actions such as termination happen there), and
 * the personality keeps what a program sets: dispositions per process
 * (procmgr learns SIG_DFL / SIG_IGN / handler, which is what it needs to
 * act), the blocked mask and the alternate stack per thread. Handlers are
 * not run yet, and rt_sigreturn has nothing to return from.
 *
 * SIGPIPE is raised here too: a write to a pipe without readers comes back
 * -EPIPE from the pipe server, and the writer sends itself the signal.
 */
#include "ipc.h"
#include "personality.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

#define SIGNAL_BIT(signal)  (1ULL << ((signal) - 1))
#define UNBLOCKABLE         (SIGNAL_BIT(LINUX_SIGKILL) | SIGNAL_BIT(LINUX_SIGSTOP))
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

int64_t sys_tkill(int64_t tid, int64_t signal)
{
    if ((int32_t)tid <= 0 || signal < 0 || signal > LINUX_NSIG)
        return -LINUX_EINVAL;
    /* tgid 0: whichever process the thread belongs to. */
    return linux_request(LINUX_SLOT_PROCMGR, PROC_TGKILL, 3, 0, (uint64_t)(int32_t)tid,
                         (uint64_t)signal, 0);
}

/* struct sigaction as the arm64 kernel takes it. */
struct linux_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

static struct linux_sigaction actions[LINUX_NSIG];
static struct linux_lock actions_lock;

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
        wanted.mask &= ~UNBLOCKABLE;
        uint64_t disposition = wanted.handler == LINUX_SIG_DFL ? 0
                               : wanted.handler == LINUX_SIG_IGN ? 1 : 2;
        int64_t result = linux_request(LINUX_SLOT_PROCMGR, PROC_SIGACTION, 2, (uint64_t)signal,
                                       disposition, 0, 0);
        if (result < 0)
            return result;
    }
    linux_lock(&actions_lock);
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
    struct linux_thread_state *thread = linux_thread_state();
    uint64_t previous = thread->signal_mask;
    if (set != 0) {
        switch (how) {
        case LINUX_SIG_BLOCK:
            thread->signal_mask |= *set & ~UNBLOCKABLE;
            break;
        case LINUX_SIG_UNBLOCK:
            thread->signal_mask &= ~*set;
            break;
        case LINUX_SIG_SETMASK:
            thread->signal_mask = *set & ~UNBLOCKABLE;
            break;
        default:
            return -LINUX_EINVAL;
        }
    }
    if (old_set != 0)
        *old_set = previous;
    return 0;
}

int64_t sys_rt_sigpending(uint64_t *set, uint64_t set_size)
{
    if (set_size > SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (set == 0)
        return -LINUX_EFAULT;
    __builtin_memset(set, 0, set_size);     /* nothing is ever left pending yet */
    return 0;
}

/* stack_t on arm64. */
struct linux_stack {
    uint64_t base;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};
#define LINUX_SS_ONSTACK    1
#define LINUX_SS_DISABLE    2
#define LINUX_SS_AUTODISARM (1U << 31)
#define LINUX_MINSIGSTKSZ   5120

int64_t sys_sigaltstack(const struct linux_stack *stack, struct linux_stack *old_stack)
{
    struct linux_thread_state *thread = linux_thread_state();
    struct linux_stack previous = {
        .base = thread->altstack_base,
        .flags = thread->altstack_enabled ? 0 : LINUX_SS_DISABLE,
        .size = thread->altstack_size,
    };
    if (stack != 0) {
        uint32_t mode = (uint32_t)stack->flags & ~LINUX_SS_AUTODISARM;
        if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
            return -LINUX_EINVAL;
        if (mode == LINUX_SS_DISABLE) {
            thread->altstack_enabled = 0;
            thread->altstack_base = 0;
            thread->altstack_size = 0;
        } else {
            if (stack->size < LINUX_MINSIGSTKSZ)
                return -LINUX_ENOMEM;
            thread->altstack_enabled = 1;
            thread->altstack_base = stack->base;
            thread->altstack_size = stack->size;
        }
    }
    if (old_stack != 0)
        *old_stack = previous;
    return 0;
}

void linux_raise_sigpipe(void)
{
    linux_lock(&actions_lock);
    uint64_t handler = actions[LINUX_SIGPIPE - 1].handler;
    linux_unlock(&actions_lock);
    /* Ignored, or caught by a handler (which nothing runs yet): the call
     * just fails with EPIPE. Blocked: Linux leaves it pending, which does
     * not exist yet either. */
    if (handler != LINUX_SIG_DFL || (linux_thread_state()->signal_mask & SIGNAL_BIT(LINUX_SIGPIPE)))
        return;
    /* Linux signals the writing thread; the default action ends the whole
     * process. procmgr answers before it carries that out, so wait here
     * for the end rather than let the program run on; the sleep only ends
     * if another thread changed the disposition meanwhile. */
    int64_t result = sys_tgkill((int64_t)linux_process_info()->pid, (int64_t)linux_thread_id(),
                                LINUX_SIGPIPE);
    if (result == 0) {
        const struct linux_timespec grace = {1, 0};
        sys_nanosleep(&grace, 0);
    }
}
