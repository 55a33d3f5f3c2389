/*
 * Running signal handlers: Linux's arm64 signal frame on the program's
 * stack (or its alternate stack), the restart rules for interrupted
 * syscalls, and rt_sigreturn.
 *
 * A handler is entered as Linux enters it: x0 the signal, x1 its siginfo,
 * x2 its ucontext, x29 a frame record {x29, x30} of the interrupted code,
 * x30 the restorer (musl's __restore_rt, which calls rt_sigreturn), sp the
 * frame. The ucontext holds every general register, sp, pc, PSTATE, the
 * blocked mask to restore and the FP/SIMD registers (an fpsimd_context
 * record, as Linux writes it), so the handler may read or change any of
 * them. The personality itself never touches FP/SIMD registers
 * (-mgeneral-regs-only), so they still hold the program's values here.
 */
#include "personality.h"
#include "server_call.h"
#include "signals.h"
#include "syscall_numbers.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

#define FPSIMD_MAGIC    0x46508001

struct linux_fpsimd_context {
    uint32_t magic;
    uint32_t size;
    uint32_t fpsr;
    uint32_t fpcr;
    uint64_t vregs[64];             /* q0..q31 */
};

struct linux_sigcontext {
    uint64_t fault_address;
    uint64_t regs[31];
    uint64_t sp;
    uint64_t pc;
    uint64_t pstate;
    /* Records, each {magic, size}, ending with a zero one. */
    uint8_t reserved[4096] __attribute__((aligned(16)));
};

struct linux_ucontext {
    uint64_t flags;
    uint64_t link;
    struct linux_stack stack;
    uint64_t sigmask;
    uint8_t unused[1024 / 8 - 8];
    struct linux_sigcontext mcontext __attribute__((aligned(16)));
};

struct linux_rt_sigframe {
    struct linux_siginfo info;
    struct linux_ucontext uc;
};

_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo layout");
_Static_assert(__builtin_offsetof(struct linux_ucontext, sigmask) == 40, "ucontext layout");
_Static_assert(__builtin_offsetof(struct linux_ucontext, mcontext) == 176, "ucontext layout");
_Static_assert(__builtin_offsetof(struct linux_sigcontext, reserved) == 288, "sigcontext layout");
_Static_assert(sizeof(struct linux_fpsimd_context) == 528, "fpsimd_context layout");

/* entry.S */
void linux_signal_trampoline(void);
/* fpsimd.S: the FP/SIMD registers to and from a record's fpsr, fpcr and
 * vregs. */
void linux_fpsimd_save(struct linux_fpsimd_context *context);
void linux_fpsimd_restore(const struct linux_fpsimd_context *context);

#define PSTATE_FLAGS    0xf0000000ULL   /* NZCV: all a program may change */

void linux_resume_with(const struct linux_syscall_frame *frame)
{
    struct tern_ipc_buffer *buffer = tern_ipc_buffer();
    buffer->upcall_return_address = frame->pc;
    buffer->upcall_return_pstate = frame->pstate;
    buffer->upcall_saved_sp = frame->sp;
}

struct taken_signal {
    unsigned number;
    int32_t code;
    uint32_t pid, uid;
    uint64_t value;             /* SIGCHLD's status, or sigqueue's value */
};

/* The lowest pending signal that blocked lets through, now no longer
 * pending (unless flags accept it, procmgr ends the process here if its
 * action is to terminate, and while the process is stopped answers only
 * once it continues: the thread stops here); false if none is. */
static bool take_from(uint64_t blocked, uint64_t flags, struct taken_signal *taken)
{
    int64_t signal;
    uint64_t mr[4];
    /* An interrupt meant for the stop may end the first call as procmgr
     * keeps it: then ask again. */
    do {
        mr[0] = linux_thread_id();
        mr[1] = blocked;
        mr[2] = flags;
        mr[3] = 0;
        signal = linux_call(LINUX_SLOT_PROCMGR, PROC_SIGNAL_TAKE, 3, 0, 0, mr);
    } while (signal == -LINUX_ERESTARTSYS);
    if (signal <= 0)
        return false;
    *taken = (struct taken_signal){
        .number = (unsigned)signal,
        .code = (int32_t)mr[1],
        .pid = (uint32_t)mr[2],
        .uid = (uint32_t)(mr[2] >> 32),
        .value = mr[3],
    };
    return true;
}

/* The lowest deliverable signal, to run its handler. */
static bool take_signal(struct taken_signal *taken)
{
    return linux_signal_deliverable() && take_from(linux_blocked_signals(), 0, taken);
}

static void fill_siginfo(struct linux_siginfo *info, const struct taken_signal *taken)
{
    __builtin_memset(info, 0, sizeof *info);
    info->signo = (int32_t)taken->number;
    info->code = taken->code;
    info->sender.pid = taken->pid;
    info->sender.uid = taken->uid;
    info->sender.value = taken->value;
}

/* Where the frame goes: below sp, or at the top of the alternate stack
 * for an SA_ONSTACK handler not already running on it. */
static uint64_t frame_stack_top(const struct linux_syscall_frame *frame, uint64_t flags)
{
    const struct linux_thread_state *thread = linux_thread_state();
    if ((flags & LINUX_SA_ONSTACK) && thread->altstack_enabled
        && !linux_on_signal_stack(frame->sp))
        return thread->altstack_base + thread->altstack_size;
    return frame->sp;
}

/* Write the signal frame and point frame (the thread's registers) at the
 * handler. */
static void enter_handler(struct linux_syscall_frame *frame, const struct taken_signal *taken,
                          const struct linux_sigaction *action)
{
    struct linux_thread_state *thread = linux_thread_state();
    uint64_t top = frame_stack_top(frame, action->flags);
    uint64_t record_address = (top - 16) & ~15ULL;
    uint64_t frame_address = (record_address - sizeof(struct linux_rt_sigframe)) & ~15ULL;
    struct linux_rt_sigframe *signal_frame = (struct linux_rt_sigframe *)frame_address;
    uint64_t *record = (uint64_t *)record_address;
    /* A bad stack faults here: SIGSEGV then comes instead (linux_fault_returned). */
    thread->frame_for_signal = taken->number;
    linux_touch_pages(frame_address, top - frame_address, true);

    fill_siginfo(&signal_frame->info, taken);
    struct linux_ucontext *uc = &signal_frame->uc;
    uc->flags = 0;
    uc->link = 0;
    uc->stack = (struct linux_stack){
        .base = thread->altstack_base,
        .flags = (int32_t)linux_altstack_flags(),
        .size = thread->altstack_size,
    };
    uc->sigmask = thread->mask_is_temporary ? thread->mask_to_restore : linux_blocked_signals();
    thread->mask_is_temporary = 0;
    struct linux_sigcontext *context = &uc->mcontext;
    /* A memory fault's address, as Linux's fault_address (si_addr too). */
    bool memory_fault = (taken->number == LINUX_SIGSEGV || taken->number == LINUX_SIGBUS)
                        && taken->code > 0;
    context->fault_address = memory_fault ? (taken->pid | (uint64_t)taken->uid << 32) : 0;
    for (unsigned i = 0; i < 31; i++)
        context->regs[i] = frame->x[i];
    context->sp = frame->sp;
    context->pc = frame->pc;
    context->pstate = frame->pstate;
    struct linux_fpsimd_context *fpsimd = (struct linux_fpsimd_context *)context->reserved;
    fpsimd->magic = FPSIMD_MAGIC;
    fpsimd->size = sizeof *fpsimd;
    linux_fpsimd_save(fpsimd);
    uint32_t *end = (uint32_t *)(context->reserved + sizeof *fpsimd);
    end[0] = end[1] = 0;

    uint64_t blocked = linux_blocked_signals() | action->mask;
    if (!(action->flags & LINUX_SA_NODEFER))
        blocked |= LINUX_SIGNAL_BIT(taken->number);
    linux_set_blocked_signals(blocked);
    if (action->flags & LINUX_SA_RESETHAND)
        linux_signal_reset_action(taken->number);

    record[0] = frame->x[29];
    record[1] = frame->x[30];
    thread->frame_for_signal = 0;
    /* Linux's signal_delivered: the handler starts with it disarmed, and
     * rt_sigreturn arms it again from uc_stack. */
    if (thread->altstack_given_flags & LINUX_SS_AUTODISARM)
        linux_disarm_altstack();
    frame->x[0] = taken->number;
    frame->x[1] = (uint64_t)&signal_frame->info;
    frame->x[2] = (uint64_t)uc;
    frame->x[29] = record_address;
    frame->x[30] = (action->flags & LINUX_SA_RESTORER) ? action->restorer
                                                        : (uint64_t)linux_signal_trampoline;
    frame->sp = frame_address;
    frame->pc = action->handler;
}

static bool is_restart_code(int64_t result)
{
    return result == -LINUX_ERESTARTSYS || result == -LINUX_ERESTARTNOINTR
        || result == -LINUX_ERESTARTNOHAND || result == -LINUX_ERESTART_RESTARTBLOCK;
}

/* The syscall runs again when the thread resumes: its svc, its x0; for
 * -ERESTART_RESTARTBLOCK as restart_syscall (x8), as Linux's arm64
 * setup_restart_syscall does. */
static int64_t restart(struct linux_syscall_frame *frame, int64_t interrupted)
{
    frame->pc -= 4;
    if (interrupted == -LINUX_ERESTART_RESTARTBLOCK)
        frame->x[8] = LINUX_NR_restart_syscall;
    return (int64_t)frame->x[0];
}

/* Set up the handlers of the deliverable signals, as Linux does before
 * returning to user mode: the lowest first, then each next one's frame on
 * top of it, so the last set up runs first and returns into the one
 * below. x0 is what the program's x0 is meanwhile (and again after the
 * handlers). Returns x0 as the thread resumes: the signal number of the
 * handler that runs first. */
static int64_t deliver(struct linux_syscall_frame *frame, int64_t x0, int64_t interrupted)
{
    /* A call that was not interrupted ends its temporary mask first: what
     * only that mask let through stays pending (Linux's
     * restore_saved_sigmask_unless). */
    if (!is_restart_code(interrupted))
        linux_end_temporary_mask();
    struct taken_signal taken;
    if (!take_signal(&taken)) {
        linux_end_temporary_mask();
        return is_restart_code(interrupted) ? restart(frame, interrupted) : x0;
    }
    do {
        struct linux_sigaction action = linux_signal_action(taken.number);
        bool restarts = interrupted == -LINUX_ERESTARTNOINTR ||
                        (interrupted == -LINUX_ERESTARTSYS && (action.flags & LINUX_SA_RESTART));
        if (restarts)
            x0 = restart(frame, interrupted);
        else if (is_restart_code(interrupted))
            x0 = -LINUX_EINTR;
        interrupted = 0;
        frame->x[0] = (uint64_t)x0;
        enter_handler(frame, &taken, &action);
        x0 = (int64_t)frame->x[0];
    } while (take_signal(&taken));
    return x0;
}

int64_t linux_signals_after_syscall(struct linux_syscall_frame *frame, int64_t result,
                                    bool interrupted)
{
    int64_t x0 = deliver(frame, result, interrupted ? result : 0);
    linux_resume_with(frame);
    return x0;
}

int64_t linux_interrupted(struct linux_syscall_frame *frame)
{
    int64_t x0 = (int64_t)frame->x[0];
    if (linux_signal_deliverable())
        x0 = deliver(frame, x0, 0);
    linux_resume_with(frame);
    return x0;
}

int64_t linux_signal_accept(uint64_t set, void *info)
{
    struct taken_signal taken;
    if (!take_from(~set, PROC_SIGNAL_ACCEPT, &taken))
        return 0;
    if (info != 0)
        fill_siginfo(info, &taken);
    return taken.number;
}

int64_t linux_signal_return(struct linux_syscall_frame *frame)
{
    const struct linux_rt_sigframe *signal_frame = (const struct linux_rt_sigframe *)frame->sp;
    struct linux_thread_state *thread = linux_thread_state();
    thread->frame_for_signal = LINUX_SIGSEGV;      /* a bad frame: Linux's SIGSEGV */
    linux_touch_pages(frame->sp, sizeof *signal_frame, false);
    /* The alternate stack as the frame saved it (Linux's restore_altstack:
     * refused, silently, while the handler's sp is on it). */
    struct linux_stack saved_stack = signal_frame->uc.stack;
    linux_set_altstack(&saved_stack, frame->sp);
    const struct linux_sigcontext *context = &signal_frame->uc.mcontext;
    for (unsigned i = 0; i < 31; i++)
        frame->x[i] = context->regs[i];
    frame->sp = context->sp;
    frame->pc = context->pc;
    frame->pstate = context->pstate & PSTATE_FLAGS;
    const struct linux_fpsimd_context *fpsimd =
        (const struct linux_fpsimd_context *)context->reserved;
    if (fpsimd->magic == FPSIMD_MAGIC && fpsimd->size == sizeof *fpsimd)
        linux_fpsimd_restore(fpsimd);
    linux_set_blocked_signals(signal_frame->uc.sigmask);
    thread->frame_for_signal = 0;
    thread->restart_call = 0;       /* a restart_syscall now is EINTR, as on Linux */
    return (int64_t)frame->x[0];
}

/* Linux's force_sigsegv: a handler's frame could not be written, or
 * rt_sigreturn's read back. SIGSEGV comes instead, neither blocked nor
 * ignored, with its default action if it was SIGSEGV's own frame. */
int64_t linux_fault_returned(struct linux_syscall_frame *frame)
{
    struct linux_thread_state *thread = linux_thread_state();
    unsigned failed = (unsigned)thread->frame_for_signal;
    if (failed == 0)
        return -LINUX_EFAULT;
    thread->frame_for_signal = 0;
    if (failed == LINUX_SIGSEGV || linux_signal_action(LINUX_SIGSEGV).handler == LINUX_SIG_IGN)
        linux_signal_reset_action(LINUX_SIGSEGV);
    linux_set_blocked_signals(linux_blocked_signals() & ~LINUX_SIGNAL_BIT(LINUX_SIGSEGV));
    linux_raise_signal(LINUX_SIGSEGV, PROC_TGKILL_FROM_KERNEL);
    return linux_signals_after_syscall(frame, -LINUX_EFAULT, false);
}
