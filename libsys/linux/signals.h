/*
 * Signals inside the personality: the actions a program set, the blocked
 * mask, and running handlers (signal_frame.c). procmgr keeps what is
 * pending (sys/protocol/procmgr.h); the personality looks at the mirror in
 * the info pages after every syscall and when the kernel interrupts the
 * thread, and takes a signal from procmgr only when one is deliverable.
 */
#ifndef LINUX_SIGNALS_H
#define LINUX_SIGNALS_H

#include <stdbool.h>
#include <stdint.h>
#include "frame.h"
#include "personality.h"
#include "sys/linux_abi.h"

/* struct sigaction as the arm64 kernel takes it. */
struct linux_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

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

#define LINUX_UNBLOCKABLE   (LINUX_SIGNAL_BIT(LINUX_SIGKILL) | LINUX_SIGNAL_BIT(LINUX_SIGSTOP))

/* The action for signal (1..64), as rt_sigaction last set it. */
struct linux_sigaction linux_signal_action(unsigned signal);
/* SA_RESETHAND: the handler is used once; the action is SIG_DFL again. */
void linux_signal_reset_action(unsigned signal);

static inline uint64_t linux_blocked_signals(void)
{
    return linux_thread_info()->blocked_signals;
}

/* The new mask goes out before the pending words are read (in
 * linux_signal_deliverable, after the syscall): procmgr does the
 * opposite, so one of the two sees the other. */
static inline void linux_set_blocked_signals(uint64_t mask)
{
    linux_thread_info()->blocked_signals = mask & ~LINUX_UNBLOCKABLE;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Whether procmgr holds a signal for this thread that its mask lets
 * through, or the process is stopped (job control), when the thread stops
 * by taking its signals: loads from the info pages, no call. */
static inline bool linux_signal_deliverable(void)
{
    uint64_t pending = linux_thread_info()->pending_signals
                     | linux_process_info()->pending_signals;
    return (pending & ~linux_blocked_signals()) != 0 || linux_process_info()->stopped;
}

/* siginfo_t as the personality fills it (signal frames, sigtimedwait,
 * signalfd's reads): a timer's si_timerid and si_overrun are where a
 * sender's pid and uid are. */
struct linux_siginfo {
    int32_t signo;
    int32_t error;
    int32_t code;
    int32_t pad;
    union {
        struct {
            uint32_t pid;
            uint32_t uid;
            uint64_t value;         /* SIGCHLD's si_status, sigqueue's si_value */
        } sender;
        uint8_t bytes[112];
    };
};

/* sigsuspend, ppoll and pselect6: mask is in force until a handler has
 * been set up (whose frame then remembers the mask from before) or the
 * call returns. */
void linux_block_temporarily(uint64_t mask);
void linux_end_temporary_mask(void);

/* Whether sp is on the thread's alternate signal stack. */
bool linux_on_signal_stack(uint64_t sp);
/* The alternate stack's flags as Linux keeps them (sas_ss_flags): what
 * sigaltstack was given, SS_DISABLE when it is off. A signal frame's
 * uc_stack carries them. */
uint32_t linux_altstack_flags(void);
/* sigaltstack's change, as if the program's sp were sp: 0 or -errno. */
int64_t linux_set_altstack(const struct linux_stack *stack, uint64_t sp);
/* SS_AUTODISARM's work as a handler starts: the alternate stack is off. */
void linux_disarm_altstack(void);

/* After a syscall that returned result (interrupted: a restart code,
 * which becomes -EINTR or a restart): a deliverable signal's handler is
 * set up in frame. Returns the program's x0. */
int64_t linux_signals_after_syscall(struct linux_syscall_frame *frame, int64_t result,
                                    bool interrupted);

/* The kernel's interrupt entry (entry.S): a handler set up in frame if a
 * signal is deliverable. Returns the program's x0. */
int64_t linux_interrupted(struct linux_syscall_frame *frame);

/* rt_sigtimedwait: take a pending signal of set whatever its action, its
 * siginfo into info (if not NULL); 0 if none is pending. */
int64_t linux_signal_accept(uint64_t set, void *info);

/* linux_fault_return (entry.S): the personality faulted on a bad user
 * address. Returns the syscall's result, -EFAULT, or with a signal frame
 * that could not be written or read, what follows Linux's force_sigsegv
 * (a SIGSEGV handler set up in frame, or the end of the process). */
int64_t linux_fault_returned(struct linux_syscall_frame *frame);

/* rt_sigreturn: the frame becomes what the handler's signal frame saved. */
int64_t linux_signal_return(struct linux_syscall_frame *frame);

/* Makes the thread resume as frame says: pc, PSTATE and sp in the IPC
 * buffer, where UpcallReturn takes them. */
void linux_resume_with(const struct linux_syscall_frame *frame);

/* A siginfo as rt_sigqueueinfo and pidfd_send_signal take it: the fields
 * sigqueue fills. */
struct queued_siginfo {
    int32_t signo;
    int32_t error;
    int32_t code;
    int32_t pad;
    uint32_t pid;
    uint32_t uid;
    uint64_t value;
};

#endif
