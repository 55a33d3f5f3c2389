/* Object types, capability rights, and the invocation labels each object
 * type answers to. Arguments and results of each: docs/abi.md. */
#ifndef TERN_OBJECTS_H
#define TERN_OBJECTS_H

enum tern_object_type {
    TERN_OBJECT_UNTYPED = 0,
    TERN_OBJECT_TCB,
    TERN_OBJECT_ENDPOINT,
    TERN_OBJECT_NOTIFICATION,
    TERN_OBJECT_CNODE,          /* size_bits = log2(slot count) */
    TERN_OBJECT_REPLY,
    TERN_OBJECT_FRAME_4K,
    TERN_OBJECT_FRAME_2M,
    TERN_OBJECT_PAGE_TABLE,     /* L3: maps 4 KiB frames over 2 MiB */
    TERN_OBJECT_PAGE_DIRECTORY, /* L2: maps page tables or 2 MiB frames over 1 GiB */
    TERN_OBJECT_VSPACE,         /* L1 root: an address space of 512 GiB */
    TERN_OBJECT_TYPE_COUNT,
    /* Not made by Retype; handed out at boot. */
    TERN_OBJECT_IRQ_CONTROL = 32,
    TERN_OBJECT_IRQ_HANDLER,
};

/* Capability rights. */
#define TERN_RIGHT_WRITE        1   /* send; write a mapping */
#define TERN_RIGHT_READ         2   /* receive; read a mapping */
#define TERN_RIGHT_GRANT        4   /* send capabilities */
#define TERN_RIGHT_GRANT_REPLY  8   /* send capabilities in a reply */
#define TERN_RIGHT_EXECUTE      16  /* (frames) map executable */
#define TERN_RIGHTS_ALL         31

/* Frame mapping attributes (Frame_Map's attributes argument). */
#define TERN_MAP_UNCACHED       1   /* device memory */

/* TCB_WriteRegisters' first argument: flags. */
/* TCB_SetPriority's flags: FIFO keeps the thread on its core at its
 * priority until it blocks, yields or a higher one comes (no time slice
 * ends its turn: Linux's SCHED_FIFO). */
#define TERN_PRIORITY_FIFO              1

#define TERN_WRITE_REGISTERS_RESUME     1   /* resume the thread after the write */
#define TERN_WRITE_REGISTERS_IN_UPCALL  2   /* the thread is in its upcall afterwards */

enum tern_invocation {
    /* Untyped */
    TERN_UNTYPED_RETYPE = 1,        /* type, size_bits, dest_index, dest_depth, count; cap0 = dest CNode */
    /* CNode: slots are (index, depth) within the invoked CNode unless noted */
    TERN_CNODE_COPY,                /* dest, depth, src_index, src_depth, rights; cap0 = src CNode */
    TERN_CNODE_MINT,                /* ... rights, badge */
    TERN_CNODE_MOVE,                /* dest, depth, src_index, src_depth; cap0 = src CNode */
    TERN_CNODE_MUTATE,              /* ... badge */
    TERN_CNODE_DELETE,              /* index, depth */
    TERN_CNODE_REVOKE,              /* index, depth */
    /* TCB */
    TERN_TCB_CONFIGURE,             /* fault_ep_cptr (0 = unchanged), ipc_buffer_address; caps: cspace, vspace, ipc buffer frame */
    TERN_TCB_SET_PRIORITY,          /* priority (0..255)[, flags: TERN_PRIORITY_FIFO] */
    TERN_TCB_SET_AFFINITY,          /* cpu[, cores it may follow callers to: 1 << cpu if none] */
    TERN_TCB_READ_REGISTERS,        /* -> pc, sp, spsr, x0..x30, tpidr_el0 */
    TERN_TCB_WRITE_REGISTERS,       /* flags (TERN_WRITE_REGISTERS_*), count, pc, sp, x0... */
    TERN_TCB_RESUME,
    TERN_TCB_SUSPEND,
    TERN_TCB_BIND_NOTIFICATION,     /* cap0 = notification */
    TERN_TCB_UNBIND_NOTIFICATION,
    TERN_TCB_SET_TLS,               /* tpidr_el0 */
    TERN_TCB_SET_FAULT_HANDLER,     /* cap0 = endpoint (badged) or none */
    TERN_TCB_INTERRUPT,             /* no args: see TCB_Interrupt in docs/abi.md */
    TERN_TCB_COPY_FP_STATE,         /* cap0 = source TCB: its FP/SIMD registers, FPSR, FPCR */
    TERN_TCB_GET_CPU_TIME,          /* -> counter ticks the thread has run */
    /* Frames and page tables */
    TERN_FRAME_MAP,                 /* vaddr, rights, attributes; cap0 = VSpace */
    TERN_FRAME_UNMAP,
    TERN_FRAME_GET_ADDRESS,         /* -> physical address */
    TERN_PAGE_TABLE_MAP,            /* vaddr; cap0 = VSpace (page tables and directories) */
    TERN_PAGE_TABLE_UNMAP,
    /* VSpace */
    TERN_VSPACE_READ,               /* vaddr, length, dest_vaddr: copy from it into the caller */
    TERN_VSPACE_WRITE,              /* vaddr, length, src_vaddr: copy from the caller into it */
    TERN_VSPACE_SET_UPCALL,         /* Linux syscall upcall entry (0 = none) */
    TERN_VSPACE_WRITE_PROTECT,      /* vaddr, length: every mapping there becomes read-only */
    /* Reply (while it holds a caller) */
    TERN_REPLY_READ_WINDOW,         /* window, offset, length, dest_vaddr */
    TERN_REPLY_WRITE_WINDOW,        /* window, offset, length, src_vaddr */
    TERN_REPLY_SET_INTERRUPTED_RESULT,  /* value: MR0 of the caller's Call if an interrupt ends it */
    TERN_REPLY_COMPARE_EXCHANGE,    /* window, offset, expected, desired -> the word before (32 bits) */
    /* IRQs */
    TERN_IRQ_CONTROL_GET,           /* irq, dest_index, dest_depth; cap0 = dest CNode */
    TERN_IRQ_HANDLER_ACK,
    TERN_IRQ_HANDLER_SET_NOTIFICATION,  /* cap0 = notification */
    TERN_IRQ_HANDLER_CLEAR,
    /* Timer (on a notification cap with the write right) */
    TERN_NOTIFICATION_SET_TIMEOUT,  /* deadline in CNTVCT_EL0 ticks (absolute, 0 = cancel), badge */
    /* Added later, so the labels above keep their numbers. */
    TERN_CNODE_COMPARE,             /* index, depth, other_index, other_depth; cap0 = other's CNode -> 0, 1, 2 */
    TERN_VSPACE_COPY,               /* dest_vaddr, length, src_vaddr; cap0 = source VSpace: into the invoked one */
    TERN_INVOCATION_COUNT
};

/* Fault messages sent to a thread's fault endpoint; the label says which. */
enum tern_fault {
    TERN_FAULT_VM = 1,              /* pc, address, is_instruction, esr */
    TERN_FAULT_UNKNOWN_SYSCALL,     /* x0..x7, pc, sp, spsr, syscall (x8) */
    TERN_FAULT_USER_EXCEPTION,      /* pc, sp, spsr, esr, far */
};

#endif
