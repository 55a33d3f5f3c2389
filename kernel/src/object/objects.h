/*
 * The interfaces between the kernel's object files. Each object type has a
 * decode function for its invocations (checks everything, returns an
 * error, or performs the operation and fills in the results) and, where
 * needed, a destroy function run when its last capability is deleted.
 */
#ifndef OBJECT_OBJECTS_H
#define OBJECT_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/mmu.h"
#include "object/structures.h"
#include "object/tcb.h"
#include "tern/errors.h"

#define MAX_INVOCATION_RESULTS 40

/* An object invocation: a Call on a capability to a kernel object. */
struct invocation {
    struct tcb *caller;
    struct cte *slot;                       /* the invoked capability */
    uint64_t label;                         /* enum tern_invocation */
    unsigned length;                        /* arguments supplied */
    uint64_t args[TERN_MSG_MAX_LENGTH];
    struct cte *extra_caps[TERN_MSG_MAX_CAPS];  /* looked up in the caller's CSpace */
    unsigned extra_cap_count;
    uint64_t results[MAX_INVOCATION_RESULTS];
    unsigned result_count;
};

static inline uint64_t invocation_arg(const struct invocation *inv, unsigned i)
{
    return i < inv->length ? inv->args[i] : 0;
}

/* ---- cspace.c: capability addressing ---- */

/* The slot that (cptr, depth) names under the CNode capability root,
 * resolving guards and radixes level by level (seL4's rules). Returns 0 and
 * sets *error to TERN_FAILED_LOOKUP (or TERN_RANGE_ERROR for a depth over
 * 64) when the address names no slot. */
struct cte *cspace_lookup_slot(const struct cap *root, uint64_t cptr, unsigned depth,
                               enum tern_error *error);
/* The non-null capability a thread names by cptr in its own CSpace (full
 * 64-bit depth). */
struct cte *cspace_lookup_cap(struct tcb *thread, uint64_t cptr, enum tern_error *error);

/* ---- cnode.c: the derivation tree and CNode invocations ---- */

/* Put cap into the empty slot child as a derivation-tree child of parent
 * (0 for none), counting a reference on the object. */
void cte_insert(struct cte *parent, struct cte *child, struct cap cap);
/* Move a capability and its place in the tree to the empty slot to. */
void cte_move(struct cte *from, struct cte *to);
/* Empty a slot: its children become its parent's children; when this was
 * the object's last capability, destroy the object. */
void cte_delete(struct cte *slot);
/* Delete every capability derived from slot, depth first. */
void cte_revoke(struct cte *slot);
bool cte_has_children(const struct cte *slot);

enum tern_error cnode_decode(struct invocation *inv);
void cnode_destroy(struct cte *slots, unsigned radix);

/* ---- untyped.c ---- */
enum tern_error untyped_decode(struct invocation *inv);
/* Object sizes for Retype: log2 bytes, or -1 if size_bits is invalid. */
int object_size_bits(enum tern_object_type type, unsigned size_bits);

/* ---- vspace.c: frames, page tables, address spaces ---- */
enum tern_error frame_decode(struct invocation *inv);
enum tern_error page_table_decode(struct invocation *inv);
enum tern_error vspace_decode(struct invocation *inv);
void vspace_init_object(struct vspace *vspace);     /* after Retype */
void vspace_destroy(struct vspace *vspace);
/* Unmap what a frame or page-table capability maps, if anything. */
void mapping_cap_unmap(struct cap *cap);
/* The VSpace object a VSpace capability names: the page after its root
 * table (the two are retyped together). */
static inline struct vspace *vspace_of_cap(const struct cap *cap)
{
    return (struct vspace *)(uintptr_t)(cap->object + PAGE_SIZE);
}
/* Make vspace the calling core's user address space. */
void vspace_activate(struct vspace *vspace);
/* (object/vspace_switch.h has the same for a VSpace that exists, inline,
 * for the IPC fast path.) */
/* Copy between user memory of two address spaces (either may be 0 for a
 * kernel buffer given as its kernel address), page by page through the
 * linear map; fails with TERN_FAULT without copying anything if any page
 * is unmapped or lacks the needed right (source readable, destination
 * writable by user mode). */
enum tern_error vspace_copy(struct vspace *destination, uint64_t destination_address,
                            struct vspace *source, uint64_t source_address,
                            uint64_t length);
/* The kernel address of a user page that holds address, if it is mapped
 * with user read (and, if writable is set, write) access; else 0. */
void *vspace_user_pointer(struct vspace *vspace, uint64_t address, bool writable);

/* ---- tcb.c ---- */
enum tern_error tcb_decode(struct invocation *inv);
void tcb_destroy(struct tcb *tcb);

/* A thread's address space and IPC buffer (kernel address), or 0 if it
 * has none: inline, as every fast path asks. */
static inline struct vspace *tcb_vspace(const struct tcb *tcb)
{
    if (tcb->vspace_root.cap.type != CAP_VSPACE)
        return 0;
    return vspace_of_cap(&tcb->vspace_root.cap);
}

/* The IPC buffer, at address in the frame the TCB's slot holds now. */
static inline void tcb_set_ipc_buffer(struct tcb *tcb, uint64_t address)
{
    const struct cap *frame = &tcb->ipc_buffer_frame.cap;
    tcb->ipc_buffer_address = address;
    tcb->ipc_buffer = phys_to_virt(frame->object + (address & ((1ULL << frame->size_bits) - 1)));
}

/* The TCB's IPC buffer, or 0 once its frame is gone (deleted or revoked:
 * only tcb_set_ipc_buffer puts another there). */
static inline struct tern_ipc_buffer *tcb_ipc_buffer(const struct tcb *tcb)
{
    return tcb->ipc_buffer_frame.cap.type == CAP_FRAME ? tcb->ipc_buffer : 0;
}

/* ---- endpoint.c, notification.c, reply.c ---- */
void endpoint_destroy(struct endpoint *endpoint);
void notification_destroy(struct notification *notification);
void reply_destroy(struct reply *reply);
enum tern_error notification_decode(struct invocation *inv);
enum tern_error reply_decode(struct invocation *inv);

/* ---- irq_handler.c ---- */
enum tern_error irq_control_decode(struct invocation *inv);
enum tern_error irq_handler_decode(struct invocation *inv);
/* The last capability to an IRQ handler is gone: mask the line and let
 * IRQControl_Get hand it out again. */
void irq_handler_release(uint32_t irq);
/* A notification is being destroyed: no interrupt may signal it. */
void irq_handler_forget_notification(struct notification *notification);

/* ---- vspace.c: added by the vspace engineer ---- */
/* Whether count more VSpaces can get an ASID: Retype asks before it
 * creates VSpace objects (vspace_init_object panics without one). */
bool vspace_asids_available(unsigned count);
/* The VSpace core cpu last activated (0 if none, or destroyed since). An
 * idle core keeps the last one it ran, so this may name a VSpace the core
 * is not running a thread of right now. */
struct vspace *vspace_active_on(unsigned cpu);

#endif
