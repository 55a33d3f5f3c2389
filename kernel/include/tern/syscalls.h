/*
 * System calls. A native call is `svc #TERN_SVC(number)`: the number rides
 * in the svc immediate, so no register is spent on it and `svc #0` stays
 * free for Linux system calls (the upcall, see docs/abi.md).
 *
 * Registers in and out of every native call:
 *   x0   in: capability address (cptr)      out: badge of the sender
 *   x1   in: message info (message.h)       out: message info
 *   x2-x5  message registers 0-3 (the rest live in the IPC buffer)
 *   x6   in: reply object cptr (Recv, NBRecv, ReplyRecv)
 */
#ifndef TERN_SYSCALLS_H
#define TERN_SYSCALLS_H

#define TERN_SVC_LINUX          0       /* svc #0: a Linux system call */

/* Entry points relative to the VSpace's upcall entry (VSpace_SetUpcall;
 * docs/abi.md, "The Linux upcall" and "Interrupts"). The kernel enters
 * upcall_entry itself for svc #0 and upcall_entry + 8 for an interrupt;
 * + 4 is the personality's own (procmgr sends a thread there with
 * TCB_WriteRegisters after the personality faulted). */
#define TERN_UPCALL_SYSCALL_OFFSET      0
#define TERN_UPCALL_FAULT_RETURN_OFFSET 4
#define TERN_UPCALL_INTERRUPT_OFFSET    8

enum tern_syscall {
    TERN_SYS_CALL = 1,          /* send, then wait for the reply */
    TERN_SYS_SEND,              /* blocking send */
    TERN_SYS_NB_SEND,           /* send if a receiver waits, else drop */
    TERN_SYS_RECV,              /* wait on an endpoint or notification */
    TERN_SYS_NB_RECV,           /* receive if something waits */
    TERN_SYS_REPLY,             /* answer the caller bound to a reply object */
    TERN_SYS_REPLY_RECV,        /* reply, then receive (the server loop) */
    TERN_SYS_SIGNAL,            /* notification: OR in the badge */
    TERN_SYS_WAIT,              /* notification: wait for a non-zero word */
    TERN_SYS_POLL,              /* notification: read and clear, no wait */
    TERN_SYS_YIELD,             /* give up the rest of the time slice */
    TERN_SYS_UPCALL_RETURN,     /* back from the Linux upcall entry */
    TERN_SYS_MEMBARRIER,        /* Linux membarrier(cmd, flags, cpu_id) */
    TERN_SYS_DEBUG_PUT_CHAR,    /* one byte to the kernel console */
    TERN_SYS_DEBUG_POWER_OFF,   /* stop the machine (tests and benchmarks) */
    TERN_SYS_DEBUG_GET_CHAR,    /* one received byte from the kernel console, or -1 */
    TERN_SYSCALL_COUNT
};

#define TERN_SVC_NATIVE_BASE    0x100
#define TERN_SVC(number)        (TERN_SVC_NATIVE_BASE + (number))

#endif
