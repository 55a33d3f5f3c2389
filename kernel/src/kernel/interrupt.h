/*
 * Interrupting a thread (TCB_Interrupt), so that a signal can reach it.
 *
 * An interrupt marks the thread (interrupt_pending). A thread blocked in
 * a Call that no server has taken yet, or in a Wait, gives it up at once:
 * the call returns TERN_INTERRUPTED. A thread waiting for the answer to a
 * Call gives it up too, unless its server has claimed the reply object:
 * then the server is in the middle of answering, and the interrupt waits
 * until the claim ends (the server's next receive) or the answer comes.
 * A marked thread that runs the program's own code, in an address space
 * with an upcall entry, is sent to the interrupt entry on its way back to
 * user mode.
 *
 * A server claims a reply object when a receive binds a caller to it, and
 * when it copies through one of its windows; the claim lasts until that
 * server's next Recv or ReplyRecv. Claims are counted by generations: each
 * receive increments the server's receive_generation, and a reply is
 * claimed while the generation it recorded is the server's current one.
 */
#ifndef KERNEL_INTERRUPT_H
#define KERNEL_INTERRUPT_H

#include <stdbool.h>
#include "object/objects.h"

/* TCB_Interrupt: mark thread and act on the mark as its state allows. */
void interrupt_thread(struct tcb *thread);

/* A marked thread that is blocked: end its Call or Wait if it may be
 * ended now, or leave the interrupt deferred to the claiming server. */
void interrupt_blocked_thread(struct tcb *thread);

/* The thread is about to return to user mode: if it is marked and runs
 * the program's own code, send it to the interrupt entry instead. */
void interrupt_divert_on_exit(struct tcb *thread);

/* Enter the thread's upcall at entry, as svc #0 and an interrupt do: the
 * resume point and flags go to the IPC buffer, and sp too when the thread
 * named an upcall stack (it runs on that stack then). */
void upcall_enter(struct tcb *thread, struct tern_ipc_buffer *buffer, uint64_t entry);

/* UpcallReturn: back to the program at the resume point, with its flags
 * (only NZCV: it stays in EL0) and, with an upcall stack, its sp. */
void upcall_leave(struct tcb *thread, const struct tern_ipc_buffer *buffer);

/* server enters a receive: its claims end, and the interrupts deferred
 * until then take effect. */
void interrupt_end_claims(struct tcb *server);

/* server claims reply (bound by its receive, or a window copy). */
void reply_claim(struct reply *reply, struct tcb *server);
bool reply_is_claimed(const struct reply *reply);
/* The reply or the server is being destroyed: unlink it. */
void reply_forget_server(struct reply *reply);
void server_forget_replies(struct tcb *server);

#endif
