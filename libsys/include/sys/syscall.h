/*
 * The native system calls, one inline function each (docs/abi.md).
 *
 * A native call is `svc #TERN_SVC(number)`. Registers in and out:
 *   x0   in: capability address (cptr)    out: badge (or notification word)
 *   x1   in: message info                 out: message info
 *   x2-x5  message registers 0-3, in and out
 *   x6   in: reply object cptr (Recv, NBRecv, Reply, ReplyRecv)
 * Message registers 4-63 live in the IPC buffer (tern_set_mr/tern_get_mr).
 * The kernel preserves every other register.
 *
 * Every IPC function takes `mr`, the four register message registers, as
 * an array that is read before the call and overwritten with what the
 * kernel returns in x2-x5 (pass 0 when the message has no registers and
 * the answer is not wanted). They return the message info the kernel left
 * in x1: for a receive, the message's; for a failed call, a message whose
 * label is the enum tern_error. A successful Send, NBSend or Signal leaves
 * x1 as it was, so compare the label with the one you sent.
 */
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include <stdint.h>
#include "tern/boot_info.h"
#include "tern/errors.h"
#include "tern/ipc_buffer.h"
#include "tern/message.h"
#include "tern/syscalls.h"

/* Forced inline: the syscalls must also work in code copied on its own
 * into another address space (no calls out of it). */
#define TERN_INLINE static inline __attribute__((always_inline))

/* ---- The IPC buffer ---- */

/* This thread's IPC buffer: the kernel keeps its address in TPIDRRO_EL0.
 * It never changes under a running function, so the read is not
 * volatile: the compiler may reuse one read for several. */
TERN_INLINE struct tern_ipc_buffer *tern_ipc_buffer(void)
{
    uint64_t address;
    __asm__("mrs %0, tpidrro_el0" : "=r"(address));
    return (struct tern_ipc_buffer *)address;
}

/* Message registers 4..63 (index < TERN_MSG_MAX_LENGTH) for the next
 * message sent, and of the last one received. Registers 0-3 travel in
 * x2-x5: the `mr` array of the calls below. */
TERN_INLINE void tern_set_mr(unsigned index, uint64_t value)
{
    tern_ipc_buffer()->message[index] = value;
}

TERN_INLINE uint64_t tern_get_mr(unsigned index)
{
    return tern_ipc_buffer()->message[index];
}

/* The cptr of the index-th capability a message (or invocation) sends. */
TERN_INLINE void tern_set_cap(unsigned index, uint64_t cptr)
{
    tern_ipc_buffer()->caps_or_badges[index] = cptr;
}

/* After a receive whose info says capability `index` was unwrapped: the
 * badge it carried. */
TERN_INLINE uint64_t tern_get_badge(unsigned index)
{
    return tern_ipc_buffer()->caps_or_badges[index];
}

/* Where capabilities received from now on go: slot (index, depth) in the
 * CNode that `cnode` names in this thread's CSpace (a cptr resolved at
 * full depth). Received caps fill index, index + 1, ... */
TERN_INLINE void tern_set_receive_slot(uint64_t cnode, uint64_t index, uint64_t depth)
{
    struct tern_ipc_buffer *buffer = tern_ipc_buffer();
    buffer->receive_cnode = cnode;
    buffer->receive_index = index;
    buffer->receive_depth = depth;
}

/* Message window `index` for the next Call (set the window count in the
 * message info with tern_message_with_windows). */
TERN_INLINE void tern_set_window(unsigned index, uint64_t address, uint64_t length,
                                 uint64_t rights)
{
    struct tern_message_window *window = &tern_ipc_buffer()->windows[index];
    window->address = address;
    window->length = length;
    window->rights = rights;
}

/* ---- The system calls ---- */

/* The general form: every register in, every register out. */
#define TERN_SYSCALL_ASM(number)                                              \
    __asm__ volatile("svc %[svc_number]"                                      \
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5) \
                     : [svc_number] "i"(TERN_SVC(number)), "r"(x6)            \
                     : "memory")

#define TERN_SYSCALL_REGISTERS(cptr, info, mr, reply)                         \
    register uint64_t x0 __asm__("x0") = (cptr);                              \
    register uint64_t x1 __asm__("x1") = (info);                              \
    register uint64_t x2 __asm__("x2") = (mr) ? (mr)[0] : 0;                  \
    register uint64_t x3 __asm__("x3") = (mr) ? (mr)[1] : 0;                  \
    register uint64_t x4 __asm__("x4") = (mr) ? (mr)[2] : 0;                  \
    register uint64_t x5 __asm__("x5") = (mr) ? (mr)[3] : 0;                  \
    register uint64_t x6 __asm__("x6") = (reply)

#define TERN_SYSCALL_RESULTS(mr, badge)                                       \
    do {                                                                      \
        if (mr) {                                                             \
            (mr)[0] = x2;                                                     \
            (mr)[1] = x3;                                                     \
            (mr)[2] = x4;                                                     \
            (mr)[3] = x5;                                                     \
        }                                                                     \
        if (badge)                                                            \
            *(badge) = x0;                                                    \
    } while (0)

/* Call: send to an endpoint and wait for the reply; on a kernel object,
 * invoke it (label = enum tern_invocation; the reply's label is the enum
 * tern_error and its registers the results). */
TERN_INLINE tern_message_info tern_call(uint64_t cptr, tern_message_info info,
                                        uint64_t mr[TERN_MSG_REGISTERS])
{
    uint64_t *no_badge = 0;
    TERN_SYSCALL_REGISTERS(cptr, info, mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_CALL);
    TERN_SYSCALL_RESULTS(mr, no_badge);
    return x1;
}

/* Send: block until a receiver takes the message. */
TERN_INLINE tern_message_info tern_send(uint64_t cptr, tern_message_info info,
                                        const uint64_t mr[TERN_MSG_REGISTERS])
{
    TERN_SYSCALL_REGISTERS(cptr, info, mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_SEND);
    (void)x0;
    return x1;
}

/* NBSend: deliver if a receiver waits, else drop the message. */
TERN_INLINE tern_message_info tern_nb_send(uint64_t cptr, tern_message_info info,
                                           const uint64_t mr[TERN_MSG_REGISTERS])
{
    TERN_SYSCALL_REGISTERS(cptr, info, mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_NB_SEND);
    (void)x0;
    return x1;
}

/* Recv: wait for a message on an endpoint (a Call binds its caller to
 * `reply`) or for a notification's word. *badge gets the sender's badge. */
TERN_INLINE tern_message_info tern_recv(uint64_t cptr, uint64_t reply, uint64_t *badge,
                                        uint64_t mr[TERN_MSG_REGISTERS])
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(cptr, 0, no_mr, reply);
    TERN_SYSCALL_ASM(TERN_SYS_RECV);
    TERN_SYSCALL_RESULTS(mr, badge);
    return x1;
}

/* NBRecv: as Recv, but with nothing waiting it returns at once with badge
 * 0 and message info 0. */
TERN_INLINE tern_message_info tern_nb_recv(uint64_t cptr, uint64_t reply, uint64_t *badge,
                                           uint64_t mr[TERN_MSG_REGISTERS])
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(cptr, 0, no_mr, reply);
    TERN_SYSCALL_ASM(TERN_SYS_NB_RECV);
    TERN_SYSCALL_RESULTS(mr, badge);
    return x1;
}

/* Reply: answer the caller bound to the reply object. The label of what
 * it returns says whether one was: TERN_OK, or TERN_CALLER_GONE (nothing
 * happened). */
TERN_INLINE tern_message_info tern_reply(uint64_t reply, tern_message_info info,
                                         const uint64_t mr[TERN_MSG_REGISTERS])
{
    TERN_SYSCALL_REGISTERS(0, info, mr, reply);
    TERN_SYSCALL_ASM(TERN_SYS_REPLY);
    (void)x0;
    return x1;
}

/* ReplyRecv: Reply through `reply`, then Recv on `cptr` with the same
 * reply object: the server loop in one call. */
TERN_INLINE tern_message_info tern_reply_recv(uint64_t cptr, uint64_t reply,
                                              tern_message_info info, uint64_t *badge,
                                              uint64_t mr[TERN_MSG_REGISTERS])
{
    TERN_SYSCALL_REGISTERS(cptr, info, mr, reply);
    TERN_SYSCALL_ASM(TERN_SYS_REPLY_RECV);
    TERN_SYSCALL_RESULTS(mr, badge);
    return x1;
}

/* Signal: OR the capability's badge into the notification's word. */
TERN_INLINE tern_message_info tern_signal(uint64_t cptr)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(cptr, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_SIGNAL);
    (void)x0;
    return x1;
}

/* Wait: block until the notification's word is non-zero, take it and
 * clear it. *word gets the word (the OR of the badges signalled). */
TERN_INLINE tern_message_info tern_wait(uint64_t cptr, uint64_t *word)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(cptr, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_WAIT);
    TERN_SYSCALL_RESULTS(no_mr, word);
    return x1;
}

/* Poll: take and clear the notification's word without waiting (0 if
 * nothing was signalled). */
TERN_INLINE tern_message_info tern_poll(uint64_t cptr, uint64_t *word)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(cptr, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_POLL);
    TERN_SYSCALL_RESULTS(no_mr, word);
    return x1;
}

/* Yield: give up the rest of the time slice to threads of the same
 * priority on this core. */
TERN_INLINE void tern_yield(void)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(0, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_YIELD);
    (void)x0;
    (void)x1;
}

/* Linux membarrier(cmd, flags, cpu_id): returns what Linux returns (0, the
 * supported-command mask for MEMBARRIER_CMD_QUERY, or -EINVAL / -EPERM). */
TERN_INLINE int64_t tern_membarrier(uint64_t command, uint64_t flags, int64_t cpu_id)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(command, flags, no_mr, 0);
    x2 = (uint64_t)cpu_id;
    TERN_SYSCALL_ASM(TERN_SYS_MEMBARRIER);
    (void)x1;
    return (int64_t)x0;
}

/* From the Linux upcall entry: resume the interrupted thread after its
 * `svc #0`, at ipc_buffer->upcall_return_address with the condition flags
 * of upcall_return_pstate. Every register stays as it is now, so the
 * entry restores the thread's registers and puts the syscall's result in
 * x0 first; this C form is for entries that need nothing else restored. */
TERN_INLINE __attribute__((noreturn)) void tern_upcall_return(uint64_t result)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(result, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_UPCALL_RETURN);
    __builtin_unreachable();
}

/* One byte to the kernel console, with the Console capability in the
 * caller's slot TERN_SLOT_CONSOLE as the authority (the root task's and
 * every server's; Linux programs have none): 0, or the error. */
TERN_INLINE enum tern_error tern_debug_put_char(char character)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(TERN_SLOT_CONSOLE, (uint64_t)(unsigned char)character, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_DEBUG_PUT_CHAR);
    (void)x0;
    return (enum tern_error)tern_message_label(x1);
}

/* A byte the kernel console has received, or -1 if none is waiting (or
 * the caller holds no Console capability). */
TERN_INLINE int tern_debug_get_char(void)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(TERN_SLOT_CONSOLE, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_DEBUG_GET_CHAR);
    return tern_message_label(x1) ? -1 : (int)(int64_t)x0;
}

/* Stop the machine (PSCI SYSTEM_OFF; the kernel says "powering off"),
 * with the IRQControl capability as the authority; returns the error
 * without it. */
TERN_INLINE tern_message_info tern_debug_power_off(uint64_t irq_control)
{
    uint64_t *no_mr = 0;
    TERN_SYSCALL_REGISTERS(irq_control, 0, no_mr, 0);
    TERN_SYSCALL_ASM(TERN_SYS_DEBUG_POWER_OFF);
    (void)x0;
    return x1;
}

#endif
