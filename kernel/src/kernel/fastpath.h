/* The IPC fast path: Call and ReplyRecv between threads on one core. */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <stdbool.h>
#include "object/tcb.h"

/* Each returns true when it did the whole system call (and switched to
 * the other thread); false leaves everything untouched for the slow path. */
bool fastpath_call(struct tcb *caller);
bool fastpath_reply_receive(struct tcb *server);

#endif
