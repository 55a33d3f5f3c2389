/* Nodes: allocation, link counts and stat. */
#include "node.h"
#include "pool.h"
#include "sys/runtime.h"

/* tmpfs counts this much directory size per entry ("." and ".." too). */
#define DIRECTORY_ENTRY_SIZE 20

void node_pool_init(struct vfs *vfs)
{
    pool_init(&vfs->nodes, sizeof(struct vfs_node));
}

struct vfs_node *node_create(struct vfs *vfs, uint32_t mode, uint32_t uid, uint32_t gid,
                             enum vfs_mount mount)
{
    struct vfs_node *node = pool_take(vfs, &vfs->nodes);
    if (node == NULL)
        return NULL;
    memset(node, 0, sizeof(*node));
    node->inode = vfs->next_inode++;
    node->mode = mode;
    node->uid = uid;
    node->gid = gid;
    node->mount = (uint8_t)mount;
    if (node_is_directory(node))
        node->directory.next_position = NODE_FIRST_ENTRY_POSITION;
    node->modify_time = vfs->services.current_time(vfs->services.context);
    node->change_time = node->modify_time;
    return node;
}

void node_release(struct vfs *vfs, struct vfs_node *node)
{
    if (!node_is_unlinked(node) || node->open_count != 0)
        return;
    /* A removed directory was empty: only a file has anything to free. */
    if (node_type(node) == LINUX_S_IFREG)
        page_tree_truncate(&node->regular.data.tree,
                           node->mount == VFS_MOUNT_ARCHIVE ? &vfs->archive_copies : &vfs->pages,
                           0);
    if (node->removed_name != NULL)
        pool_give(&vfs->entries, node->removed_name);
    pool_give(&vfs->nodes, node);
}

uint32_t node_link_count(const struct vfs_node *node)
{
    /* A directory's "." and its subdirectories' ".." name it too. */
    if (node_is_directory(node) && !node_is_unlinked(node))
        return 2 + node->directory.subdirectory_count;
    return node->link_count;
}

/* 512-byte blocks of a regular file: the pages it holds. */
static int64_t regular_blocks(const struct vfs_node *node)
{
    uint64_t pages = node->regular.archive_bytes != NULL
                         ? (node->regular.data.size + VFS_PAGE_SIZE - 1) / VFS_PAGE_SIZE
                         : node->regular.data.tree.page_count;
    return (int64_t)(pages * (VFS_PAGE_SIZE / 512));
}

void node_fill_stat(const struct vfs_node *node, struct linux_stat *stat)
{
    memset(stat, 0, sizeof(*stat));
    stat->st_dev = node->mount;
    stat->st_ino = node->inode;
    stat->st_mode = node->mode;
    stat->st_nlink = node_link_count(node);
    stat->st_uid = node->uid;
    stat->st_gid = node->gid;
    stat->st_rdev = node->device_number;
    stat->st_blksize = VFS_PAGE_SIZE;
    if (node_type(node) == LINUX_S_IFREG) {
        stat->st_size = (int64_t)node->regular.data.size;
        stat->st_blocks = regular_blocks(node);
    } else if (node_is_directory(node)) {
        stat->st_size = DIRECTORY_ENTRY_SIZE * (2 + (int64_t)node->directory.entry_count);
    }
    /* No access times are kept: atime reads as mtime (like noatime). */
    stat->st_atime_sec = node->modify_time.seconds;
    stat->st_atime_nsec = node->modify_time.nanoseconds;
    stat->st_mtime_sec = node->modify_time.seconds;
    stat->st_mtime_nsec = node->modify_time.nanoseconds;
    stat->st_ctime_sec = node->change_time.seconds;
    stat->st_ctime_nsec = node->change_time.nanoseconds;
}

void node_touch_contents(struct vfs *vfs, struct vfs_node *node)
{
    node->modify_time = vfs->services.current_time(vfs->services.context);
    node->change_time = node->modify_time;
}

void node_touch_metadata(struct vfs *vfs, struct vfs_node *node)
{
    node->change_time = vfs->services.current_time(vfs->services.context);
}
