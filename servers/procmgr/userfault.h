/*
 * userfaultfd contexts (docs/protocols/userfault.md): what one
 * descriptor from userfaultfd(2) holds, and Linux's rules for its
 * arguments (fs/userfaultfd.c, 6.1). Pure C with no IPC in it
 * (tests/host/test_procmgr_userfault.c); userfault_requests.c binds it to
 * the file protocol and the fault path.
 *
 * A context belongs to one address space (Linux's ctx->mm: the creator's).
 * Regions registered with it carry its id (address_map.h). A thread that
 * faults on a missing page of such a region waits: its fault's reply is
 * kept in a waiter, queued here, until UFFDIO_COPY, ZEROPAGE or WAKE
 * covers its address, or the descriptor goes. read(2) reports each
 * waiter once, in the order they came.
 */
#ifndef PROCMGR_USERFAULT_H
#define PROCMGR_USERFAULT_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_userfault.h"

/* The features this system offers (UFFDIO_API's answer). */
#define USERFAULT_FEATURES (LINUX_UFFD_FEATURE_THREAD_ID | LINUX_UFFD_FEATURE_EXACT_ADDRESS | \
                            LINUX_UFFD_FEATURE_SIGBUS | LINUX_UFFD_FEATURE_EVENT_FORK | \
                            LINUX_UFFD_FEATURE_MINOR_SHMEM | LINUX_UFFD_FEATURE_EVENT_UNMAP | \
                            LINUX_UFFD_FEATURE_MISSING_SHMEM | LINUX_UFFD_FEATURE_EVENT_REMOVE | \
                            LINUX_UFFD_FEATURE_EVENT_REMAP)
/* The register modes it takes. */
#define USERFAULT_MODES (LINUX_UFFDIO_REGISTER_MODE_MISSING | LINUX_UFFDIO_REGISTER_MODE_MINOR)

struct region;

struct userfault_waiter {
    uint64_t reply;             /* the faulting thread's, kept */
    uint64_t address;           /* where it faulted */
    uint32_t tid;
    bool write;
    bool minor;                 /* a MINOR range's page the object has */
    /* Not the thread's own fault but procmgr's access for its system
     * call (process_vm_readv/writev): answered USERFAULT_ACCESS_AGAIN,
     * the call made again; only a kill ends the wait. */
    bool for_call;
    bool reported;              /* read(2) gave its message */
    struct userfault_waiter *next;
};

struct userfault {
    uint32_t id;                /* what registered regions carry; never 0 */
    struct space *space;        /* its address space; NULL once that is gone */
    uint64_t features;          /* those UFFDIO_API enabled */
    bool initialized;           /* UFFDIO_API done */
    /* UFFD_USER_MODE_ONLY: a fault a system call takes (here, the
     * personality's) is not the pager's: EFAULT. */
    bool user_mode_only;
    /* Its maker was privileged (Linux's CAP_SYS_PTRACE, asked at
     * UFFDIO_API for UFFD_FEATURE_EVENT_FORK: the caller's there; here
     * the maker's, as a descriptor's requests do not say who sends them). */
    bool privileged;
    uint32_t flags;             /* O_CLOEXEC, O_NONBLOCK as made: a fork's child context's too */
    struct userfault_waiter *waiters, **last_waiter;   /* in the order they came */
    unsigned unreported;        /* waiters read(2) has not given yet */
    /* Events of changes to the space (FORK, UNMAP) not read yet: Linux's
     * mmap_changing, while which COPY, ZEROPAGE, CONTINUE and
     * WRITEPROTECT are -EAGAIN. */
    unsigned changing;
};

void userfault_init(struct userfault *context, uint32_t id, struct space *space);

/* userfaultfd(2)'s flags, for a caller privileged or not (Linux 6.1
 * with vm.unprivileged_userfaultfd 0, its default): -EPERM without
 * privilege unless UFFD_USER_MODE_ONLY, then -EINVAL for unknown flags. */
int userfault_check_flags(uint64_t flags, bool privileged);

/* UFFDIO_API: api is the caller's struct, rewritten with the answer
 * (zeroed on failure, as Linux's). 0, or -EINVAL for a wrong api or a
 * feature not offered, -EPERM for UFFD_FEATURE_EVENT_FORK without
 * privilege, -EINVAL for a second call. */
int userfault_api(struct userfault *context, struct linux_uffdio_api *api);

/* Linux's validate_range: 0 or -EINVAL (unaligned, empty, below the
 * lowest mappable address or above the user address space). */
int userfault_check_range(uint64_t start, uint64_t length);

/* UFFDIO_REGISTER's mode: 0 or -EINVAL (none, unknown, or one this
 * system does not offer: WP). */
int userfault_check_modes(uint64_t modes);

/* Whether a region may be registered with modes (0: unregistered), as
 * Linux's vma_can_userfault: MISSING takes anonymous memory and mappings
 * of memory objects, shared or private (every file here is Linux's
 * shmem: tmpfs, memfds; the caller asks the object too, as System V
 * segments are not: memory_object_takes_userfault), MINOR only the
 * latter, which have a page cache. */
bool userfault_region_takes(const struct region *region, uint64_t modes);

/* The queue: a waiter comes (its fields set by the caller); the next
 * one read(2) has not reported (marked reported), or NULL; every waiter
 * whose address lies in [start, end) is taken out, in order, and handed
 * to release with context (it answers or lets go of the reply). */
void userfault_enqueue(struct userfault *context, struct userfault_waiter *waiter);
struct userfault_waiter *userfault_next_unreported(struct userfault *context);
void userfault_take_range(struct userfault *context, uint64_t start, uint64_t end,
                          void (*release)(void *release_context, struct userfault_waiter *waiter),
                          void *release_context);
/* Takes out one waiter (its caller vanished before it was reported). */
void userfault_remove(struct userfault *context, struct userfault_waiter *waiter);

/* The message read(2) gives for a waiter. */
struct linux_uffd_msg userfault_message(const struct userfault *context,
                                        const struct userfault_waiter *waiter);

#endif
