/* The tree vfs starts with: "/", /tmp, /dev with its devices, /dev/shm,
 * /dev/mqueue. */
#include "core.h"
#include "device.h"
#include "entry.h"
#include "node.h"
#include "sys/runtime.h"

/* A new node named `name` in directory, owned by root; -ENOMEM. */
static int add_node(struct vfs *vfs, struct vfs_node *directory, const char *name,
                    uint32_t mode, enum vfs_mount mount, struct vfs_node **made)
{
    struct vfs_node *node = node_create(vfs, mode, 0, 0, mount);
    if (node == NULL)
        return -LINUX_ENOMEM;
    if (entry_add(vfs, directory, node, name, strlen(name)) == NULL) {
        node_release(vfs, node);
        return -LINUX_ENOMEM;
    }
    *made = node;
    return 0;
}

static int add_device(struct vfs *vfs, struct vfs_node *dev, const char *name, uint32_t mode,
                      enum vfs_device device, uint64_t device_number)
{
    struct vfs_node *node;
    int error = add_node(vfs, dev, name, LINUX_S_IFCHR | mode, VFS_MOUNT_DEV, &node);
    if (error != 0)
        return error;
    node->device = (uint8_t)device;
    node->device_number = device_number;
    return 0;
}

static void *allocate_archive_copy(void *context)
{
    struct vfs *vfs = context;
    void *page = vfs->services.allocate_page(vfs->services.context);
    if (page)
        vfs->archive_copy_pages++;
    return page;
}

static void free_archive_copy(void *context, void *page)
{
    struct vfs *vfs = context;
    vfs->archive_copy_pages--;
    vfs->services.free_page(vfs->services.context, page);
}

int vfs_init(struct vfs *vfs, const struct vfs_services *services)
{
    memset(vfs, 0, sizeof(*vfs));
    vfs->services = *services;
    vfs->pages = (struct page_tree_pages){services->allocate_page, services->free_page,
                                          services->context};
    vfs->archive_copies = (struct page_tree_pages){allocate_archive_copy, free_archive_copy, vfs};
    vfs->next_inode = 1;
    file_table_init(&vfs->files, services->allocate_page, services->context);
    terminal_init(&vfs->console);
    node_pool_init(vfs);
    vfs->root = node_create(vfs, LINUX_S_IFDIR | 0755, 0, 0, VFS_MOUNT_ARCHIVE);
    if (vfs->root == NULL)
        return -LINUX_ENOMEM;
    int error = entry_init(vfs);

    /* /tmp and /dev/shm are tmpfs mounts, world-writable and sticky, as
     * on Debian. */
    struct vfs_node *tmp, *dev, *shm, *mqueue;
    if (error == 0)
        error = add_node(vfs, vfs->root, "tmp", LINUX_S_IFDIR | LINUX_S_ISVTX | 0777,
                         VFS_MOUNT_TMP, &tmp);
    if (error == 0)
        error = add_node(vfs, vfs->root, "dev", LINUX_S_IFDIR | 0755, VFS_MOUNT_DEV, &dev);
    if (error == 0)
        error = add_device(vfs, dev, "console", 0600, VFS_DEVICE_CONSOLE, DEVICE_NUMBER_CONSOLE);
    if (error == 0)
        error = add_device(vfs, dev, "tty", 0666, VFS_DEVICE_CONSOLE, DEVICE_NUMBER_TTY);
    /* On Linux /dev/stderr is a link to the caller's descriptor 2; here it
     * is the console's second channel, which the first program's stderr
     * is opened on, so a host can tell its stderr from its stdout. */
    if (error == 0)
        error = add_device(vfs, dev, "stderr", 0666, VFS_DEVICE_CONSOLE_ERRORS,
                           DEVICE_NUMBER_CONSOLE_ERRORS);
    if (error == 0)
        error = add_device(vfs, dev, "null", 0666, VFS_DEVICE_NULL, DEVICE_NUMBER_NULL);
    if (error == 0)
        error = add_device(vfs, dev, "zero", 0666, VFS_DEVICE_ZERO, DEVICE_NUMBER_ZERO);
    /* Root's alone, as devtmpfs makes Linux's. */
    if (error == 0)
        error = add_device(vfs, dev, "userfaultfd", 0600, VFS_DEVICE_USERFAULTFD,
                           DEVICE_NUMBER_USERFAULTFD);
    if (error == 0)
        error = add_node(vfs, dev, "shm", LINUX_S_IFDIR | LINUX_S_ISVTX | 0777, VFS_MOUNT_SHM,
                         &shm);
    /* /proc: an empty read-only directory; the personality answers for
     * what is under it, from procmgr (docs/personality.md, /proc). */
    struct vfs_node *proc;
    if (error == 0)
        error = add_node(vfs, vfs->root, "proc", LINUX_S_IFDIR | 0555, VFS_MOUNT_DEV, &proc);
    /* Its names are the mqueue server's queues (lookup_names_queue). */
    if (error == 0)
        error = add_node(vfs, dev, "mqueue", LINUX_S_IFDIR | LINUX_S_ISVTX | 0777,
                         VFS_MOUNT_MQUEUE, &mqueue);
    return error;
}
