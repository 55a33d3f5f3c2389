/* The fast paths: Call, ReplyRecv and Recv between threads on one core,
 * Reply, reply-object invocations, and the Linux upcall's way in and out. */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <stdbool.h>
#include "object/tcb.h"

/* Each returns true when it did the whole system call (and switched to
 * the other thread); false leaves everything untouched for the slow path. */
bool fastpath_call(struct tcb *caller);
bool fastpath_reply_receive(struct tcb *server);
/* Recv that blocks on an endpoint with a reply object, switching to the
 * first ready thread of this core. */
bool fastpath_receive(struct tcb *server);

/* Reply with a short message (not to a fault): the caller is made
 * runnable; the replier carries on. */
bool fastpath_reply(struct tcb *replier);

/* An invocation on a reply object (Reply_ReadWindow, Reply_WriteWindow,
 * Reply_SetInterruptedResult) with its arguments in registers: the same
 * decoder, without the general path's lookup and bookkeeping. */
bool fastpath_reply_invocation(struct tcb *server);

/* The Linux upcall's way in (svc #0) and out (UpcallReturn), for a thread
 * that carries on at once: no other thread is involved, so the scheduler
 * is not asked (an IPI or the tick asks it when there is reason to). */
bool fastpath_linux_syscall(struct tcb *thread);
bool fastpath_upcall_return(struct tcb *thread);

#endif
