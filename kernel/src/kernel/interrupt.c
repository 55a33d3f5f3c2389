/* Interrupting threads, and the claims that hold an interrupt back while a
 * server answers (kernel/interrupt.h explains both). */
#include "kernel/interrupt.h"
#include "kernel/ipc.h"
#include "kernel/irq.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "tern/message.h"
#include "tern/syscalls.h"

void interrupt_thread(struct tcb *thread)
{
    thread->interrupt_pending = 1;
    interrupt_blocked_thread(thread);
    /* Running on another core: make that core enter the kernel, which
     * diverts the thread on its way out. */
    if (thread->interrupt_pending && thread->on_cpu &&
        (unsigned)(thread->on_cpu - 1) != this_cpu_index())
        irq_send_ipi(thread->on_cpu - 1);
}

void interrupt_blocked_thread(struct tcb *thread)
{
    switch (thread->state) {
    case THREAD_BLOCKED_SEND:
        /* A plain Send has nothing to return an error in; a fault is the
         * kernel's message, not the thread's call. */
        if (!thread->sending_is_call || thread->fault_pending)
            return;
        break;
    case THREAD_BLOCKED_NOTIFICATION:
        break;
    case THREAD_BLOCKED_REPLY: {
        struct reply *reply = thread->reply;
        if (thread->fault_pending || !reply || reply->caller != thread)
            return;
        if (reply_is_claimed(reply)) {
            reply->server->interrupt_deferred = 1;
            return;
        }
        break;
    }
    default:
        return;     /* receiving, runnable or suspended: the mark stays */
    }
    uint64_t result = thread->state == THREAD_BLOCKED_REPLY ? thread->reply->interrupted_result : 0;
    ipc_cancel(thread);
    thread->interrupt_pending = 0;
    if (result)
        thread->context.x[2] = result;      /* MR0 */
    set_return(thread, 0, tern_message(TERN_INTERRUPTED, 0, result ? 1 : 0));
    thread_make_runnable(thread);
}

void upcall_enter(struct tcb *thread, struct tern_ipc_buffer *buffer, uint64_t entry)
{
    buffer->upcall_return_address = thread->context.pc;
    buffer->upcall_return_pstate = thread->context.spsr;
    thread->context.pc = entry;
    if (buffer->upcall_stack) {
        buffer->upcall_saved_sp = thread->context.sp;
        thread->context.sp = buffer->upcall_stack;
    }
    thread->in_upcall = 1;
}

#define SPSR_NZCV 0xf0000000ULL

void upcall_leave(struct tcb *thread, const struct tern_ipc_buffer *buffer)
{
    struct user_context *c = &thread->context;
    c->pc = buffer->upcall_return_address;
    c->spsr = buffer->upcall_return_pstate & SPSR_NZCV;
    if (buffer->upcall_stack)
        c->sp = buffer->upcall_saved_sp;
    thread->in_upcall = 0;
}

void interrupt_divert_on_exit(struct tcb *thread)
{
    if (thread->in_upcall || thread->state != THREAD_RUNNABLE)
        return;
    struct vspace *vspace = tcb_vspace(thread);
    struct tern_ipc_buffer *buffer = tcb_ipc_buffer(thread);
    if (!vspace || !vspace->upcall_entry || !buffer)
        return;
    upcall_enter(thread, buffer, vspace->upcall_entry + TERN_UPCALL_INTERRUPT_OFFSET);
    thread->interrupt_pending = 0;
}

void interrupt_end_claims(struct tcb *server)
{
    server->receive_generation++;
    if (!server->interrupt_deferred)
        return;
    server->interrupt_deferred = 0;
    for (struct reply *reply = server->claimed_replies; reply; reply = reply->claim_next) {
        struct tcb *caller = reply->caller;
        if (caller && caller->interrupt_pending)
            interrupt_blocked_thread(caller);
    }
}

void reply_claim(struct reply *reply, struct tcb *server)
{
    if (reply->server != server) {
        reply_forget_server(reply);
        reply->server = server;
        reply->claim_next = server->claimed_replies;
        if (reply->claim_next)
            reply->claim_next->claim_previous = reply;
        server->claimed_replies = reply;
    }
    reply->claim_generation = server->receive_generation;
}

bool reply_is_claimed(const struct reply *reply)
{
    return reply->server && reply->server->receive_generation == reply->claim_generation;
}

void reply_forget_server(struct reply *reply)
{
    if (!reply->server)
        return;
    if (reply->claim_previous)
        reply->claim_previous->claim_next = reply->claim_next;
    else
        reply->server->claimed_replies = reply->claim_next;
    if (reply->claim_next)
        reply->claim_next->claim_previous = reply->claim_previous;
    reply->server = 0;
    reply->claim_next = 0;
    reply->claim_previous = 0;
}

void server_forget_replies(struct tcb *server)
{
    while (server->claimed_replies)
        reply_forget_server(server->claimed_replies);
}
