/*
 * Entries from user mode: system calls, faults and the Linux upcall.
 * vectors.S has saved the registers into the current TCB (after
 * upcall_fastpath.S took what it could); every path here runs under the
 * kernel lock and leaves through kernel_exit().
 */
#include <stddef.h>
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/upcall_offsets.h"
#include "kernel/fastpath.h"
#include "kernel/interrupt.h"
#include "kernel/ipc.h"
#include "kernel/membarrier.h"
#include "kernel/power.h"
#include "kernel/console.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "tern/syscalls.h"

#define ESR_CLASS(esr)          ((esr) >> 26)
#define ESR_CLASS_SVC64         0x15
#define ESR_CLASS_FP_ACCESS     0x07
#define ESR_CLASS_INSTRUCTION_ABORT 0x20
#define ESR_CLASS_DATA_ABORT    0x24
#define ESR_SVC_IMMEDIATE(esr)  ((esr) & 0xffff)
#define ESR_INSTRUCTION_32BIT   (1 << 25)
/* The whole ESR of `svc #immediate`: one compare recognises a call. */
#define ESR_OF_SVC(immediate)   ((uint64_t)ESR_CLASS_SVC64 << 26 | ESR_INSTRUCTION_32BIT | (immediate))

/* What upcall_fastpath.S assumes (arch/upcall_offsets.h). */
_Static_assert(UPCALL_ESR_LINUX_SVC == ESR_OF_SVC(TERN_SVC_LINUX), "upcall offsets");
_Static_assert(UPCALL_SVC_CALL == TERN_SVC(TERN_SYS_CALL) &&
               UPCALL_SVC_REPLY_RECV == TERN_SVC(TERN_SYS_REPLY_RECV) &&
               UPCALL_SVC_RETURN == TERN_SVC(TERN_SYS_UPCALL_RETURN) &&
               UPCALL_SVC_RECV == TERN_SVC(TERN_SYS_RECV) &&
               UPCALL_SVC_REPLY == TERN_SVC(TERN_SYS_REPLY), "upcall offsets");
_Static_assert(TCB_INTERRUPT_PENDING == offsetof(struct tcb, interrupt_pending), "upcall offsets");
_Static_assert(TCB_IN_UPCALL == offsetof(struct tcb, in_upcall), "upcall offsets");
_Static_assert(TCB_IPC_BUFFER == offsetof(struct tcb, ipc_buffer), "upcall offsets");
_Static_assert(TCB_VSPACE_CAP_TYPE == offsetof(struct tcb, vspace_root.cap.type), "upcall offsets");
_Static_assert(TCB_VSPACE_CAP_OBJECT == offsetof(struct tcb, vspace_root.cap.object),
               "upcall offsets");
_Static_assert(TCB_IPC_FRAME_CAP_TYPE == offsetof(struct tcb, ipc_buffer_frame.cap.type),
               "upcall offsets");
_Static_assert(UPCALL_CAP_FRAME == CAP_FRAME && UPCALL_CAP_VSPACE == CAP_VSPACE, "upcall offsets");
_Static_assert(VSPACE_UPCALL_ENTRY == offsetof(struct vspace, upcall_entry), "upcall offsets");
_Static_assert(IPC_UPCALL_RETURN_ADDRESS == offsetof(struct tern_ipc_buffer, upcall_return_address),
               "upcall offsets");
_Static_assert(IPC_UPCALL_RETURN_PSTATE == offsetof(struct tern_ipc_buffer, upcall_return_pstate),
               "upcall offsets");
_Static_assert(IPC_UPCALL_STACK == offsetof(struct tern_ipc_buffer, upcall_stack), "upcall offsets");
_Static_assert(IPC_UPCALL_SAVED_SP == offsetof(struct tern_ipc_buffer, upcall_saved_sp),
               "upcall offsets");
_Static_assert(TERN_UPCALL_SYSCALL_OFFSET == 0, "upcall_fastpath.S enters at the entry itself");

/* Send a fault to the thread's fault handler as if it had Called it; with
 * no handler, the thread is suspended. */
static void raise_fault(struct tcb *thread, enum tern_fault fault, uint64_t a, uint64_t b,
                        uint64_t c, uint64_t d)
{
    const struct cap *handler = &thread->fault_handler.cap;
    if (handler->type != CAP_ENDPOINT) {
        thread_block(thread, THREAD_INACTIVE);
        return;
    }
    thread->fault_pending = fault;
    thread->fault_info[0] = a;
    thread->fault_info[1] = b;
    thread->fault_info[2] = c;
    thread->fault_info[3] = d;
    endpoint_send((struct endpoint *)handler->object, thread, handler->word,
                  false, false, true, true);
}

/* The capabilities a Call names in its IPC buffer, for invocations. */
static enum tern_error look_up_extra_caps(struct tcb *thread, struct invocation *inv,
                                          unsigned count, struct tern_ipc_buffer *buffer)
{
    inv->extra_cap_count = 0;
    if (count && !buffer)
        return TERN_FAILED_LOOKUP;
    for (unsigned i = 0; i < count; i++) {
        enum tern_error error;
        inv->extra_caps[i] = cspace_lookup_cap(thread, buffer->caps_or_badges[i], &error);
        if (!inv->extra_caps[i])
            return error;
        inv->extra_cap_count++;
    }
    return TERN_OK;
}

static enum tern_error decode_object(struct invocation *inv)
{
    switch (inv->slot->cap.type) {
    case CAP_UNTYPED:           return untyped_decode(inv);
    case CAP_CNODE:             return cnode_decode(inv);
    case CAP_TCB:               return tcb_decode(inv);
    case CAP_FRAME:             return frame_decode(inv);
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:    return page_table_decode(inv);
    case CAP_VSPACE:            return vspace_decode(inv);
    case CAP_REPLY:             return reply_decode(inv);
    case CAP_NOTIFICATION:      return notification_decode(inv);
    case CAP_IRQ_CONTROL:       return irq_control_decode(inv);
    case CAP_IRQ_HANDLER:       return irq_handler_decode(inv);
    default:                    return TERN_ILLEGAL_OPERATION;
    }
}

/* A Call on a kernel object: decode, perform, and answer at once. */
static void invoke_object(struct tcb *caller, struct cte *slot)
{
    static struct invocation inv;   /* large; the kernel lock guards it */
    struct tern_ipc_buffer *buffer = tcb_ipc_buffer(caller);
    tern_message_info info = caller->context.x[1];

    inv.caller = caller;
    inv.slot = slot;
    inv.label = tern_message_label(info);
    inv.length = tern_message_length(info);
    if (inv.length > TERN_MSG_MAX_LENGTH)
        inv.length = TERN_MSG_MAX_LENGTH;
    if (!buffer && inv.length > TERN_MSG_REGISTERS)
        inv.length = TERN_MSG_REGISTERS;
    for (unsigned i = 0; i < inv.length; i++)
        inv.args[i] = message_register(caller, buffer, i);
    inv.result_count = 0;

    enum tern_error error = look_up_extra_caps(caller, &inv, tern_message_caps(info), buffer);
    if (error == TERN_OK)
        error = decode_object(&inv);
    unsigned results = error == TERN_OK ? inv.result_count : 0;
    if (!buffer && results > TERN_MSG_REGISTERS)
        results = TERN_MSG_REGISTERS;
    for (unsigned i = 0; i < results; i++)
        set_message_register(caller, buffer, i, inv.results[i]);
    set_return(caller, 0, tern_message(error, 0, results));
}

static void fail(struct tcb *thread, enum tern_error error)
{
    set_return(thread, 0, tern_message(error, 0, 0));
}

static struct reply *look_up_reply(struct tcb *thread, uint64_t cptr, enum tern_error *error)
{
    struct cte *slot = cspace_lookup_cap(thread, cptr, error);
    if (!slot)
        return 0;
    if (slot->cap.type != CAP_REPLY) {
        *error = TERN_INVALID_CAPABILITY;
        return 0;
    }
    return (struct reply *)slot->cap.object;
}

static void do_send(struct tcb *thread, struct cte *slot, bool is_call, bool blocking)
{
    const struct cap *cap = &slot->cap;
    if (cap->type == CAP_ENDPOINT) {
        if (!(cap->rights & TERN_RIGHT_WRITE)) {
            fail(thread, TERN_INVALID_CAPABILITY);
            return;
        }
        endpoint_send((struct endpoint *)cap->object, thread, cap->word,
                      cap->rights & TERN_RIGHT_GRANT, cap->rights & TERN_RIGHT_GRANT_REPLY,
                      is_call, blocking);
        return;
    }
    if (cap->type == CAP_NOTIFICATION && !is_call) {
        if (cap->rights & TERN_RIGHT_WRITE)
            notification_signal((struct notification *)cap->object, cap->word);
        else
            fail(thread, TERN_INVALID_CAPABILITY);
        return;
    }
    if (is_call) {
        invoke_object(thread, slot);
        return;
    }
    fail(thread, TERN_INVALID_CAPABILITY);
}

static void do_receive(struct tcb *thread, uint64_t cptr, uint64_t reply_cptr, bool blocking)
{
    enum tern_error error;
    struct cte *slot = cspace_lookup_cap(thread, cptr, &error);
    if (!slot) {
        fail(thread, error);
        return;
    }
    const struct cap *cap = &slot->cap;
    if (!(cap->rights & TERN_RIGHT_READ)) {
        fail(thread, TERN_INVALID_CAPABILITY);
        return;
    }
    if (cap->type == CAP_NOTIFICATION) {
        notification_wait((struct notification *)cap->object, thread, blocking);
        return;
    }
    if (cap->type != CAP_ENDPOINT) {
        fail(thread, TERN_INVALID_CAPABILITY);
        return;
    }
    struct reply *reply = 0;
    if (reply_cptr) {
        reply = look_up_reply(thread, reply_cptr, &error);
        if (!reply) {
            fail(thread, error);
            return;
        }
    }
    endpoint_receive((struct endpoint *)cap->object, thread, reply, blocking);
}

/* Reply: TERN_CALLER_GONE when nobody was bound to answer. */
static enum tern_error do_reply(struct tcb *thread, uint64_t reply_cptr)
{
    enum tern_error error;
    struct reply *reply = look_up_reply(thread, reply_cptr, &error);
    if (!reply)
        return error;
    if (!reply->caller)
        return TERN_CALLER_GONE;
    reply_send(reply, thread);
    return TERN_OK;
}

static void native_syscall(struct tcb *thread, unsigned number)
{
    struct user_context *c = &thread->context;
    enum tern_error error;
    struct cte *slot;

    switch (number) {
    case TERN_SYS_CALL:
    case TERN_SYS_SEND:
    case TERN_SYS_NB_SEND:
    case TERN_SYS_SIGNAL:
        slot = cspace_lookup_cap(thread, c->x[0], &error);
        if (!slot) {
            fail(thread, error);
            return;
        }
        if (number == TERN_SYS_SIGNAL && slot->cap.type != CAP_NOTIFICATION) {
            fail(thread, TERN_INVALID_CAPABILITY);
            return;
        }
        do_send(thread, slot, number == TERN_SYS_CALL,
                number == TERN_SYS_SEND || number == TERN_SYS_CALL);
        return;
    case TERN_SYS_RECV:
    case TERN_SYS_NB_RECV:
        interrupt_end_claims(thread);
        do_receive(thread, c->x[0], c->x[6], number == TERN_SYS_RECV);
        return;
    case TERN_SYS_WAIT:
    case TERN_SYS_POLL:
        slot = cspace_lookup_cap(thread, c->x[0], &error);
        if (!slot || slot->cap.type != CAP_NOTIFICATION) {
            fail(thread, slot ? TERN_INVALID_CAPABILITY : error);
            return;
        }
        do_receive(thread, c->x[0], 0, number == TERN_SYS_WAIT);
        return;
    case TERN_SYS_REPLY:
        fail(thread, do_reply(thread, c->x[6]));
        return;
    case TERN_SYS_REPLY_RECV:
        do_reply(thread, c->x[6]);
        interrupt_end_claims(thread);
        do_receive(thread, c->x[0], c->x[6], true);
        return;
    case TERN_SYS_YIELD:
        scheduler_yield();
        return;
    case TERN_SYS_UPCALL_RETURN: {
        struct tern_ipc_buffer *buffer = tcb_ipc_buffer(thread);
        if (!buffer) {
            raise_fault(thread, TERN_FAULT_USER_EXCEPTION, read_sysreg(esr_el1), 0, 0, 0);
            return;
        }
        /* Back in the program: a pending interrupt diverts it at once
         * (kernel_exit), with this state and x0 as the entry left it. */
        upcall_leave(thread, buffer);
        return;
    }
    case TERN_SYS_MEMBARRIER:
        c->x[0] = (uint64_t)membarrier(thread, c->x[0], c->x[1], c->x[2]);
        return;
    case TERN_SYS_DEBUG_PUT_CHAR:
    case TERN_SYS_DEBUG_GET_CHAR: {
        /* The console's authority: the Console capability in x0, which
         * the root task holds at boot and gives to vfs and the servers;
         * Linux programs have none, so their bytes reach the console only
         * through their descriptors (vfs). */
        slot = cspace_lookup_cap(thread, c->x[0], &error);
        if (!slot || slot->cap.type != CAP_CONSOLE) {
            fail(thread, slot ? TERN_INVALID_CAPABILITY : error);
            return;
        }
        if (number == TERN_SYS_DEBUG_PUT_CHAR) {
            char character = (char)c->x[1];
            console_write(&character, 1);
            c->x[0] = 0;
        } else {
            c->x[0] = (uint64_t)(int64_t)console_read_char();
        }
        c->x[1] = 0;
        return;
    }
    case TERN_SYS_DEBUG_POWER_OFF:
        /* The machine's authority: the IRQControl capability, which only
         * the root task holds at boot. */
        slot = cspace_lookup_cap(thread, c->x[0], &error);
        if (!slot || slot->cap.type != CAP_IRQ_CONTROL) {
            fail(thread, slot ? TERN_INVALID_CAPABILITY : error);
            return;
        }
        system_power_off();
    default:
        raise_fault(thread, TERN_FAULT_UNKNOWN_SYSCALL, 0, 0, 0, 0);
    }
}

/* svc #0 that the fast path did not take into the Linux upcall
 * (fastpath_linux_syscall: the address space has no upcall entry, or the
 * thread no IPC buffer): an UnknownSyscall fault, which the fault handler
 * may answer by rewriting registers. */
static void linux_syscall(struct tcb *thread)
{
    raise_fault(thread, TERN_FAULT_UNKNOWN_SYSCALL, 0, 0, 0, 0);
}

/* The fast paths (kernel/fastpath.h): each leaves the kernel if it did
 * the whole call, and returns if not. */
static inline void try_fast_path(struct tcb *thread, uint64_t esr)
{
    switch (esr) {
    case ESR_OF_SVC(TERN_SVC(TERN_SYS_CALL)):
        fastpath_call(thread);
        fastpath_reply_invocation(thread);
        break;
    case ESR_OF_SVC(TERN_SVC(TERN_SYS_REPLY_RECV)):
        fastpath_reply_receive(thread);
        break;
    case ESR_OF_SVC(TERN_SVC(TERN_SYS_RECV)):
        fastpath_receive(thread);
        break;
    case ESR_OF_SVC(TERN_SVC_LINUX):
        fastpath_linux_syscall(thread);
        break;
    case ESR_OF_SVC(TERN_SVC(TERN_SYS_UPCALL_RETURN)):
        fastpath_upcall_return(thread);
        break;
    case ESR_OF_SVC(TERN_SVC(TERN_SYS_REPLY)):
        fastpath_reply(thread);
        break;
    }
}

/* Everything the fast paths leave, with the kernel lock held: a function
 * of its own, so that the entry keeps few registers to save before it
 * knows it needs more. Also entered from vectors.S (el0_call and
 * el0_reply_receive) when their fast path declined. */
__attribute__((noinline, noreturn)) void handle_user_exception(struct tcb *thread, uint64_t esr);
void handle_user_exception(struct tcb *thread, uint64_t esr)
{
    switch (ESR_CLASS(esr)) {
    case ESR_CLASS_SVC64: {
        unsigned immediate = ESR_SVC_IMMEDIATE(esr);
        if (immediate == TERN_SVC_LINUX)
            linux_syscall(thread);
        else if (immediate > TERN_SVC_NATIVE_BASE && immediate < TERN_SVC(TERN_SYSCALL_COUNT))
            native_syscall(thread, immediate - TERN_SVC_NATIVE_BASE);
        else
            raise_fault(thread, TERN_FAULT_UNKNOWN_SYSCALL, 0, 0, 0, 0);
        break;
    }
    case ESR_CLASS_FP_ACCESS:
        fpu_access_trap(thread);
        break;
    case ESR_CLASS_INSTRUCTION_ABORT:
    case ESR_CLASS_DATA_ABORT:
        raise_fault(thread, TERN_FAULT_VM, thread->context.pc, read_sysreg(far_el1),
                    ESR_CLASS(esr) == ESR_CLASS_INSTRUCTION_ABORT, esr);
        break;
    default:
        raise_fault(thread, TERN_FAULT_USER_EXCEPTION, esr, read_sysreg(far_el1), 0, 0);
        break;
    }
    /* Marked before it blocked: a Call or Wait it just blocked in ends
     * at once, as it would had the interrupt come a moment later. */
    if (thread->interrupt_pending)
        interrupt_blocked_thread(thread);
    kernel_exit();
}

/* vectors.S: a Call (el0_call) or ReplyRecv (el0_reply_receive) that
 * its fast path declined, with the kernel lock held. */
__attribute__((noreturn)) void handle_declined_call(void);
__attribute__((noreturn)) void handle_declined_fast_path(void);

void handle_declined_call(void)
{
    struct tcb *thread = current_thread();
    fastpath_reply_invocation(thread);
    handle_user_exception(thread, read_sysreg(esr_el1));
}

void handle_declined_fast_path(void)
{
    handle_user_exception(current_thread(), read_sysreg(esr_el1));
}

void handle_user_sync(struct tcb *thread, uint64_t esr)
{
    /* Yield with nothing else ready here is a no-op: no lock needed. Only
     * this core changes its current thread; a thread another core queues
     * for us meanwhile comes with an IPI, which reschedules. */
    unsigned cpu = this_cpu_index();
    if (esr == ESR_OF_SVC(TERN_SVC(TERN_SYS_YIELD)) &&
        thread->cpu == cpu && run_queue_is_empty(&cpu_states[cpu].ready))
        restore_user_context(&thread->context);
    if (!spin_trylock(&kernel_lock))  /* free: nobody waits on this core */
        kernel_lock_for_thread(ESR_CLASS(esr) == ESR_CLASS_SVC64);
    try_fast_path(thread, esr);
    handle_user_exception(thread, esr);
}
