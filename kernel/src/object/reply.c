/*
 * Reply objects (seL4 MCS style): a receiver names one in Recv; a caller
 * that meets it is bound to it until the Reply. While bound, the server may
 * copy through the message windows the caller named in its Call.
 */
#include "kernel/interrupt.h"
#include "kernel/ipc.h"
#include "kernel/scheduler.h"
#include "tern/message.h"

void reply_bind(struct reply *reply, struct tcb *caller, struct tcb *server)
{
    if (reply->caller) {
        /* The server reused a reply object that still held a caller: that
         * caller can no longer be answered. */
        reply->caller->reply = 0;
        thread_block(reply->caller, THREAD_INACTIVE);
    }
    reply->caller = caller;
    reply->window_count = 0;
    reply->interrupted_result = 0;
    if (!caller->fault_pending) {
        struct tern_ipc_buffer *buffer = tcb_ipc_buffer(caller);
        unsigned windows = tern_message_windows(caller->context.x[1]);
        if (windows > TERN_MSG_MAX_WINDOWS)
            windows = TERN_MSG_MAX_WINDOWS;
        for (unsigned i = 0; buffer && i < windows; i++)
            reply->windows[i] = buffer->windows[i];
        reply->window_count = buffer ? windows : 0;
    }
    caller->reply = reply;
    thread_block(caller, THREAD_BLOCKED_REPLY);
    reply_claim(reply, server);
}

/* A fault handler's answer: label 0 resumes the thread, with registers
 * rewritten from the message for the faults that carry them. */
static void answer_fault(struct tcb *caller, struct tcb *replier)
{
    tern_message_info info = replier->context.x[1];
    struct tern_ipc_buffer *buffer = tcb_ipc_buffer(replier);
    unsigned length = tern_message_length(info);
    enum tern_fault fault = caller->fault_pending;
    caller->fault_pending = 0;
    if (tern_message_label(info) != 0) {
        thread_block(caller, THREAD_INACTIVE);
        return;
    }
    struct user_context *c = &caller->context;
    if (fault == TERN_FAULT_UNKNOWN_SYSCALL) {
        for (unsigned i = 0; i < 8 && i < length; i++)
            c->x[i] = message_register(replier, buffer, i);
        if (length > 8)
            c->pc = message_register(replier, buffer, 8);
        if (length > 9)
            c->sp = message_register(replier, buffer, 9);
    } else if (fault == TERN_FAULT_USER_EXCEPTION) {
        if (length > 0)
            c->pc = message_register(replier, buffer, 0);
        if (length > 1)
            c->sp = message_register(replier, buffer, 1);
    }
    thread_make_runnable(caller);
}

void reply_send(struct reply *reply, struct tcb *replier)
{
    struct tcb *caller = reply->caller;
    if (!caller)
        return;
    reply->caller = 0;
    reply->window_count = 0;
    caller->reply = 0;
    if (caller->fault_pending) {
        answer_fault(caller, replier);
        return;
    }
    ipc_transfer(replier, caller, 0, caller->sending_can_grant_reply, 0);
    thread_make_runnable(caller);
}

/* The server's reply object is going (the server died, and init revoked
 * its memory): the Call waiting on it fails with TERN_SERVER_GONE rather
 * than waiting for ever. A thread waiting with a fault has no call to
 * fail; it stays suspended, as it would with no fault handler. */
void reply_destroy(struct reply *reply)
{
    reply_forget_server(reply);
    struct tcb *caller = reply->caller;
    if (!caller)
        return;
    reply->caller = 0;
    caller->reply = 0;
    if (caller->fault_pending) {
        thread_block(caller, THREAD_INACTIVE);
        return;
    }
    set_return(caller, 0, tern_message(TERN_SERVER_GONE, 0, 0));
    thread_make_runnable(caller);
}

/* Reply_SetInterruptedResult: value. A server that keeps a caller waiting
 * after doing part of its work (a write that put some bytes in) says what
 * the caller's Call returns if an interrupt ends it: MR0 = value, with
 * label TERN_INTERRUPTED. It claims the reply, as the window calls do. */
static enum tern_error set_interrupted_result(struct invocation *inv, struct reply *reply)
{
    if (inv->length < 1)
        return TERN_TRUNCATED_MESSAGE;
    if (!reply->caller)
        return TERN_CALLER_GONE;
    reply_claim(reply, inv->caller);
    reply->interrupted_result = inv->args[0];
    return TERN_OK;
}

/* Reply_CompareExchange: window, offset, expected, desired. The 32-bit
 * word at the offset (aligned, in a window the caller opened for reading
 * and writing) becomes desired if it is expected, in one atomic step
 * against the client's own threads (a futex word another core updates
 * with its own atomics). The word as it was is the result. */
static enum tern_error compare_exchange(struct invocation *inv, struct reply *reply)
{
    if (inv->length < 4)
        return TERN_TRUNCATED_MESSAGE;
    if (!reply->caller)
        return TERN_CALLER_GONE;
    reply_claim(reply, inv->caller);
    uint64_t window_index = inv->args[0], offset = inv->args[1];
    if (window_index >= reply->window_count)
        return TERN_RANGE_ERROR;
    const struct tern_message_window *window = &reply->windows[window_index];
    uint64_t both = TERN_WINDOW_READ | TERN_WINDOW_WRITE;
    if ((window->rights & both) != both)
        return TERN_INVALID_CAPABILITY;
    if (offset > window->length || window->length - offset < sizeof(uint32_t))
        return TERN_RANGE_ERROR;
    uint64_t address = window->address + offset;
    if (address & (sizeof(uint32_t) - 1))
        return TERN_RANGE_ERROR;
    uint32_t *word = vspace_user_pointer(tcb_vspace(reply->caller), address, true);
    if (!word)
        return TERN_FAULT;
    uint32_t expected = (uint32_t)inv->args[2];
    __atomic_compare_exchange_n(word, &expected, (uint32_t)inv->args[3], false,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    inv->results[0] = expected;         /* what it held: desired went in if this is expected */
    inv->result_count = 1;
    return TERN_OK;
}

/* Reply_ReadWindow / Reply_WriteWindow: window, offset, length, and the
 * server's own buffer address. */
enum tern_error reply_decode(struct invocation *inv)
{
    struct reply *reply = (struct reply *)inv->slot->cap.object;
    if (inv->label == TERN_REPLY_SET_INTERRUPTED_RESULT)
        return set_interrupted_result(inv, reply);
    if (inv->label == TERN_REPLY_COMPARE_EXCHANGE)
        return compare_exchange(inv, reply);
    bool reading = inv->label == TERN_REPLY_READ_WINDOW;
    if (!reading && inv->label != TERN_REPLY_WRITE_WINDOW)
        return TERN_ILLEGAL_OPERATION;
    if (inv->length < 4)
        return TERN_TRUNCATED_MESSAGE;
    if (!reply->caller)
        return TERN_CALLER_GONE;
    /* Even a copy that fails below claims the reply: a server probes a
     * window before it commits to answering a deferred caller. */
    reply_claim(reply, inv->caller);
    uint64_t window_index = inv->args[0], offset = inv->args[1], length = inv->args[2];
    uint64_t server_address = inv->args[3];
    if (window_index >= reply->window_count)
        return TERN_RANGE_ERROR;
    const struct tern_message_window *window = &reply->windows[window_index];
    if (!(window->rights & (reading ? TERN_WINDOW_READ : TERN_WINDOW_WRITE)))
        return TERN_INVALID_CAPABILITY;
    if (offset > window->length || length > window->length - offset)
        return TERN_RANGE_ERROR;
    struct vspace *client = tcb_vspace(reply->caller);
    struct vspace *server = tcb_vspace(inv->caller);
    if (!client || !server)
        return TERN_CALLER_GONE;
    enum tern_error error = reading
        ? vspace_copy(server, server_address, client, window->address + offset, length)
        : vspace_copy(client, window->address + offset, server, server_address, length);
    if (error)
        return error;
    inv->results[0] = length;
    inv->result_count = 1;
    return TERN_OK;
}
