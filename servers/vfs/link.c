/*
 * linkat: another name for a node, in Linux's order of checks (fs/namei.c
 * do_linkat, vfs_link), so that when several things are wrong the errno
 * is the one Linux gives.
 */
#include "core.h"
#include "entry.h"
#include "lookup.h"
#include "permission.h"

int vfs_link(struct vfs *vfs, const struct vfs_credentials *who,
             uint64_t old_directory, const char *old_path, size_t old_length,
             uint64_t new_directory, const char *new_path, size_t new_length, uint64_t flags)
{
    /* AT_SYMLINK_FOLLOW is accepted: there are no symbolic links. */
    if (flags & ~(uint64_t)(LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH))
        return -LINUX_EINVAL;
    /* Naming a file by its descriptor alone needs CAP_DAC_READ_SEARCH on
     * Linux, so that a descriptor passed to a process cannot be given a
     * name where the process could not find the file by path. */
    if ((flags & LINUX_AT_EMPTY_PATH) && who->uid != 0)
        return -LINUX_ENOENT;
    struct vfs_node *node;
    int error = lookup_existing(vfs, who, old_directory, old_path, old_length, flags, &node);
    /* A queue has its one name in /dev/mqueue, another mount. */
    if (error == VFS_CORE_IN_MQUEUE)
        return -LINUX_EXDEV;
    if (error != 0)
        return error;

    /* The new name, as Linux's filename_create judges it. */
    struct lookup_result to;
    error = lookup_path(vfs, who, new_directory, new_path, new_length, &to);
    if (error != 0)
        return error;
    if (to.last != LAST_NORMAL || to.node != NULL)
        return -LINUX_EEXIST;
    /* "name/" asks for a directory, which a link never makes. */
    if (to.trailing_slash || node_is_unlinked(to.directory))
        return -LINUX_ENOENT;
    if (permission_read_only_mount(to.directory))
        return -LINUX_EROFS;

    if (node->mount != to.directory->mount)
        return -LINUX_EXDEV;
    error = permission_may_link(node, who);
    if (error == 0)
        error = permission_may_create(to.directory, who);
    if (error != 0)
        return error;
    /* A directory has one name: ".." must lead one way. */
    if (node_is_directory(node))
        return -LINUX_EPERM;
    /* A file whose last name went (open, or by AT_EMPTY_PATH) stays
     * nameless. */
    if (node_is_unlinked(node))
        return -LINUX_ENOENT;
    if (entry_add(vfs, to.directory, node, to.name, to.name_length) == NULL)
        return -LINUX_ENOSPC;
    return 0;
}
