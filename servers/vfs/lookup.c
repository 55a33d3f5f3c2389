/* Path resolution: see lookup.h. */
#include "lookup.h"
#include "ofd.h"
#include "permission.h"

int lookup_handle_node(struct vfs *vfs, uint64_t handle, struct vfs_node **node)
{
    if (handle == VFS_ROOT_DIRECTORY) {
        *node = vfs->root;
        return 0;
    }
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    *node = ofd_node(ofd);
    return 0;
}

size_t lookup_path_length(const char *path, size_t length)
{
    size_t end = 0;
    while (end < length && path[end] != '\0')
        end++;
    return end;
}

static enum last_component classify(const char *name, size_t length)
{
    if (length == 1 && name[0] == '.')
        return LAST_DOT;
    if (length == 2 && name[0] == '.' && name[1] == '.')
        return LAST_DOTDOT;
    return LAST_NORMAL;
}

int lookup_path(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                const char *path, size_t length, struct lookup_result *result)
{
    length = lookup_path_length(path, length);
    if (length == 0)
        return -LINUX_ENOENT;
    if (length >= LINUX_PATH_MAX)
        return -LINUX_ENAMETOOLONG;

    struct vfs_node *current;
    size_t position = 0;
    if (path[0] == '/') {
        current = vfs->root;
        while (position < length && path[position] == '/')
            position++;
    } else {
        /* The directory matters only for relative paths, as on Linux. */
        int error = lookup_handle_node(vfs, directory, &current);
        if (error != 0)
            return error;
    }
    if (position == length) {
        *result = (struct lookup_result){.directory = current, .node = current,
                                         .name = "/", .name_length = 1, .last = LAST_ROOT};
        return 0;
    }

    for (;;) {
        if (!node_is_directory(current))
            return -LINUX_ENOTDIR;
        if (!permission_mode_allows(current, who, MAY_EXECUTE))
            return -LINUX_EACCES;
        size_t start = position;
        while (position < length && path[position] != '/')
            position++;
        size_t name_length = position - start;
        const char *name = &path[start];
        while (position < length && path[position] == '/')
            position++;
        if (name_length > LINUX_NAME_MAX)
            return -LINUX_ENAMETOOLONG;

        enum last_component last = classify(name, name_length);
        struct vfs_entry *entry = NULL;
        struct vfs_node *child;
        if (last == LAST_DOT) {
            child = current;
        } else if (last == LAST_DOTDOT) {
            child = entry_parent(current);
            /* ".." of a removed directory leads nowhere. */
            if (child == NULL)
                return -LINUX_ENOENT;
        } else {
            entry = entry_find(current, name, name_length);
            child = entry != NULL ? entry->node : NULL;
        }

        if (position == length) {
            *result = (struct lookup_result){
                .directory = current, .node = child, .entry = entry, .name = name,
                .name_length = name_length, .last = last,
                .trailing_slash = path[length - 1] == '/'};
            return 0;
        }
        if (child == NULL)
            return -LINUX_ENOENT;
        current = child;
    }
}

int lookup_existing(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                    const char *path, size_t length, uint64_t flags, struct vfs_node **node)
{
    if ((flags & LINUX_AT_EMPTY_PATH) && lookup_path_length(path, length) == 0)
        return lookup_handle_node(vfs, directory, node);
    struct lookup_result found;
    int error = lookup_path(vfs, who, directory, path, length, &found);
    if (error != 0)
        return error;
    if (lookup_names_queue(&found))
        return VFS_CORE_IN_MQUEUE;
    if (found.node == NULL)
        return -LINUX_ENOENT;
    if (found.trailing_slash && !node_is_directory(found.node))
        return -LINUX_ENOTDIR;
    *node = found.node;
    return 0;
}

bool lookup_names_queue(const struct lookup_result *found)
{
    return found->directory->mount == VFS_MOUNT_MQUEUE && found->last == LAST_NORMAL &&
           !found->trailing_slash;
}
