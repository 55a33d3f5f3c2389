/*
 * Endpoints: synchronous rendezvous. A queue holds either blocked senders
 * or blocked receivers (never both); the message is copied when the two
 * meet, straight from sender to receiver.
 */
#include "kernel/ipc.h"
#include "kernel/run_queue.h"
#include "kernel/scheduler.h"

static struct tcb *dequeue_first(struct endpoint *endpoint)
{
    struct tcb *thread = endpoint->queue.head;
    thread_queue_remove(&endpoint->queue, thread);
    if (!endpoint->queue.head)
        endpoint->state = ENDPOINT_IDLE;
    thread->blocked_on = 0;
    return thread;
}

static void enqueue(struct endpoint *endpoint, struct tcb *thread, enum endpoint_state state,
                    enum thread_state thread_state)
{
    thread_block(thread, thread_state);
    thread->blocked_on = endpoint;
    endpoint->state = state;
    thread_queue_append(&endpoint->queue, thread);
}

/* After a message from sender reached receiver: a caller waits for the
 * reply (bound to the receiver's reply object), anyone else carries on. */
static void complete_send(struct tcb *sender, struct tcb *receiver, bool is_call)
{
    if (is_call) {
        struct reply *reply = receiver->reply;
        receiver->reply = 0;
        if (reply)
            reply_bind(reply, sender, receiver);
        else
            thread_block(sender, THREAD_INACTIVE);  /* nobody can answer it */
    } else {
        sender->fault_pending = 0;
    }
}

void endpoint_send(struct endpoint *endpoint, struct tcb *sender, uint64_t badge,
                   bool can_grant, bool can_grant_reply, bool is_call, bool blocking)
{
    /* The reply reads it, whether the message goes now or later. */
    sender->sending_can_grant_reply = can_grant_reply;
    if (endpoint->state == ENDPOINT_RECEIVING) {
        struct tcb *receiver = dequeue_first(endpoint);
        ipc_transfer(sender, receiver, badge, can_grant, endpoint);
        /* A caller blocks: its core is free for the server. A Send's
         * sender goes on, so its receiver stays on its own core. */
        if (is_call && sender->on_cpu == this_cpu_index() + 1)
            thread_follow_caller(receiver, this_cpu_index());
        thread_make_runnable(receiver);
        complete_send(sender, receiver, is_call);
        return;
    }
    if (!blocking)
        return;
    sender->sending_badge = badge;
    sender->sending_is_call = is_call;
    sender->sending_can_grant = can_grant;
    enqueue(endpoint, sender, ENDPOINT_SENDING, THREAD_BLOCKED_SEND);
}

void endpoint_receive(struct endpoint *endpoint, struct tcb *receiver, struct reply *reply,
                      bool blocking)
{
    if (notification_deliver_bound(receiver))
        return;
    if (endpoint->state == ENDPOINT_SENDING) {
        struct tcb *sender = dequeue_first(endpoint);
        ipc_transfer(sender, receiver, sender->sending_badge, sender->sending_can_grant, endpoint);
        if (sender->sending_is_call) {
            if (reply)
                reply_bind(reply, sender, receiver);
            else
                thread_block(sender, THREAD_INACTIVE);
        } else {
            thread_make_runnable(sender);
        }
        return;
    }
    if (!blocking) {
        set_return(receiver, 0, 0);
        return;
    }
    receiver->reply = reply;
    enqueue(endpoint, receiver, ENDPOINT_RECEIVING, THREAD_BLOCKED_RECEIVE);
}

/* The endpoint is going away: every waiter re-executes its system call,
 * which now fails to find the capability and returns an error. */
void endpoint_destroy(struct endpoint *endpoint)
{
    while (endpoint->queue.head) {
        struct tcb *thread = dequeue_first(endpoint);
        thread->reply = 0;
        if (thread->fault_pending)
            thread->fault_pending = 0;  /* faults again, finds no handler */
        else
            thread->context.pc -= 4;    /* back to the svc */
        thread_make_runnable(thread);
    }
}

void ipc_cancel(struct tcb *thread)
{
    switch (thread->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECEIVE: {
        struct endpoint *endpoint = thread->blocked_on;
        thread_queue_remove(&endpoint->queue, thread);
        if (!endpoint->queue.head)
            endpoint->state = ENDPOINT_IDLE;
        thread->reply = 0;
        break;
    }
    case THREAD_BLOCKED_NOTIFICATION: {
        struct notification *notification = thread->blocked_on;
        thread_queue_remove(&notification->waiters, thread);
        break;
    }
    case THREAD_BLOCKED_REPLY:
        if (thread->reply && thread->reply->caller == thread)
            thread->reply->caller = 0;
        thread->reply = 0;
        break;
    default:
        break;
    }
    thread->blocked_on = 0;
    thread->fault_pending = 0;
}
