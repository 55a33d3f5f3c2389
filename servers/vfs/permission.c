/* Permission checks: see permission.h. */
#include "permission.h"

#define ANY_EXECUTE_BIT 0111u

bool permission_mode_allows(const struct vfs_node *node, const struct vfs_credentials *who,
                            unsigned want)
{
    if (who->uid == 0) {
        return (want & MAY_EXECUTE) == 0 || node_is_directory(node) ||
               (node->mode & ANY_EXECUTE_BIT) != 0;
    }
    unsigned bits;
    if (who->uid == node->uid)
        bits = (node->mode >> 6) & 7;
    else if (who->gid == node->gid)
        bits = (node->mode >> 3) & 7;
    else
        bits = node->mode & 7;
    return (bits & want) == want;
}

bool permission_read_only_mount(const struct vfs_node *node)
{
    return node->mount == VFS_MOUNT_ARCHIVE || node->mount == VFS_MOUNT_DEV;
}

int permission_check(const struct vfs_node *node, const struct vfs_credentials *who,
                     unsigned want)
{
    /* Devices and FIFOs stay writable on a read-only mount, as on Linux. */
    bool writes_the_mount = node_type(node) == LINUX_S_IFREG || node_is_directory(node);
    if ((want & MAY_WRITE) && writes_the_mount && permission_read_only_mount(node))
        return -LINUX_EROFS;
    if (!permission_mode_allows(node, who, want))
        return -LINUX_EACCES;
    return 0;
}

int permission_may_create(const struct vfs_node *directory, const struct vfs_credentials *who)
{
    if (node_is_unlinked(directory))
        return -LINUX_ENOENT;
    int error = permission_check(directory, who, MAY_WRITE | MAY_EXECUTE);
    /* /dev/mqueue holds only queues, which the mqueue server makes (as
     * Linux's mqueue file system has no mkdir, mknod or link). */
    if (error == 0 && directory->mount == VFS_MOUNT_MQUEUE)
        return -LINUX_EPERM;
    return error;
}

int permission_may_delete(const struct vfs_node *directory, const struct vfs_node *victim,
                          const struct vfs_credentials *who, bool removing_directory)
{
    int error = permission_check(directory, who, MAY_WRITE | MAY_EXECUTE);
    if (error != 0)
        return error;
    /* In a sticky directory only the file's owner, the directory's owner
     * or root may remove or replace a name (/tmp is 1777). */
    if ((directory->mode & LINUX_S_ISVTX) && who->uid != 0 && who->uid != victim->uid &&
        who->uid != directory->uid)
        return -LINUX_EPERM;
    if (removing_directory && !node_is_directory(victim))
        return -LINUX_ENOTDIR;
    if (!removing_directory && node_is_directory(victim))
        return -LINUX_EISDIR;
    return 0;
}

int permission_may_link(const struct vfs_node *node, const struct vfs_credentials *who)
{
    if (who->uid == 0 || who->uid == node->uid)
        return 0;
    /* Otherwise a name must not pin a file its owner could not expect
     * others to keep: a special file, a privileged program, or a file the
     * caller could not change anyway. */
    if (node_type(node) != LINUX_S_IFREG || (node->mode & NODE_S_ISUID))
        return -LINUX_EPERM;
    if ((node->mode & (NODE_S_ISGID | 010)) == (NODE_S_ISGID | 010))
        return -LINUX_EPERM;
    if (permission_check(node, who, MAY_READ | MAY_WRITE) != 0)
        return -LINUX_EPERM;
    return 0;
}
