/*
 * Directory entries: the names of nodes. An entry sits in one
 * directory's listing and names one node; a regular file or FIFO may be
 * named by several (hard links), a directory by exactly one (node.h).
 * OFDs hold nodes, not entries, so a file stays open whatever happens to
 * its names.
 *
 * "/" is named by an entry of its own, in no listing, whose directory is
 * "/" itself: so every directory but a removed one has a parent, and ".."
 * of "/" is "/".
 */
#ifndef SERVERS_VFS_ENTRY_H
#define SERVERS_VFS_ENTRY_H

#include "node.h"

struct vfs_entry {
    struct vfs_node *directory;     /* the directory it is in */
    struct vfs_node *node;          /* what it names */
    struct vfs_entry *next;         /* the next in the directory's listing */
    uint64_t position;              /* its getdents offset in the directory */
    uint16_t name_length;
    char name[LINUX_NAME_MAX + 1];
};

/* The pool of entries and the entry of "/", for vfs_init; -ENOMEM. */
int entry_init(struct vfs *vfs);

/* The entry with that name in the directory, or NULL. */
struct vfs_entry *entry_find(const struct vfs_node *directory, const char *name,
                             size_t name_length);

/* A new name (at most LINUX_NAME_MAX bytes) for node in directory, at the
 * end of its listing: the node counts one link more, its ctime and the
 * directory's mtime and ctime change. NULL without memory. A directory
 * must have no name yet: this one becomes its link to its parent. */
struct vfs_entry *entry_add(struct vfs *vfs, struct vfs_node *directory, struct vfs_node *node,
                            const char *name, size_t name_length);

/* Takes the entry out of its directory and frees it: its node counts one
 * link less (its ctime changes, and the directory's mtime and ctime) and
 * is freed if nothing keeps it any more. A node still open that loses
 * its last name keeps the entry as node->removed_name. */
void entry_remove(struct vfs *vfs, struct vfs_entry *entry);

/* Renames: the entry moves to the end of directory's listing with a new
 * name, still naming its node. */
void entry_move(struct vfs *vfs, struct vfs_entry *entry, struct vfs_node *directory,
                const char *name, size_t name_length);

/* The path of the name an entry is ("/tmp/a"; "/" for "/") into path,
 * NUL-terminated: its length without the NUL. A length of size or more
 * did not fit, and nothing was written. */
size_t entry_path(const struct vfs *vfs, const struct vfs_entry *entry, char *path, size_t size);

/* The first name of node (depth first from "/", in listing order), or
 * NULL: a directory's one name, a file's first hard link. */
struct vfs_entry *entry_naming(const struct vfs *vfs, const struct vfs_node *node);

/* The directory holding a directory's name: "/" for "/", NULL once the
 * directory is removed. */
static inline struct vfs_node *entry_parent(const struct vfs_node *directory)
{
    return directory->directory.entry != NULL ? directory->directory.entry->directory : NULL;
}

#endif
