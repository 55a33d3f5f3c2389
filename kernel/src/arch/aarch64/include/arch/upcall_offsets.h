/*
 * What upcall_fastpath.S reads and writes, as offsets for the assembler.
 * kernel/syscall.c checks every one against the C structures.
 */
#ifndef ARCH_UPCALL_OFFSETS_H
#define ARCH_UPCALL_OFFSETS_H

/* ESR_EL1 of an svc #0 (a Linux system call). */
#define UPCALL_ESR_LINUX_SVC        0x56000000
/* The svc immediates (ESR - UPCALL_ESR_LINUX_SVC) el0_sync_fast sorts. */
#define UPCALL_SVC_CALL             0x101
#define UPCALL_SVC_REPLY_RECV       0x107
#define UPCALL_SVC_RETURN           0x10c
#define UPCALL_SVC_RECV             0x104
#define UPCALL_SVC_REPLY            0x106

/* struct tcb */
#define TCB_INTERRUPT_PENDING       343
#define TCB_IN_UPCALL               344
#define TCB_VSPACE_CAP_TYPE         480
#define TCB_VSPACE_CAP_OBJECT       488
#define TCB_IPC_FRAME_CAP_TYPE      544
#define TCB_IPC_BUFFER              1208

/* Capability types (enum cap_type). */
#define UPCALL_CAP_FRAME            7
#define UPCALL_CAP_VSPACE           10

/* struct vspace, which starts a page after its capability's object. */
#define VSPACE_UPCALL_ENTRY         8

/* struct tern_ipc_buffer */
#define IPC_UPCALL_RETURN_ADDRESS   616
#define IPC_UPCALL_RETURN_PSTATE    624
#define IPC_UPCALL_STACK            640
#define IPC_UPCALL_SAVED_SP         648

#endif
