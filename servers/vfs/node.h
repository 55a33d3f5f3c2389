/*
 * Nodes of the tree (inodes with their one name: there are no hard
 * links, so a node has at most one parent and its name lives in it).
 *
 * A node lives while it is linked into a directory or an OFD refers to
 * it: unlinking the last name of an open file keeps it readable until its
 * last OFD closes (node_release).
 */
#ifndef SERVERS_VFS_NODE_H
#define SERVERS_VFS_NODE_H

#include "core.h"
#include "file_data.h"

/* Which file system a node belongs to: st_dev, and what may change. */
enum vfs_mount {
    VFS_MOUNT_ARCHIVE = 1,          /* "/": the boot archive, read-only */
    VFS_MOUNT_TMP,                  /* /tmp: writable */
    VFS_MOUNT_DEV,                  /* /dev: read-only names, devices inside */
};

enum vfs_device {
    VFS_DEVICE_NONE,
    VFS_DEVICE_CONSOLE,             /* /dev/console and /dev/tty */
    VFS_DEVICE_CONSOLE_ERRORS,      /* /dev/stderr: the console's diagnostics channel */
    VFS_DEVICE_NULL,
    VFS_DEVICE_ZERO,
};

struct vfs_node {
    uint64_t inode;
    uint32_t mode;                  /* LINUX_S_IF* type and permission bits */
    uint32_t uid;
    uint32_t gid;
    uint32_t open_count;            /* OFDs that refer to it */
    uint8_t mount;                  /* enum vfs_mount */
    uint8_t device;                 /* enum vfs_device, character devices */
    uint16_t name_length;
    uint64_t device_number;         /* st_rdev */
    struct vfs_time modify_time;
    struct vfs_time change_time;
    /* The directory holding its name; NULL once unlinked ("/" is its own). */
    struct vfs_node *parent;
    /* In the parent's list, which is in increasing `position` order: the
     * getdents offset of the entry, never reused within a directory. */
    struct vfs_node *next_sibling;
    uint64_t position;
    union {
        struct {
            struct vfs_node *first_child;
            struct vfs_node *last_child;
            uint64_t next_position;
            uint32_t child_count;
            uint32_t subdirectory_count;
        } directory;
        struct {
            uint64_t size;
            /* Archive files: their bytes in the archive; else NULL and the
             * bytes are in `data`. */
            const uint8_t *archive_bytes;
            struct file_data data;
        } regular;
    };
    char name[LINUX_NAME_MAX + 1];
};

/* The set-group-ID mode bit, which sys/linux_abi.h does not name. */
#define NODE_S_ISUID 04000u
#define NODE_S_ISGID 02000u

/* Positions 0 and 1 are "." and ".." in getdents. */
#define NODE_FIRST_CHILD_POSITION 2

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
    return node->parent == NULL;
}

/* A new node of the given mode (type and permissions) on a mount, not
 * yet linked anywhere; NULL without memory. Times are now. */
struct vfs_node *node_create(struct vfs *vfs, uint32_t mode, uint32_t uid, uint32_t gid,
                             enum vfs_mount mount);
/* Frees a node that has neither name nor OFD (and no children). */
void node_destroy(struct vfs *vfs, struct vfs_node *node);
/* Frees the node if nothing keeps it any more. */
void node_release(struct vfs *vfs, struct vfs_node *node);

/* The child of a directory with that name, or NULL. */
struct vfs_node *node_find_child(const struct vfs_node *directory, const char *name,
                                 size_t name_length);
/* Gives the node the name (at most LINUX_NAME_MAX bytes) in the directory,
 * at the end of its listing. */
void node_link(struct vfs *vfs, struct vfs_node *directory, struct vfs_node *node,
               const char *name, size_t name_length);
/* Takes the node's name out of its directory; it stays alive if open. */
void node_unlink(struct vfs *vfs, struct vfs_node *node);

/* st_nlink as Linux counts it. */
uint32_t node_link_count(const struct vfs_node *node);
void node_fill_stat(const struct vfs_node *node, struct linux_stat *stat);
/* Marks a change of contents (mtime and ctime) or of metadata (ctime). */
void node_touch_contents(struct vfs *vfs, struct vfs_node *node);
void node_touch_metadata(struct vfs *vfs, struct vfs_node *node);

#endif
