/*
 * Path arguments and opening (paths.h).
 */
#include "paths.h"
#include "descriptors.h"
#include "mqueue.h"
#include "personality.h"
#include "server_call.h"
#include "sys/linux_abi.h"
#include "sys/protocol/vfs.h"

int64_t linux_path_window(unsigned index, const char *path, bool empty_allowed,
                          uint64_t *length)
{
    if (path == 0)
        return -LINUX_EFAULT;
    uint64_t size = 0;
    while (path[size] != 0) {
        if (++size >= LINUX_PATH_MAX)
            return -LINUX_ENAMETOOLONG;
    }
    if (size == 0 && !empty_allowed)
        return -LINUX_ENOENT;
    linux_set_window(index, (uint64_t)(uintptr_t)path, size, TERN_WINDOW_READ);
    *length = size;
    return 0;
}

int64_t linux_directory_capability(int64_t dirfd, const char *path)
{
    if ((int32_t)dirfd == LINUX_AT_FDCWD || (path != 0 && path[0] == '/'))
        return LINUX_SLOT_CWD;
    return linux_fd_capability((int32_t)dirfd);
}

int64_t linux_path_argument(int64_t dirfd, const char *path, bool empty_allowed,
                            uint64_t *length)
{
    int64_t result = linux_path_window(0, path, empty_allowed, length);
    if (result < 0)
        return result;
    int64_t directory = linux_directory_capability(dirfd, path);
    if (directory < 0)
        return directory;
    tern_set_cap(0, (uint64_t)directory);
    return 0;
}

uint64_t linux_apply_umask(uint64_t mode)
{
    return mode & 07777 & ~__atomic_load_n(&linux_process_info()->umask, __ATOMIC_RELAXED);
}

/* O_TMPFILE: O_DIRECTORY with this bit; it creates, so it takes a mode. */
#define LINUX_O_TMPFILE_BIT 020000000

int64_t linux_open_into(uint64_t slot, int64_t dirfd, const char *path, uint64_t flags,
                        uint64_t mode)
{
    uint64_t length;
    int64_t result = linux_path_argument(dirfd, path, false, &length);
    if (result < 0)
        return result;
    bool creates = flags & (LINUX_O_CREAT | LINUX_O_TMPFILE_BIT);
    uint64_t mr[4] = {length, flags & ~(uint64_t)LINUX_O_CLOEXEC,
                      creates ? linux_apply_umask(mode) : 0, 0};
    result = linux_call_receiving(slot, LINUX_SLOT_VFS, VFS_OPEN, 3, 1, 1, mr);
    if (result == VFS_IN_MQUEUE)
        return linux_mqueue_open_name(slot, path + mr[1], mr[2], flags, mode);
    return result == VFS_OPENED_FIFO || result < 0 ? result : 0;
}

uint64_t linux_scratch_slot(void)
{
    uint64_t slot = linux_thread_scratch_slot((unsigned)linux_thread_info()->area);
    /* Every use ends by closing or moving what it put there (a
     * successful execve's program: procmgr took it and emptied the
     * slot); close what may be left (on an empty slot this does
     * nothing). */
    linux_capability_close(slot);
    return slot;
}
