/*
 * The IPC fast path (seL4's idea): a Call to a server already waiting on
 * the endpoint, and the server's ReplyRecv back to a caller, done in a
 * straight line when every condition below holds: a short message (no
 * caps, at most the register-borne message registers), single-level
 * CSpaces, the other thread on this core (or, for a Call, a server that
 * may follow its caller here) at a priority that would run it anyway,
 * and nothing else to deliver. Anything else takes the general
 * path, which gives the same result more slowly. docs/fastpath.md lists
 * every condition of every path, and tests/kernel breaks each in turn.
 *
 * A server's Recv that blocks (a caller it keeps waiting, as the pipe
 * server does with a reader) switches straight to the thread the
 * scheduler would pick, when there is one and nothing waits to be taken.
 *
 * Beside them, shorter straight lines for calls that involve no other
 * thread's switch: Reply, the invocations on reply objects (a server's
 * probe and window copies), and the Linux upcall's way in and out.
 *
 * Interrupts (kernel/interrupt.h): a marked caller, or a server with
 * interrupts deferred to it, takes the general path; Call records the
 * server's claim on the reply and ReplyRecv ends it. Neither path diverts
 * a thread to its interrupt entry: each returns to a thread that made a
 * native Call or Recv, which a Linux program's own code never does (its
 * system calls are svc #0; its upcall makes the native calls, and a
 * thread in its upcall is never diverted).
 */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "kernel/fastpath.h"
#include "kernel/interrupt.h"
#include "kernel/ipc.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "object/vspace_switch.h"
#include "tern/message.h"
#include "tern/syscalls.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* What quick_lookup finds where it cannot look: a null capability, which
 * every caller's type check turns away. */
static const struct cap no_cap;

/* A capability in a single-level CSpace (guard + radix = 64 bits). */
static inline const struct cap *quick_lookup(const struct tcb *thread, uint64_t cptr)
{
    const struct cap *root = &thread->cspace_root.cap;
    unsigned radix = root->size_bits;
    if (unlikely(root->type != CAP_CNODE || root->word2 + radix != 64 ||
                 (cptr >> radix) != root->word))
        return &no_cap;
    return &((const struct cte *)root->object)[cptr & ((1ULL << radix) - 1)].cap;
}

static inline bool short_message(tern_message_info info)
{
    return tern_message_caps(info) == 0 && tern_message_length(info) <= TERN_MSG_REGISTERS;
}

/* The other thread, which may run on this core, may run now instead of
 * the current one, which is about to block (its own priority does not
 * matter then: a server answering a lower-priority client runs the
 * client next if nothing ranks higher). */
static inline bool may_switch_to(const struct cpu_state *state, const struct tcb *next)
{
    return likely(run_queue_is_empty(&state->ready)) ||
           !run_queue_has_above(&state->ready, next->priority);
}

/* The server waiting for a Call may run on the caller's core (cpu): it
 * is there, or it may follow the caller there (docs/multicore.md) and
 * its FP/SIMD state is not live on its old core, whose flush (an IPI) is
 * the general path's. A thread's state is live only on its own core. */
static inline bool may_come_to(const struct tcb *server, unsigned cpu)
{
    return likely(server->cpu == cpu) ||
           (tcb_may_follow_to(server, cpu) && fp_owner[server->cpu] != server);
}

static inline void copy_message(struct tcb *from, struct tcb *to, uint64_t badge)
{
    to->context.x[0] = badge;
    /* The sender's label, length and windows; no capabilities (a short
     * message has none), so none were unwrapped. */
    to->context.x[1] = from->context.x[1] & ~TERN_MESSAGE_UNWRAPPED_MASK;
    to->context.x[2] = from->context.x[2];
    to->context.x[3] = from->context.x[3];
    to->context.x[4] = from->context.x[4];
    to->context.x[5] = from->context.x[5];
}

/* Leave the kernel to next, which this core (cpu) now runs in place of
 * previous (switch_thread did the rest): FP/SIMD usable if next owns the
 * registers (arch/fpu.h). Dropping a stale ASID (drop_asid, from
 * vspace_load) is rare and done out of line: on the common way out no
 * call returns, so the fast paths keep nothing in callee-saved registers. */
static __attribute__((noinline, noreturn, cold)) void exit_dropping_asid(struct tcb *next,
                                                                        unsigned cpu)
{
    vspace_flush_stale_asid(cpu);
    kernel_exit_to(next);
}

static inline __attribute__((always_inline, noreturn)) void exit_to_switched(
    struct tcb *previous, struct tcb *next, unsigned cpu, bool drop_asid)
{
    fpu_switch(cpu, previous, next);
    if (unlikely(drop_asid))
        exit_dropping_asid(next, cpu);
    kernel_exit_to(next);
}

/* Switch this core (cpu, whose state is state) from current to next, in
 * vspace: user thread state that lives in system registers, and the
 * address space. True if exit_to_switched, which then leaves to next,
 * must drop a stale ASID. */
static inline bool switch_thread(struct cpu_state *state, unsigned cpu, struct tcb *current,
                                 struct tcb *next, struct vspace *vspace)
{
    current->context.tpidr_el0 = read_sysreg(tpidr_el0);
    write_sysreg(tpidr_el0, next->context.tpidr_el0);
    write_sysreg(tpidrro_el0, next->context.tpidrro_el0);
    bool drop_asid = vspace_load(cpu, vspace);
    current->on_cpu = 0;
    next->on_cpu = cpu + 1;
    state->current = next;
    return drop_asid;
}

void fastpath_call(struct tcb *caller)
{
    tern_message_info info = caller->context.x[1];
    if (unlikely(!short_message(info) || caller->interrupt_pending))
        return;
    const struct cap *cap = quick_lookup(caller, caller->context.x[0]);
    if (unlikely(cap->type != CAP_ENDPOINT || !(cap->rights & TERN_RIGHT_WRITE)))
        return;
    struct endpoint *endpoint = (struct endpoint *)cap->object;
    if (unlikely(endpoint->state != ENDPOINT_RECEIVING))
        return;
    struct tcb *server = endpoint->queue.head;
    struct reply *reply = server->reply;
    unsigned cpu = caller->cpu;
    struct cpu_state *state = &cpu_states[cpu];
    struct vspace *vspace = tcb_vspace(server);
    unsigned windows = tern_message_windows(info);
    if (unlikely(!reply || reply->caller || reply->server != server ||
                 !may_come_to(server, cpu) || !may_switch_to(state, server) || !vspace ||
                 (windows && !tcb_ipc_buffer(caller))))
        return;

    /* Dequeue the server (the queue's head), hand it the message, bind
     * the caller. */
    struct tcb *after = server->next;
    endpoint->queue.head = after;
    if (after)
        after->previous = 0;
    else {
        endpoint->queue.tail = 0;
        endpoint->state = ENDPOINT_IDLE;
    }
    server->next = 0;
    server->blocked_on = 0;
    server->reply = 0;
    server->state = THREAD_RUNNABLE;
    server->cpu = cpu;                  /* it follows its caller */
    copy_message(caller, server, cap->word);
    reply->window_count = 0;
    if (windows) {
        struct tern_ipc_buffer *buffer = tcb_ipc_buffer(caller);
        reply->windows[0] = buffer->windows[0];
        reply->windows[1] = buffer->windows[1];
        reply->window_count = windows > TERN_MSG_MAX_WINDOWS ? TERN_MSG_MAX_WINDOWS : windows;
    }
    reply->caller = caller;
    reply->interrupted_result = 0;
    reply->claim_generation = server->receive_generation;   /* the server claims it */
    caller->reply = reply;
    caller->sending_can_grant_reply = (cap->rights & TERN_RIGHT_GRANT_REPLY) != 0;
    caller->state = THREAD_BLOCKED_REPLY;
    bool drop_asid = switch_thread(state, cpu, caller, server, vspace);
    exit_to_switched(caller, server, cpu, drop_asid);
}

/* The answer of both reply paths: the caller leaves the reply object
 * with the replier's message. */
static inline void answer_caller(struct reply *reply, struct tcb *caller, struct tcb *replier)
{
    reply->caller = 0;
    reply->window_count = 0;
    caller->reply = 0;
    copy_message(replier, caller, 0);
}

/* A receive's capabilities: a reply object, and an endpoint to read. */
static inline bool receive_caps_usable(const struct cap *reply_cap, const struct cap *cap)
{
    return reply_cap->type == CAP_REPLY && cap->type == CAP_ENDPOINT &&
           (cap->rights & TERN_RIGHT_READ);
}

/* The server's receive blocks with nothing else to do first: no sender
 * queued, no notification word to take, no interrupt deferred until its
 * claims end (kernel/interrupt.h). */
static inline bool may_wait_at_once(const struct tcb *server, const struct endpoint *endpoint)
{
    return endpoint->state != ENDPOINT_SENDING && !server->interrupt_deferred &&
           !(server->bound_notification && server->bound_notification->word);
}

/* The receive half of ReplyRecv and Recv: the server waits on the
 * endpoint, to be bound through reply to its next caller. */
static inline void wait_on_endpoint(struct tcb *server, struct endpoint *endpoint,
                                    struct reply *reply)
{
    server->receive_generation++;   /* the receive ends the server's claims */
    server->reply = reply;
    server->state = THREAD_BLOCKED_RECEIVE;
    server->blocked_on = endpoint;
    endpoint->state = ENDPOINT_RECEIVING;
    thread_queue_append(&endpoint->queue, server);
}

void fastpath_reply_receive(struct tcb *server)
{
    tern_message_info info = server->context.x[1];
    if (unlikely(!short_message(info)))
        return;
    const struct cap *reply_cap = quick_lookup(server, server->context.x[6]);
    const struct cap *cap = quick_lookup(server, server->context.x[0]);
    if (unlikely(!receive_caps_usable(reply_cap, cap)))
        return;
    struct reply *reply = (struct reply *)reply_cap->object;
    struct endpoint *endpoint = (struct endpoint *)cap->object;
    struct tcb *caller = reply->caller;
    if (unlikely(!caller))
        return;
    unsigned cpu = server->cpu;
    struct cpu_state *state = &cpu_states[cpu];
    struct vspace *vspace = tcb_vspace(caller);
    if (unlikely(caller->fault_pending || !may_wait_at_once(server, endpoint) ||
                 caller->cpu != cpu || !may_switch_to(state, caller) || !vspace))
        return;

    /* Answer the caller, then wait on the endpoint with the same reply. */
    answer_caller(reply, caller, server);
    caller->state = THREAD_RUNNABLE;
    wait_on_endpoint(server, endpoint, reply);
    bool drop_asid = switch_thread(state, cpu, server, caller, vspace);
    exit_to_switched(server, caller, cpu, drop_asid);
}

void fastpath_receive(struct tcb *server)
{
    const struct cap *reply_cap = quick_lookup(server, server->context.x[6]);
    const struct cap *cap = quick_lookup(server, server->context.x[0]);
    if (unlikely(!receive_caps_usable(reply_cap, cap)))
        return;
    struct endpoint *endpoint = (struct endpoint *)cap->object;
    unsigned cpu = server->cpu;
    struct cpu_state *state = &cpu_states[cpu];
    struct tcb *next = run_queue_highest(&state->ready);
    if (unlikely(!next || next->interrupt_pending || server->interrupt_pending ||
                 !may_wait_at_once(server, endpoint) || !tcb_vspace(next)))
        return;

    /* Wait, and run what the scheduler would pick next. */
    wait_on_endpoint(server, endpoint, (struct reply *)reply_cap->object);
    scheduler_take(state, next);
    state->slice_expired = false;
    bool drop_asid = switch_thread(state, cpu, server, next, tcb_vspace(next));
    exit_to_switched(server, next, cpu, drop_asid);
}

void fastpath_reply(struct tcb *replier)
{
    tern_message_info info = replier->context.x[1];
    if (unlikely(!short_message(info)))
        return;
    const struct cap *reply_cap = quick_lookup(replier, replier->context.x[6]);
    if (unlikely(reply_cap->type != CAP_REPLY))
        return;
    struct reply *reply = (struct reply *)reply_cap->object;
    struct tcb *caller = reply->caller;
    if (unlikely(!caller || caller->fault_pending))
        return;
    answer_caller(reply, caller, replier);
    thread_make_runnable(caller);
    set_return(replier, 0, tern_message(TERN_OK, 0, 0));
    kernel_exit_to(replier);
}

void fastpath_reply_invocation(struct tcb *server)
{
    tern_message_info info = server->context.x[1];
    if (unlikely(!short_message(info) || tern_message_windows(info)))
        return;
    const struct cap *cap = quick_lookup(server, server->context.x[0]);
    if (unlikely(cap->type != CAP_REPLY))
        return;
    struct invocation inv;      /* large: only what reply_decode reads is set */
    inv.caller = server;
    inv.slot = (struct cte *)cap;   /* the cap is the slot's first member */
    inv.label = tern_message_label(info);
    inv.length = tern_message_length(info);
    inv.extra_cap_count = 0;
    inv.result_count = 0;
    for (unsigned i = 0; i < inv.length; i++)
        inv.args[i] = server->context.x[2 + i];
    enum tern_error error = reply_decode(&inv);
    unsigned results = error == TERN_OK ? inv.result_count : 0;
    for (unsigned i = 0; i < results && i < TERN_MSG_REGISTERS; i++)
        server->context.x[2 + i] = inv.results[i];
    set_return(server, 0, tern_message(error, 0, results));
    kernel_exit_to(server);
}

void fastpath_linux_syscall(struct tcb *thread)
{
    struct vspace *vspace = tcb_vspace(thread);
    struct tern_ipc_buffer *buffer = tcb_ipc_buffer(thread);
    if (unlikely(!vspace || !vspace->upcall_entry || !buffer))
        return;
    upcall_enter(thread, buffer, vspace->upcall_entry + TERN_UPCALL_SYSCALL_OFFSET);
    kernel_exit_to(thread);
}

void fastpath_upcall_return(struct tcb *thread)
{
    struct tern_ipc_buffer *buffer = tcb_ipc_buffer(thread);
    if (unlikely(!buffer || thread->interrupt_pending))
        return;       /* the general path raises the fault, or diverts */
    upcall_leave(thread, buffer);
    kernel_exit_to(thread);
}
