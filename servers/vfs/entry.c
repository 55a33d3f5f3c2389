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
    return entry;
}

void entry_remove(struct vfs *vfs, struct vfs_entry *entry)
{
    struct vfs_node *node = entry->node;
    detach(vfs, entry);
    node->link_count--;
    if (node_is_directory(node))
        node->directory.entry = NULL;
    pool_give(&vfs->entries, entry);
    node_release(vfs, node);
}

void entry_move(struct vfs *vfs, struct vfs_entry *entry, struct vfs_node *directory,
                const char *name, size_t name_length)
{
    detach(vfs, entry);
    append(vfs, entry, directory, name, name_length);
}
