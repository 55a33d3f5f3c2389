/* Directory entries: see entry.h. */
#include "entry.h"
#include "pool.h"
#include "sys/runtime.h"

int entry_init(struct vfs *vfs)
{
    pool_init(&vfs->entries, sizeof(struct vfs_entry));
    struct vfs_entry *entry = pool_take(vfs, &vfs->entries);
    if (entry == NULL)
        return -LINUX_ENOMEM;
    *entry = (struct vfs_entry){.directory = vfs->root, .node = vfs->root, .name = "/",
                                .name_length = 1};
    vfs->root->directory.entry = entry;
    vfs->root->link_count = 1;
    return 0;
}

struct vfs_entry *entry_find(const struct vfs_node *directory, const char *name,
                             size_t name_length)
{
    for (struct vfs_entry *entry = directory->directory.first_entry; entry != NULL;
         entry = entry->next) {
        if (entry->name_length == name_length && memcmp(entry->name, name, name_length) == 0)
            return entry;
    }
    return NULL;
}

/* Puts the entry, named, at the end of the directory's listing. */
static void append(struct vfs *vfs, struct vfs_entry *entry, struct vfs_node *directory,
                   const char *name, size_t name_length)
{
    memcpy(entry->name, name, name_length);
    entry->name[name_length] = '\0';
    entry->name_length = (uint16_t)name_length;
    entry->directory = directory;
    entry->position = directory->directory.next_position++;
    entry->next = NULL;
    if (directory->directory.last_entry != NULL)
        directory->directory.last_entry->next = entry;
    else
        directory->directory.first_entry = entry;
    directory->directory.last_entry = entry;
    directory->directory.entry_count++;
    if (node_is_directory(entry->node))
        directory->directory.subdirectory_count++;
    node_touch_contents(vfs, directory);
    node_touch_metadata(vfs, entry->node);
}

/* Takes the entry out of its directory's listing. */
static void detach(struct vfs *vfs, struct vfs_entry *entry)
{
    struct vfs_node *directory = entry->directory;
    struct vfs_entry *previous = NULL;
    struct vfs_entry *current = directory->directory.first_entry;
    while (current != entry) {
        previous = current;
        current = current->next;
    }
    if (previous != NULL)
        previous->next = entry->next;
    else
        directory->directory.first_entry = entry->next;
    if (directory->directory.last_entry == entry)
        directory->directory.last_entry = previous;
    directory->directory.entry_count--;
    if (node_is_directory(entry->node))
        directory->directory.subdirectory_count--;
    entry->next = NULL;
    node_touch_contents(vfs, directory);
    node_touch_metadata(vfs, entry->node);
}

struct vfs_entry *entry_add(struct vfs *vfs, struct vfs_node *directory, struct vfs_node *node,
                            const char *name, size_t name_length)
{
    struct vfs_entry *entry = pool_take(vfs, &vfs->entries);
    if (entry == NULL)
        return NULL;
    entry->node = node;
    append(vfs, entry, directory, name, name_length);
    node->link_count++;
    if (node_is_directory(node))
        node->directory.entry = entry;
    if (node->removed_name != NULL) {    /* linkat of an unlinked file: named again */
        pool_give(&vfs->entries, node->removed_name);
        node->removed_name = NULL;
    }
    return entry;
}

size_t entry_path(const struct vfs *vfs, const struct vfs_entry *entry, char *path, size_t size)
{
    if (entry->node == vfs->root || entry->directory == NULL) {
        if (size > entry->name_length) {
            memcpy(path, entry->name, entry->name_length);
            path[entry->name_length] = '\0';
        }
        return entry->name_length;
    }
    /* Each component costs itself and a "/". */
    size_t total = 0;
    const struct vfs_node *directory = entry->directory;
    total += 1 + entry->name_length;
    for (const struct vfs_node *n = directory; n != vfs->root && n->directory.entry;
         n = entry_parent(n))
        total += 1 + n->directory.entry->name_length;
    if (total >= size)
        return total;
    size_t end = total;
    path[end] = '\0';
    const struct vfs_entry *name = entry;
    for (;;) {
        end -= name->name_length;
        memcpy(&path[end], name->name, name->name_length);
        path[--end] = '/';
        const struct vfs_node *n = name->directory;
        if (n == vfs->root || n->directory.entry == NULL)
            break;
        name = n->directory.entry;
    }
    return total;
}

struct vfs_entry *entry_naming(const struct vfs *vfs, const struct vfs_node *node)
{
    if (node_is_directory(node))
        return node->directory.entry;
    /* Depth first, without a stack: a directory's entry leads back up. */
    const struct vfs_node *directory = vfs->root;
    struct vfs_entry *entry = directory->directory.first_entry;
    for (;;) {
        while (entry != NULL) {
            if (entry->node == node)
                return entry;
            if (node_is_directory(entry->node) && entry->node->directory.first_entry) {
                directory = entry->node;
                entry = directory->directory.first_entry;
                continue;
            }
            entry = entry->next;
        }
        if (directory == vfs->root)
            return NULL;
        entry = directory->directory.entry->next;
        directory = entry_parent(directory);
    }
}

/* The entry's name becomes the path it had (its last LINUX_NAME_MAX
 * bytes if longer), for a node that keeps it after its last name. */
static void keep_as_removed_name(struct vfs *vfs, struct vfs_entry *entry)
{
    char path[LINUX_PATH_MAX];
    size_t length = entry_path(vfs, entry, path, sizeof path);
    if (length >= sizeof path) {
        length = entry->name_length + 1;    /* too long: the last name alone */
        path[0] = '/';
        memcpy(path + 1, entry->name, entry->name_length);
    }
    size_t skip = length > LINUX_NAME_MAX ? length - LINUX_NAME_MAX : 0;
    memcpy(entry->name, path + skip, length - skip);
    entry->name[length - skip] = '\0';
    entry->name_length = (uint16_t)(length - skip);
    entry->directory = NULL;
    entry->node->removed_name = entry;
}

void entry_remove(struct vfs *vfs, struct vfs_entry *entry)
{
    struct vfs_node *node = entry->node;
    bool kept = node->link_count == 1 && node->open_count != 0 && node->removed_name == NULL;
    detach(vfs, entry);
    if (kept)
        keep_as_removed_name(vfs, entry);   /* out of the listing, its directory known */
    node->link_count--;
    if (node_is_directory(node))
        node->directory.entry = NULL;
    if (!kept)
        pool_give(&vfs->entries, entry);
    node_release(vfs, node);
}

void entry_move(struct vfs *vfs, struct vfs_entry *entry, struct vfs_node *directory,
                const char *name, size_t name_length)
{
    detach(vfs, entry);
    append(vfs, entry, directory, name, name_length);
}
