/* The file protocol's generic answers: sys/file_server.h. */
#include "sys/file_server.h"
#include "sys/digits.h"
#include "file_server_locks.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"
#include "watch_server.h"

/* Linux's generic ioctl (include/uapi/asm-generic/ioctls.h): O_NONBLOCK
 * on or off, as F_SETFL would set it. */
#define FIONBIO 0x5421

/* What the runtime checks of each label before its operation, by label -
 * FILE_READ: the message registers it needs (the low bits), whether the
 * runtime may answer it itself (CHECKED: FIONBIO, the watch and lock
 * requests) and whether it is a small call, whose length is checked
 * (SMALL), so that the other labels go to their operation after one look
 * at this table. */
#define REGISTERS_NEEDED    0x0f
#define CHECKED             0x10
#define SMALL               0x20
static const uint8_t label_rules[] = {
    [FILE_READ - FILE_READ] = 1,
    [FILE_WRITE - FILE_READ] = 1,
    [FILE_PREAD - FILE_READ] = 2,
    [FILE_PWRITE - FILE_READ] = 2,
    [FILE_SEEK - FILE_READ] = 2,
    [FILE_GETDENTS - FILE_READ] = 1,
    [FILE_SET_FLAGS - FILE_READ] = 1,
    [FILE_IOCTL - FILE_READ] = 2 | CHECKED,
    [FILE_TRUNCATE - FILE_READ] = 1,
    [FILE_POLL - FILE_READ] = 1,
    [FILE_READ_SMALL - FILE_READ] = 1 | SMALL,
    [FILE_WRITE_SMALL - FILE_READ] = 1 | SMALL,
    [FILE_ADD_SEALS - FILE_READ] = 1,
    [FILE_WATCH_BOARD - FILE_READ] = CHECKED,
    [FILE_WATCH - FILE_READ] = CHECKED,
    [FILE_UNWATCH - FILE_READ] = CHECKED,
    [FILE_LOCK - FILE_READ] = 4 | CHECKED,
    [FILE_GET_LOCK - FILE_READ] = 4 | CHECKED,
    [FILE_FLOCK - FILE_READ] = 1 | CHECKED,
    [FILE_PATH - FILE_READ] = 1,
    [FILE_PREAD_SMALL - FILE_READ] = 2 | SMALL,
};

int64_t file_server_flags(const struct file_server *server, uint64_t handle)
{
    if (server->operations->get_flags)
        return server->operations->get_flags(handle);
    return server->files ? file_table_get_flags(server->files, handle) : -LINUX_EBADF;
}

static int set_flags(const struct file_server *server, uint64_t handle, uint64_t flags)
{
    if (server->operations->set_flags)
        return server->operations->set_flags(handle, flags);
    return server->files ? file_table_set_flags(server->files, handle, flags) : -LINUX_EBADF;
}

static int retain(const struct file_server *server, uint64_t handle)
{
    if (server->operations->retain)
        return server->operations->retain(handle);
    return server->files ? file_table_retain(server->files, handle) : -LINUX_EBADF;
}

/* A description about to go (its last reference): epoll's watches of it
 * are told, before its object may go with it. */
static void forget_watches(const struct file_server *server, uint64_t handle)
{
    struct file_description *file = file_table_find(server->files, handle);
    struct watch_target target;
    if (file && file->references == 1 && server->operations->watch &&
        server->operations->watch(handle, &target))
        watch_list_forget(target.list, handle);
}

/* FILE_CLOSE; named_pid: the closer said which process it is (pid). */
static int close_description(const struct file_server *server, uint64_t handle,
                             bool named_pid, uint32_t pid)
{
    if (server->operations->close)
        return server->operations->close(handle);
    if (!server->files)
        return -LINUX_EBADF;
    struct file_description *file = file_table_find(server->files, handle);
    if (file && named_pid)
        file_server_locks_process_closing(file->object, pid);
    forget_watches(server, handle);
    void *last;
    int result = file_table_close(server->files, handle, &last);
    if (last && server->operations->release)
        server->operations->release(last);
    return result;
}

/* An operation the file does not have: error, once the OFD is known to
 * exist. */
static enum server_outcome lacking(const struct file_server *server,
                                   struct server_request *request, int64_t error)
{
    int64_t flags = file_server_flags(server, request->badge);
    return server_answer(request, flags < 0 ? flags : error);
}

/* No seals to add: but Linux refuses a description not open for writing
 * before it looks at the file. */
static enum server_outcome add_seals_lacking(const struct file_server *server,
                                             struct server_request *request)
{
    int64_t flags = file_server_flags(server, request->badge);
    if (flags < 0)
        return server_answer(request, flags);
    bool writable = file_flags_writable((uint32_t)flags);
    return server_answer(request, writable ? -LINUX_EINVAL : -LINUX_EPERM);
}

/* FIONBIO: the int its argument points at says on or off. */
static enum server_outcome set_nonblocking(const struct file_server *server,
                                           struct server_request *request)
{
    int64_t flags = file_server_flags(server, request->badge);
    if (flags < 0)
        return server_answer(request, flags);
    int32_t on;
    if (server_read_window(request, 0, 0, &on, sizeof on) != 0)
        return server_answer(request, -LINUX_EFAULT);
    uint64_t changed = on ? (uint64_t)flags | LINUX_O_NONBLOCK
                          : (uint64_t)flags & ~(uint64_t)LINUX_O_NONBLOCK;
    return server_answer(request, set_flags(server, request->badge, changed));
}

/* The anonymous inode Linux's eventfd, timerfd, epoll... descriptors
 * show: one for them all, made at boot by root. */
static enum server_outcome stat_anonymous(const struct file_server *server,
                                          struct server_request *request)
{
    int64_t flags = file_server_flags(server, request->badge);
    if (flags < 0)
        return server_answer(request, flags);
    struct linux_stat stat = {
        .st_dev = FILE_ANONYMOUS_DEVICE,
        .st_ino = FILE_ANONYMOUS_INODE,
        .st_mode = 0600,
        .st_nlink = 1,
        .st_blksize = 4096,
    };
    return server_answer(request, server_write_window(request, 0, 0, &stat, sizeof stat));
}

int64_t file_server_path_numbered(char *name, const char *prefix, uint64_t number,
                                  const char *suffix)
{
    int64_t length = 0;
    while (*prefix)
        name[length++] = *prefix++;
    length += digits_of(number, 10, &name[length]);
    while (*suffix)
        name[length++] = *suffix++;
    return length;
}

/* FILE_PATH: the server's own name for the OFD, or the anonymous
 * inode's "anon_inode:[kind]". As much as fits in window 0 (MR0 its
 * length) goes there. */
static enum server_outcome answer_path(const struct file_server *server,
                                       struct server_request *request)
{
    static char name[FILE_PATH_MAX];
    int64_t length;
    if (server->operations->path) {
        length = server->operations->path(request->badge, name);
    } else {
        length = file_server_flags(server, request->badge);
        if (length >= 0 && !server->anonymous_name)
            length = -LINUX_ENOSYS;
        if (length >= 0) {
            length = 0;
            for (const char *c = "anon_inode:["; *c; c++)
                name[length++] = *c;
            for (const char *c = server->anonymous_name; *c && length < FILE_PATH_MAX - 1; c++)
                name[length++] = *c;
            name[length++] = ']';
        }
    }
    if (length < 0)
        return server_answer(request, length);
    if (length > FILE_PATH_MAX)
        length = FILE_PATH_MAX;
    uint64_t room = tern_message_windows(request->info) ? request->mr[0] : 0;
    uint64_t copied = (uint64_t)length < room ? (uint64_t)length : room;
    if (copied && server_write_window(request, 0, 0, name, copied) != 0)
        return server_answer(request, -LINUX_EFAULT);
    return server_answer(request, length);
}

static enum server_outcome poll_always_ready(const struct file_server *server,
                                             struct server_request *request)
{
    int64_t flags = file_server_flags(server, request->badge);
    uint64_t ready = FILE_POLLIN | FILE_POLLRDNORM | FILE_POLLOUT | FILE_POLLWRNORM;
    return server_answer(request, flags < 0 ? flags : (int64_t)(request->mr[0] & ready));
}

/* The operation for label, or NULL: operations is the server's table. */
typedef enum server_outcome (*file_operation)(struct server_request *request);

static inline __attribute__((always_inline)) file_operation
operation_for(const struct file_operations *operations, uint64_t label)
{
    switch (label) {
    case FILE_READ: return operations->read;
    case FILE_WRITE: return operations->write;
    case FILE_READ_SMALL: return operations->read_small;
    case FILE_WRITE_SMALL: return operations->write_small;
    case FILE_PREAD: return operations->pread;
    case FILE_PWRITE: return operations->pwrite;
    case FILE_PREAD_SMALL: return operations->pread_small;
    case FILE_SEEK: return operations->seek;
    case FILE_STAT: return operations->stat;
    case FILE_GETDENTS: return operations->getdents;
    case FILE_IOCTL: return operations->ioctl;
    case FILE_TRUNCATE: return operations->truncate;
    case FILE_SYNC: return operations->sync;
    case FILE_POLL: return operations->poll;
    case FILE_GET_SEALS: return operations->get_seals;
    case FILE_ADD_SEALS: return operations->add_seals;
    default: return 0;
    }
}

/* What Linux answers for an operation a file does not have (out of the
 * way of the operations a server has: reads and writes go straight). */
static __attribute__((noinline)) enum server_outcome
generic(const struct file_server *server, struct server_request *request, uint64_t label)
{
    uint64_t handle = request->badge;
    switch (label) {
    case FILE_READ:
    case FILE_WRITE:
    case FILE_TRUNCATE:
    case FILE_SYNC:
        return lacking(server, request, -LINUX_EINVAL);
    case FILE_READ_SMALL:
    case FILE_WRITE_SMALL:
        return lacking(server, request, -LINUX_ENOSYS);
    case FILE_PREAD_SMALL:
        return lacking(server, request,
                       server->operations->pread ? -LINUX_ENOSYS : -LINUX_ESPIPE);
    case FILE_PREAD:
    case FILE_PWRITE:
    case FILE_SEEK:
        return lacking(server, request, -LINUX_ESPIPE);
    case FILE_GETDENTS:
        return lacking(server, request, -LINUX_ENOTDIR);
    case FILE_GET_SEALS:
        return lacking(server, request, -LINUX_EINVAL);
    case FILE_ADD_SEALS:
        return add_seals_lacking(server, request);
    case FILE_IOCTL:
        return lacking(server, request, -LINUX_ENOTTY);
    case FILE_STAT:
        return stat_anonymous(server, request);
    case FILE_POLL:
        return poll_always_ready(server, request);
    case FILE_PATH:
        return answer_path(server, request);
    case FILE_GET_FLAGS:
        return server_answer(request, file_server_flags(server, handle));
    case FILE_SET_FLAGS:
        return server_answer(request, set_flags(server, handle, request->mr[0]));
    case FILE_RETAIN:
        return server_answer(request, retain(server, handle));
    case FILE_CLOSE: {
        bool named_pid = tern_message_length(request->info) >= 1;
        if (server->operations->flush && named_pid)
            server->operations->flush(handle, (uint32_t)request->mr[0]);
        return server_answer(request, close_description(server, handle, named_pid,
                                                        (uint32_t)request->mr[0]));
    }
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

/* Whether a small call's length is one it may have: at most
 * FILE_SMALL_MAX, and a write's bytes all came (file.h). */
static inline bool small_call_fits(const struct server_request *request, uint64_t label)
{
    uint64_t length = request->mr[0];
    if (label == FILE_WRITE_SMALL)
        return length <= FILE_SMALL_MAX &&
               tern_message_length(request->info) >= FILE_SMALL_REGISTERS(length);
    return length <= FILE_SMALL_MAX;
}

/* The operation for a label, or Linux's generic answer without one, after
 * a small call's length is checked. */
static inline __attribute__((always_inline)) enum server_outcome
operate(const struct file_server *server, struct server_request *request, uint64_t label,
        uint8_t rules)
{
    file_operation operation = operation_for(server->operations, label);
    if (operation == NULL)
        return generic(server, request, label);
    if ((rules & SMALL) && !small_call_fits(request, label))
        return server_answer(request, -LINUX_EINVAL);
    return operation(request);
}

/* The CHECKED labels: the runtime answers FIONBIO and the watch and lock
 * requests itself. */
static __attribute__((noinline)) enum server_outcome
handle_checked(const struct file_server *server, struct server_request *request, uint64_t label,
               uint8_t rules)
{
    if (label == FILE_IOCTL && request->mr[0] == FIONBIO)
        return set_nonblocking(server, request);
    if (label >= FILE_WATCH_BOARD && label <= FILE_UNWATCH)
        return watch_server_description_request(server, request);
    if (label >= FILE_LOCK && label <= FILE_FLOCK)
        return file_server_lock_request(server, request);
    return operate(server, request, label, rules);
}

enum server_outcome file_server_handle(const struct file_server *server,
                                       struct server_request *request)
{
    uint64_t label = tern_message_label(request->info);
    if (!file_protocol_label(label))
        return server_answer(request, -LINUX_ENOSYS);
    uint8_t rules = label_rules[label - FILE_READ];
    if (tern_message_length(request->info) < (rules & REGISTERS_NEEDED))
        return server_answer(request, -LINUX_EINVAL);
    if (__builtin_expect(rules & CHECKED, 0))
        return handle_checked(server, request, label, rules);
    return operate(server, request, label, rules);
}
