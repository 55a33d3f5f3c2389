/*
 * Memory (protocol/procmgr.h): procmgr owns the address space, so brk,
 * mmap, munmap, mprotect and mremap are calls to it. A private file
 * mapping is made here: anonymous memory, read and write, filled from the
 * file with pread, then given the protection asked for. Shared file
 * mappings need a page cache shared with the file's server: not yet.
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
    return linux_request(LINUX_SLOT_PROCMGR, PROC_BRK, 1, address, 0, 0, 0);
}

static int64_t map_anonymous(uint64_t address, uint64_t length, uint64_t protection,
                             uint64_t flags)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MMAP, 4, address, length, protection, flags);
}

/* Reads the file from offset into the fresh mapping until it is full or
 * the file ends; what lies past the end stays zero. */
static int64_t fill_from_file(uint64_t slot, uint64_t address, uint64_t length, uint64_t offset)
{
    uint64_t done = 0;
    while (done < length) {
        linux_set_window(0, address + done, length - done, TERN_WINDOW_WRITE);
        uint64_t mr[4] = {length - done, offset + done, 0, 0};
        int64_t result = linux_call(slot, FILE_PREAD, 2, 0, 1, mr);
        if (result < 0)
            return result;
        if (result == 0)
            break;
        done += (uint64_t)result;
    }
    return 0;
}

static int64_t map_private_file(uint64_t address, uint64_t length, uint64_t protection,
                                uint64_t flags, int64_t fd, uint64_t offset)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    int64_t status_flags = linux_request((uint64_t)slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    if (status_flags < 0)
        return status_flags;
    if ((status_flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY)
        return -LINUX_EACCES;
    uint64_t writable = LINUX_PROT_READ | LINUX_PROT_WRITE;
    int64_t mapped = map_anonymous(address, length, writable,
                                   (flags & ~(uint64_t)LINUX_MAP_TYPE) | LINUX_MAP_PRIVATE |
                                       LINUX_MAP_ANONYMOUS);
    if (mapped < 0)
        return mapped;
    int64_t result = fill_from_file((uint64_t)slot, (uint64_t)mapped, length, offset);
    if (result == 0 && protection != writable)
        result = linux_request(LINUX_SLOT_PROCMGR, PROC_MPROTECT, 3, (uint64_t)mapped,
                               (length + PAGE_MASK) & ~PAGE_MASK, protection, 0);
    if (result < 0) {
        linux_request(LINUX_SLOT_PROCMGR, PROC_MUNMAP, 2, (uint64_t)mapped, length, 0, 0);
        return result;
    }
    return mapped;
}

int64_t sys_mmap(uint64_t address, uint64_t length, uint64_t protection, uint64_t flags,
                 int64_t fd, uint64_t offset)
{
    if (length == 0 || (offset & PAGE_MASK))
        return -LINUX_EINVAL;
    if (flags & LINUX_MAP_ANONYMOUS)
        return map_anonymous(address, length, protection, flags);
    uint64_t type = flags & LINUX_MAP_TYPE;
    if (type == LINUX_MAP_SHARED || type == LINUX_MAP_SHARED_VALIDATE) {
        if (linux_fd_capability((int32_t)fd) < 0)
            return -LINUX_EBADF;
        return -LINUX_ENODEV;
    }
    if (type != LINUX_MAP_PRIVATE)
        return -LINUX_EINVAL;
    return map_private_file(address, length, protection, flags, (int32_t)fd, offset);
}

int64_t sys_munmap(uint64_t address, uint64_t length)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MUNMAP, 2, address, length, 0, 0);
}

int64_t sys_mprotect(uint64_t address, uint64_t length, uint64_t protection)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MPROTECT, 3, address, length, protection, 0);
}

#define LINUX_MREMAP_FIXED 2

int64_t sys_mremap(uint64_t address, uint64_t old_length, uint64_t new_length, uint64_t flags,
                   uint64_t new_address)
{
    (void)new_address;
    if (flags & LINUX_MREMAP_FIXED)
        return -LINUX_EINVAL;   /* PROC_MREMAP takes no target address yet */
    return linux_request(LINUX_SLOT_PROCMGR, PROC_MREMAP, 4, address, old_length, new_length,
                         flags);
}

/* Advice, syncing anonymous memory and locking pages (nothing is ever
 * swapped) have nothing to do; the address is checked as Linux does. */
int64_t sys_memory_hint(uint64_t address)
{
    return (address & PAGE_MASK) ? -LINUX_EINVAL : 0;
}
