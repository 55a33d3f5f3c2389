/*
 * POSIX message queues: mq_open and mq_unlink through the process's
 * session of the mqueue server (LINUX_SLOT_MQUEUE), the rest through the
 * queue's descriptor (sys/protocol/mqueue.h). A queue descriptor is a
 * descriptor like any other: close, dup, poll and fork need nothing
 * here. Checks come in Linux's order (ipc/mqueue.c): the timeout before
 * the descriptor, the descriptor before the sizes.
 */
#include "clock_math.h"
#include "descriptors.h"
#include "limits.h"
#include "mqueue.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "tern/ipc_buffer.h"
#include "sys/linux_abi.h"
#include "sys/protocol/mqueue.h"
#include "sys/protocol/procmgr.h"

/* PATH_MAX: getname's limit; NAME_MAX is the server's. */
#define PATH_MAX 4096
/* SIGEV_THREAD's cookie, read from sigev_value.sival_ptr. */
#define NOTIFY_COOKIE_LENGTH 32
/* The largest message a queue can have (HARD_MSGSIZEMAX): no receive
 * window need be longer. */
#define LARGEST_MESSAGE (16u << 20)

struct linux_mq_attr {
    int64_t flags, max_messages, message_size, messages;
    int64_t reserved[4];
};

/* struct sigevent on arm64: the value, the signal, the kind, then what
 * SIGEV_THREAD needs (64 bytes in all). */
struct linux_sigevent {
    uint64_t value;
    int32_t signal;
    int32_t kind;
    uint8_t rest[48];
};

/* Sets window 0 to the name at user address name: its length, or an
 * errno (-EFAULT, -ENAMETOOLONG past PATH_MAX). Longer than NAME_MAX
 * goes to the server, which answers -ENAMETOOLONG. */
static int64_t name_window(const char *name)
{
    if (!linux_user_range((uint64_t)(uintptr_t)name, 1))
        return -LINUX_EFAULT;
    uint64_t length = 0;
    while (name[length] != 0)
        if (++length >= PATH_MAX)
            return -LINUX_ENAMETOOLONG;
    uint64_t sent = length < 256 ? length : 256;
    linux_set_window(0, (uint64_t)(uintptr_t)name, sent, TERN_WINDOW_READ);
    return (int64_t)sent;
}

/* MQ_OPEN of the name in window 0; with given attributes (O_CREAT and a
 * struct mq_attr: {maxmsg, msgsize}) or the defaults; by_path:
 * MQ_BY_PATH. */
static int64_t open_queue(uint64_t slot, uint64_t length, uint64_t flags, uint64_t mode,
                          const int64_t *attributes, uint64_t by_path)
{
    uint32_t kept = (uint32_t)flags & (LINUX_O_ACCMODE | LINUX_O_CREAT | LINUX_O_EXCL |
                                       LINUX_O_NONBLOCK);
    uint64_t mr[4] = {kept | by_path, linux_apply_umask(mode & 07777), length,
                      linux_message_queue_limit()};
    unsigned registers = 4;
    if (attributes && (flags & LINUX_O_CREAT)) {
        tern_set_mr(4, (uint64_t)attributes[0]);
        tern_set_mr(5, (uint64_t)attributes[1]);
        registers = 6;
    }
    return linux_call_receiving(slot, LINUX_SLOT_MQUEUE, MQ_OPEN, registers, 0, 1, mr);
}

int64_t sys_mq_open(const char *name, uint64_t flags, uint64_t mode,
                    const struct linux_mq_attr *attributes)
{
    struct linux_mq_attr given = {0};
    if (attributes) {
        if (!linux_user_range((uint64_t)(uintptr_t)attributes, sizeof given))
            return -LINUX_EFAULT;
        given = *attributes;
    }
    int64_t length = name_window(name);
    if (length < 0)
        return length;
    /* Every queue descriptor is close-on-exec (Linux's do_mq_open). */
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    int64_t sizes[2] = {given.max_messages, given.message_size};
    int64_t result = open_queue(linux_fd_slot((unsigned)fd), (uint64_t)length, flags, mode,
                                attributes ? sizes : 0, 0);
    return linux_fd_settle((unsigned)fd, result, true);
}

int64_t sys_mq_unlink(const char *name)
{
    int64_t length = name_window(name);
    if (length < 0)
        return length;
    uint64_t mr[4] = {(uint64_t)length, 0, 0, 0};
    return linux_call(LINUX_SLOT_MQUEUE, MQ_UNLINK, 1, 0, 1, mr);
}

/* The name vfs found in a path is at most NAME_MAX bytes, within the
 * path the caller passed. */
static void name_in_path(const char *name, uint64_t length)
{
    linux_set_window(0, (uint64_t)(uintptr_t)name, length, TERN_WINDOW_READ);
}

int64_t linux_mqueue_open_name(uint64_t slot, const char *name, uint64_t length, uint64_t flags,
                               uint64_t mode)
{
    name_in_path(name, length);
    return open_queue(slot, length, flags, mode, 0, MQ_BY_PATH);
}

int64_t linux_mqueue_stat_name(const char *name, uint64_t length, uint64_t access,
                               struct linux_stat *stat)
{
    name_in_path(name, length);
    if (stat)
        linux_set_window(1, (uint64_t)(uintptr_t)stat, sizeof *stat, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {length, access, 0, 0};
    return linux_call(LINUX_SLOT_MQUEUE, MQ_STAT, 2, 0, stat ? 2 : 1, mr);
}

int64_t linux_mqueue_unlink_name(const char *name, uint64_t length)
{
    name_in_path(name, length);
    uint64_t mr[4] = {length | MQ_BY_PATH, 0, 0, 0};
    return linux_call(LINUX_SLOT_MQUEUE, MQ_UNLINK, 1, 0, 1, mr);
}

/* The deadline of an absolute timeout (0: none), or an errno. */
static int64_t deadline_of(const struct linux_timespec *timeout, uint64_t *deadline)
{
    *deadline = 0;
    if (!timeout)
        return 0;
    if (!linux_user_range((uint64_t)(uintptr_t)timeout, sizeof *timeout))
        return -LINUX_EFAULT;
    struct linux_timespec limit = *timeout;
    if (!timespec_is_valid(&limit))
        return -LINUX_EINVAL;
    *deadline = linux_realtime_deadline(&limit);
    return 0;
}

/* A queue call through descriptor fd: another kind of descriptor does
 * not know the label (-ENOSYS), which is Linux's -EBADF. A wait a signal
 * ended is restarted with SA_RESTART, as Linux restarts these calls. */
static int64_t queue_call(int64_t fd, uint64_t label, unsigned registers, unsigned windows,
                          uint64_t mr[4])
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    int64_t result = linux_call((uint64_t)slot, label, registers, 0, windows, mr);
    return result == -LINUX_ENOSYS ? -LINUX_EBADF : result;
}

int64_t sys_mq_timedsend(int64_t fd, const void *message, uint64_t length, uint64_t priority,
                         const struct linux_timespec *timeout)
{
    uint64_t deadline;
    int64_t error = deadline_of(timeout, &deadline);
    if (error < 0)
        return error;
    if ((uint32_t)priority >= 32768)
        return -LINUX_EINVAL;   /* MQ_PRIO_MAX, before the descriptor */
    uint64_t mr[4] = {length, (uint32_t)priority, deadline, 0};
    int64_t result;
    if (length <= MQ_SMALL_MAX) {
        /* The bytes go in the registers (a bad buffer faults here:
         * EFAULT, nothing sent, as Linux's load_msg). */
        if (length && !linux_user_range((uint64_t)(uintptr_t)message, length))
            return -LINUX_EFAULT;
        mr[0] = length | (uint64_t)(uint32_t)priority << 32;
        mr[1] = deadline;
        linux_pack_registers(mr, 2, message, length);
        result = queue_call(fd, MQ_SEND_SMALL, MQ_SMALL_REGISTERS(length), 0, mr);
    } else {
        linux_set_window(0, (uint64_t)(uintptr_t)message,
                         length < LARGEST_MESSAGE ? length : LARGEST_MESSAGE, TERN_WINDOW_READ);
        result = queue_call(fd, MQ_SEND, 3, 1, mr);
    }
    if (result == 0 && (mr[1] & MQ_SEND_NOTIFIED))
        linux_request_uninterrupted(LINUX_SLOT_PROCMGR, PROC_MQ_NOTIFIED, 0, 0, 0, 0, 0);
    return result;
}

int64_t sys_mq_timedreceive(int64_t fd, void *buffer, uint64_t length, uint32_t *priority,
                            const struct linux_timespec *timeout)
{
    uint64_t deadline;
    int64_t error = deadline_of(timeout, &deadline);
    if (error < 0)
        return error;
    if (priority && !linux_user_range((uint64_t)(uintptr_t)priority, sizeof *priority))
        return -LINUX_EFAULT;
    /* Only a message longer than a small one is copied to the window: a
     * buffer that holds no more needs none (and the call takes the
     * kernel's fast path). */
    bool windowed = length > MQ_SMALL_MAX;
    if (windowed)
        linux_set_window(0, (uint64_t)(uintptr_t)buffer,
                         length < LARGEST_MESSAGE ? length : LARGEST_MESSAGE, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {length, deadline, 0, 0};
    int64_t result = queue_call(fd, MQ_RECEIVE, 2, windowed ? 1 : 0, mr);
    if (result < 0)
        return result;
    /* The message is taken: a bad buffer loses it (EFAULT), as on Linux. */
    if (priority)
        *priority = (uint32_t)mr[1];
    if ((uint64_t)result <= MQ_SMALL_MAX) {
        if (result && !linux_user_range((uint64_t)(uintptr_t)buffer, (uint64_t)result))
            return -LINUX_EFAULT;
        linux_unpack_registers(buffer, mr, 2, (uint64_t)result);
    }
    return result;
}

int64_t sys_mq_getsetattr(int64_t fd, const struct linux_mq_attr *wanted,
                          struct linux_mq_attr *old)
{
    struct linux_mq_attr new_attributes = {0};
    if (wanted) {
        if (!linux_user_range((uint64_t)(uintptr_t)wanted, sizeof new_attributes))
            return -LINUX_EFAULT;
        new_attributes = *wanted;
        if (new_attributes.flags & ~(int64_t)LINUX_O_NONBLOCK)
            return -LINUX_EINVAL;
    }
    uint64_t mr[4] = {wanted != 0, (uint64_t)new_attributes.flags, 0, 0};
    int64_t result = queue_call(fd, MQ_ATTRIBUTES, 2, 0, mr);
    if (result < 0 || !old)
        return result;
    if (!linux_user_range((uint64_t)(uintptr_t)old, sizeof *old))
        return -LINUX_EFAULT;
    *old = (struct linux_mq_attr){ .flags = (int64_t)mr[1], .max_messages = (int64_t)mr[2],
                                   .message_size = (int64_t)mr[3],
                                   .messages = (int64_t)tern_get_mr(4) };
    return 0;
}

/* mq_notify: the sigevent's checks here, in Linux's order, then
 * MQ_NOTIFY through the session with the queue's descriptor. SIGEV_THREAD
 * needs a netlink socket, which this system has none of (musl's
 * mq_notify fails to make one first). */
int64_t sys_mq_notify(int64_t fd, const struct linux_sigevent *event)
{
    struct linux_sigevent wanted = {0};
    if (event) {
        if (!linux_user_range((uint64_t)(uintptr_t)event, sizeof wanted))
            return -LINUX_EFAULT;
        wanted = *event;
        if (wanted.kind != LINUX_SIGEV_NONE && wanted.kind != LINUX_SIGEV_SIGNAL &&
            wanted.kind != LINUX_SIGEV_THREAD)
            return -LINUX_EINVAL;
        if (wanted.kind == LINUX_SIGEV_SIGNAL && (uint32_t)wanted.signal > LINUX_NSIG)
            return -LINUX_EINVAL;
        if (wanted.kind == LINUX_SIGEV_THREAD) {
            if (!linux_user_range(wanted.value, NOTIFY_COOKIE_LENGTH))
                return -LINUX_EFAULT;
            return linux_fd_capability(wanted.signal) < 0 ? -LINUX_EBADF : -LINUX_ENOTSOCK;
        }
    }
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    tern_set_cap(0, (uint64_t)slot);
    uint64_t mr[4] = {event != 0, (uint64_t)(int64_t)wanted.kind, (uint64_t)(int64_t)wanted.signal,
                      wanted.value};
    return linux_call(LINUX_SLOT_MQUEUE, MQ_NOTIFY, 4, 1, 0, mr);
}
