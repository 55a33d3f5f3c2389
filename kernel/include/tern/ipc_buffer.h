/*
 * The IPC buffer: one page per thread, registered with TCB_Configure or
 * TCB_SetIPCBuffer. The kernel finds it through the TCB; user code finds
 * its own in TPIDRRO_EL0, which the kernel sets to the buffer's address.
 */
#ifndef TERN_IPC_BUFFER_H
#define TERN_IPC_BUFFER_H

#include <stdint.h>
#include "tern/message.h"

/* Window rights: what the server may do through Reply_Read/WriteWindow. */
#define TERN_WINDOW_READ        1   /* server reads the caller's memory */
#define TERN_WINDOW_WRITE       2   /* server writes the caller's memory */

struct tern_message_window {
    uint64_t address;
    uint64_t length;
    uint64_t rights;
};

struct tern_ipc_buffer {
    uint64_t tag;
    uint64_t message[TERN_MSG_MAX_LENGTH];
    /* Send: cptrs of the caps to transfer. Receive: the badges of caps
     * that were unwrapped (see message info's caps-unwrapped bits). */
    uint64_t caps_or_badges[TERN_MSG_MAX_CAPS];
    /* Where received caps go: slot (index, depth) in the CNode that
     * receive_cnode names in the receiver's CSpace. */
    uint64_t receive_cnode;
    uint64_t receive_index;
    uint64_t receive_depth;
    /* Windows a Call names (message info's window count says how many). */
    struct tern_message_window windows[TERN_MSG_MAX_WINDOWS];
    /* Set by the kernel on a Linux svc #0 before entering the upcall:
     * where to resume, and the saved PSTATE (condition flags). */
    uint64_t upcall_return_address;
    uint64_t upcall_return_pstate;
    uint64_t user_data;
    /* If non-zero: the stack the upcall entry runs on. The kernel saves
     * the thread's sp in upcall_saved_sp before switching, and UpcallReturn
     * puts it back, so the entry never touches the program's stack. */
    uint64_t upcall_stack;
    uint64_t upcall_saved_sp;
};

#endif
