/*
 * The path operations of the vfs protocol: open, mkdir, mknod, unlink,
 * rename, chmod, stat, access, getcwd. Each follows Linux's order of
 * checks (fs/namei.c, fs/open.c), so that when several things are wrong
 * the errno is the one Linux gives.
 */
#include "core.h"
#include "lookup.h"
#include "node.h"
#include "ofd.h"
#include "permission.h"
#include "regular.h"
#include "sys/runtime.h"

/* fstatat's flag, accepted and meaningless here (nothing automounts). */
#define AT_NO_AUTOMOUNT 0x800

#define PERMISSION_BITS 07777u

/* The status flags an OFD keeps (F_GETFL); the rest only matter to open. */
#define KEPT_OPEN_FLAGS                                                            \
    (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_DSYNC |           \
     LINUX_O_DIRECT | LINUX_O_LARGEFILE | LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW |     \
     LINUX_O_NOATIME | LINUX_O_PATH)

/* Makes the missing last component of `found` a new node of `mode`,
 * owned by the caller (the group of a set-group-ID directory, which
 * passes the bit on to subdirectories). */
static int create_node(struct vfs *vfs, const struct vfs_credentials *who,
                       const struct lookup_result *found, uint32_t mode,
                       struct vfs_node **created)
{
    struct vfs_node *directory = found->directory;
    int error = permission_may_create(directory, who);
    if (error != 0)
        return error;
    uint32_t gid = who->gid;
    if (directory->mode & NODE_S_ISGID) {
        gid = directory->gid;
        if ((mode & LINUX_S_IFMT) == LINUX_S_IFDIR)
            mode |= NODE_S_ISGID;
    }
    struct vfs_node *node = node_create(vfs, mode, who->uid, gid, directory->mount);
    if (node == NULL)
        return -LINUX_ENOSPC;
    if (entry_add(vfs, directory, node, found->name, found->name_length) == NULL) {
        node_release(vfs, node);
        return -LINUX_ENOSPC;
    }
    *created = node;
    return 0;
}

/* Linux's may_open: the type rules, then the permission the access mode
 * (and O_TRUNC, and VFS_OPEN_EXEC) needs. */
static int may_open(const struct vfs_node *node, const struct vfs_credentials *who,
                    uint64_t flags, bool exec)
{
    uint64_t access_mode = flags & LINUX_O_ACCMODE;
    unsigned want = 0;
    if (exec) {
        want = MAY_EXECUTE;
    } else {
        /* Access mode 3 needs both and allows neither, as on Linux. */
        if (access_mode != LINUX_O_WRONLY)
            want |= MAY_READ;
        if (access_mode != LINUX_O_RDONLY || (flags & LINUX_O_TRUNC))
            want |= MAY_WRITE;
    }
    switch (node_type(node)) {
    case LINUX_S_IFDIR:
        if (want & MAY_WRITE)
            return -LINUX_EISDIR;
        if (exec)
            return -LINUX_EACCES;
        break;
    case LINUX_S_IFREG:
        break;
    default:
        if (exec)
            return -LINUX_EACCES;
        break;
    }
    return permission_check(node, who, want);
}

/*
 * FIFOs belong to the pipe server: opening one (but with O_PATH) makes no
 * OFD here; the result says so and *handle names the node, for which
 * main.c hands out a capability to the pipe server (pipe.h's FIFOs).
 */
static int open_fifo(const struct vfs_node *fifo, uint64_t *handle)
{
    *handle = fifo->inode;
    return VFS_CORE_OPENED_FIFO;
}

int vfs_open(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
             const char *path, size_t length, uint64_t flags, uint32_t mode,
             uint64_t *handle)
{
    bool exec = (flags & VFS_CORE_OPEN_EXEC) && !(flags & LINUX_O_PATH);
    if (flags & LINUX_O_PATH)
        flags &= LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW | LINUX_O_PATH;
    else if ((flags & LINUX_O_CREAT) && (flags & LINUX_O_DIRECTORY))
        return -LINUX_EINVAL;
    /* execve's open is read-only whatever else was asked (Linux's
     * do_open_execat): it must not create, truncate or append. */
    if (exec)
        flags = LINUX_O_RDONLY;

    struct lookup_result found;
    int error = lookup_path(vfs, who, directory, path, length, &found);
    if (error != 0)
        return error;
    if (lookup_names_queue(&found)) {
        /* A queue is neither a directory nor a program. */
        if (exec)
            return -LINUX_EACCES;
        return flags & LINUX_O_DIRECTORY ? -LINUX_ENOTDIR : VFS_CORE_IN_MQUEUE;
    }
    struct vfs_node *node = found.node;
    bool created = false;
    if (flags & LINUX_O_CREAT) {
        if (found.trailing_slash)
            return -LINUX_EISDIR;
        if (node == NULL) {
            error = create_node(vfs, who, &found, LINUX_S_IFREG | (mode & PERMISSION_BITS), &node);
            if (error != 0)
                return error;
            created = true;
        } else if (flags & LINUX_O_EXCL) {
            return -LINUX_EEXIST;
        } else if (node_is_directory(node)) {
            return -LINUX_EISDIR;
        }
    }
    if (node == NULL)
        return -LINUX_ENOENT;
    if (!node_is_directory(node) && (found.trailing_slash || (flags & LINUX_O_DIRECTORY)))
        return -LINUX_ENOTDIR;

    bool path_only = (flags & LINUX_O_PATH) != 0;
    /* A file this open created is opened as asked, whatever its mode. */
    if (!created && !path_only) {
        error = may_open(node, who, flags, exec);
        if (error != 0)
            return error;
    }
    if (node_type(node) == LINUX_S_IFIFO && !path_only)
        return open_fifo(node, handle);
    /* A socket is reached by connect, not open (Linux's no_open). */
    if (node_type(node) == LINUX_S_IFSOCK && !path_only)
        return -LINUX_ENXIO;

    uint32_t kept = (uint32_t)(flags & KEPT_OPEN_FLAGS);
    if (!path_only)
        kept |= LINUX_O_LARGEFILE;
    error = ofd_create(vfs, node, kept, handle);
    if (error != 0)
        return error;
    if ((flags & LINUX_O_TRUNC) && !path_only && !created && node_type(node) == LINUX_S_IFREG)
        regular_resize(vfs, node, 0);
    return 0;
}

int vfs_mkdir(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t mode)
{
    struct lookup_result found;
    int error = lookup_path(vfs, who, directory, path, length, &found);
    if (error != 0)
        return error;
    if (found.last != LAST_NORMAL || found.node != NULL)
        return -LINUX_EEXIST;
    struct vfs_node *created;
    return create_node(vfs, who, &found, LINUX_S_IFDIR | (mode & (0777 | LINUX_S_ISVTX)),
                       &created);
}

int vfs_mknod(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t mode, uint64_t device)
{
    /* Regular files and FIFOs ignore the device number, as on Linux. */
    (void)device;
    uint32_t type = mode & LINUX_S_IFMT;
    switch (type) {
    case 0:
        type = LINUX_S_IFREG;
        break;
    case LINUX_S_IFREG:
    case LINUX_S_IFIFO:
    case LINUX_S_IFSOCK:
        break;
    case LINUX_S_IFCHR:
    case LINUX_S_IFBLK:
    case LINUX_S_IFDIR:
        /* No device nodes: as for a caller without CAP_MKNOD. */
        return -LINUX_EPERM;
    default:
        return -LINUX_EINVAL;
    }
    struct lookup_result found;
    int error = lookup_path(vfs, who, directory, path, length, &found);
    if (error != 0)
        return error;
    if (found.last != LAST_NORMAL || found.node != NULL)
        return -LINUX_EEXIST;
    if (found.trailing_slash)
        return -LINUX_ENOENT;
    struct vfs_node *created;
    return create_node(vfs, who, &found, type | (mode & PERMISSION_BITS), &created);
}

static int remove_directory(struct vfs *vfs, const struct vfs_credentials *who,
                            const struct lookup_result *found)
{
    switch (found->last) {
    case LAST_DOTDOT:
        return -LINUX_ENOTEMPTY;
    case LAST_DOT:
        return -LINUX_EINVAL;
    case LAST_ROOT:
        return -LINUX_EBUSY;
    case LAST_NORMAL:
        break;
    }
    if (permission_read_only_mount(found->directory))
        return -LINUX_EROFS;
    struct vfs_node *victim = found->node;
    if (victim == NULL)
        return -LINUX_ENOENT;
    int error = permission_may_delete(found->directory, victim, who, true);
    if (error != 0)
        return error;
    if (victim->directory.entry_count != 0)
        return -LINUX_ENOTEMPTY;
    entry_remove(vfs, found->entry);
    return 0;
}

static int remove_file(struct vfs *vfs, const struct vfs_credentials *who,
                       const struct lookup_result *found)
{
    if (found->last != LAST_NORMAL)
        return -LINUX_EISDIR;
    if (permission_read_only_mount(found->directory))
        return -LINUX_EROFS;
    struct vfs_node *victim = found->node;
    if (victim == NULL)
        return -LINUX_ENOENT;
    if (found->trailing_slash)
        return node_is_directory(victim) ? -LINUX_EISDIR : -LINUX_ENOTDIR;
    int error = permission_may_delete(found->directory, victim, who, false);
    if (error != 0)
        return error;
    entry_remove(vfs, found->entry);
    return 0;
}

int vfs_unlink(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
               const char *path, size_t length, uint64_t flags)
{
    if (flags & ~(uint64_t)LINUX_AT_REMOVEDIR)
        return -LINUX_EINVAL;
    struct lookup_result found;
    int error = lookup_path(vfs, who, directory, path, length, &found);
    if (error != 0)
        return error;
    if (lookup_names_queue(&found))
        return flags & LINUX_AT_REMOVEDIR ? -LINUX_ENOTDIR : VFS_CORE_IN_MQUEUE;
    if (flags & LINUX_AT_REMOVEDIR)
        return remove_directory(vfs, who, &found);
    return remove_file(vfs, who, &found);
}

/* Whether `ancestor` is the directory `node` or one of the directories
 * above it. */
static bool is_ancestor(const struct vfs *vfs, const struct vfs_node *ancestor,
                        const struct vfs_node *node)
{
    for (;;) {
        if (node == ancestor)
            return true;
        if (node == vfs->root || node == NULL)
            return false;
        node = entry_parent(node);
    }
}

int vfs_rename(struct vfs *vfs, const struct vfs_credentials *who,
               uint64_t old_directory, const char *old_path, size_t old_length,
               uint64_t new_directory, const char *new_path, size_t new_length)
{
    struct lookup_result from, to;
    int error = lookup_path(vfs, who, old_directory, old_path, old_length, &from);
    if (error != 0)
        return error;
    error = lookup_path(vfs, who, new_directory, new_path, new_length, &to);
    if (error != 0)
        return error;
    if (from.directory->mount != to.directory->mount)
        return -LINUX_EXDEV;
    if (from.last != LAST_NORMAL || to.last != LAST_NORMAL)
        return -LINUX_EBUSY;
    if (permission_read_only_mount(from.directory))
        return -LINUX_EROFS;
    struct vfs_node *source = from.node;
    if (source == NULL)
        return -LINUX_ENOENT;
    bool moving_directory = node_is_directory(source);
    if (!moving_directory && (from.trailing_slash || to.trailing_slash))
        return -LINUX_ENOTDIR;
    /* A directory cannot move into itself or below itself. */
    if (is_ancestor(vfs, source, to.directory))
        return -LINUX_EINVAL;
    struct vfs_node *target = to.node;
    if (target != NULL && is_ancestor(vfs, target, from.directory))
        return -LINUX_ENOTEMPTY;
    /* Two names of one node: Linux (and POSIX) leave both alone. */
    if (source == target)
        return 0;

    error = permission_may_delete(from.directory, source, who, moving_directory);
    if (error == 0) {
        error = target != NULL
                    ? permission_may_delete(to.directory, target, who, moving_directory)
                    : permission_may_create(to.directory, who);
    }
    /* A directory changing parent rewrites its "..". */
    if (error == 0 && moving_directory && to.directory != from.directory)
        error = permission_check(source, who, MAY_WRITE);
    if (error != 0)
        return error;
    if (target != NULL && moving_directory && target->directory.entry_count != 0)
        return -LINUX_ENOTEMPTY;

    if (target != NULL)
        entry_remove(vfs, to.entry);
    entry_move(vfs, from.entry, to.directory, to.name, to.name_length);
    return 0;
}

/* The node whose owner or mode chmod and chown change: EINVAL for other
 * flags, the lookup's errors, EROFS on the read-only part. */
static int resolve_for_attributes(struct vfs *vfs, const struct vfs_credentials *who,
                                  uint64_t directory, const char *path, size_t length,
                                  uint64_t flags, struct vfs_node **node)
{
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
        return -LINUX_EINVAL;
    int error = lookup_existing(vfs, who, directory, path, length, flags, node);
    /* A queue's owner and mode are the mqueue server's, which does not
     * change them (docs/protocols/mqueue.md). */
    if (error == VFS_CORE_IN_MQUEUE)
        return -LINUX_EOPNOTSUPP;
    if (error != 0)
        return error;
    return permission_read_only_mount(*node) ? -LINUX_EROFS : 0;
}

int vfs_chmod(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t mode, uint64_t flags)
{
    struct vfs_node *node;
    int error = resolve_for_attributes(vfs, who, directory, path, length, flags, &node);
    if (error != 0)
        return error;
    if (who->uid != 0 && who->uid != node->uid)
        return -LINUX_EPERM;
    mode &= PERMISSION_BITS;
    /* Only members of the file's group (or root) may set set-group-ID. */
    if (who->uid != 0 && who->gid != node->gid)
        mode &= ~(uint32_t)NODE_S_ISGID;
    node->mode = node_type(node) | mode;
    node_touch_metadata(vfs, node);
    return 0;
}

int vfs_chown(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t uid, uint32_t gid, uint64_t flags)
{
    struct vfs_node *node;
    int error = resolve_for_attributes(vfs, who, directory, path, length, flags, &node);
    if (error != 0)
        return error;
    bool changes_owner = uid != VFS_ID_UNCHANGED && uid != node->uid;
    bool changes_group = gid != VFS_ID_UNCHANGED && gid != node->gid;
    /* Only root gives a file away; its owner may move it to its own group. */
    if (who->uid != 0 && (changes_owner || (gid != VFS_ID_UNCHANGED && who->uid != node->uid)
                          || (changes_group && gid != who->gid)))
        return -LINUX_EPERM;
    if (uid != VFS_ID_UNCHANGED)
        node->uid = uid;
    if (gid != VFS_ID_UNCHANGED)
        node->gid = gid;
    /* As Linux: a regular file loses set-user-ID, and set-group-ID where it
     * means "run as the group" (group execute set). */
    if (node_type(node) == LINUX_S_IFREG && (uid != VFS_ID_UNCHANGED || gid != VFS_ID_UNCHANGED)) {
        node->mode &= ~(uint32_t)NODE_S_ISUID;
        if (node->mode & 010)
            node->mode &= ~(uint32_t)NODE_S_ISGID;
    }
    node_touch_metadata(vfs, node);
    return 0;
}

int vfs_stat(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
             const char *path, size_t length, uint64_t flags, struct linux_stat *stat)
{
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -LINUX_EINVAL;
    struct vfs_node *node;
    int error = lookup_existing(vfs, who, directory, path, length, flags, &node);
    if (error != 0)
        return error;
    node_fill_stat(node, stat);
    return 0;
}

int vfs_access(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
               const char *path, size_t length, uint32_t mode, uint64_t flags)
{
    if (mode & ~(uint32_t)(LINUX_R_OK | LINUX_W_OK | LINUX_X_OK))
        return -LINUX_EINVAL;
    if (flags & ~(uint64_t)(LINUX_AT_EACCESS | LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
        return -LINUX_EINVAL;
    struct vfs_node *node;
    int error = lookup_existing(vfs, who, directory, path, length, flags, &node);
    if (error != 0 || mode == LINUX_F_OK)
        return error;
    unsigned want = 0;
    if (mode & LINUX_R_OK)
        want |= MAY_READ;
    if (mode & LINUX_W_OK)
        want |= MAY_WRITE;
    if (mode & LINUX_X_OK)
        want |= MAY_EXECUTE;
    return permission_check(node, who, want);
}

int vfs_getcwd(struct vfs *vfs, uint64_t directory, char *path, size_t size)
{
    struct vfs_node *node;
    int error = lookup_handle_node(vfs, directory, &node);
    if (error != 0)
        return error;
    if (!node_is_directory(node))
        return -LINUX_ENOTDIR;
    if (node_is_unlinked(node))
        return -LINUX_ENOENT;
    /* Each name costs itself and a "/"; "/" alone is one byte; plus the
     * NUL. A directory has one name, so its path is unique. */
    size_t total = 1;
    for (const struct vfs_node *n = node; n != vfs->root; n = entry_parent(n))
        total += 1 + n->directory.entry->name_length;
    if (node == vfs->root)
        total++;
    if (total > LINUX_PATH_MAX)
        return -LINUX_ENAMETOOLONG;
    if (total > size)
        return -LINUX_ERANGE;
    size_t end = total - 1;
    path[end] = '\0';
    path[0] = '/';
    for (const struct vfs_node *n = node; n != vfs->root; n = entry_parent(n)) {
        const struct vfs_entry *name = n->directory.entry;
        end -= name->name_length;
        memcpy(&path[end], name->name, name->name_length);
        path[--end] = '/';
    }
    return (int)total;
}

int vfs_bind_socket(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                    const char *path, size_t length, uint32_t mode, uint64_t *inode)
{
    struct lookup_result found;
    int error = lookup_path(vfs, who, directory, path, length, &found);
    if (error != 0)
        return error;
    if (found.last != LAST_NORMAL || found.node != NULL)
        return -LINUX_EEXIST;
    if (found.trailing_slash)
        return -LINUX_ENOENT;
    struct vfs_node *created;
    error = create_node(vfs, who, &found, LINUX_S_IFSOCK | (mode & PERMISSION_BITS), &created);
    if (error == 0)
        *inode = created->inode;
    return error;
}

/* Linux's unix_find_bsd: write permission on the node first, then its
 * type. */
int vfs_socket_node(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                    const char *path, size_t length, uint64_t *inode)
{
    struct vfs_node *node;
    int error = lookup_existing(vfs, who, directory, path, length, 0, &node);
    if (error != 0)
        return error;
    error = permission_check(node, who, MAY_WRITE);
    if (error != 0)
        return error;
    if (node_type(node) != LINUX_S_IFSOCK)
        return -LINUX_ECONNREFUSED;
    *inode = node->inode;
    return 0;
}
