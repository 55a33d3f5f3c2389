/*
 * What the upcall entry (entry.S) saves for linux_syscall: the thread's
 * registers at its `svc #0`, its stack pointer, and where it resumes. The
 * entry restores x1..x30 and sp from here on the way back (x0 becomes the
 * result), so a handler that changes the frame changes what the thread
 * resumes with (and says so: linux_syscall_return).
 *
 * Included by entry.S too: the offsets below are checked against the C
 * layout in syscall_table.c.
 */
#ifndef LINUX_FRAME_H
#define LINUX_FRAME_H

#define LINUX_FRAME_X1          8
#define LINUX_FRAME_X2          16
#define LINUX_FRAME_X30         240
#define LINUX_FRAME_SP          248
#define LINUX_FRAME_PC          256
#define LINUX_FRAME_PSTATE      264
#define LINUX_FRAME_SIZE        272     /* a multiple of 16: sp stays aligned */

/* Where the kernel leaves the return address and PSTATE of the svc in
 * struct tern_ipc_buffer (tern/ipc_buffer.h). */
#define LINUX_IPC_UPCALL_RETURN_ADDRESS 616
#define LINUX_IPC_UPCALL_RETURN_PSTATE  624
#define LINUX_IPC_UPCALL_STACK          640
#define LINUX_IPC_UPCALL_SAVED_SP       648
/* svc #TERN_SVC(TERN_SYS_UPCALL_RETURN): tern/syscalls.h is C only. */
#define LINUX_SVC_UPCALL_RETURN         0x10c

#ifndef __ASSEMBLER__
#include <stdint.h>

struct linux_syscall_frame {
    uint64_t x[31];         /* x8: the syscall number; x0..x5: its arguments */
    uint64_t sp;
    uint64_t pc;            /* the instruction after the svc */
    uint64_t pstate;
};

/* What linux_syscall hands the entry, in x0 and x1: the result, and
 * whether the frame was rewritten (a signal delivered or returned from).
 * If not, x19..x28 are still the program's (the C code keeps them) and
 * the entry restores only the registers C may have changed. */
struct linux_syscall_return {
    int64_t result;
    uint64_t frame_rewritten;
};

struct linux_syscall_return linux_syscall(struct linux_syscall_frame *frame);
#endif

#endif
