/*
 * Typed wrappers for every object invocation in tern/objects.h.
 *
 * An invocation is a Call on the object's capability: label = enum
 * tern_invocation, arguments in message registers, extra capabilities'
 * cptrs in the IPC buffer. Each wrapper returns the reply's label, the
 * enum tern_error (TERN_OK = 0), and results through out-parameters, which
 * may be 0 when not wanted. docs/abi.md lists what each checks and which
 * error each failure gives.
 *
 * Capability addresses (cptr) are resolved at full depth (64 bits) in the
 * caller's CSpace. Slot arguments (index, depth) are resolved inside the
 * CNode the invocation names: for the root task's CNode (guard 52 bits,
 * radix 12) that is (slot number, 64).
 *
 * Never invoke an endpoint capability through these: a Call on an
 * endpoint is IPC, and blocks until some thread answers.
 */
#ifndef SYS_INVOKE_H
#define SYS_INVOKE_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/errors.h"
#include "tern/objects.h"

/* The general form. args[0..arg_count) become message registers (at most
 * TERN_MSG_MAX_LENGTH), caps[0..cap_count) the extra capabilities (at most
 * TERN_MSG_MAX_CAPS). Up to result_max results are stored in results;
 * *result_count (if given) gets how many the reply carried. */
enum tern_error tern_invoke(uint64_t object, uint64_t label,
                            const uint64_t *args, unsigned arg_count,
                            const uint64_t *caps, unsigned cap_count,
                            uint64_t *results, unsigned result_max, unsigned *result_count);

/* A readable name for an error code ("TERN_FAILED_LOOKUP"), or "?". */
const char *tern_error_name(uint64_t error);

/* ---- Untyped ---- */

/* Make count objects of type (size_bits: the untyped's log2 size, or a
 * CNode's radix; ignored by fixed-size types) in slots index .. index +
 * count - 1 of the CNode dest_cnode names, resolved at depth. */
enum tern_error tern_untyped_retype(uint64_t untyped, enum tern_object_type type,
                                    uint64_t size_bits, uint64_t dest_cnode,
                                    uint64_t index, uint64_t depth, uint64_t count);

/* ---- CNode: the destination slot (dest_index, dest_depth) is in the
 * invoked CNode, the source slot in the CNode src_cnode names. ---- */

/* Copy with rights = source rights AND rights. */
enum tern_error tern_cnode_copy(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                uint64_t src_cnode, uint64_t src_index, uint64_t src_depth,
                                uint64_t rights);
/* Copy, then set the badge (endpoint, notification; only on an unbadged
 * source) or the guard (CNode: bits 0-5 guard size, the rest the guard). */
enum tern_error tern_cnode_mint(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                uint64_t src_cnode, uint64_t src_index, uint64_t src_depth,
                                uint64_t rights, uint64_t badge);
enum tern_error tern_cnode_move(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                uint64_t src_cnode, uint64_t src_index, uint64_t src_depth);
/* Move and set the badge or guard as Mint does. */
enum tern_error tern_cnode_mutate(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                  uint64_t src_cnode, uint64_t src_index, uint64_t src_depth,
                                  uint64_t badge);
enum tern_error tern_cnode_delete(uint64_t cnode, uint64_t index, uint64_t depth);
/* Delete every capability derived from the one in the slot. */
enum tern_error tern_cnode_revoke(uint64_t cnode, uint64_t index, uint64_t depth);
/* Whether the capability in (index, depth) of cnode and the one in
 * (other_index, other_depth) of other_cnode name the same object with the
 * same badge: *order 0 if so, else 1 (the first orders before) or 2, an
 * order that does not show where the objects are. */
enum tern_error tern_cnode_compare(uint64_t cnode, uint64_t index, uint64_t depth,
                                   uint64_t other_cnode, uint64_t other_index,
                                   uint64_t other_depth, uint64_t *order);

/* ---- TCB ---- */

/* The registers of TCB_ReadRegisters / TCB_WriteRegisters, in message
 * order. */
struct tern_user_registers {
    uint64_t pc;
    uint64_t sp;
    uint64_t spsr;
    uint64_t x[31];
    uint64_t tpidr_el0;
};
#define TERN_USER_REGISTER_COUNT 35

/* Give a (suspended) thread its CSpace root, VSpace and IPC buffer (frame
 * cap and its address in the VSpace). fault_endpoint is passed along but
 * the fault handler is set with tern_tcb_set_fault_handler. */
enum tern_error tern_tcb_configure(uint64_t tcb, uint64_t fault_endpoint, uint64_t cspace_root,
                                   uint64_t vspace, uint64_t ipc_buffer_frame,
                                   uint64_t ipc_buffer_address);
enum tern_error tern_tcb_set_priority(uint64_t tcb, uint64_t priority);
/* The same with flags (TERN_PRIORITY_FIFO; 0: round robin, time sliced). */
enum tern_error tern_tcb_set_scheduling(uint64_t tcb, uint64_t priority, uint64_t flags);
/* Run on cpu, and stay there (a new thread may follow its callers to any
 * core: docs/multicore.md). */
enum tern_error tern_tcb_set_affinity(uint64_t tcb, uint64_t cpu);
/* Run on cpu, and follow callers to the cores of mask cores (cpu among
 * them). */
enum tern_error tern_tcb_set_affinity_following(uint64_t tcb, uint64_t cpu, uint64_t cores);
enum tern_error tern_tcb_read_registers(uint64_t tcb, struct tern_user_registers *registers);
/* Write the first count registers in struct tern_user_registers order
 * (pc, sp, spsr, x0...) from values; resume the thread if resume. */
/* flags: TERN_WRITE_REGISTERS_RESUME, TERN_WRITE_REGISTERS_IN_UPCALL. */
enum tern_error tern_tcb_write_registers(uint64_t tcb, uint64_t flags, unsigned count,
                                         const uint64_t *values);
enum tern_error tern_tcb_resume(uint64_t tcb);
/* The counter ticks the thread has run (sampled at the timer's ticks). */
enum tern_error tern_tcb_get_cpu_time(uint64_t tcb, uint64_t *time);
enum tern_error tern_tcb_suspend(uint64_t tcb);
/* Interrupt the thread (docs/abi.md, TCB_Interrupt): end a call it waits
 * in unless the server is answering it, or send it to its upcall's
 * interrupt entry. */
enum tern_error tern_tcb_interrupt(uint64_t tcb);
/* tcb gets source's FP/SIMD registers, FPSR and FPCR (fork, clone). */
enum tern_error tern_tcb_copy_fp_state(uint64_t tcb, uint64_t source);
enum tern_error tern_tcb_bind_notification(uint64_t tcb, uint64_t notification);
enum tern_error tern_tcb_unbind_notification(uint64_t tcb);
enum tern_error tern_tcb_set_tls(uint64_t tcb, uint64_t tpidr_el0);
/* endpoint 0: no fault handler (a faulting thread is suspended). */
enum tern_error tern_tcb_set_fault_handler(uint64_t tcb, uint64_t endpoint);

/* ---- Frames and page tables ---- */

/* rights: TERN_RIGHT_READ (required), _WRITE, _EXECUTE (masked by the
 * cap's rights); attributes: TERN_MAP_UNCACHED or 0. */
enum tern_error tern_frame_map(uint64_t frame, uint64_t vspace, uint64_t address,
                               uint64_t rights, uint64_t attributes);
enum tern_error tern_frame_unmap(uint64_t frame);
enum tern_error tern_frame_get_address(uint64_t frame, uint64_t *physical_address);
/* A page table (at a 2 MiB boundary) or page directory (1 GiB). */
enum tern_error tern_page_table_map(uint64_t table, uint64_t vspace, uint64_t address);
enum tern_error tern_page_table_unmap(uint64_t table);

/* ---- VSpace ---- */

/* Copy length bytes at address in the invoked VSpace to dest_address in
 * the caller's (Read), or from src_address in the caller's (Write).
 * *copied gets the byte count. */
enum tern_error tern_vspace_read(uint64_t vspace, uint64_t address, uint64_t length,
                                 uint64_t dest_address, uint64_t *copied);
enum tern_error tern_vspace_write(uint64_t vspace, uint64_t address, uint64_t length,
                                  uint64_t src_address, uint64_t *copied);
/* Copy length bytes from src_address in VSpace source to dest_address in
 * VSpace destination (neither need be the caller's). */
enum tern_error tern_vspace_copy(uint64_t destination, uint64_t dest_address, uint64_t length,
                                 uint64_t source, uint64_t src_address, uint64_t *copied);
/* The Linux syscall upcall entry of the address space, 0 for none. */
enum tern_error tern_vspace_set_upcall(uint64_t vspace, uint64_t entry);
enum tern_error tern_vspace_write_protect(uint64_t vspace, uint64_t address, uint64_t length);

/* ---- Reply: the windows the caller bound to it named ---- */

enum tern_error tern_reply_read_window(uint64_t reply, uint64_t window, uint64_t offset,
                                       uint64_t length, uint64_t dest_address,
                                       uint64_t *copied);
enum tern_error tern_reply_write_window(uint64_t reply, uint64_t window, uint64_t offset,
                                        uint64_t length, uint64_t src_address,
                                        uint64_t *copied);
/* The caller's aligned 32-bit word at offset in window (opened for
 * reading and writing) becomes desired if it is expected, atomically
 * against the caller's other threads; *previous gets what it held. */
enum tern_error tern_reply_compare_exchange(uint64_t reply, uint64_t window, uint64_t offset,
                                            uint32_t expected, uint32_t desired,
                                            uint32_t *previous);
/* What the caller's Call returns (MR0, label TERN_INTERRUPTED) if an
 * interrupt ends its wait: a partial result (docs/abi.md). */
enum tern_error tern_reply_set_interrupted_result(uint64_t reply, uint64_t value);

/* ---- IRQs ---- */

/* An IRQHandler capability for interrupt irq, in slot (index, depth) of
 * the CNode dest_cnode names. */
enum tern_error tern_irq_control_get(uint64_t irq_control, uint64_t irq, uint64_t dest_cnode,
                                     uint64_t index, uint64_t depth);
enum tern_error tern_irq_handler_ack(uint64_t handler);
enum tern_error tern_irq_handler_set_notification(uint64_t handler, uint64_t notification);
enum tern_error tern_irq_handler_clear(uint64_t handler);

/* ---- Notification timer ---- */

/* Signal badge on the notification once deadline has passed (absolute;
 * 0 cancels; a deadline already past fires at the next timer tick). The
 * unit: objects.h says nanoseconds, the kernel compares it with the
 * counter (CNTPCT ticks) today; see docs/abi.md. */
enum tern_error tern_notification_set_timeout(uint64_t notification, uint64_t deadline,
                                              uint64_t badge);

#endif
