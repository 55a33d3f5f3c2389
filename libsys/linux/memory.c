/*
 * Memory (protocol/procmgr.h): procmgr owns the address space, so brk,
 * mmap, munmap, mprotect and mremap are calls to it. A file mapping,
 * shared or private, carries the file's descriptor: procmgr maps the
 * pages its server lends (docs/protocols/memory.md).
 */
#include "descriptors.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"

#define PAGE_MASK ((uint64_t)LINUX_PAGE_SIZE - 1)

int64_t sys_brk(uint64_t address)
{
    linux_futex_forget_keys();
    return linux_request(LINUX_SLOT_PROCMGR, PROC_BRK, 1, address, 0, 0, 0);
}

int64_t sys_mmap(uint64_t address, uint64_t length, uint64_t protection, uint64_t flags,
                 int64_t fd, uint64_t offset)
{
    if (offset & PAGE_MASK)
        return -LINUX_EINVAL;
    linux_futex_forget_keys();      /* MAP_FIXED may replace a mapping */
    if (flags & LINUX_MAP_ANONYMOUS) {
        uint64_t mr[4] = {address, length, protection, flags};
        tern_set_mr(4, 0);
        tern_set_mr(5, linux_thread_id());
        return linux_call(LINUX_SLOT_PROCMGR, PROC_MMAP, 6, 0, 0, mr);
    }
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    return linux_map_object(address, length, protection, flags, (uint64_t)slot, offset);
}

int64_t linux_map_object(uint64_t address, uint64_t length, uint64_t protection,
                         uint64_t flags, uint64_t slot, uint64_t offset)
{
    /* procmgr asks the object's server (sys/protocol/memory.h). */
    uint64_t mr[4] = {address, length, protection, flags};
    tern_set_cap(0, slot);
    tern_set_mr(4, offset);
    tern_set_mr(5, linux_thread_id());
    return linux_call(LINUX_SLOT_PROCMGR, PROC_MMAP, 6, 1, 0, mr);
}

int64_t sys_munmap(uint64_t address, uint64_t length)
{
    linux_futex_forget_keys();
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MUNMAP, 3, address, length, linux_thread_id(),
                         0);
}

int64_t sys_mprotect(uint64_t address, uint64_t length, uint64_t protection)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MPROTECT, 3, address, length, protection, 0);
}

/* The thread's id goes with it: a userfaultfd's events make it wait. */
int64_t sys_mremap(uint64_t address, uint64_t old_length, uint64_t new_length, uint64_t flags,
                   uint64_t new_address)
{
    linux_futex_forget_keys();      /* memory may move, or MREMAP_FIXED replace a mapping */
    uint64_t mr[4] = {address, old_length, new_length, flags};
    tern_set_mr(4, new_address);
    tern_set_mr(5, linux_thread_id());
    return linux_call(LINUX_SLOT_PROCMGR, PROC_MREMAP, 6, 0, 0, mr);
}

/* Advice and syncing anonymous memory have nothing to do; the address
 * is checked as Linux does. */
int64_t sys_madvise(uint64_t address, uint64_t length, int64_t advice)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MADVISE, 4, address, length,
                         (uint64_t)advice, linux_thread_id());
}

int64_t sys_memory_hint(uint64_t address)
{
    return (address & PAGE_MASK) ? -LINUX_EINVAL : 0;
}

/* Locking pages: nothing is ever swapped out, so a lock changes no page,
 * but procmgr counts what is locked against RLIMIT_MEMLOCK as Linux does
 * (PROC_MEMORY_LOCK). */
#define LINUX_MLOCK_ONFAULT 1

int64_t sys_mlock2(uint64_t address, uint64_t length, uint64_t flags)
{
    if (flags & ~(uint64_t)LINUX_MLOCK_ONFAULT)
        return -LINUX_EINVAL;
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MEMORY_LOCK, 3, PROC_MEMORY_LOCK_RANGE, address,
                         length, 0);
}

int64_t sys_munlock(uint64_t address, uint64_t length)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MEMORY_LOCK, 3, PROC_MEMORY_UNLOCK_RANGE,
                         address, length, 0);
}

int64_t sys_mlockall(uint64_t flags)
{
    uint64_t known = LINUX_MCL_CURRENT | LINUX_MCL_FUTURE | LINUX_MCL_ONFAULT;
    if (flags == 0 || (flags & ~known) || flags == LINUX_MCL_ONFAULT)
        return -LINUX_EINVAL;
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MEMORY_LOCK, 3, PROC_MEMORY_LOCK_ALL, 0, flags, 0);
}

int64_t sys_munlockall(void)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MEMORY_LOCK, 3, PROC_MEMORY_UNLOCK_ALL, 0, 0, 0);
}
