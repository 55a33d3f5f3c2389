/*
 * What a page fault needs, or procmgr writing into an address space: from
 * the region the address lies in and the state of its page, the one thing
 * space.c must do. Pure C (tests/host/test_procmgr_fault.c).
 *
 * A region's page is one of:
 *   - absent: never touched, or dropped (munmap, a revoked lent frame);
 *   - a private frame (frames.h: private anonymous memory, or a private
 *     mapping's copy of a file page once written), the space's alone or
 *     shared copy-on-write with others since a fork, mapped read-only
 *     until a write copies it (or, if the others are gone, takes it);
 *   - the object's frame (memory_object.h): a shared mapping's pages, and
 *     a private file mapping's until first written, which are mapped
 *     read-only so that the first write faults and copies.
 */
#ifndef PROCMGR_FAULT_H
#define PROCMGR_FAULT_H

#include <stdbool.h>
#include "address_map.h"

enum fault_action {
    FAULT_SEGV_MAPERR,          /* no region there: SIGSEGV, SEGV_MAPERR */
    FAULT_SEGV_ACCERR,          /* the region forbids the access: SIGSEGV, SEGV_ACCERR */
    FAULT_NEW_PAGE,             /* a zeroed frame of the space's own */
    FAULT_OBJECT_PAGE,          /* the object's page (writable: fault_wants_writable) */
    FAULT_COPY_OBJECT_PAGE,     /* a frame of the space's own with a copy of the object's page */
    FAULT_COPY_ON_WRITE,        /* a write to a shared private frame: the space's own copy */
    FAULT_MAP_PRESENT,          /* the page's frame, mapped as the region allows */
    /* A missing page of a range registered with a userfaultfd in MISSING
     * mode (of a memory object's mapping: one the object does not have
     * either): the thread waits for the descriptor's pager (userfault.h). */
    FAULT_USERFAULT_MISSING,
    /* A page of a memory object's mapping registered in MINOR mode that
     * the object has but the space does not map yet: the thread waits
     * for the pager, which maps it with UFFDIO_CONTINUE. */
    FAULT_USERFAULT_MINOR,
};

struct fault_page {
    bool present;               /* in the page index, its frame still there */
    bool from_object;           /* that frame is the object's */
    bool writable;              /* that frame may be written through */
    bool mapped;                /* mapped now (fork leaves a child's shared pages unmapped) */
    bool copy_on_write;         /* a private frame other spaces may share */
    /* Not present, and the region's object has a page there (asked only
     * where a registration of an object's mapping needs to know: Linux's
     * page cache). */
    bool in_object;
};

/* For an access (write or not) at a page of region (NULL: no region),
 * with procmgr's own writes (ignore_protection) allowed whatever the
 * region's protection; those never wait for a userfaultfd's pager. */
enum fault_action fault_decide(const struct region *region, struct fault_page page, bool write,
                               bool ignore_protection);

/* Whether page (of region, 0 if none) is mapped for the access now: an
 * instruction fetch (execute), a write, or else a read. A fault that
 * finds it so was spurious: the hardware found the page unmapped or
 * without the right, and procmgr mapped it since for another of the
 * process's threads (one on another core that touched the page at the
 * same moment, whose fault was answered first), or a break-before-make
 * remapping was under way. The access is tried again, as Linux's spurious
 * faults are; fault_decide would take it for a violation. */
bool fault_mapped_for(const struct region *region, struct fault_page page, bool write,
                      bool execute);

/* Whether to ask the object for a writable frame: only what a write may
 * reach through the mapping (a shared mapping with PROT_WRITE, or
 * procmgr's own write); a private mapping's object pages stay
 * read-only. */
bool fault_wants_writable(const struct region *region, bool write);

#endif
