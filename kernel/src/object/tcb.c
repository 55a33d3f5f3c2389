/* Thread control blocks: configuration, registers, and life cycle. */
#include "arch/mmu.h"
#include "kernel/interrupt.h"
#include "kernel/ipc.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "lib/string.h"

#define SPSR_EL0T 0     /* user mode, interrupts unmasked */

/* Replace one of the TCB's own capability slots with a copy of source. */
static void set_tcb_slot(struct cte *slot, struct cte *source)
{
    if (slot->cap.type != CAP_NULL)
        cte_delete(slot);
    if (source) {
        struct cap copy = source->cap;
        if (copy.type == CAP_FRAME)
            copy.word = copy.word2 = 0;     /* a copy does not own the mapping */
        cte_insert(source, slot, copy);
    }
}

static void suspend(struct tcb *tcb)
{
    ipc_cancel(tcb);
    thread_block(tcb, THREAD_INACTIVE);
}

static bool runnable_configuration(const struct tcb *tcb)
{
    return tcb->vspace_root.cap.type == CAP_VSPACE && tcb->cspace_root.cap.type == CAP_CNODE;
}

/* TCB_Configure: args fault endpoint (a cptr in the caller's CSpace, 0 to
 * leave the fault handler as it is), IPC buffer address; caps CSpace root,
 * VSpace, IPC buffer frame. */
static enum tern_error decode_configure(struct invocation *inv, struct tcb *tcb)
{
    if (inv->length < 2)
        return TERN_TRUNCATED_MESSAGE;
    if (inv->extra_cap_count < 3)
        return TERN_TRUNCATED_MESSAGE;
    struct cte *cspace = inv->extra_caps[0], *vspace = inv->extra_caps[1];
    struct cte *buffer = inv->extra_caps[2];
    uint64_t buffer_address = inv->args[1];
    if (cspace->cap.type != CAP_CNODE || vspace->cap.type != CAP_VSPACE)
        return TERN_INVALID_CAPABILITY;
    if (buffer->cap.type != CAP_FRAME || (buffer->cap.flags & CAP_FLAG_DEVICE))
        return TERN_INVALID_CAPABILITY;
    if (buffer_address & (sizeof(struct tern_ipc_buffer) > 2048 ? 4095 : 1023))
        return TERN_ALIGNMENT_ERROR;
    struct cte *fault_handler = 0;
    if (inv->args[0]) {
        enum tern_error error;
        fault_handler = cspace_lookup_cap(inv->caller, inv->args[0], &error);
        if (!fault_handler)
            return error;
        if (fault_handler->cap.type != CAP_ENDPOINT ||
            !(fault_handler->cap.rights & TERN_RIGHT_WRITE))
            return TERN_INVALID_CAPABILITY;
    }
    if (tcb->state != THREAD_INACTIVE)
        return TERN_ILLEGAL_OPERATION;     /* configure a suspended thread */
    if (fault_handler)
        set_tcb_slot(&tcb->fault_handler, fault_handler);
    set_tcb_slot(&tcb->cspace_root, cspace);
    set_tcb_slot(&tcb->vspace_root, vspace);
    set_tcb_slot(&tcb->ipc_buffer_frame, buffer);
    tcb_set_ipc_buffer(tcb, buffer_address);
    tcb->context.tpidrro_el0 = buffer_address;
    return TERN_OK;
}

/* Registers in the order of TCB_ReadRegisters: pc, sp, spsr, x0..x30,
 * tpidr_el0. */
#define REGISTER_COUNT 35

static uint64_t *register_at(struct tcb *tcb, unsigned index)
{
    struct user_context *c = &tcb->context;
    if (index == 0)
        return &c->pc;
    if (index == 1)
        return &c->sp;
    if (index == 2)
        return &c->spsr;
    if (index < 34)
        return &c->x[index - 3];
    return &c->tpidr_el0;
}

static enum tern_error decode_read_registers(struct invocation *inv, struct tcb *tcb)
{
    if (tcb == inv->caller)
        return TERN_ILLEGAL_OPERATION;
    for (unsigned i = 0; i < REGISTER_COUNT; i++)
        inv->results[i] = *register_at(tcb, i);
    inv->result_count = REGISTER_COUNT;
    return TERN_OK;
}

/* TCB_WriteRegisters: flags, count, then registers as above. Only the
 * condition flags of SPSR may be chosen: the thread stays in EL0. The
 * thread runs the program's own code afterwards unless the flags say it
 * is in its upcall (procmgr restarting a personality that faulted). */
static enum tern_error decode_write_registers(struct invocation *inv, struct tcb *tcb)
{
    if (inv->length < 2)
        return TERN_TRUNCATED_MESSAGE;
    uint64_t flags = inv->args[0], count = inv->args[1];
    bool resume = flags & TERN_WRITE_REGISTERS_RESUME;
    if (flags & ~(uint64_t)(TERN_WRITE_REGISTERS_RESUME | TERN_WRITE_REGISTERS_IN_UPCALL))
        return TERN_INVALID_ARGUMENT;
    if (count > REGISTER_COUNT)
        return TERN_RANGE_ERROR;
    if (inv->length < 2 + count)
        return TERN_TRUNCATED_MESSAGE;
    if (tcb == inv->caller)
        return TERN_ILLEGAL_OPERATION;
    if (resume && !runnable_configuration(tcb))
        return TERN_ILLEGAL_OPERATION;
    for (unsigned i = 0; i < count; i++)
        *register_at(tcb, i) = inv->args[2 + i];
    tcb->context.spsr = (tcb->context.spsr & 0xf0000000) | SPSR_EL0T;
    tcb->in_upcall = (flags & TERN_WRITE_REGISTERS_IN_UPCALL) != 0;
    if (tcb->on_cpu && (unsigned)(tcb->on_cpu - 1) == this_cpu_index())
        write_sysreg(tpidr_el0, tcb->context.tpidr_el0);
    if (resume && tcb->state == THREAD_INACTIVE)
        thread_make_runnable(tcb);
    return TERN_OK;
}

static enum tern_error decode_bind_notification(struct invocation *inv, struct tcb *tcb)
{
    if (inv->extra_cap_count < 1)
        return TERN_TRUNCATED_MESSAGE;
    const struct cap *cap = &inv->extra_caps[0]->cap;
    if (cap->type != CAP_NOTIFICATION || !(cap->rights & TERN_RIGHT_READ))
        return TERN_INVALID_CAPABILITY;
    struct notification *notification = (struct notification *)cap->object;
    if (tcb->bound_notification || notification->bound_tcb || notification->waiters.head)
        return TERN_ILLEGAL_OPERATION;
    tcb->bound_notification = notification;
    notification->bound_tcb = tcb;
    return TERN_OK;
}

/* The FP/SIMD registers, FPSR and FPCR of source become tcb's, as fork
 * and clone hand them to the child. Source's are in its TCB unless it
 * runs: the caller's own are saved first, another core's cannot be read.
 * tcb must not run (its registers would not take the copy). */
static enum tern_error decode_copy_fp_state(struct invocation *inv, struct tcb *tcb)
{
    if (inv->extra_cap_count < 1)
        return TERN_TRUNCATED_MESSAGE;
    const struct cap *cap = &inv->extra_caps[0]->cap;
    if (cap->type != CAP_TCB)
        return TERN_INVALID_CAPABILITY;
    struct tcb *source = (struct tcb *)cap->object;
    if (tcb->on_cpu || (source->on_cpu && source != inv->caller))
        return TERN_ILLEGAL_OPERATION;
    if (source == tcb)
        return TERN_OK;
    fpu_flush(source);
    fpu_forget(tcb);
    tcb->fp = source->fp;
    tcb->fp_used = source->fp_used;
    return TERN_OK;
}

static void unbind_notification(struct tcb *tcb)
{
    if (tcb->bound_notification) {
        tcb->bound_notification->bound_tcb = 0;
        tcb->bound_notification = 0;
    }
}

/* SetAffinity: core[, follow_cores]. The thread runs on core; the mask
 * (every core named online, core among them) says where it may follow a
 * caller, and without one it stays on core. */
static enum tern_error decode_set_affinity(struct invocation *inv, struct tcb *tcb)
{
    if (inv->length < 1)
        return TERN_TRUNCATED_MESSAGE;
    uint64_t cpu = invocation_arg(inv, 0);
    if (cpu >= cpus_online())
        return TERN_RANGE_ERROR;
    uint64_t online = (1ULL << cpus_online()) - 1;  /* cpus_online() <= MAX_CPUS < 64 */
    uint64_t cores = inv->length > 1 ? invocation_arg(inv, 1) : 1ULL << cpu;
    if ((cores & ~online) || !((cores >> cpu) & 1))
        return TERN_RANGE_ERROR;
    tcb->follow_cores = cores;
    thread_set_placement(tcb, tcb->priority, (uint8_t)cpu);
    return TERN_OK;
}

enum tern_error tcb_decode(struct invocation *inv)
{
    struct tcb *tcb = (struct tcb *)inv->slot->cap.object;
    uint64_t arg0 = invocation_arg(inv, 0);
    switch (inv->label) {
    case TERN_TCB_CONFIGURE:
        return decode_configure(inv, tcb);
    case TERN_TCB_SET_PRIORITY:
        if (inv->length < 1)
            return TERN_TRUNCATED_MESSAGE;
        if (arg0 > 255)
            return TERN_RANGE_ERROR;
        /* No thread may raise another above its own priority. */
        if (arg0 > inv->caller->priority)
            return TERN_ILLEGAL_OPERATION;
        if (inv->length > 1 && (invocation_arg(inv, 1) & ~(uint64_t)TERN_PRIORITY_FIFO))
            return TERN_RANGE_ERROR;
        tcb->fifo = inv->length > 1 && (invocation_arg(inv, 1) & TERN_PRIORITY_FIFO);
        thread_set_placement(tcb, (uint8_t)arg0, tcb->cpu);
        return TERN_OK;
    case TERN_TCB_SET_AFFINITY:
        return decode_set_affinity(inv, tcb);
    case TERN_TCB_READ_REGISTERS:
        return decode_read_registers(inv, tcb);
    case TERN_TCB_WRITE_REGISTERS:
        return decode_write_registers(inv, tcb);
    case TERN_TCB_RESUME:
        if (!runnable_configuration(tcb))
            return TERN_ILLEGAL_OPERATION;
        if (tcb->state == THREAD_INACTIVE)
            thread_make_runnable(tcb);
        return TERN_OK;
    case TERN_TCB_SUSPEND:
        suspend(tcb);
        return TERN_OK;
    case TERN_TCB_BIND_NOTIFICATION:
        return decode_bind_notification(inv, tcb);
    case TERN_TCB_UNBIND_NOTIFICATION:
        if (!tcb->bound_notification)
            return TERN_ILLEGAL_OPERATION;
        unbind_notification(tcb);
        return TERN_OK;
    case TERN_TCB_SET_TLS:
        if (inv->length < 1)
            return TERN_TRUNCATED_MESSAGE;
        tcb->context.tpidr_el0 = arg0;
        if (tcb == inv->caller)
            write_sysreg(tpidr_el0, arg0);
        return TERN_OK;
    case TERN_TCB_INTERRUPT:
        interrupt_thread(tcb);
        return TERN_OK;
    case TERN_TCB_COPY_FP_STATE:
        return decode_copy_fp_state(inv, tcb);
    case TERN_TCB_GET_CPU_TIME:
        inv->results[0] = tcb->cpu_time;
        inv->result_count = 1;
        return TERN_OK;
    case TERN_TCB_SET_FAULT_HANDLER: {
        struct cte *handler = inv->extra_cap_count ? inv->extra_caps[0] : 0;
        if (handler && (handler->cap.type != CAP_ENDPOINT ||
                        !(handler->cap.rights & TERN_RIGHT_WRITE)))
            return TERN_INVALID_CAPABILITY;
        set_tcb_slot(&tcb->fault_handler, handler);
        return TERN_OK;
    }
    default:
        return TERN_ILLEGAL_OPERATION;
    }
}

void tcb_destroy(struct tcb *tcb)
{
    suspend(tcb);
    fpu_forget(tcb);
    unbind_notification(tcb);
    /* As a server it will answer nobody: interrupts deferred to it take
     * effect, and its replies forget it. */
    tcb->interrupt_pending = 0;
    interrupt_end_claims(tcb);
    server_forget_replies(tcb);
    /* Still current on some core: that core switches away at its next
     * kernel exit (thread_block sent it an IPI). */
    set_tcb_slot(&tcb->cspace_root, 0);
    set_tcb_slot(&tcb->vspace_root, 0);
    set_tcb_slot(&tcb->ipc_buffer_frame, 0);
    set_tcb_slot(&tcb->fault_handler, 0);
}
