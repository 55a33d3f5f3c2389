/* Threads. */
#ifndef OBJECT_TCB_H
#define OBJECT_TCB_H

#include <stdint.h>
#include "object/structures.h"

/* The user registers, saved by vectors.S at every entry from EL0 straight
 * into the running thread's TCB (the layout is fixed: see vectors.S). */
struct user_context {
    uint64_t x[31];
    uint64_t sp;            /* SP_EL0 */
    uint64_t pc;            /* ELR_EL1 */
    uint64_t spsr;          /* SPSR_EL1 */
    uint64_t tpidr_el0;     /* TLS */
    uint64_t tpidrro_el0;   /* the IPC buffer address */
};

struct fp_context {
    __uint128_t q[32];
    uint64_t fpcr;
    uint64_t fpsr;
};

enum thread_state {
    THREAD_INACTIVE,            /* suspended or never started */
    THREAD_RUNNABLE,            /* on a run queue or running */
    THREAD_BLOCKED_SEND,        /* in an endpoint's queue, sending (Send or Call) */
    THREAD_BLOCKED_RECEIVE,     /* in an endpoint's queue, receiving */
    THREAD_BLOCKED_REPLY,       /* called; waits for the reply object's answer */
    THREAD_BLOCKED_NOTIFICATION,/* in a notification's queue */
};

struct tcb {
    struct user_context context;    /* first: vectors.S relies on it */
    uint32_t cap_count;
    uint8_t state;                  /* enum thread_state */
    uint8_t priority;               /* 0..255, higher runs first */
    uint8_t cpu;                    /* affinity: the core it runs on */
    uint8_t fp_used;                /* has FP/SIMD state: in fp, or live in a core's
                                     * registers (arch/fpu.h) */
    struct tcb *next;               /* run queue or blocking queue links */
    struct tcb *previous;
    /* What a blocked thread waits on, and how it will be answered. */
    void *blocked_on;               /* struct endpoint * or struct notification * */
    struct reply *reply;            /* receiving: where to bind the caller; calling: the reply it waits on */
    uint64_t sending_badge;         /* blocked sender: the badge of its cap */
    uint8_t sending_is_call;
    uint8_t sending_can_grant;
    uint8_t sending_can_grant_reply;
    uint8_t is_idle;                /* the per-core idle thread (no user state) */
    uint8_t on_cpu;                 /* 1 + the core it is current on, 0 if none */
    uint8_t queued;                 /* on a run queue */
    uint8_t restart_after_fault;    /* reply says resume */
    /* Interrupts (kernel/interrupt.h). */
    uint8_t interrupt_pending;      /* TCB_Interrupt marked it, not yet acted on */
    uint8_t in_upcall;              /* runs its Linux upcall or interrupt entry */
    uint8_t interrupt_deferred;     /* as a server: a caller of a claimed reply was marked */
    uint8_t fifo;                   /* no time slice (TERN_PRIORITY_FIFO); in padding, so the
                                     * offsets vectors.S knows stay */
    uint8_t woken;                  /* queued after a wait, not run since (the wakeup turn) */
    uint32_t fault_pending;         /* enum tern_fault being sent, 0 if none */
    uint64_t fault_info[4];         /* the fault's details, see tern_fault */
    struct notification *bound_notification;
    uint64_t ipc_buffer_address;    /* user address of the IPC buffer */
    /* As a server: counts its receives (each ends its claims on reply
     * objects), and lists the replies it claimed last. */
    uint64_t receive_generation;
    struct reply *claimed_replies;
    /* Capabilities the thread holds, as slots in the derivation tree so a
     * Revoke of the originals reaches them. */
    struct cte cspace_root;
    struct cte vspace_root;
    struct cte ipc_buffer_frame;
    struct cte fault_handler;
    struct fp_context fp;
    /* The time it has run, sampled: each timer tick that finds it
     * current adds the counter ticks since the previous tick. */
    uint64_t cpu_time;
    /* The IPC buffer's kernel address, set with ipc_buffer_address and
     * good while ipc_buffer_frame holds a frame (tcb_ipc_buffer): the
     * upcall's way in and out reads it on every Linux system call. */
    struct tern_ipc_buffer *ipc_buffer;
    /* The cores the kernel may move the thread to when it follows a
     * caller (bit n: core n; docs/multicore.md). A new TCB's is every
     * core; TCB_SetAffinity sets it, to the one core named unless a mask
     * comes with it. Out of the fast path's way: read only when a Call's
     * server waits on another core. */
    uint64_t follow_cores;
};
#define TCB_SIZE_BITS 11

/* Whether thread may be moved to cpu to serve a caller there. */
static inline int tcb_may_follow_to(const struct tcb *thread, unsigned cpu)
{
    return (thread->follow_cores >> cpu) & 1;
}
_Static_assert(sizeof(struct tcb) <= (1 << TCB_SIZE_BITS), "TCB object size");

#endif
