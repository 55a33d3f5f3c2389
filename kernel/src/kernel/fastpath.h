/* The fast paths: Call, ReplyRecv and Recv between threads on one core,
 * Reply, reply-object invocations, and the Linux upcall's way in and out. */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include "object/tcb.h"

/* Each is entered with the kernel lock held and the thread's registers
 * saved. When it can do the whole system call it does, and leaves the
 * kernel to the thread that runs next (the other one, switched to, or the
 * same): it never returns. When it returns, it changed nothing, and the
 * general path takes the call. */
void fastpath_call(struct tcb *caller);
void fastpath_reply_receive(struct tcb *server);
/* Recv that blocks on an endpoint with a reply object, switching to the
 * first ready thread of this core. */
void fastpath_receive(struct tcb *server);

/* Reply with a short message (not to a fault): the caller is made
 * runnable; the replier carries on. */
void fastpath_reply(struct tcb *replier);

/* An invocation on a reply object (Reply_ReadWindow, Reply_WriteWindow,
 * Reply_SetInterruptedResult) with its arguments in registers: the same
 * decoder, without the general path's lookup and bookkeeping. */
void fastpath_reply_invocation(struct tcb *server);

/* The Linux upcall's way in (svc #0) and out (UpcallReturn), for a thread
 * that carries on at once: no other thread is involved, so the scheduler
 * is not asked (an IPI or the tick asks it when there is reason to).
 * arch/aarch64/upcall_fastpath.S does the same before any register is
 * saved; these serve when it found the kernel lock taken. */
void fastpath_linux_syscall(struct tcb *thread);
void fastpath_upcall_return(struct tcb *thread);

#endif
