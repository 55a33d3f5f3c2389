/*
 * Moving a message between two threads: message registers (the first
 * TERN_MSG_REGISTERS in x2.., the rest in the IPC buffers), the badge, and
 * up to three capabilities.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <stdbool.h>
#include "object/objects.h"

uint64_t message_register(struct tcb *thread, struct tern_ipc_buffer *buffer, unsigned index);
void set_message_register(struct tcb *thread, struct tern_ipc_buffer *buffer, unsigned index,
                          uint64_t value);

/* Copy sender's message (its x1 message info, registers and caps) to
 * receiver, which gets badge in x0 and the resulting message info in x1.
 * A fault pending on the sender is sent as a fault message instead.
 * endpoint is the endpoint the message went through (caps to it are
 * unwrapped into badges) or 0. */
void ipc_transfer(struct tcb *sender, struct tcb *receiver, uint64_t badge, bool can_grant,
                  struct endpoint *endpoint);

/* Set a thread's return values: x0 badge, x1 message info. */
static inline void set_return(struct tcb *thread, uint64_t badge, tern_message_info info)
{
    thread->context.x[0] = badge;
    thread->context.x[1] = info;
}

/* The IPC operations behind the system calls (endpoint.c). */
void endpoint_send(struct endpoint *endpoint, struct tcb *sender, uint64_t badge,
                   bool can_grant, bool can_grant_reply, bool is_call, bool blocking);
void endpoint_receive(struct endpoint *endpoint, struct tcb *receiver, struct reply *reply,
                      bool blocking);
/* Answer the caller bound to reply, if any (reply.c). */
void reply_send(struct reply *reply, struct tcb *replier);
/* Bind a caller that did a Call (or faulted) to a reply object that the
 * receiving server named (the server claims it). */
void reply_bind(struct reply *reply, struct tcb *caller, struct tcb *server);
/* Remove a thread from whatever IPC queue or reply it waits in. */
void ipc_cancel(struct tcb *thread);

/* Notifications (notification.c). */
void notification_signal(struct notification *notification, uint64_t badge);
void notification_wait(struct notification *notification, struct tcb *thread, bool blocking);
/* If thread's bound notification has a pending word, deliver it and
 * return true. */
bool notification_deliver_bound(struct tcb *thread);
/* Expire kernel timeouts whose deadline has passed. */
void notification_timeouts_expire(uint64_t now);

#endif
