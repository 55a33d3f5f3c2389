/*
 * Kernel objects and capabilities.
 *
 * Every object lives in memory retyped from an Untyped and is reached
 * through the linear map. A capability names an object and carries rights
 * and a type-specific word (badge, watermark, mapping). Capabilities sit in
 * CNode slots (struct cte), and every slot is a node of the derivation tree
 * so that Revoke can find and delete everything derived from a capability.
 */
#ifndef OBJECT_STRUCTURES_H
#define OBJECT_STRUCTURES_H

#include <stdint.h>
#include "tern/ipc_buffer.h"
#include "tern/objects.h"

enum cap_type {
    CAP_NULL = 0,
    CAP_UNTYPED,
    CAP_TCB,
    CAP_ENDPOINT,
    CAP_NOTIFICATION,
    CAP_CNODE,
    CAP_REPLY,
    CAP_FRAME,
    CAP_PAGE_TABLE,
    CAP_PAGE_DIRECTORY,
    CAP_VSPACE,
    CAP_IRQ_CONTROL,
    CAP_IRQ_HANDLER,
    CAP_CONSOLE,            /* the kernel console's authority (no object) */
};

struct cap {
    uint8_t type;           /* enum cap_type */
    uint8_t rights;         /* TERN_RIGHT_* */
    uint8_t size_bits;      /* untyped size, CNode radix, frame size */
    uint8_t flags;          /* CAP_FLAG_* */
    uint32_t irq;           /* IRQ handler: its interrupt number */
    /* Untyped and frame: physical address (they may be device memory,
     * which the linear map does not cover). Others: kernel address. */
    uint64_t object;
    /* Endpoint, notification: badge. Untyped: bytes used (watermark).
     * CNode: guard value. Frame, page table, page directory: the virtual
     * address it is mapped at. */
    uint64_t word;
    /* CNode: guard size in bits. Frame and page tables: the ASID of the
     * VSpace it is mapped in, 0 if unmapped (an ASID, unlike a pointer,
     * can be checked after the VSpace is gone). */
    uint64_t word2;
};

#define CAP_FLAG_DEVICE     1   /* untyped or frame: device memory */

struct cte {
    struct cap cap;
    /* Derivation tree: a cap derived from another (copy, mint, retype) is
     * its child; Revoke deletes the whole subtree below a slot. */
    struct cte *parent;
    struct cte *first_child;
    struct cte *next_sibling;
    struct cte *previous_sibling;
};

#define CTE_SIZE_BITS 6
_Static_assert(sizeof(struct cte) == (1 << CTE_SIZE_BITS), "cte size");

struct tcb;

/* A FIFO of threads blocked on an endpoint or notification. */
struct thread_queue {
    struct tcb *head;
    struct tcb *tail;
};

enum endpoint_state { ENDPOINT_IDLE, ENDPOINT_SENDING, ENDPOINT_RECEIVING };

struct endpoint {
    uint32_t cap_count;
    uint32_t state;         /* enum endpoint_state: what the queue holds */
    struct thread_queue queue;
};
#define ENDPOINT_SIZE_BITS 5

struct notification {
    uint32_t cap_count;
    uint32_t timeout_armed;
    uint64_t word;          /* OR of the badges signalled since the last wait */
    struct thread_queue waiters;
    struct tcb *bound_tcb;
    /* Kernel timer (Notification_SetTimeout): signal badge at deadline. */
    uint64_t timeout_deadline;      /* counter ticks */
    uint64_t timeout_badge;
    struct notification *timeout_next;
};
#define NOTIFICATION_SIZE_BITS 6

struct reply {
    uint32_t cap_count;
    uint32_t window_count;
    struct tcb *caller;     /* the thread waiting for this reply, or 0 */
    struct tern_message_window windows[TERN_MSG_MAX_WINDOWS];
    /* What the caller's Call returns in MR0 if an interrupt ends it (0:
     * nothing, length 0); Reply_SetInterruptedResult sets it. */
    uint64_t interrupted_result;
    /* The last server to claim it (kernel/interrupt.h): claimed while
     * server->receive_generation still equals claim_generation. A reply
     * with a server is in that server's claimed_replies list, so that
     * destroying either one clears the link. */
    struct tcb *server;
    uint64_t claim_generation;
    struct reply *claim_next;
    struct reply *claim_previous;
};
#define REPLY_SIZE_BITS 7

/* A VSpace object is two pages: the L1 translation table, then this. */
struct vspace {
    uint32_t cap_count;
    uint16_t asid;
    uint16_t membarrier_registered;     /* MEMBARRIER_* registration bits */
    uint64_t upcall_entry;              /* Linux svc #0 goes here, 0 = fault */
    uint64_t running_on;                /* bit per core currently running it */
    uint64_t table_physical;            /* the L1 table, for TTBR0 */
};
#define VSPACE_SIZE_BITS 13

#endif
