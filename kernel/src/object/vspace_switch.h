/*
 * Loading an address space into the calling core's TTBR0, inline: the IPC
 * fast path does it on every switch between threads of two processes, and
 * vspace_activate (vspace.c, which owns the ASIDs) does it for the rest.
 */
#ifndef OBJECT_VSPACE_SWITCH_H
#define OBJECT_VSPACE_SWITCH_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/memory_layout.h"
#include "object/structures.h"
#ifndef VSPACE_HOST_TEST
#include "arch/tlb.h"
#endif

/* The VSpace each core's TTBR0 holds, and, for a core whose VSpace was
 * destroyed while it still held it (an idle core keeps the last thread's
 * address space), the ASID that TTBR0 still carries: it is freed only when
 * that core loads another TTBR0, since until then the core may keep walking
 * the freed L1 table and caching entries under that ASID. */
extern struct vspace *active_vspace[MAX_CPUS];
extern uint16_t stale_asid[MAX_CPUS];

/* The core has loaded a new TTBR0: its stale ASID can now be flushed for
 * good and reused. */
void vspace_flush_stale_asid(unsigned cpu);

/* Load vspace, which exists, into the calling core's (cpu's) TTBR0. (It
 * is loaded even when active_vspace says the core holds it: a core
 * stopped for another one empties TTBR0 without the kernel lock, so
 * without touching active_vspace.) True if the caller must then drop the
 * core's stale ASID (vspace_switch; the IPC fast path does it on its way
 * out, where it makes no call that returns). A core has one only after
 * its VSpace was destroyed, which also left it none: so the common
 * switch, from one VSpace to another, need not look. */
static inline bool vspace_load(unsigned cpu, struct vspace *vspace)
{
    struct vspace *previous = active_vspace[cpu];
    bool stale = false;
    if (previous)
        previous->running_on &= ~(1ULL << cpu);
    else
        stale = stale_asid[cpu] != 0;
    active_vspace[cpu] = vspace;
    vspace->running_on |= 1ULL << cpu;
    /* TCR_EL1.A1 = 0: the ASID comes from TTBR0 bits 63:48, so the
     * table and its ASID change in one write. */
    set_user_translation_base(vspace->table_physical | ((uint64_t)vspace->asid << 48));
    return stale;
}

static inline void vspace_switch(unsigned cpu, struct vspace *vspace)
{
    if (vspace_load(cpu, vspace))
        vspace_flush_stale_asid(cpu);
}

#endif
