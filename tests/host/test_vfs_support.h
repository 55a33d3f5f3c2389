/*
 * What the vfs core tests share: services backed by malloc (with a page
 * budget, to run out of memory on purpose), a clock that ticks at every
 * look, captured console output, client buffers that behave like message
 * windows (a copy outside the buffer fails with EFAULT), and a builder
 * of CPIO newc archives.
 */
#ifndef TESTS_HOST_TEST_VFS_SUPPORT_H
#define TESTS_HOST_TEST_VFS_SUPPORT_H

#include <stdbool.h>
#include "check.h"
#include "core.h"

/* ---- Services ---- */

static long pages_left = -1;        /* -1: no limit */
static long pages_in_use;
/* Every page handed out and not freed: fresh_vfs frees them all, since
 * the core keeps node and OFD pages for good. */
static void *live_pages[1 << 16];
static char console_output[4096];
static size_t console_length;
/* How many of those bytes went to the diagnostics channel (/dev/stderr). */
static size_t console_error_bytes;
static int64_t clock_ticks;

static inline void *test_allocate_page(void *context)
{
    (void)context;
    if (pages_left == 0)
        return NULL;
    if (pages_left > 0)
        pages_left--;
    void *page = aligned_alloc(VFS_PAGE_SIZE, VFS_PAGE_SIZE);
    live_pages[pages_in_use++] = page;
    memset(page, 0xa5, VFS_PAGE_SIZE);  /* the core must not rely on zeroed pages */
    return page;
}

static inline void test_free_page(void *context, void *page)
{
    (void)context;
    for (long i = 0; i < pages_in_use; i++) {
        if (live_pages[i] == page) {
            live_pages[i] = live_pages[--pages_in_use];
            free(page);
            return;
        }
    }
    CHECK(!"the core freed a page it was never given");
}

static inline void test_console_write(void *context, const char *bytes, size_t length,
                                      bool errors)
{
    (void)context;
    if (errors)
        console_error_bytes += length;
    for (size_t i = 0; i < length && console_length + 1 < sizeof(console_output); i++)
        console_output[console_length++] = bytes[i];
    console_output[console_length] = '\0';
}

static inline struct vfs_time test_current_time(void *context)
{
    (void)context;
    clock_ticks++;
    return (struct vfs_time){.seconds = clock_ticks, .nanoseconds = 0};
}

/* The mqueue server's queues, as its listing gives them: by inode. */
struct test_queue {
    const char *name;
    uint64_t inode;
};
static struct test_queue test_queues[4];
static unsigned test_queue_count;

static inline int test_next_queue(void *context, uint64_t from, char *name, uint64_t *inode)
{
    (void)context;
    const struct test_queue *next = NULL;
    for (unsigned i = 0; i < test_queue_count; i++)
        if (test_queues[i].inode >= from && (!next || test_queues[i].inode < next->inode))
            next = &test_queues[i];
    if (!next)
        return 0;
    memcpy(name, next->name, strlen(next->name));
    *inode = next->inode;
    return (int)strlen(next->name);
}

static const struct vfs_services test_services = {
    .allocate_page = test_allocate_page,
    .free_page = test_free_page,
    .console_write = test_console_write,
    .current_time = test_current_time,
    .next_queue = test_next_queue,
};

static struct vfs vfs;
static const struct vfs_credentials root = {0, 0};
static const struct vfs_credentials alice = {1000, 1000};
static const struct vfs_credentials bob = {1001, 1001};
static const struct vfs_credentials carol_in_alices_group = {1002, 1000};

/* A fresh tree with no archive, after freeing every page of the last. */
static inline void fresh_vfs(void)
{
    while (pages_in_use > 0)
        free(live_pages[--pages_in_use]);
    pages_left = -1;
    console_length = 0;
    console_output[0] = '\0';
    CHECK_EQ_U64(vfs_init(&vfs, &test_services), 0);
}

/* ---- Client buffers ---- */

struct client {
    uint8_t *bytes;
    size_t size;
    struct client_buffer buffer;
};

static inline int client_copy_to(void *context, uint64_t offset, const void *source, size_t length)
{
    struct client *client = context;
    if (offset > client->size || length > client->size - offset)
        return -LINUX_EFAULT;
    memcpy(client->bytes + offset, source, length);
    return 0;
}

static inline int client_copy_from(void *context, uint64_t offset, void *destination, size_t length)
{
    struct client *client = context;
    if (offset > client->size || length > client->size - offset)
        return -LINUX_EFAULT;
    memcpy(destination, client->bytes + offset, length);
    return 0;
}

static inline const struct client_buffer *client(struct client *client, void *bytes, size_t size)
{
    client->bytes = bytes;
    client->size = size;
    client->buffer = (struct client_buffer){client_copy_to, client_copy_from, client};
    return &client->buffer;
}

/* ---- Shorthands: C strings for paths, results as int64 ---- */

static inline int64_t open_as(const struct vfs_credentials *who, uint64_t directory, const char *path,
                       uint64_t flags, uint32_t mode)
{
    uint64_t handle = 0;
    int error = vfs_open(&vfs, who, directory, path, strlen(path), flags, mode, &handle);
    if (error != 0)
        return error;
    CHECK(handle != 0);
    return (int64_t)handle;
}

static inline int64_t open_path(const char *path, uint64_t flags, uint32_t mode)
{
    return open_as(&root, VFS_ROOT_DIRECTORY, path, flags, mode);
}

static inline int64_t write_text(uint64_t handle, const char *text)
{
    struct client window;
    return vfs_write(&vfs, handle, client(&window, (void *)text, strlen(text)), strlen(text));
}

static inline int64_t read_into(uint64_t handle, char *bytes, size_t size)
{
    struct client window;
    return vfs_read(&vfs, handle, client(&window, bytes, size), size);
}

static inline int mkdir_as(const struct vfs_credentials *who, const char *path, uint32_t mode)
{
    return vfs_mkdir(&vfs, who, VFS_ROOT_DIRECTORY, path, strlen(path), mode);
}

static inline int unlink_as(const struct vfs_credentials *who, const char *path, uint64_t flags)
{
    return vfs_unlink(&vfs, who, VFS_ROOT_DIRECTORY, path, strlen(path), flags);
}

static inline int rename_as(const struct vfs_credentials *who, const char *from, const char *to)
{
    return vfs_rename(&vfs, who, VFS_ROOT_DIRECTORY, from, strlen(from), VFS_ROOT_DIRECTORY, to,
                      strlen(to));
}

static inline int stat_path(const char *path, struct linux_stat *stat)
{
    return vfs_stat(&vfs, &root, VFS_ROOT_DIRECTORY, path, strlen(path), 0, stat);
}

static inline int access_as(const struct vfs_credentials *who, const char *path, uint32_t mode)
{
    return vfs_access(&vfs, who, VFS_ROOT_DIRECTORY, path, strlen(path), mode, 0);
}

static inline int64_t file_size(const char *path)
{
    struct linux_stat stat;
    int error = stat_path(path, &stat);
    return error != 0 ? error : stat.st_size;
}

/* Creates a file in /tmp with the text, as `who`, and closes it. */
static inline void make_file_as(const struct vfs_credentials *who, const char *path, const char *text,
                         uint32_t mode)
{
    int64_t handle = open_as(who, VFS_ROOT_DIRECTORY, path,
                             LINUX_O_WRONLY | LINUX_O_CREAT | LINUX_O_EXCL, mode);
    CHECK(handle > 0);
    if (handle <= 0)
        return;
    CHECK_EQ_U64(write_text((uint64_t)handle, text), strlen(text));
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)handle), 0);
}

/* ---- CPIO newc archives ---- */

struct cpio {
    uint8_t bytes[1 << 16];
    size_t length;
};

static inline void cpio_pad(struct cpio *archive)
{
    while (archive->length % 4 != 0)
        archive->bytes[archive->length++] = 0;
}

/* An entry that is one of links hard links of inode (links 1: none). */
static inline void cpio_add_link(struct cpio *archive, const char *name, uint32_t mode,
                                 const char *data, uint32_t mtime, uint32_t inode, uint32_t links)
{
    size_t data_length = data != NULL ? strlen(data) : 0;
    char header[128];
    snprintf(header, sizeof(header),
             "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", inode, mode, 7u, 7u,
             links, mtime, (unsigned)data_length, 0u, 0u, 0u, 0u, (unsigned)(strlen(name) + 1),
             0u);
    memcpy(archive->bytes + archive->length, header, 110);
    archive->length += 110;
    memcpy(archive->bytes + archive->length, name, strlen(name) + 1);
    archive->length += strlen(name) + 1;
    cpio_pad(archive);
    if (data_length > 0)
        memcpy(archive->bytes + archive->length, data, data_length);
    archive->length += data_length;
    cpio_pad(archive);
}

static inline void cpio_add(struct cpio *archive, const char *name, uint32_t mode, const char *data,
                            uint32_t mtime)
{
    cpio_add_link(archive, name, mode, data, mtime, 0, 1);
}

static inline void cpio_finish(struct cpio *archive)
{
    cpio_add(archive, "TRAILER!!!", 0, NULL, 0);
}

#endif
