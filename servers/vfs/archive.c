/*
 * Loading the boot archive (a CPIO "newc" archive, read with libsys's
 * sys/cpio.h) into the read-only part of the tree.
 */
#include "core.h"
#include "entry.h"
#include "sys/cpio.h"
#include "sys/runtime.h"

/* Where the next component of `path` starts and how long it is. */
static size_t next_component(const char *path, size_t length, size_t *position)
{
    while (*position < length && path[*position] == '/')
        (*position)++;
    size_t start = *position;
    while (*position < length && path[*position] != '/')
        (*position)++;
    return *position - start;
}

/* A new node of the archive named in directory, without touching the
 * directory's times, which are the archive's: loading it is not a change.
 * NULL without memory. */
static struct vfs_node *add_quietly(struct vfs *vfs, struct vfs_node *directory, uint32_t mode,
                                    const char *name, size_t length)
{
    struct vfs_node *node = node_create(vfs, mode, 0, 0, VFS_MOUNT_ARCHIVE);
    if (node == NULL)
        return NULL;
    struct vfs_time modify_time = directory->modify_time;
    struct vfs_time change_time = directory->change_time;
    if (entry_add(vfs, directory, node, name, length) == NULL) {
        node_release(vfs, node);
        return NULL;
    }
    directory->modify_time = modify_time;
    directory->change_time = change_time;
    return node;
}

/* The archive's hard links seen so far: its inode number and the node
 * the first of them made (one page of them, while loading; past that a
 * link is a file of its own). */
struct hard_link {
    uint64_t inode;
    struct vfs_node *node;
};
struct hard_links {
    struct hard_link *links;
    unsigned count, capacity;
};

static struct vfs_node *linked_node(const struct hard_links *seen, uint64_t inode)
{
    for (unsigned i = 0; i < seen->count; i++)
        if (seen->links[i].inode == inode)
            return seen->links[i].node;
    return NULL;
}

/* Adds one entry (a directory or regular file) with the directories
 * above it; a regular file that is a hard link of one already added is
 * another name of its node, which takes the data from whichever entry
 * has it. Anything else, or a path through /tmp, /dev or "..", is
 * skipped. */
static int add_entry(struct vfs *vfs, const struct cpio_entry *entry, struct hard_links *seen)
{
    uint32_t type = entry->mode & LINUX_S_IFMT;
    size_t name_length = strlen(entry->name);
    if (type != LINUX_S_IFDIR && type != LINUX_S_IFREG)
        return 0;
    struct vfs_node *directory = vfs->root;
    size_t position = 0;
    for (;;) {
        size_t length = next_component(entry->name, name_length, &position);
        const char *name = entry->name + position - length;
        if (length == 0)
            return 0;   /* "." or "/" itself: the root stays as vfs made it */
        if (length > LINUX_NAME_MAX || (length == 2 && name[0] == '.' && name[1] == '.'))
            return 0;
        size_t after = position;
        bool last = next_component(entry->name, name_length, &after) == 0;
        if (length == 1 && name[0] == '.') {
            if (last)
                return 0;
            continue;
        }
        struct vfs_entry *found = entry_find(directory, name, length);
        struct vfs_node *node = found != NULL ? found->node : NULL;
        if (node != NULL && node->mount != VFS_MOUNT_ARCHIVE)
            return 0;
        if (!last) {
            if (node == NULL) {
                node = add_quietly(vfs, directory, LINUX_S_IFDIR | 0755, name, length);
                if (node == NULL)
                    return -LINUX_ENOMEM;
            }
            if (!node_is_directory(node))
                return 0;
            directory = node;
            continue;
        }
        bool linked = type == LINUX_S_IFREG && entry->links > 1;
        struct vfs_node *other = linked ? linked_node(seen, entry->inode) : NULL;
        if (node == NULL && other != NULL) {
            struct vfs_time modify_time = directory->modify_time;
            struct vfs_time change_time = directory->change_time;
            if (entry_add(vfs, directory, other, name, length) == NULL)
                return -LINUX_ENOMEM;
            directory->modify_time = modify_time;
            directory->change_time = change_time;
            if (entry->size > 0) {
                other->regular.archive_bytes = entry->data;
                other->regular.data.size = entry->size;
            }
            return 0;
        }
        if (node == NULL) {
            node = add_quietly(vfs, directory, (uint32_t)entry->mode, name, length);
            if (node == NULL)
                return -LINUX_ENOMEM;
            if (linked && seen->count < seen->capacity)
                seen->links[seen->count++] = (struct hard_link){ entry->inode, node };
        } else if (node_type(node) != type) {
            return 0;
        }
        /* A later entry for the same path wins, as when cpio extracts. */
        node->mode = (uint32_t)entry->mode;
        if (type == LINUX_S_IFREG) {
            node->regular.archive_bytes = entry->data;
            node->regular.data.size = entry->size;
        }
        node->modify_time = (struct vfs_time){.seconds = (int64_t)entry->modify_time};
        node->change_time = node->modify_time;
        return 0;
    }
}

int vfs_load_archive(struct vfs *vfs, const void *archive, size_t size)
{
    uint64_t offset = 0;
    struct cpio_entry entry;
    enum cpio_status status;
    struct hard_links seen = { vfs->services.allocate_page(vfs->services.context), 0, 0 };
    if (seen.links != NULL)
        seen.capacity = VFS_PAGE_SIZE / sizeof *seen.links;
    int error = 0;
    while (error == 0 && (status = cpio_read_entry(archive, size, &offset, &entry)) == CPIO_ENTRY)
        error = add_entry(vfs, &entry, &seen);
    if (seen.links != NULL)
        vfs->services.free_page(vfs->services.context, seen.links);
    if (error != 0)
        return error;
    return status == CPIO_END ? 0 : -LINUX_EINVAL;
}
