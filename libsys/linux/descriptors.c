/*
 * Descriptors: the table (descriptors.h) and dup, dup3, fcntl, close.
 *
 * Copying a descriptor copies its capability within the process's CNode
 * and sends FILE_RETAIN, so the server counts one more reference to the
 * open file description; offsets and status flags stay shared, as Linux
 * shares them between dup'd descriptors. Close-on-exec is the one flag
 * per descriptor, kept in the process info page's bitmap.
 *
 * The table lock covers the bitmaps only, never IPC: a descriptor being
 * changed stays reserved while its slot is filled or emptied, so no other
 * thread can take it meanwhile.
 */
#include "descriptors.h"
#include "procfs.h"
#include "fd_table.h"
#include "limits.h"
#include "personality.h"
#include "pipes.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

static struct fd_table table = {
    .open = ((struct linux_process_info *)LINUX_PROCESS_INFO)->fd_open,
    .cloexec = ((struct linux_process_info *)LINUX_PROCESS_INFO)->fd_cloexec,
};
static struct linux_lock table_lock;

int64_t linux_fd_capability(int64_t fd)
{
    /* A racy read is fine: a descriptor closed meanwhile fails the call
     * with -EBADF, as it would on Linux a moment later. */
    if (!fd_table_is_open(&table, fd))
        return -LINUX_EBADF;
    return (int64_t)linux_fd_slot((unsigned)fd);
}

int64_t linux_fd_reserve(unsigned lowest)
{
    linux_lock(&table_lock);
    int fd = fd_table_reserve_lowest(&table, lowest, linux_descriptor_limit());
    linux_unlock(&table_lock);
    return fd;
}

void linux_fd_install(unsigned fd, bool cloexec)
{
    linux_lock(&table_lock);
    fd_table_install(&table, fd, cloexec);
    linux_unlock(&table_lock);
}

void linux_fd_release(unsigned fd)
{
    linux_lock(&table_lock);
    fd_table_release(&table, fd);
    linux_unlock(&table_lock);
}

int64_t linux_fd_settle(unsigned fd, int64_t result, bool cloexec)
{
    if (result < 0) {
        linux_fd_release(fd);
        return result;
    }
    linux_fd_install(fd, cloexec);
    return fd;
}

void linux_fd_set_cloexec(unsigned fd, bool cloexec)
{
    linux_lock(&table_lock);
    if (fd_table_is_open(&table, fd))
        fd_table_set_cloexec(&table, fd, cloexec);
    linux_unlock(&table_lock);
}

void linux_slot_delete(uint64_t slot)
{
    tern_cnode_delete(LINUX_SLOT_CNODE, slot, LINUX_SLOT_DEPTH);
}

int64_t linux_capability_duplicate(uint64_t from_slot, uint64_t to_slot)
{
    enum tern_error error = tern_cnode_copy(LINUX_SLOT_CNODE, to_slot, LINUX_SLOT_DEPTH,
                                            LINUX_SLOT_CNODE, from_slot, LINUX_SLOT_DEPTH,
                                            TERN_RIGHTS_ALL);
    if (error != TERN_OK)
        return error == TERN_FAILED_LOOKUP ? -LINUX_EBADF : -LINUX_EIO;
    int64_t result = linux_request(to_slot, FILE_RETAIN, 0, 0, 0, 0, 0);
    if (result < 0)
        linux_slot_delete(to_slot);
    else if (from_slot >= LINUX_SLOT_FD_BASE && to_slot >= LINUX_SLOT_FD_BASE) {
        unsigned from = (unsigned)(from_slot - LINUX_SLOT_FD_BASE);
        unsigned to = (unsigned)(to_slot - LINUX_SLOT_FD_BASE);
        linux_epoll_descriptor_copied(from, to);
        linux_signalfd_copied(from, to);
        linux_procfs_copied(from, to);
    }
    return result < 0 ? result : 0;
}

void linux_capability_close(uint64_t slot)
{
    /* Linux's close does not report what the last reference's release
     * found; neither does this. The pid is the closer, for the server's
     * flush (file.h). */
    linux_close_call(slot, (uint64_t)linux_process_info()->pid);
    linux_slot_delete(slot);
    if (slot >= LINUX_SLOT_FD_BASE) {
        linux_epoll_descriptor_closed((unsigned)(slot - LINUX_SLOT_FD_BASE));
        linux_signalfd_closed((unsigned)(slot - LINUX_SLOT_FD_BASE));
        linux_procfs_closed((unsigned)(slot - LINUX_SLOT_FD_BASE));
    }
}

/* Duplicates open descriptor old onto the reserved descriptor new. */
static int64_t duplicate_into(int64_t old, unsigned new, bool cloexec)
{
    int64_t old_slot = linux_fd_capability(old);
    int64_t result = old_slot < 0 ? old_slot
                                  : linux_capability_duplicate((uint64_t)old_slot, linux_fd_slot(new));
    return linux_fd_settle(new, result, cloexec);
}

static int64_t duplicate_lowest(int64_t old, unsigned lowest, bool cloexec)
{
    if (linux_fd_capability(old) < 0)
        return -LINUX_EBADF;
    int64_t new = linux_fd_reserve(lowest);
    if (new < 0)
        return new;
    return duplicate_into(old, (unsigned)new, cloexec);
}

int64_t sys_dup(int64_t fd)
{
    return duplicate_lowest(fd, 0, false);
}

int64_t sys_dup3(int64_t old, int64_t new, uint64_t flags)
{
    if (flags & ~(uint64_t)LINUX_O_CLOEXEC)
        return -LINUX_EINVAL;
    if (old == new)
        return -LINUX_EINVAL;
    if (!fd_table_is_open(&table, old))
        return -LINUX_EBADF;
    if (new < 0 || (uint64_t)new >= linux_descriptor_limit())
        return -LINUX_EBADF;

    /* Take new out of use whether it was open or not; an open one is
     * closed silently, as dup3 does. */
    linux_lock(&table_lock);
    bool was_open = fd_table_is_open(&table, new);
    bool taken = true;
    if (was_open)
        fd_table_take(&table, (unsigned)new);
    else
        taken = fd_table_reserve(&table, (unsigned)new);
    linux_unlock(&table_lock);
    if (!taken)
        return -LINUX_EBUSY;    /* another thread is opening or closing it: Linux says so too */
    if (was_open)
        linux_capability_close(linux_fd_slot((unsigned)new));
    return duplicate_into(old, (unsigned)new, flags & LINUX_O_CLOEXEC);
}

int64_t sys_fcntl(int64_t fd, int64_t command, uint64_t argument)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    switch (command) {
    case LINUX_F_DUPFD:
    case LINUX_F_DUPFD_CLOEXEC:
        if (argument >= linux_descriptor_limit())
            return -LINUX_EINVAL;
        return duplicate_lowest(fd, (unsigned)argument, command == LINUX_F_DUPFD_CLOEXEC);
    case LINUX_F_GETFD: {
        linux_lock(&table_lock);
        bool cloexec = fd_table_cloexec(&table, (unsigned)fd);
        linux_unlock(&table_lock);
        return cloexec ? LINUX_FD_CLOEXEC : 0;
    }
    case LINUX_F_SETFD:
        linux_fd_set_cloexec((unsigned)fd, argument & LINUX_FD_CLOEXEC);
        return 0;
    case LINUX_F_GETFL:
        return linux_request((uint64_t)slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    case LINUX_F_SETFL:
        return linux_request((uint64_t)slot, FILE_SET_FLAGS, 1, argument, 0, 0, 0);
    case LINUX_F_SETPIPE_SZ:
    case LINUX_F_GETPIPE_SZ:
        return linux_pipe_fcntl((uint64_t)slot, command, argument);
    case LINUX_F_ADD_SEALS:
    case LINUX_F_GET_SEALS:
        return linux_seal_fcntl((uint64_t)slot, command, argument);
    case LINUX_F_GETLK:
    case LINUX_F_SETLK:
    case LINUX_F_SETLKW:
    case LINUX_F_OFD_GETLK:
    case LINUX_F_OFD_SETLK:
    case LINUX_F_OFD_SETLKW:
        return linux_lock_fcntl((uint64_t)slot, command, argument);
    default:
        /* Leases, owners, signals: not yet. */
        return -LINUX_EINVAL;
    }
}

int64_t sys_close(int64_t fd)
{
    linux_lock(&table_lock);
    bool was_open = fd_table_is_open(&table, fd);
    if (was_open)
        fd_table_take(&table, (unsigned)fd);
    linux_unlock(&table_lock);
    if (!was_open)
        return -LINUX_EBADF;
    linux_capability_close(linux_fd_slot((unsigned)fd));
    linux_fd_release((unsigned)fd);
    return 0;
}
