/*
 * What every server protocol shares.
 *
 * A request is a Call: the label names the operation, the message
 * registers carry its arguments in the order each header lists, and
 * message windows (tern_set_window) carry buffers: a server never reads
 * or writes client memory except through a window of the current call.
 *
 * The reply has label 0 and the result in message register 0 as Linux's
 * syscall return value: a non-negative result, or -errno. Operations that
 * return more put it in the following registers; a capability in the
 * reply lands in the receive slot the client set (tern_set_receive_slot).
 *
 * Servers started by init run as native programs: root_main gets a struct
 * tern_boot_info of their own (their untyped memory and free slots), and
 * the fixed slots of enum tern_root_slot plus those below.
 */
#ifndef SYS_PROTOCOL_COMMON_H
#define SYS_PROTOCOL_COMMON_H

#include "tern/boot_info.h"

enum server_slot {
    SERVER_SLOT_ENDPOINT = TERN_SLOT_FIRST_FREE_FIXED, /* its own, unbadged: mint from it */
    SERVER_SLOT_NOTIFICATION,       /* bound to its thread: timeouts */
    SERVER_SLOT_FIRST_PRIVATE,      /* each server's own fixed slots start here */
};

/* Words of a server's notification as Recv reports them (in place of a
 * badge): SERVER_NOTIFIED set means "this was the bound notification, not
 * a message", which no client's badge ever has. */
#define SERVER_NOTIFIED         (1ULL << 63)
#define SERVER_TIMER_BADGE      1ULL

/* procmgr's notice to the servers whose entry asks for it (exit_notices,
 * sys/servers.h): the process in MR0 has ended, its last thread gone by
 * exit or by a signal, its address space already torn down. It comes
 * through the server's session badge of pid 0 (SESSION_NOTICE_BADGE),
 * which no process holds. The server answers at once (0) and never calls
 * procmgr, which waits for the answer. */
#define SERVER_PROCESS_ENDED    0xf00
/* The same way, about IPC namespaces (sys/ipc_namespace.h): the process
 * in MR0 is now in namespace MR1 (it unshared, or was forked or cloned
 * into it), told before it runs there; and the last process of
 * namespace MR0 ended, so its objects go, as Linux's free_ipcs and
 * mq_clear_sbinfo do. */
#define SERVER_PROCESS_NAMESPACE 0xf01
#define SERVER_NAMESPACE_ENDED  0xf02
/* The same way: root set the time of day (clock_settime); MR0 is the new
 * epoch offset, the counter ticks from the epoch to the counter's 0
 * (sys/counter.h). Timers set for an instant of the realtime clock move
 * with it. */
#define SERVER_CLOCK_SET        0xf03

/* Memory a server borrows (docs/protocols/memory.md, "Borrowed memory").
 * A server whose entry may borrow (borrows_memory, sys/servers.h) and
 * that runs out of pages for a request that has done nothing yet answers
 * -ENOMEM with SERVER_WANTS_MEMORY | its server id in MR1; the caller
 * asks procmgr to lend it memory (PROC_LEND_MEMORY, or procmgr itself
 * for MEMORY_PAGE) and calls again. procmgr lends it with
 * SERVER_TAKE_MEMORY through the server's unbadged endpoint: cap 0 an
 * untyped capability of 2^MR0 bytes, which the server adds to its pool
 * and keeps (0), or drops when its pool has no room (-ENOSPC). The
 * runtime answers it (sys/server.h) through badge 0 alone: no process
 * holds a server's endpoint unbadged. */
#define SERVER_TAKE_MEMORY      0xf04

/* What a server holds now, through any capability (the runtime answers,
 * sys/server.h): 0; MR1 its data pages in use (but for its descriptor
 * table's, which stay at their high-water mark), MR2 its heap's bytes in
 * use, MR3 the callers it keeps waiting. Tests compare them before and
 * after a run to find what a server never gave back. */
#define SERVER_STATISTICS       0xf05

/* A test's way to make a server fault (the runtime's, through any
 * capability): it stores to SERVER_DEBUG_FAULT_ADDRESS, which nothing
 * maps, so that init reports it and puts the server back or a failed one
 * in its place (docs/servers.md, "When a server faults"). Only when init
 * started it with SERVER_BOOT_FAULT_INJECTION; else -EPERM. */
#define SERVER_DEBUG_FAULT      0xf06
#define SERVER_DEBUG_FAULT_ADDRESS 0xdead0000ULL
/* A server's setting (Linux's /proc/sys files: sys/server.h's
 * server_settings), opened through a process's session: MR0 the
 * setting's index in the server's table, MR1 open's flags. 0 and
 * capability 0, a descriptor whose reads give the values as text and
 * whose writes set them (sys/setting_text.h), in the IPC namespace of the
 * opener; -ENOENT for an index the server has not, -EACCES for writing
 * but by root (Linux's mode 0644 for its namespace's root). The runtime
 * answers both; a setting's descriptor carries SERVER_SETTING_FLAG,
 * which neither sessions nor other descriptors have. */
#define SERVER_SETTING_OPEN     0xf07
#define SERVER_SETTING_FLAG     (1ULL << 59)
#define SERVER_WANTS_MEMORY     (1ULL << 62)
#define SERVER_WANTS_MEMORY_ID(mr1) ((unsigned)((mr1) & 0xff))

#endif
