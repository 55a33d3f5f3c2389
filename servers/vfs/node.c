/* Nodes: allocation, directory listings, link counts and stat. */
#include "node.h"
#include "sys/runtime.h"

/* tmpfs counts this much directory size per entry ("." and ".." too). */
#define DIRECTORY_ENTRY_SIZE 20

/* Node structures are carved out of whole pages and kept on a free list
 * (through next_sibling) when destroyed: they are never given back. */
static struct vfs_node *take_free_node(struct vfs *vfs)
{
    if (vfs->free_nodes == NULL) {
        struct vfs_node *page = vfs->services.allocate_page(vfs->services.context);
        if (page == NULL)
            return NULL;
        for (size_t i = 0; i < VFS_PAGE_SIZE / sizeof(struct vfs_node); i++) {
            page[i].next_sibling = vfs->free_nodes;
            vfs->free_nodes = &page[i];
        }
    }
    struct vfs_node *node = vfs->free_nodes;
    vfs->free_nodes = node->next_sibling;
    return node;
}

struct vfs_node *node_create(struct vfs *vfs, uint32_t mode, uint32_t uid, uint32_t gid,
                             enum vfs_mount mount)
{
    struct vfs_node *node = take_free_node(vfs);
    if (node == NULL)
        return NULL;
    memset(node, 0, sizeof(*node));
    node->inode = vfs->next_inode++;
    node->mode = mode;
    node->uid = uid;
    node->gid = gid;
    node->mount = (uint8_t)mount;
    if (node_is_directory(node))
        node->directory.next_position = NODE_FIRST_CHILD_POSITION;
    node->modify_time = vfs->services.current_time(vfs->services.context);
    node->change_time = node->modify_time;
    return node;
}

void node_destroy(struct vfs *vfs, struct vfs_node *node)
{
    if (node_type(node) == LINUX_S_IFREG)
        file_data_truncate(vfs, &node->regular.data, 0);
    node->next_sibling = vfs->free_nodes;
    vfs->free_nodes = node;
}

void node_release(struct vfs *vfs, struct vfs_node *node)
{
    if (node_is_unlinked(node) && node->open_count == 0)
        node_destroy(vfs, node);
}

struct vfs_node *node_find_child(const struct vfs_node *directory, const char *name,
                                 size_t name_length)
{
    for (struct vfs_node *child = directory->directory.first_child; child != NULL;
         child = child->next_sibling) {
        if (child->name_length == name_length && memcmp(child->name, name, name_length) == 0)
            return child;
    }
    return NULL;
}

void node_link(struct vfs *vfs, struct vfs_node *directory, struct vfs_node *node,
               const char *name, size_t name_length)
{
    memcpy(node->name, name, name_length);
    node->name[name_length] = '\0';
    node->name_length = (uint16_t)name_length;
    node->parent = directory;
    node->position = directory->directory.next_position++;
    node->next_sibling = NULL;
    if (directory->directory.last_child != NULL)
        directory->directory.last_child->next_sibling = node;
    else
        directory->directory.first_child = node;
    directory->directory.last_child = node;
    directory->directory.child_count++;
    if (node_is_directory(node))
        directory->directory.subdirectory_count++;
    node_touch_contents(vfs, directory);
    node_touch_metadata(vfs, node);
}

void node_unlink(struct vfs *vfs, struct vfs_node *node)
{
    struct vfs_node *directory = node->parent;
    struct vfs_node *previous = NULL;
    struct vfs_node *child = directory->directory.first_child;
    while (child != node) {
        previous = child;
        child = child->next_sibling;
    }
    if (previous != NULL)
        previous->next_sibling = node->next_sibling;
    else
        directory->directory.first_child = node->next_sibling;
    if (directory->directory.last_child == node)
        directory->directory.last_child = previous;
    directory->directory.child_count--;
    if (node_is_directory(node))
        directory->directory.subdirectory_count--;
    node->parent = NULL;
    node->next_sibling = NULL;
    node_touch_contents(vfs, directory);
    node_touch_metadata(vfs, node);
}

uint32_t node_link_count(const struct vfs_node *node)
{
    if (node_is_unlinked(node))
        return 0;
    if (node_is_directory(node))
        return 2 + node->directory.subdirectory_count;
    return 1;
}

/* 512-byte blocks of a regular file: the pages it holds. */
static int64_t regular_blocks(const struct vfs_node *node)
{
    uint64_t pages = node->regular.archive_bytes != NULL
                         ? (node->regular.size + VFS_PAGE_SIZE - 1) / VFS_PAGE_SIZE
                         : node->regular.data.page_count;
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
        stat->st_size = (int64_t)node->regular.size;
        stat->st_blocks = regular_blocks(node);
    } else if (node_is_directory(node)) {
        stat->st_size = DIRECTORY_ENTRY_SIZE * (2 + (int64_t)node->directory.child_count);
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
