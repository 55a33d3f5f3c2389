/*
 * A server's settings served as files (sys/server.h, server_settings):
 * SERVER_SETTING_OPEN through a session makes an open file description
 * of the runtime's own table, whose object is the setting's index and the
 * opener's IPC namespace; the file protocol through its descriptor reads
 * and writes the values as Linux's sysctl files do (sys/setting_text.h).
 *
 * Linux's proc_sys files: a read from position 0 gives the text (as
 * much as fits), a read from anywhere else nothing (end of file); a
 * write at position 0 is parsed, one anywhere else taken and ignored
 * (sysctl_writes_strict); lseek moves the position freely (the size is
 * 0). Writing needs a description open for writing, which only root may
 * open.
 */
#include "server_settings.h"
#include "sys/file_server.h"
#include "sys/file_table.h"
#include "sys/linux_abi.h"
#include "sys/protocol/common.h"
#include "sys/runtime.h"
#include "sys/servers.h"

/* The most of a write Linux looks at (a page less its NUL). */
#define WRITE_MAX 4095
/* st_dev of /proc's files: vfs's /dev mount, which holds /proc. */
#define PROCFS_DEVICE 3

static const struct server_settings *settings;
static enum server_id server;
static struct file_table files;

/* An OFD's object: the setting's index + 1 and its namespace. */
static void *object_of(unsigned index, uint32_t namespace)
{
    return (void *)(uintptr_t)((uint64_t)namespace << 16 | (index + 1));
}

static unsigned index_of(const struct file_description *file, uint32_t *namespace)
{
    uint64_t word = (uint64_t)(uintptr_t)file->object;
    *namespace = (uint32_t)(word >> 16);
    return (unsigned)(word & 0xffff) - 1;
}

void server_settings_init(const struct server_settings *served, enum server_id id)
{
    settings = served;
    server = id;
    file_table_init(&files, server_allocate_page, 0);
}

enum server_outcome server_settings_open(struct server_request *request)
{
    if (tern_message_length(request->info) < 2)
        return server_answer(request, -LINUX_EINVAL);
    uint64_t index = request->mr[0], flags = request->mr[1];
    if (index >= settings->count)
        return server_answer(request, -LINUX_ENOENT);
    if ((flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY && SESSION_PROCESS_UID(request->badge) != 0)
        return server_answer(request, -LINUX_EACCES);
    uint32_t namespace = settings->namespace_of(SESSION_PROCESS_PID(request->badge));
    uint32_t kept = (uint32_t)(flags & (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK)) |
                    LINUX_O_LARGEFILE;
    uint64_t handle;
    int error = file_table_open(&files, object_of((unsigned)index, namespace), kept, &handle);
    if (error < 0)
        return server_answer(request, error);
    server_answer(request, 0);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, SERVER_SETTING_FLAG | handle))
        return SERVER_ANSWER;
    void *last;
    file_table_close(&files, handle, &last);
    return server_answer(request, -LINUX_ENFILE);
}

/* The text a read at position gives, length bytes of it at most, into
 * window 0: the bytes, or -errno. */
static int64_t read_at(struct server_request *request, uint64_t position, uint64_t length)
{
    struct file_description *file = file_table_find(&files, request->badge);
    if (!file || !file_flags_readable(file->flags))
        return -LINUX_EBADF;
    if (position != 0 || length == 0)
        return 0;
    uint32_t namespace;
    unsigned index = index_of(file, &namespace);
    uint64_t values[4];
    char text[SETTING_TEXT_MAX];
    settings->get(index, namespace, values);
    uint64_t count = setting_text_format(&settings->settings[index].format, values, text);
    if (count > length)
        count = length;
    return server_write_window(request, 0, 0, text, count) ? -LINUX_EFAULT : (int64_t)count;
}

/* A write of length bytes (window 0) at position: the bytes taken, or
 * -errno. */
static int64_t write_at(struct server_request *request, uint64_t position, uint64_t length)
{
    struct file_description *file = file_table_find(&files, request->badge);
    if (!file || !file_flags_writable(file->flags))
        return -LINUX_EBADF;
    if (length == 0)
        return 0;
    if (position != 0)
        return (int64_t)length;     /* not at the start: taken, and ignored */
    static char text[WRITE_MAX];
    uint64_t looked_at = length < WRITE_MAX ? length : WRITE_MAX;
    if (server_read_window(request, 0, 0, text, looked_at))
        return -LINUX_EFAULT;
    uint32_t namespace;
    unsigned index = index_of(file, &namespace);
    uint64_t values[4];
    unsigned count;
    int64_t taken = setting_text_parse(&settings->settings[index].format, text, looked_at,
                                       values, &count);
    int error = count ? settings->set(index, namespace, values, count) : 0;
    return taken < 0 ? taken : error < 0 ? error : taken;
}

static enum server_outcome read_setting(struct server_request *request)
{
    struct file_description *file = file_table_find(&files, request->badge);
    int64_t result = read_at(request, file ? file->position : 0, request->mr[0]);
    if (result > 0)
        file->position += (uint64_t)result;
    return server_answer(request, result);
}

static enum server_outcome pread_setting(struct server_request *request)
{
    if ((int64_t)request->mr[1] < 0)
        return server_answer(request, file_table_find(&files, request->badge) ? -LINUX_EINVAL
                                                                              : -LINUX_EBADF);
    return server_answer(request, read_at(request, request->mr[1], request->mr[0]));
}

static enum server_outcome write_setting(struct server_request *request)
{
    struct file_description *file = file_table_find(&files, request->badge);
    int64_t result = write_at(request, file ? file->position : 0, request->mr[0]);
    if (result > 0)
        file->position += (uint64_t)result;
    return server_answer(request, result);
}

static enum server_outcome pwrite_setting(struct server_request *request)
{
    if ((int64_t)request->mr[1] < 0)
        return server_answer(request, file_table_find(&files, request->badge) ? -LINUX_EINVAL
                                                                              : -LINUX_EBADF);
    return server_answer(request, write_at(request, request->mr[1], request->mr[0]));
}

/* default_llseek with a size of 0. */
static enum server_outcome seek_setting(struct server_request *request)
{
    struct file_description *file = file_table_find(&files, request->badge);
    if (!file)
        return server_answer(request, -LINUX_EBADF);
    int64_t offset = (int64_t)request->mr[0], base;
    switch (request->mr[1]) {
    case 0: base = 0; break;
    case 1: base = (int64_t)file->position; break;
    case 2: base = 0; break;
    default: return server_answer(request, -LINUX_EINVAL);
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return server_answer(request, -LINUX_EINVAL);
    file->position = (uint64_t)(base + offset);
    return server_answer(request, base + offset);
}

/* A regular file of mode 0644 owned by root, of size 0, as Linux's. */
static enum server_outcome stat_setting(struct server_request *request)
{
    struct file_description *file = file_table_find(&files, request->badge);
    if (!file)
        return server_answer(request, -LINUX_EBADF);
    uint32_t namespace;
    unsigned index = index_of(file, &namespace);
    struct linux_stat stat = {
        .st_dev = PROCFS_DEVICE,
        .st_ino = 0x10000 + (uint64_t)server * 256 + index,
        .st_mode = LINUX_S_IFREG | 0644,
        .st_nlink = 1,
        .st_blksize = 1024,
    };
    return server_answer(request, server_write_window(request, 0, 0, &stat, sizeof stat));
}

static int64_t path_setting(uint64_t handle, char *name)
{
    struct file_description *file = file_table_find(&files, handle);
    if (!file)
        return -LINUX_EBADF;
    uint32_t namespace;
    const char *path = settings->settings[index_of(file, &namespace)].path;
    int64_t length = 0;
    while (path[length]) {
        name[length] = path[length];
        length++;
    }
    return length;
}

static const struct file_operations setting_operations = {
    .read = read_setting,
    .write = write_setting,
    .pread = pread_setting,
    .pwrite = pwrite_setting,
    .seek = seek_setting,
    .stat = stat_setting,
    .path = path_setting,
};
static const struct file_server settings_served = {.operations = &setting_operations,
                                                   .files = &files};

enum server_outcome server_settings_request(struct server_request *request)
{
    request->badge &= ~SERVER_SETTING_FLAG;
    return file_server_handle(&settings_served, request);
}

uint64_t server_settings_table_pages(void)
{
    return file_table_pages(&files);
}
