/*
 * Mapping files (core.h, sys/protocol/memory.h): which OFDs may be mapped
 * and how, and the pages procmgr maps. A tmpfs file's data pages are the
 * ones its reads and writes use, so every mapping and every write see the
 * same bytes. An archive file's bytes sit in the boot archive at no page
 * boundary, so its pages are copies made on first use, kept in its page
 * tree (which archive files have no other use for) for as long as vfs
 * runs: the file never changes.
 */
#include "core.h"
#include "device.h"
#include "node.h"
#include "ofd.h"
#include "sys/protocol/memory.h"
#include "sys/runtime.h"

static bool readable(const struct file_description *ofd)
{
    return file_flags_readable(ofd->flags);
}

static bool writable(const struct file_description *ofd)
{
    return file_flags_writable(ofd->flags);
}

/* The OFD of a mapping: O_PATH ones name a file but cannot map it. */
static struct file_description *mappable_ofd(struct vfs *vfs, uint64_t handle)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    return ofd != NULL && !(ofd->flags & LINUX_O_PATH) ? ofd : NULL;
}

int vfs_map(struct vfs *vfs, uint64_t handle, uint32_t prot, bool shared, uint64_t *identity)
{
    const struct file_description *ofd = mappable_ofd(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    /* Linux's checks, in do_mmap's order. */
    if (shared && (prot & LINUX_PROT_WRITE) && !writable(ofd))
        return -LINUX_EACCES;
    if (!readable(ofd))
        return -LINUX_EACCES;
    const struct vfs_node *node = ofd_node(ofd);
    if (node_type(node) == LINUX_S_IFCHR && node->device == VFS_DEVICE_ZERO)
        return VFS_MAP_ANONYMOUS;
    if (node_type(node) != LINUX_S_IFREG)
        return -LINUX_ENODEV;
    *identity = (uint64_t)node->mount << 32 | node->inode;
    return writable(ofd) ? VFS_MAP_WRITABLE : 0;
}

/* An archive file's page, copied out of the archive the first time. */
static void *archive_page(struct vfs *vfs, struct vfs_node *node, uint64_t offset)
{
    uint64_t index = offset / VFS_PAGE_SIZE;
    uint8_t *page = page_tree_find(&node->regular.data.tree, index);
    if (page != NULL)
        return page;
    page = page_tree_get(&node->regular.data.tree, &vfs->archive_copies, index);
    if (page == NULL)
        return NULL;
    uint64_t length = node->regular.data.size - offset;
    memcpy(page, node->regular.archive_bytes + offset,
           length < VFS_PAGE_SIZE ? length : VFS_PAGE_SIZE);
    return page;
}

int vfs_map_page(struct vfs *vfs, uint64_t handle, uint64_t offset, unsigned access,
                 void **page)
{
    bool write = access & MEMORY_PAGE_WRITE;
    struct file_description *ofd = mappable_ofd(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    struct vfs_node *node = ofd_node(ofd);
    if (offset % VFS_PAGE_SIZE != 0)
        return -LINUX_EINVAL;
    if (write && !writable(ofd))
        return -LINUX_EACCES;
    if (node_type(node) != LINUX_S_IFREG)
        return -LINUX_ENODEV;
    if (offset >= node->regular.data.size)
        return -LINUX_ENXIO;
    if ((access & MEMORY_PAGE_EXISTING) && node->mount != VFS_MOUNT_ARCHIVE) {
        *page = page_tree_find(&node->regular.data.tree, offset / VFS_PAGE_SIZE);
        return *page != NULL ? 0 : -LINUX_ENOENT;
    }
    *page = node->mount == VFS_MOUNT_ARCHIVE
                ? archive_page(vfs, node, offset)
                : page_tree_get(&node->regular.data.tree, &vfs->pages, offset / VFS_PAGE_SIZE);
    return *page != NULL ? 0 : -LINUX_ENOMEM;
}
