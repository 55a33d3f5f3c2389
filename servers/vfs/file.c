/*
 * The file protocol on an OFD: read, write, seek, stat, getdents, flags,
 * ioctl, truncate, and reference counting. An O_PATH OFD only names a
 * node: it may be stat'ed, used as a directory for paths, and closed;
 * the rest is EBADF, as on Linux.
 */
#include "core.h"
#include "sys/client_buffer.h"
#include "device.h"
#include "entry.h"
#include "ofd.h"
#include "regular.h"
#include "sys/protocol/file.h"
#include "sys/runtime.h"

/* getdents64 records: the fixed part is 19 bytes, then the name and a
 * NUL, padded to 8 bytes. */
#define DIRENT_HEADER_SIZE 19
#define DIRENT_MAX_SIZE ((DIRENT_HEADER_SIZE + LINUX_NAME_MAX + 1 + 7) & ~7u)

static bool path_only(const struct file_description *ofd)
{
    return (ofd->flags & LINUX_O_PATH) != 0;
}

static bool readable(const struct file_description *ofd)
{
    return !path_only(ofd) && file_flags_readable(ofd->flags);
}

static bool writable(const struct file_description *ofd)
{
    return !path_only(ofd) && file_flags_writable(ofd->flags);
}

/* The OFD for an operation that an O_PATH OFD cannot do. */
static struct file_description *find_open(struct vfs *vfs, uint64_t handle)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    return ofd != NULL && !path_only(ofd) ? ofd : NULL;
}

static int64_t read_at(struct file_description *ofd, const struct client_buffer *buffer,
                       uint64_t length, uint64_t offset)
{
    const struct vfs_node *node = ofd_node(ofd);
    switch (node_type(node)) {
    case LINUX_S_IFDIR:
        return -LINUX_EISDIR;
    case LINUX_S_IFCHR:
        return device_read(node, buffer, length);
    default:
        return regular_read(node, buffer, length, offset);
    }
}

/* Where a write asked for at `offset` goes: O_APPEND writes at the end,
 * even through pwrite (as on Linux). */
static uint64_t write_offset(const struct file_description *ofd, uint64_t offset)
{
    if ((ofd->flags & LINUX_O_APPEND) && node_type(ofd_node(ofd)) == LINUX_S_IFREG)
        return ofd_node(ofd)->regular.data.size;
    return offset;
}

static int64_t write_at(struct vfs *vfs, struct file_description *ofd,
                        const struct client_buffer *buffer, uint64_t length, uint64_t offset)
{
    struct vfs_node *node = ofd_node(ofd);
    if (node_type(node) == LINUX_S_IFCHR)
        return device_write(vfs, node, buffer, length);
    return regular_write(vfs, node, buffer, length, offset);
}

int64_t vfs_read(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                 uint64_t length)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL || !readable(ofd))
        return -LINUX_EBADF;
    int64_t result = read_at(ofd, buffer, length, ofd->position);
    if (result > 0 && node_type(ofd_node(ofd)) == LINUX_S_IFREG)
        ofd->position += (uint64_t)result;
    return result;
}

int64_t vfs_write(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                  uint64_t length)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL || !writable(ofd))
        return -LINUX_EBADF;
    uint64_t offset = write_offset(ofd, ofd->position);
    int64_t result = write_at(vfs, ofd, buffer, length, offset);
    if (result > 0 && node_type(ofd_node(ofd)) == LINUX_S_IFREG)
        ofd->position = offset + (uint64_t)result;
    return result;
}

int64_t vfs_pread(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                  uint64_t length, int64_t offset)
{
    if (offset < 0)
        return -LINUX_EINVAL;
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL || !readable(ofd))
        return -LINUX_EBADF;
    if (node_type(ofd_node(ofd)) == LINUX_S_IFCHR && !device_is_seekable(ofd_node(ofd)))
        return -LINUX_ESPIPE;
    return read_at(ofd, buffer, length, (uint64_t)offset);
}

int64_t vfs_pwrite(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                   uint64_t length, int64_t offset)
{
    if (offset < 0)
        return -LINUX_EINVAL;
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL || !writable(ofd))
        return -LINUX_EBADF;
    if (node_type(ofd_node(ofd)) == LINUX_S_IFCHR && !device_is_seekable(ofd_node(ofd)))
        return -LINUX_ESPIPE;
    return write_at(vfs, ofd, buffer, length, write_offset(ofd, (uint64_t)offset));
}

int64_t vfs_seek(struct vfs *vfs, uint64_t handle, int64_t offset, uint64_t whence)
{
    struct file_description *ofd = find_open(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    const struct vfs_node *node = ofd_node(ofd);
    if (node_type(node) == LINUX_S_IFCHR) {
        /* Linux's null and zero ignore seeks and stay at 0. */
        return device_is_seekable(node) ? 0 : -LINUX_ESPIPE;
    }
    int64_t base;
    switch (whence) {
    case LINUX_SEEK_SET:
        base = 0;
        break;
    case LINUX_SEEK_CUR:
        base = (int64_t)ofd->position;
        break;
    case LINUX_SEEK_END:
        /* A directory's offset is a getdents position: it has no end. */
        if (node_type(node) != LINUX_S_IFREG)
            return -LINUX_EINVAL;
        base = (int64_t)node->regular.data.size;
        break;
    default:
        return -LINUX_EINVAL;
    }
    int64_t result;
    if (__builtin_add_overflow(base, offset, &result) || result < 0)
        return -LINUX_EINVAL;
    ofd->position = (uint64_t)result;
    return result;
}

int vfs_fstat(struct vfs *vfs, uint64_t handle, struct linux_stat *stat)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    node_fill_stat(ofd_node(ofd), stat);
    return 0;
}

int64_t vfs_path(struct vfs *vfs, uint64_t handle, char *path)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    const struct vfs_node *node = ofd_node(ofd);
    const struct vfs_entry *name = node_is_unlinked(node) ? node->removed_name
                                                           : entry_naming(vfs, node);
    size_t length;
    if (name == NULL) {
        length = 0;                 /* nameless: no path left to show */
    } else if (name->directory == NULL) {
        length = name->name_length;      /* a removed name's path */
        memcpy(path, name->name, length);
    } else {
        length = entry_path(vfs, name, path, LINUX_PATH_MAX);
        if (length >= LINUX_PATH_MAX)
            return -LINUX_ENAMETOOLONG;
    }
    if (node_is_unlinked(node)) {
        static const char deleted[] = " (deleted)";
        memcpy(path + length, deleted, sizeof deleted - 1);
        length += sizeof deleted - 1;
    }
    return (int64_t)length;
}

static uint8_t dirent_type(const struct vfs_node *node)
{
    switch (node_type(node)) {
    case LINUX_S_IFDIR:
        return LINUX_DT_DIR;
    case LINUX_S_IFREG:
        return LINUX_DT_REG;
    case LINUX_S_IFCHR:
        return LINUX_DT_CHR;
    case LINUX_S_IFIFO:
        return LINUX_DT_FIFO;
    case LINUX_S_IFSOCK:
        return LINUX_DT_SOCK;
    default:
        return LINUX_DT_UNKNOWN;
    }
}

/* Where getdents is in a directory and how much it has written. */
struct listing {
    const struct client_buffer *buffer;
    uint64_t length;
    uint64_t written;
    struct file_description *ofd;
};

/* Writes one record for the entry at `position`; returns 1 if it went,
 * 0 if it does not fit, or -errno. The OFD's offset moves past it. */
static int emit_record(struct listing *listing, uint64_t position, uint64_t inode, uint8_t type,
                       const char *name, size_t name_length)
{
    size_t record_length = (DIRENT_HEADER_SIZE + name_length + 1 + 7) & ~(size_t)7;
    if (listing->written + record_length > listing->length)
        return listing->written == 0 ? -LINUX_EINVAL : 0;
    _Alignas(8) uint8_t record[DIRENT_MAX_SIZE];
    memset(record, 0, record_length);
    struct linux_dirent64 *entry = (struct linux_dirent64 *)record;
    entry->d_ino = inode;
    entry->d_off = (int64_t)position + 1;
    entry->d_reclen = (uint16_t)record_length;
    entry->d_type = type;
    memcpy(entry->d_name, name, name_length);
    if (client_buffer_copy_to(listing->buffer, listing->written, record, record_length) !=
        record_length)
        return -LINUX_EFAULT;
    listing->written += record_length;
    listing->ofd->position = position + 1;
    return 1;
}

static int emit(struct listing *listing, uint64_t position, const struct vfs_node *node,
                const char *name, size_t name_length)
{
    return emit_record(listing, position, node->inode, dirent_type(node), name, name_length);
}

/* /dev/mqueue lists the mqueue server's queues, each at position 2 + its
 * inode number, so a listing goes on where it stopped whatever queues
 * came and went meanwhile. */
#define FIRST_QUEUE_POSITION 2

static int emit_queues(struct vfs *vfs, struct listing *listing)
{
    const struct vfs_services *services = &vfs->services;
    char name[LINUX_NAME_MAX];
    for (;;) {
        uint64_t inode;
        int length = services->next_queue(services->context,
                                          listing->ofd->position - FIRST_QUEUE_POSITION, name,
                                          &inode);
        if (length <= 0)
            return length < 0 ? length : 1;
        int status = emit_record(listing, FIRST_QUEUE_POSITION + inode, inode, LINUX_DT_REG,
                                 name, (size_t)length);
        if (status != 1)
            return status;
    }
}

int64_t vfs_getdents(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                     uint64_t length)
{
    struct file_description *ofd = find_open(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    const struct vfs_node *directory = ofd_node(ofd);
    if (!node_is_directory(directory))
        return -LINUX_ENOTDIR;
    struct listing listing = {.buffer = buffer, .length = length, .ofd = ofd};
    int status = 1;
    if (ofd->position == 0)
        status = emit(&listing, 0, directory, ".", 1);
    if (status == 1 && ofd->position == 1) {
        /* A removed directory's ".." is itself, as on Linux. */
        const struct vfs_node *parent = entry_parent(directory);
        status = emit(&listing, 1, parent != NULL ? parent : directory, "..", 2);
    }
    if (status == 1 && directory->mount == VFS_MOUNT_MQUEUE)
        status = emit_queues(vfs, &listing);
    for (const struct vfs_entry *entry = directory->directory.first_entry;
         entry != NULL && status == 1; entry = entry->next) {
        if (entry->position >= ofd->position)
            status = emit(&listing, entry->position, entry->node, entry->name, entry->name_length);
    }
    return client_buffer_result(listing.written, status < 0 ? status : 0);
}

bool vfs_is_console(struct vfs *vfs, uint64_t handle)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    return ofd != NULL && device_is_console(ofd_node(ofd));
}

bool vfs_is_userfaultfd_device(struct vfs *vfs, uint64_t handle)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    return ofd != NULL && node_type(ofd_node(ofd)) == LINUX_S_IFCHR &&
           device_is_userfaultfd(ofd_node(ofd));
}

bool vfs_reads_console(struct vfs *vfs, uint64_t handle)
{
    struct file_description *ofd = ofd_find(vfs, handle);
    return ofd != NULL && device_is_console(ofd_node(ofd))
        && (ofd->flags & LINUX_O_ACCMODE) != LINUX_O_WRONLY;
}

int64_t vfs_ioctl(struct vfs *vfs, uint64_t handle, uint64_t request,
                  const struct client_buffer *argument)
{
    struct file_description *ofd = find_open(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    const struct vfs_node *node = ofd_node(ofd);
    if (node_type(node) == LINUX_S_IFCHR)
        return device_ioctl(vfs, node, request, argument);
    if (node_type(node) == LINUX_S_IFREG && request == LINUX_FIONREAD) {
        /* Bytes left to read, as an int (Linux's do_vfs_ioctl). */
        uint64_t size = node->regular.data.size;
        uint64_t left = size > ofd->position ? size - ofd->position : 0;
        int32_t value = left > INT32_MAX ? INT32_MAX : (int32_t)left;
        return client_buffer_copy_to(argument, 0, &value, sizeof(value)) == sizeof(value)
                   ? 0
                   : -LINUX_EFAULT;
    }
    return -LINUX_ENOTTY;
}

int vfs_truncate(struct vfs *vfs, uint64_t handle, int64_t length)
{
    struct file_description *ofd = find_open(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    if (length < 0 || node_type(ofd_node(ofd)) != LINUX_S_IFREG || !writable(ofd))
        return -LINUX_EINVAL;
    if ((uint64_t)length > PAGE_TREE_MAX_SIZE)
        return -LINUX_EFBIG;
    regular_resize(vfs, ofd_node(ofd), (uint64_t)length);
    return 0;
}

int64_t vfs_get_seals(struct vfs *vfs, uint64_t handle)
{
    struct file_description *ofd = find_open(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    return node_type(ofd_node(ofd)) == LINUX_S_IFREG ? FILE_SEAL_SEAL : -LINUX_EINVAL;
}

int vfs_add_seals(struct vfs *vfs, uint64_t handle, uint64_t seals)
{
    struct file_description *ofd = find_open(vfs, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    if (!writable(ofd))
        return -LINUX_EPERM;
    if (seals & ~(uint64_t)FILE_SEALS_KNOWN || node_type(ofd_node(ofd)) != LINUX_S_IFREG)
        return -LINUX_EINVAL;
    return -LINUX_EPERM;
}

int vfs_sync(struct vfs *vfs, uint64_t handle)
{
    /* Everything is in memory: there is nothing to wait for. */
    return find_open(vfs, handle) != NULL ? 0 : -LINUX_EBADF;
}
