/*
 * The vfs core: a RAM file system and the path namespace, as a state
 * machine with no IPC in it (main.c binds it to the protocols in
 * sys/protocol/vfs.h and file.h; tests/host/test_vfs_*.c test it).
 *
 * The tree: the boot archive mounted read-only at "/", writable tmpfs
 * file systems at /tmp and /dev/shm (mode 1777), and /dev (read-only)
 * holding console, tty, null and zero. A regular file or FIFO may have
 * several names (hard links) within its file system. Open file descriptions (OFDs) live here; clients name them by
 * a 64-bit handle (the badge of their descriptor capability), which
 * carries a generation so a stale handle never reaches a reused OFD.
 *
 * Every function returns a non-negative result or -errno (LINUX_E*).
 * Client buffers are reached only through struct client_buffer
 * (sys/client_buffer.h), so the core never holds a client pointer.
 */
#ifndef SERVERS_VFS_CORE_H
#define SERVERS_VFS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/client_buffer.h"
#include "sys/file_table.h"
#include "sys/linux_abi.h"
#include "sys/page_tree.h"
#include "terminal.h"

#define VFS_PAGE_SIZE 4096
_Static_assert(VFS_PAGE_SIZE == PAGE_TREE_PAGE_SIZE, "a file's pages are the services' pages");

struct vfs_time {
    int64_t seconds;
    uint64_t nanoseconds;
};

/* What the core needs from the program around it. */
struct vfs_services {
    /* A page of VFS_PAGE_SIZE bytes, page-aligned, contents undefined;
     * NULL when memory is exhausted (the core reports ENOSPC or ENOMEM). */
    void *(*allocate_page)(void *context);
    void (*free_page)(void *context, void *page);
    /* Bytes written to /dev/console and /dev/tty, or (errors) to
     * /dev/stderr, the console's channel for diagnostics. */
    void (*console_write)(void *context, const char *bytes, size_t length, bool errors);
    /* The time stamps of changes. */
    struct vfs_time (*current_time)(void *context);
    /* /dev/mqueue's listing: of the queues whose inode number is at least
     * `from`, the first: its name (up to LINUX_NAME_MAX bytes) in name,
     * its inode in *inode, the name's length returned; 0 when there is
     * none, or -errno. */
    int (*next_queue)(void *context, uint64_t from, char *name, uint64_t *inode);
    void *context;
};

struct vfs_credentials {
    uint32_t uid;
    uint32_t gid;
};

/* A directory argument of 0 means "/" (the protocols' "no capability 0"). */
#define VFS_ROOT_DIRECTORY 0

/* The flag VFS_OPEN_EXEC of sys/protocol/vfs.h, restated for the core. */
#define VFS_CORE_OPEN_EXEC (1ULL << 40)
/* vfs_open's result for a FIFO: *handle is the node's inode number, not an
 * OFD (the pipe server opens FIFOs). */
#define VFS_CORE_OPENED_FIFO 1
/* What vfs_open, vfs_stat, vfs_access and vfs_unlink answer for a path
 * that names a queue: one in /dev/mqueue, which holds the mqueue
 * server's queues, not nodes. The path's last component is the queue's
 * name, and the caller asks the mqueue server (sys/protocol/vfs.h). */
#define VFS_CORE_IN_MQUEUE 2

struct vfs_node;

/* Records of one size (nodes, directory entries) carved out of pages;
 * freed ones are reused before new pages are carved (pool.c). */
struct vfs_pool {
    void *free_records;
    size_t record_size;
    uint64_t pages;         /* carved into records, and kept */
};

struct vfs {
    struct vfs_services services;
    struct vfs_node *root;
    uint64_t next_inode;
    struct vfs_pool nodes;
    struct vfs_pool entries;
    /* The services' page allocator, as a file's page tree takes it; and
     * the same, counting, for the copies of archive files' pages that
     * mappings take, which stay for as long as vfs runs (mapping.c). */
    struct page_tree_pages pages;
    struct page_tree_pages archive_copies;
    uint64_t archive_copy_pages;
    /* The open file descriptions: their handles are the badges of the
     * descriptors vfs hands out, and their objects are nodes. */
    struct file_table files;
    /* The console's line discipline: its settings, input and the
     * signals its keyboard raised (main.c feeds it the UART's bytes). */
    struct terminal console;
};

/* Builds "/" (read-only), /tmp (1777), /dev with its devices and
 * /dev/shm (1777). */
int vfs_init(struct vfs *vfs, const struct vfs_services *services);

/* Adds the CPIO newc archive's directories and regular files under "/",
 * read-only; file data stays in the archive's memory, which must outlive
 * the vfs. Entries that would land in /tmp or /dev, symbolic links and
 * special files are skipped. -EINVAL for a malformed archive (what came
 * before the bad header stays). */
int vfs_load_archive(struct vfs *vfs, const void *archive, size_t size);

/* ---- Path operations (sys/protocol/vfs.h). `directory` is the handle
 * of the OFD relative paths start from, or VFS_ROOT_DIRECTORY; paths are
 * `length` bytes, not NUL-terminated (a NUL ends them early). ---- */

/* Opens (or creates) the file; *handle gets the new OFD's handle. */
int vfs_open(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
             const char *path, size_t length, uint64_t flags, uint32_t mode,
             uint64_t *handle);
int vfs_mkdir(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t mode);
/* S_IFREG (or type 0) and S_IFIFO; other types are EPERM. */
int vfs_mknod(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t mode, uint64_t device);
/* bind(2)'s node: a new S_IFSOCK node (-EEXIST if the path exists); its
 * inode number in *inode. */
int vfs_bind_socket(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                    const char *path, size_t length, uint32_t mode, uint64_t *inode);
/* connect(2)'s lookup: the socket node's inode number in *inode
 * (-EACCES without write permission, -ECONNREFUSED if not a socket). */
int vfs_socket_node(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                    const char *path, size_t length, uint64_t *inode);
/* unlinkat: flags 0 or AT_REMOVEDIR. */
int vfs_unlink(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
               const char *path, size_t length, uint64_t flags);
int vfs_rename(struct vfs *vfs, const struct vfs_credentials *who,
               uint64_t old_directory, const char *old_path, size_t old_length,
               uint64_t new_directory, const char *new_path, size_t new_length);
/* linkat: another name for the node old_path names. flags:
 * AT_SYMLINK_FOLLOW (no effect: there are no symbolic links) and
 * AT_EMPTY_PATH (then an empty old_path names old_directory itself; only
 * root may, as only holders of CAP_DAC_READ_SEARCH may on Linux). */
int vfs_link(struct vfs *vfs, const struct vfs_credentials *who,
             uint64_t old_directory, const char *old_path, size_t old_length,
             uint64_t new_directory, const char *new_path, size_t new_length, uint64_t flags);
/* flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (then an empty path names
 * `directory` itself, whatever its type). */
int vfs_chmod(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t mode, uint64_t flags);
/* chown(2): uid or gid VFS_ID_UNCHANGED keeps it. */
#define VFS_ID_UNCHANGED 0xffffffffu
int vfs_chown(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
              const char *path, size_t length, uint32_t uid, uint32_t gid, uint64_t flags);
int vfs_stat(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
             const char *path, size_t length, uint64_t flags, struct linux_stat *stat);
/* mode: F_OK or R_OK|W_OK|X_OK; flags: AT_EACCESS, AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH (one set of ids: real and effective are the same here). */
int vfs_access(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
               const char *path, size_t length, uint32_t mode, uint64_t flags);
/* The absolute path of the directory, NUL-terminated, in path[0..size);
 * returns its length with the NUL. ERANGE if it does not fit in size,
 * ENAMETOOLONG beyond LINUX_PATH_MAX, ENOENT once it is removed. */
int vfs_getcwd(struct vfs *vfs, uint64_t directory, char *path, size_t size);

/* ---- File operations (sys/protocol/file.h) on an OFD handle ---- */

int64_t vfs_read(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                 uint64_t length);
int64_t vfs_write(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                  uint64_t length);
int64_t vfs_pread(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                  uint64_t length, int64_t offset);
int64_t vfs_pwrite(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                   uint64_t length, int64_t offset);
int64_t vfs_seek(struct vfs *vfs, uint64_t handle, int64_t offset, uint64_t whence);
int vfs_fstat(struct vfs *vfs, uint64_t handle, struct linux_stat *stat);
/* FILE_PATH: the OFD's file as Linux's d_path shows it, into path (room
 * for FILE_PATH_MAX bytes, no NUL): its absolute path (a directory's one
 * name, a file's first hard link depth first from "/"), or the path its
 * last name had and " (deleted)" once it has none. Its length; -EBADF. */
int64_t vfs_path(struct vfs *vfs, uint64_t handle, char *path);
int64_t vfs_getdents(struct vfs *vfs, uint64_t handle, const struct client_buffer *buffer,
                     uint64_t length);
/* Whether a read of handle is a read of the console's input, which the
 * server answers itself (it may have to wait: console_input.c). */
bool vfs_reads_console(struct vfs *vfs, uint64_t handle);
/* Whether handle names an open description of /dev/userfaultfd. */
bool vfs_is_userfaultfd_device(struct vfs *vfs, uint64_t handle);
/* Whether handle is a description of the console, in any mode. */
bool vfs_is_console(struct vfs *vfs, uint64_t handle);
int64_t vfs_ioctl(struct vfs *vfs, uint64_t handle, uint64_t request,
                  const struct client_buffer *argument);
int vfs_truncate(struct vfs *vfs, uint64_t handle, int64_t length);
/* F_GET_SEALS and F_ADD_SEALS (file.h): every regular file is tmpfs's,
 * which takes no seals: sealed against them (FILE_SEAL_SEAL), adding any
 * is EPERM (EINVAL for a seal Linux does not know). Other files have no
 * seals (EINVAL); adding through an OFD not open for writing is EPERM. */
int64_t vfs_get_seals(struct vfs *vfs, uint64_t handle);
int vfs_add_seals(struct vfs *vfs, uint64_t handle, uint64_t seals);
/* ---- Mapping (sys/protocol/memory.h) ---- */

/* vfs_map's answers: /dev/zero's (map anonymous memory instead), and an
 * OFD open for writing (it lends writable pages). */
#define VFS_MAP_ANONYMOUS 1
#define VFS_MAP_WRITABLE  2

/* MEMORY_MAP: may the OFD be mapped with prot (LINUX_PROT_*), shared or
 * not? VFS_MAP_* flags (the file's identity, (st_dev << 32) | st_ino, in
 * *identity), or Linux's mmap errors: -EBADF (no such OFD, or an O_PATH
 * one), -EACCES (opened write-only, or a shared writable mapping of an
 * OFD not open for writing), -ENODEV (neither a regular file nor
 * /dev/zero). */
int vfs_map(struct vfs *vfs, uint64_t handle, uint32_t prot, bool shared, uint64_t *identity);
/* MEMORY_PAGE: in *page, the data page holding bytes [offset, offset +
 * VFS_PAGE_SIZE) of the OFD's regular file, made (zeroed, or for an
 * archive file a copy of its bytes) if the file has none there yet: the
 * page that reads, writes and every mapping of the file share. -EINVAL
 * for an unaligned offset, -EACCES for write through an OFD not open for
 * writing, -ENXIO when the page lies wholly past the end of the file,
 * -ENOMEM, -EBADF, -ENODEV. access is MEMORY_PAGE_* (sys/protocol/
 * memory.h): with MEMORY_PAGE_EXISTING nothing is made, -ENOENT for a
 * hole (an archive file's pages are all there: its bytes). */
int vfs_map_page(struct vfs *vfs, uint64_t handle, uint64_t offset, unsigned access,
                 void **page);

/* FILE_CLOSE: one reference less (the status flags and FILE_RETAIN are
 * the file table's, vfs->files). */
int vfs_close(struct vfs *vfs, uint64_t handle);
/* The last reference to an OFD of node went (file_table_close). */
void vfs_release(struct vfs *vfs, void *node);
int vfs_sync(struct vfs *vfs, uint64_t handle);

#endif
