/*
 * The path namespace (protocol/vfs.h): stat, statx, mkdir, mknod,
 * unlink, rename, link, access, chmod, and the working directory, which is the
 * directory capability in LINUX_SLOT_CWD that every relative path starts
 * from.
 */
#include "descriptors.h"
#include "mqueue.h"
#include "paths.h"
#include "procfs.h"
#include "personality.h"
#include "server_call.h"
#include "statx.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/vfs.h"

int64_t linux_stat_capability(uint64_t slot, struct linux_stat *stat)
{
    linux_set_window(0, (uint64_t)(uintptr_t)stat, sizeof(*stat), TERN_WINDOW_WRITE);
    uint64_t mr[4] = {0};
    return linux_call(slot, FILE_STAT, 0, 0, 1, mr);
}

int64_t sys_fstat(int64_t fd, struct linux_stat *stat)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    if (stat == 0)
        return -LINUX_EFAULT;
    return linux_stat_capability((uint64_t)slot, stat);
}

int64_t sys_newfstatat(int64_t dirfd, const char *path, struct linux_stat *stat, uint64_t flags)
{
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | LINUX_AT_NO_AUTOMOUNT))
        return -LINUX_EINVAL;
    if (stat == 0)
        return -LINUX_EFAULT;
    if ((flags & LINUX_AT_EMPTY_PATH) && path != 0 && path[0] == 0) {
        /* The object dirfd names itself, the working directory for AT_FDCWD. */
        int64_t slot = linux_directory_capability(dirfd, path);
        return slot < 0 ? slot : linux_stat_capability((uint64_t)slot, stat);
    }
    char absolute[LINUX_PROCFS_PATH_MAX];
    const char *in_proc = linux_procfs_path(dirfd, path, absolute);
    if (in_proc) {
        int64_t answer = linux_procfs_stat(in_proc, stat, flags & LINUX_AT_SYMLINK_NOFOLLOW);
        if (answer <= 0)
            return answer;
        path = "/proc";
    }
    uint64_t length;
    int64_t result = linux_path_argument(dirfd, path, false, &length);
    if (result < 0)
        return result;
    linux_set_window(1, (uint64_t)(uintptr_t)stat, sizeof(*stat), TERN_WINDOW_WRITE);
    uint64_t mr[4] = {length, flags & LINUX_AT_SYMLINK_NOFOLLOW, 0, 0};
    result = linux_call(LINUX_SLOT_VFS, VFS_STAT, 2, 1, 2, mr);
    if (result == VFS_IN_MQUEUE)
        return linux_mqueue_stat_name(path + mr[1], mr[2], 0, stat);
    return result;
}

/* No symbolic links exist yet: what names something else is not one
 * (EINVAL), what names nothing gets stat's error. */
int64_t sys_readlinkat(int64_t dirfd, const char *path, char *buffer, int64_t size)
{
    if (size <= 0)
        return -LINUX_EINVAL;
    char absolute[LINUX_PROCFS_PATH_MAX];
    const char *in_proc = linux_procfs_path(dirfd, path, absolute);
    if (in_proc) {
        struct linux_stat named;
        int64_t exists = linux_procfs_stat(in_proc, &named, true);
        return exists < 0 ? exists : linux_procfs_readlink(in_proc, buffer, size);
    }
    struct linux_stat status;
    int64_t result = sys_newfstatat(dirfd, path, &status, LINUX_AT_SYMLINK_NOFOLLOW);
    return result < 0 ? result : -LINUX_EINVAL;
}

int64_t sys_statx(int64_t dirfd, const char *path, uint64_t flags, uint64_t mask,
                  struct linux_statx *statx)
{
    (void)mask;     /* every basic field is always there */
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH |
                            LINUX_AT_NO_AUTOMOUNT | LINUX_AT_STATX_SYNC_TYPE))
        return -LINUX_EINVAL;
    if ((flags & LINUX_AT_STATX_SYNC_TYPE) == LINUX_AT_STATX_SYNC_TYPE)
        return -LINUX_EINVAL;
    if (statx == 0)
        return -LINUX_EFAULT;
    struct linux_stat stat;
    int64_t result = sys_newfstatat(dirfd, path, &stat, flags & ~(uint64_t)LINUX_AT_STATX_SYNC_TYPE);
    if (result < 0)
        return result;
    statx_from_stat(&stat, statx);
    return 0;
}

/* A vfs call on one path relative to dirfd: window 0 the path,
 * capability 0 the directory, registers: the path's length, then a, b, c. */
static int64_t path_call(uint64_t label, int64_t dirfd, const char *path, bool empty_allowed,
                         unsigned registers, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t length;
    int64_t result = linux_path_argument(dirfd, path, empty_allowed, &length);
    if (result < 0)
        return result;
    uint64_t mr[4] = {length, a, b, c};
    result = linux_call(LINUX_SLOT_VFS, label, registers, 1, 1, mr);
    if (result != VFS_IN_MQUEUE)
        return result;
    /* A queue in /dev/mqueue: vfs answers so only unlink and access. */
    const char *name = path + mr[1];
    return label == VFS_UNLINK ? linux_mqueue_unlink_name(name, mr[2])
                               : linux_mqueue_stat_name(name, mr[2], a, 0);
}

/* A vfs call on the object a descriptor names: an empty path relative to
 * it (AT_EMPTY_PATH's meaning), registers: 0, then a, b, c. */
static int64_t descriptor_call(uint64_t label, int64_t fd, unsigned registers, uint64_t a,
                               uint64_t b, uint64_t c)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    static const char empty_path[] = "";
    tern_set_cap(0, (uint64_t)slot);
    linux_set_window(0, (uint64_t)(uintptr_t)empty_path, 0, TERN_WINDOW_READ);
    uint64_t mr[4] = {0, a, b, c};
    return linux_call(LINUX_SLOT_VFS, label, registers, 1, 1, mr);
}

int64_t sys_mkdirat(int64_t dirfd, const char *path, uint64_t mode)
{
    return path_call(VFS_MKDIR, dirfd, path, false, 2, linux_apply_umask(mode), 0, 0);
}

int64_t sys_mknodat(int64_t dirfd, const char *path, uint64_t mode, uint64_t device)
{
    uint64_t type = mode & LINUX_S_IFMT;
    if (type == 0)
        type = LINUX_S_IFREG;
    if (type == LINUX_S_IFCHR || type == LINUX_S_IFBLK || type == LINUX_S_IFSOCK)
        return -LINUX_EPERM;    /* no device nodes or sockets through mknod here */
    if (type != LINUX_S_IFREG && type != LINUX_S_IFIFO)
        return -LINUX_EINVAL;
    return path_call(VFS_MKNOD, dirfd, path, false, 3, type | linux_apply_umask(mode), device, 0);
}

int64_t sys_unlinkat(int64_t dirfd, const char *path, uint64_t flags)
{
    if (flags & ~(uint64_t)LINUX_AT_REMOVEDIR)
        return -LINUX_EINVAL;
    return path_call(VFS_UNLINK, dirfd, path, false, 2, flags, 0, 0);
}

/* A vfs call on two paths, each relative to its dirfd: windows 0 and 1
 * the paths, capabilities 0 and 1 their directories, registers: the two
 * lengths, then flags if `registers` is 3. */
static int64_t two_path_call(uint64_t label, int64_t old_dirfd, const char *old_path,
                             bool old_empty_allowed, int64_t new_dirfd, const char *new_path,
                             unsigned registers, uint64_t flags)
{
    uint64_t old_length, new_length;
    int64_t result = linux_path_window(0, old_path, old_empty_allowed, &old_length);
    if (result == 0)
        result = linux_path_window(1, new_path, false, &new_length);
    if (result < 0)
        return result;
    int64_t old_directory = linux_directory_capability(old_dirfd, old_path);
    int64_t new_directory = linux_directory_capability(new_dirfd, new_path);
    if (old_directory < 0 || new_directory < 0)
        return -LINUX_EBADF;
    tern_set_cap(0, (uint64_t)old_directory);
    tern_set_cap(1, (uint64_t)new_directory);
    uint64_t mr[4] = {old_length, new_length, flags, 0};
    return linux_call(LINUX_SLOT_VFS, label, registers, 2, 2, mr);
}

int64_t sys_renameat2(int64_t old_dirfd, const char *old_path, int64_t new_dirfd,
                      const char *new_path, uint64_t flags)
{
    if (flags != 0)
        return -LINUX_EINVAL;   /* RENAME_NOREPLACE, _EXCHANGE, _WHITEOUT: not yet */
    return two_path_call(VFS_RENAME, old_dirfd, old_path, false, new_dirfd, new_path, 2, 0);
}

int64_t sys_renameat(int64_t old_dirfd, const char *old_path, int64_t new_dirfd,
                     const char *new_path)
{
    return sys_renameat2(old_dirfd, old_path, new_dirfd, new_path, 0);
}

int64_t sys_linkat(int64_t old_dirfd, const char *old_path, int64_t new_dirfd,
                   const char *new_path, uint64_t flags)
{
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH))
        return -LINUX_EINVAL;
    /* With AT_EMPTY_PATH an empty old path names old_dirfd's file; vfs
     * decides who may do that. */
    return two_path_call(VFS_LINK, old_dirfd, old_path, flags & LINUX_AT_EMPTY_PATH, new_dirfd,
                         new_path, 3, flags);
}

int64_t sys_faccessat2(int64_t dirfd, const char *path, uint64_t mode, uint64_t flags)
{
    if (mode & ~(uint64_t)(LINUX_R_OK | LINUX_W_OK | LINUX_X_OK))
        return -LINUX_EINVAL;
    if (flags & ~(uint64_t)(LINUX_AT_EACCESS | LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
        return -LINUX_EINVAL;
    char absolute[LINUX_PROCFS_PATH_MAX];
    const char *in_proc = linux_procfs_path(dirfd, path, absolute);
    if (in_proc) {
        /* Its files are r--r--r--, its directories r-xr-xr-x; root
         * passes but for execute on a file, as Linux's DAC override. */
        struct linux_stat named;
        int64_t exists = linux_procfs_stat(in_proc, &named, false);
        if (exists < 0)
            return exists;
        bool directory = exists == 1 || (named.st_mode & LINUX_S_IFMT) == LINUX_S_IFDIR;
        if ((mode & LINUX_X_OK) && !directory)
            return -LINUX_EACCES;
        if ((mode & LINUX_W_OK) && (flags & LINUX_AT_EACCESS ? sys_geteuid() : sys_getuid()) != 0)
            return -LINUX_EACCES;
        return 0;
    }
    return path_call(VFS_ACCESS, dirfd, path, flags & LINUX_AT_EMPTY_PATH, 3, mode, flags, 0);
}

int64_t sys_faccessat(int64_t dirfd, const char *path, uint64_t mode)
{
    return sys_faccessat2(dirfd, path, mode, 0);
}

int64_t sys_fchmodat(int64_t dirfd, const char *path, uint64_t mode)
{
    return path_call(VFS_CHMOD, dirfd, path, false, 2, mode & 07777, 0, 0);
}

int64_t sys_fchownat(int64_t dirfd, const char *path, uint64_t uid, uint64_t gid,
                     uint64_t flags)
{
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
        return -LINUX_EINVAL;
    return path_call(VFS_CHOWN, dirfd, path, flags & LINUX_AT_EMPTY_PATH, 4, (uint32_t)uid,
                     (uint32_t)gid, flags);
}

int64_t sys_fchown(int64_t fd, uint64_t uid, uint64_t gid)
{
    return descriptor_call(VFS_CHOWN, fd, 4, (uint32_t)uid, (uint32_t)gid, LINUX_AT_EMPTY_PATH);
}

int64_t sys_fchmod(int64_t fd, uint64_t mode)
{
    return descriptor_call(VFS_CHMOD, fd, 3, mode & 07777, LINUX_AT_EMPTY_PATH, 0);
}

int64_t sys_umask(uint64_t mask)
{
    return (int64_t)__atomic_exchange_n(&linux_process_info()->umask, mask & 0777,
                                         __ATOMIC_RELAXED);
}

/* chdir and fchdir replace the working directory; one at a time. */
static struct linux_lock working_directory_lock;

/* The directory capability in the scratch slot becomes the working
 * directory; the old one is closed. Threads that resolve a relative path
 * in the moment between find no working directory (-EBADF): the one gap
 * of a CNode without an atomic swap. */
static int64_t become_working_directory(uint64_t scratch)
{
    linux_lock(&working_directory_lock);
    linux_capability_close(LINUX_SLOT_CWD);
    enum tern_error error = tern_cnode_move(LINUX_SLOT_CNODE, LINUX_SLOT_CWD, LINUX_SLOT_DEPTH,
                                            LINUX_SLOT_CNODE, scratch, LINUX_SLOT_DEPTH);
    linux_unlock(&working_directory_lock);
    return error == TERN_OK ? 0 : -LINUX_EIO;
}

int64_t sys_chdir(const char *path)
{
    /* A directory first (ENOENT, ENOTDIR), then the right to enter it
     * (EACCES), in Linux's order. */
    uint64_t scratch = linux_scratch_slot();
    char absolute[LINUX_PROCFS_PATH_MAX];
    const char *in_proc = linux_procfs_path(LINUX_AT_FDCWD, path, absolute);
    if (in_proc) {
        int64_t entered = linux_procfs_chdir(in_proc, scratch);
        return entered < 0 ? entered : become_working_directory(scratch);
    }
    int64_t result = linux_open_into(scratch, LINUX_AT_FDCWD, path,
                                     LINUX_O_DIRECTORY | LINUX_O_PATH, 0);
    if (result < 0)
        return result;
    result = path_call(VFS_ACCESS, LINUX_AT_FDCWD, path, false, 3, LINUX_X_OK,
                       LINUX_AT_EACCESS, 0);
    if (result < 0) {
        linux_capability_close(scratch);
        return result;
    }
    linux_procfs_working_directory(-1);
    return become_working_directory(scratch);
}

int64_t sys_fchdir(int64_t fd)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    struct linux_stat stat;
    int64_t result = linux_stat_capability((uint64_t)slot, &stat);
    if (result < 0)
        return result;
    if ((stat.st_mode & LINUX_S_IFMT) != LINUX_S_IFDIR)
        return -LINUX_ENOTDIR;
    uint64_t scratch = linux_scratch_slot();
    result = linux_capability_duplicate((uint64_t)slot, scratch);
    if (result < 0)
        return result;
    linux_procfs_working_directory(fd);
    return become_working_directory(scratch);
}

int64_t sys_getcwd(uint64_t buffer, uint64_t size)
{
    if (size == 0)
        return -LINUX_ERANGE;
    if (size > LINUX_PATH_MAX)
        size = LINUX_PATH_MAX;
    tern_set_cap(0, LINUX_SLOT_CWD);
    linux_set_window(0, buffer, size, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {size, 0, 0, 0};
    return linux_call(LINUX_SLOT_VFS, VFS_GETCWD, 1, 1, 1, mr);
}
