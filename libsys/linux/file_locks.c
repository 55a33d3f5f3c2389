/*
 * File locks: fcntl's F_SETLK, F_SETLKW, F_GETLK and their OFD forms,
 * and flock(2). The locks are the file's server's (FILE_LOCK,
 * FILE_GET_LOCK, FILE_FLOCK in sys/protocol/file.h); here struct flock
 * becomes a byte range as Linux's flock64_to_posix_lock makes it, with
 * its errors in its order, and POSIX locks are asked for in the
 * process's name (its pid), since a descriptor says only which open file
 * description it is. A lock wait a signal interrupts is -ERESTARTSYS,
 * as Linux's: SA_RESTART asks again.
 */
#include "descriptors.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/file_locks.h"
#include "sys/file_table.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

/* Where l_whence counts from: 0, the description's offset, or the end. */
static int64_t whence_base(uint64_t slot, int16_t whence, int64_t *base)
{
    if (whence == LINUX_SEEK_SET) {
        *base = 0;
        return 0;
    }
    if (whence == LINUX_SEEK_CUR) {
        int64_t offset = linux_request(slot, FILE_SEEK, 2, 0, LINUX_SEEK_CUR, 0, 0);
        *base = offset < 0 ? 0 : offset;    /* Linux reads f_pos even where lseek fails */
        return 0;
    }
    if (whence == LINUX_SEEK_END) {
        struct linux_stat stat;
        int64_t result = linux_stat_capability(slot, &stat);
        if (result < 0)
            return result;
        *base = stat.st_size;
        return 0;
    }
    return -LINUX_EINVAL;
}

/* Linux's flock64_to_posix_lock: bytes *start..*end, both included. */
static int64_t to_range(uint64_t slot, const struct linux_flock *lock, int64_t *start,
                        int64_t *end)
{
    int64_t base;
    int64_t error = whence_base(slot, lock->l_whence, &base);
    if (error < 0)
        return error;
    if (lock->l_start > FILE_LOCK_OFFSET_MAX - base)
        return -LINUX_EOVERFLOW;
    *start = base + lock->l_start;
    if (*start < 0)
        return -LINUX_EINVAL;
    if (lock->l_len > 0) {
        if (lock->l_len - 1 > FILE_LOCK_OFFSET_MAX - *start)
            return -LINUX_EOVERFLOW;
        *end = *start + (lock->l_len - 1);
    } else if (lock->l_len < 0) {
        if (*start + lock->l_len < 0)
            return -LINUX_EINVAL;
        *end = *start - 1;
        *start += lock->l_len;
    } else {
        *end = FILE_LOCK_OFFSET_MAX;
    }
    bool known = lock->l_type == LINUX_F_RDLCK || lock->l_type == LINUX_F_WRLCK ||
                 lock->l_type == LINUX_F_UNLCK;
    return known ? 0 : -LINUX_EINVAL;
}

/* F_OFD_SETLK with l_pid set: Linux checks the description's mode first
 * (EBADF), then refuses the pid (EINVAL). */
static int64_t ofd_pid_set(uint64_t slot, int16_t type)
{
    int64_t flags = linux_request(slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    if (flags < 0)
        return flags;
    if ((type == LINUX_F_RDLCK && !file_flags_readable((uint32_t)flags)) ||
        (type == LINUX_F_WRLCK && !file_flags_writable((uint32_t)flags)))
        return -LINUX_EBADF;
    return -LINUX_EINVAL;
}

/* F_GETLK, F_OFD_GETLK: the lock in the way, or l_type F_UNLCK and the
 * rest as it was. */
static int64_t get_lock(uint64_t slot, bool ofd, struct linux_flock *lock)
{
    if (lock->l_type != LINUX_F_RDLCK && lock->l_type != LINUX_F_WRLCK)
        return -LINUX_EINVAL;
    int64_t start, end;
    int64_t error = to_range(slot, lock, &start, &end);
    if (error < 0)
        return error;
    if (ofd && lock->l_pid != 0)
        return -LINUX_EINVAL;
    uint32_t pid = linux_process_info()->pid;
    uint64_t kind = ofd ? FILE_LOCK_DESCRIPTION : FILE_LOCK_POSIX;
    uint64_t mr[4] = {FILE_LOCK_COMMAND(kind, lock->l_type, false), (uint64_t)start,
                      (uint64_t)end, pid};
    int64_t type = linux_call(slot, FILE_GET_LOCK, 4, 0, 0, mr);
    if (type < 0)
        return type;
    lock->l_type = (int16_t)type;
    if (type != LINUX_F_UNLCK) {
        int64_t conflict_end = (int64_t)mr[2];
        lock->l_whence = LINUX_SEEK_SET;
        lock->l_start = (int64_t)mr[1];
        lock->l_len = conflict_end == FILE_LOCK_OFFSET_MAX ? 0 : conflict_end - lock->l_start + 1;
        lock->l_pid = (int32_t)mr[3];
    }
    return 0;
}

static int64_t set_lock(uint64_t slot, int64_t command, const struct linux_flock *lock)
{
    int64_t start, end;
    int64_t error = to_range(slot, lock, &start, &end);
    if (error < 0)
        return error;
    bool ofd = command == LINUX_F_OFD_SETLK || command == LINUX_F_OFD_SETLKW;
    if (ofd && lock->l_pid != 0)
        return ofd_pid_set(slot, lock->l_type);
    bool wait = command == LINUX_F_SETLKW || command == LINUX_F_OFD_SETLKW;
    uint64_t kind = ofd ? FILE_LOCK_DESCRIPTION : FILE_LOCK_POSIX;
    uint64_t mr[4] = {FILE_LOCK_COMMAND(kind, lock->l_type, wait), (uint64_t)start,
                      (uint64_t)end, linux_process_info()->pid};
    return linux_call(slot, FILE_LOCK, 4, 0, 0, mr);
}

int64_t linux_lock_fcntl(uint64_t slot, int64_t command, uint64_t argument)
{
    if (!linux_user_range(argument, sizeof(struct linux_flock)))
        return -LINUX_EFAULT;
    struct linux_flock *user = (struct linux_flock *)(uintptr_t)argument;
    struct linux_flock lock = *user;
    if (command != LINUX_F_GETLK && command != LINUX_F_OFD_GETLK)
        return set_lock(slot, command, &lock);
    int64_t result = get_lock(slot, command == LINUX_F_OFD_GETLK, &lock);
    if (result == 0)
        *user = lock;
    return result;
}

int64_t sys_flock(int64_t fd, uint64_t operation)
{
    /* LOCK_MAND is ignored, as Linux 6.1 ignores it (with a warning). */
    if (operation & LINUX_LOCK_MAND)
        return 0;
    uint64_t type;
    switch (operation & ~(uint64_t)LINUX_LOCK_NB) {
    case LINUX_LOCK_SH: type = LINUX_F_RDLCK; break;
    case LINUX_LOCK_EX: type = LINUX_F_WRLCK; break;
    case LINUX_LOCK_UN: type = LINUX_F_UNLCK; break;
    default: return -LINUX_EINVAL;
    }
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    bool wait = !(operation & LINUX_LOCK_NB);
    return linux_request((uint64_t)slot, FILE_FLOCK, 1,
                         FILE_LOCK_COMMAND(FILE_LOCK_FLOCK, type, wait), 0, 0, 0);
}
