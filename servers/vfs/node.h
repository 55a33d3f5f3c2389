/*
 * Nodes of the tree: inodes, without their names. A node's names are the
 * directory entries that point at it (entry.h), and it counts them
 * (link_count): a regular file or FIFO may have several (hard links), a
 * directory has exactly one while it exists, as on Linux.
 *
 * A node lives while an entry names it or an OFD refers to it: removing
 * the last name of an open file keeps it readable until its last OFD
 * closes (node_release).
 */
#ifndef SERVERS_VFS_NODE_H
#define SERVERS_VFS_NODE_H

#include "core.h"
#include "sys/file_pages.h"

/* Which file system a node belongs to: st_dev, and what may change. */
enum vfs_mount {
    VFS_MOUNT_ARCHIVE = 1,          /* "/": the boot archive, read-only */
    VFS_MOUNT_TMP,                  /* /tmp: writable */
    VFS_MOUNT_DEV,                  /* /dev: read-only names, devices inside */
    VFS_MOUNT_SHM,                  /* /dev/shm: writable, POSIX shared memory */
    VFS_MOUNT_MQUEUE,               /* /dev/mqueue: the mqueue server's queues */
};

enum vfs_device {
    VFS_DEVICE_NONE,
    VFS_DEVICE_CONSOLE,             /* /dev/console and /dev/tty */
    VFS_DEVICE_CONSOLE_ERRORS,      /* /dev/stderr: the console's diagnostics channel */
    VFS_DEVICE_NULL,
    VFS_DEVICE_ZERO,
    VFS_DEVICE_USERFAULTFD,         /* /dev/userfaultfd: procmgr makes its descriptors */
};

struct vfs_entry;

struct vfs_node {
    uint64_t inode;
    uint32_t mode;                  /* LINUX_S_IF* type and permission bits */
    uint32_t uid;
    uint32_t gid;
    uint32_t open_count;            /* OFDs that refer to it */
    uint32_t link_count;            /* entries that name it */
    uint8_t mount;                  /* enum vfs_mount */
    uint8_t device;                 /* enum vfs_device, character devices */
    uint64_t device_number;         /* st_rdev */
    struct vfs_time modify_time;
    struct vfs_time change_time;
    /* Its last name, kept when that went while the node was open: an
     * entry in no directory whose name is the path it had (its last
     * LINUX_NAME_MAX bytes), which FILE_PATH shows with " (deleted)" as
     * Linux's d_path does. NULL: none. */
    struct vfs_entry *removed_name;
    union {
        struct {
            /* Its one name, whose directory is its parent ("/" has one
             * of its own: entry.h); NULL once it is removed. */
            struct vfs_entry *entry;
            /* The names in it, in increasing `position` order: each
             * one's getdents offset, never reused within a directory. */
            struct vfs_entry *first_entry;
            struct vfs_entry *last_entry;
            uint64_t next_position;
            uint32_t entry_count;
            uint32_t subdirectory_count;
        } directory;
        struct {
            /* Archive files: their bytes in the archive; else NULL and the
             * bytes are in `data`'s pages. */
            const uint8_t *archive_bytes;
            /* The size, and the pages: a tmpfs file's bytes, an archive
             * file's copies for mappings (mapping.c). */
            struct file_pages data;
        } regular;
    };
};

/* The set-group-ID mode bit, which sys/linux_abi.h does not name. */
#define NODE_S_ISUID 04000u
#define NODE_S_ISGID 02000u

/* Positions 0 and 1 are "." and ".." in getdents. */
#define NODE_FIRST_ENTRY_POSITION 2

static inline uint32_t node_type(const struct vfs_node *node)
{
    return node->mode & LINUX_S_IFMT;
}

static inline bool node_is_directory(const struct vfs_node *node)
{
    return node_type(node) == LINUX_S_IFDIR;
}

/* A node with no name left: open but unlinked, or a removed directory. */
static inline bool node_is_unlinked(const struct vfs_node *node)
{
    return node->link_count == 0;
}

/* The pool of nodes, for vfs_init. */
void node_pool_init(struct vfs *vfs);
/* A new node of the given mode (type and permissions) on a mount, with
 * no name yet; NULL without memory. Times are now. */
struct vfs_node *node_create(struct vfs *vfs, uint32_t mode, uint32_t uid, uint32_t gid,
                             enum vfs_mount mount);
/* Frees the node if nothing keeps it any more: no name, no OFD. */
void node_release(struct vfs *vfs, struct vfs_node *node);

/* st_nlink as Linux counts it. */
uint32_t node_link_count(const struct vfs_node *node);
void node_fill_stat(const struct vfs_node *node, struct linux_stat *stat);
/* Marks a change of contents (mtime and ctime) or of metadata (ctime). */
void node_touch_contents(struct vfs *vfs, struct vfs_node *node);
void node_touch_metadata(struct vfs *vfs, struct vfs_node *node);

#endif
