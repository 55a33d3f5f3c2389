/*
 * The mqueue server: POSIX message queues (sys/protocol/mqueue.h,
 * docs/protocols/mqueue.md). The state machine lives in core.c,
 * transfer.c and queue.c; this file binds it to the server runtime
 * (sys/server.h) and the file protocol (sys/file_server.h).
 *
 * A session (SESSION_PROCESS_BADGE: the caller's pid and credentials)
 * speaks MQ_OPEN, MQ_UNLINK and MQ_NOTIFY; a descriptor (badge: an OFD
 * of the core's file table) the file protocol and the rest; procmgr's
 * notice session (pid 0) MQ_TAKE_NOTICE and SERVER_PROCESS_ENDED. A send or receive
 * that must wait keeps its caller's reply object, which is its handle in
 * the core; messages move through the caller's window 0, once each way
 * (a waiting sender's message is in the server already). Deadlines are
 * kept on the server's notification's timer, set to the earliest.
 */
#include "core.h"

#include "sys/file_server.h"
#include "sys/ipc_namespace.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/memory.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/mqueue.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_services.h"
#include "sys/servers.h"
#include "sys/syscall.h"

/* Callers the server keeps waiting at once. */
#define WAITER_CAPACITY 256
/* st_dev of queues: Linux's mqueue file system is an anonymous device. */
#define MQUEUE_DEVICE 14

static struct mq_core core;

/* The request being decided: its copies report a vanished caller. */
static struct server_request *current;


/* ---- The core's services ---- */

static int copy_result(uint64_t reply, enum tern_error error)
{
    if (error == TERN_OK)
        return 0;
    if (error != TERN_CALLER_GONE)
        return -LINUX_EFAULT;
    if (current && reply == current->reply)
        current->caller_gone = true;
    return MQ_COPY_GONE;
}

static int copy_from_caller(void *context, uint64_t reply, void *destination, uint64_t length)
{
    (void)context;
    uint64_t copied;
    if (length == 0)
        return 0;
    return copy_result(reply, tern_reply_read_window(reply, 0, 0, length,
                                                     (uint64_t)destination, &copied));
}

static int copy_to_caller(void *context, uint64_t reply, const void *source, uint64_t length)
{
    (void)context;
    uint64_t copied;
    /* Even an empty message claims the caller, so it cannot vanish now. */
    return copy_result(reply, tern_reply_write_window(reply, 0, 0, length, (uint64_t)source,
                                                      &copied));
}

/* A small message's bytes, packed from register 2 on (mqueue.h). */
static uint8_t *small_bytes(uint64_t *mr)
{
    return (uint8_t *)&mr[2];
}

/* An answer of result and priority, with a small message's bytes (at
 * most MQ_SMALL_MAX of them) already in place from register 2. */
static tern_message_info receive_answer(uint64_t *mr, int64_t result, uint32_t priority)
{
    mr[0] = (uint64_t)result;
    mr[1] = priority;
    bool small = result >= 0 && result <= MQ_SMALL_MAX;
    return tern_message(0, 0, small ? MQ_SMALL_REGISTERS((uint64_t)result) : 2);
}

static bool answer_waiter(void *context, uint64_t reply, int64_t result, uint32_t priority,
                          const void *bytes, uint64_t length)
{
    (void)context;
    uint64_t mr[TERN_MSG_MAX_LENGTH];
    /* A sender's 0 and an error have no bytes: two registers. */
    if (bytes)
        __builtin_memcpy(small_bytes(mr), bytes, length);
    return server_answer_deferred(reply, receive_answer(mr, result, priority), mr);
}

static void prune(void)
{
    mq_core_prune(&core);
}

/* Keeps the notification's timer on the earliest deadline. */
static void program_timer(void)
{
    server_program_timer(mq_core_earliest_deadline(&core));
}

/* The timer fired: what is due expires, and the timer is set again. */
static void timer_fired(uint64_t word)
{
    (void)word;
    mq_core_expire(&core);
    program_timer();
}

/* ---- A queue descriptor ---- */

static bool lacks(const struct server_request *request, unsigned registers)
{
    return tern_message_length(request->info) < registers;
}

/* MQ_SEND (the message in window 0) and MQ_SEND_SMALL (in registers). */
static enum server_outcome send(struct server_request *request, bool small)
{
    uint64_t length = small ? (uint32_t)request->mr[0] : request->mr[0];
    uint32_t priority = (uint32_t)(small ? request->mr[0] >> 32 : request->mr[1]);
    uint64_t deadline = small ? request->mr[1] : request->mr[2];
    if (small ? length > MQ_SMALL_MAX || lacks(request, MQ_SMALL_REGISTERS(length))
              : lacks(request, 3))
        return server_answer(request, -LINUX_EINVAL);
    bool notified;
    int64_t result = mq_core_send(&core, request->badge, request->reply, length, priority,
                                  deadline, server_can_defer(),
                                  small ? small_bytes(request->mr) : 0, &notified);
    if (result == MQ_QUEUED) {
        if (deadline)
            program_timer();
        return SERVER_DEFER;
    }
    request->mr[0] = (uint64_t)result;
    request->mr[1] = notified ? MQ_SEND_NOTIFIED : 0;
    request->answer = tern_message(0, 0, 2);
    return SERVER_ANSWER;
}

static enum server_outcome receive(struct server_request *request)
{
    if (lacks(request, 2))
        return server_answer(request, -LINUX_EINVAL);
    uint32_t priority = 0;
    int64_t result = mq_core_receive(&core, request->badge, request->reply, request->mr[0],
                                     request->mr[1], server_can_defer(), &priority,
                                     small_bytes(request->mr));
    if (result == MQ_QUEUED) {
        if (request->mr[1])
            program_timer();     /* only a deadline needs the timer */
        return SERVER_DEFER;
    }
    request->answer = receive_answer(request->mr, result, priority);
    return SERVER_ANSWER;
}

static enum server_outcome attributes(struct server_request *request)
{
    if (lacks(request, 2))
        return server_answer(request, -LINUX_EINVAL);
    struct mq_attributes old;
    int result = mq_core_attributes(&core, request->badge, request->mr[0] != 0,
                                    (int64_t)request->mr[1], &old);
    if (result < 0)
        return server_answer(request, result);
    uint64_t *mr = request->mr;
    mr[0] = 0;
    mr[1] = (uint64_t)old.flags;
    mr[2] = (uint64_t)old.max_messages;
    mr[3] = (uint64_t)old.message_size;
    mr[4] = (uint64_t)old.messages;
    request->answer = tern_message(0, 0, 5);
    return SERVER_ANSWER;
}

/* The queue file's status line from offset into window 0, at most the
 * request's length (MR0): the bytes given, or -errno. */
static int64_t copy_status(struct server_request *request, uint64_t offset)
{
    char line[MQ_STATUS_SIZE];
    int64_t length = mq_core_status(&core, request->badge, line);
    if (length < 0)
        return length;
    uint64_t from = offset < (uint64_t)length ? offset : (uint64_t)length;
    uint64_t count = (uint64_t)length - from;
    if (count > request->mr[0])
        count = request->mr[0];
    int error = server_write_window(request, 0, 0, line + from, count);
    return error < 0 ? error : (int64_t)count;
}

/* FILE_READ: from the description's position, which moves on: a second
 * read gives what the first left (nothing, after the whole line). */
static enum server_outcome read_status(struct server_request *request)
{
    struct file_description *file = file_table_find(&core.files, request->badge);
    int64_t count = copy_status(request, file ? file->position : 0);
    if (count > 0)
        file->position += (uint64_t)count;
    return server_answer(request, count);
}

static int64_t poll_queue_now(struct server_request *request, uint32_t events,
                              uint64_t notification, bool *kept)
{
    return mq_core_poll(&core, request->badge, events, notification, kept);
}

static enum server_outcome poll_queue(struct server_request *request)
{
    return server_answer(request, server_poll(request, poll_queue_now));
}

/* FILE_PREAD: from an offset, as Linux's read of the queue's file at a
 * position. */
static enum server_outcome pread_status(struct server_request *request)
{
    int64_t offset = (int64_t)request->mr[1];
    if (offset < 0 && file_table_find(&core.files, request->badge))
        return server_answer(request, -LINUX_EINVAL);
    return server_answer(request, copy_status(request, (uint64_t)offset));
}

/* A queue's inode in Linux's mqueue file system: a regular file of 80
 * bytes (FILENT_SIZE) with its creator's ids and mode. */
static struct linux_stat status_of(const struct mq_object *object)
{
    return (struct linux_stat){
        .st_dev = MQUEUE_DEVICE,
        .st_ino = object->inode,
        .st_mode = LINUX_S_IFREG | object->mode,
        .st_nlink = object->named ? 1 : 0,
        .st_uid = object->uid,
        .st_gid = object->gid,
        .st_size = 80,
        .st_blksize = 4096,
    };
}

static enum server_outcome stat_queue(struct server_request *request)
{
    struct file_description *file = file_table_find(&core.files, request->badge);
    if (!file)
        return server_answer(request, -LINUX_EBADF);
    struct linux_stat stat = status_of(file->object);
    return server_answer(request, server_write_window(request, 0, 0, &stat, sizeof stat));
}

static bool watch_queue(uint64_t handle, struct watch_target *target)
{
    return mq_core_watch(&core, handle, target);
}

static void release_queue(void *object)
{
    mq_core_release(&core, object);
}

/* Linux's mqueue_flush_file: the owner's close of any descriptor of
 * the queue drops its mq_notify registration. */
static void flush_queue(uint64_t handle, uint32_t pid)
{
    mq_core_notify(&core, handle, (int32_t)pid, false, 0, 0, 0);
}

/* FILE_PATH: the queue's name in its file system, as Linux's d_path of
 * the internal mqueue mount gives it: "/name", and " (deleted)" once
 * unlinked. */
static int64_t path_queue(uint64_t handle, char *name)
{
    struct file_description *file = file_table_find(&core.files, handle);
    if (!file)
        return -LINUX_EBADF;
    const struct mq_object *object = file->object;
    int64_t length = 0;
    name[length++] = '/';
    for (const char *c = object->name; *c; c++)
        name[length++] = *c;
    if (!object->named)
        for (const char *c = " (deleted)"; *c; c++)
            name[length++] = *c;
    return length;
}

static const struct file_operations queue_operations = {
    .read = read_status,
    .pread = pread_status,
    .stat = stat_queue,
    .poll = poll_queue,
    .release = release_queue,
    .watch = watch_queue,
    .flush = flush_queue,
    .path = path_queue,
};
static const struct file_server queues_served = {.operations = &queue_operations,
                                                 .files = &core.files};

/* ---- Sessions ---- */

/* Which processes are in another IPC namespace than the initial one. */
static struct ipc_namespace_members members;

/* The session's process; by_path: the name is /dev/mqueue's (MQ_BY_PATH). */
static struct mq_caller caller_of(const struct server_request *request, bool by_path)
{
    uint32_t pid = SESSION_PROCESS_PID(request->badge);
    return (struct mq_caller){ .pid = (int32_t)pid,
                               .uid = SESSION_PROCESS_UID(request->badge),
                               .gid = SESSION_PROCESS_GID(request->badge),
                               .namespace = by_path ? IPC_NAMESPACE_INITIAL
                                                    : ipc_namespace_of(&members, pid) };
}

/* The name in window 0 (length in register `at`): 0, or an errno. */
static int read_name(struct server_request *request, unsigned at, char *name, uint64_t *length)
{
    *length = request->mr[at];
    if (*length > MQ_NAME_MAX)
        return -LINUX_ENAMETOOLONG;
    return server_read_window(request, 0, 0, name, *length) == 0 ? 0 : -LINUX_EFAULT;
}

static void close_description(uint64_t handle)
{
    void *last;
    file_table_close(&core.files, handle, &last);
    if (last)
        mq_core_release(&core, last);
}

static enum server_outcome open_queue(struct server_request *request)
{
    if (lacks(request, 4))
        return server_answer(request, -LINUX_EINVAL);
    char name[MQ_NAME_MAX];
    uint64_t length;
    int error = read_name(request, 2, name, &length);
    if (error < 0)
        return server_answer(request, error);
    struct mq_caller caller = caller_of(request, request->mr[0] & MQ_BY_PATH);
    caller.queue_limit = request->mr[3];
    int64_t attributes[2] = {(int64_t)request->mr[4], (int64_t)request->mr[5]};
    bool given = tern_message_length(request->info) >= 6;
    uint64_t handle;
    error = mq_core_open(&core, &caller, name, length, (uint32_t)request->mr[0],
                         (uint32_t)request->mr[1], given ? attributes : 0, &handle);
    if (error < 0)
        return server_answer(request, error);
    server_answer(request, 0);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    close_description(handle);
    return server_answer(request, -LINUX_ENFILE);
}

static enum server_outcome unlink_queue(struct server_request *request)
{
    if (lacks(request, 1))
        return server_answer(request, -LINUX_EINVAL);
    char name[MQ_NAME_MAX];
    uint64_t length;
    bool by_path = request->mr[0] & MQ_BY_PATH;
    request->mr[0] &= ~MQ_BY_PATH;
    int error = read_name(request, 0, name, &length);
    if (error < 0)
        return server_answer(request, error);
    struct mq_caller caller = caller_of(request, by_path);
    return server_answer(request, mq_core_unlink(&core, &caller, name, length));
}

/* MQ_STAT: a queue in /dev/mqueue by name, for stat (window 1) and
 * access (MR1). */
static enum server_outcome stat_named(struct server_request *request)
{
    if (lacks(request, 2))
        return server_answer(request, -LINUX_EINVAL);
    char name[MQ_NAME_MAX];
    uint64_t length;
    int error = read_name(request, 0, name, &length);
    if (error < 0)
        return server_answer(request, error);
    struct mq_caller caller = caller_of(request, true);
    const struct mq_object *object;
    error = mq_core_lookup(&core, &caller, name, length, (uint32_t)request->mr[1], &object);
    if (error < 0 || tern_message_windows(request->info) < 2)
        return server_answer(request, error);
    struct linux_stat stat = status_of(object);
    return server_answer(request, server_write_window(request, 1, 0, &stat, sizeof stat));
}

/* MQ_LIST: vfs lists /dev/mqueue. */
static enum server_outcome list_queue(struct server_request *request)
{
    if (lacks(request, 1))
        return server_answer(request, -LINUX_EINVAL);
    const struct mq_object *object = mq_core_next_named(&core, request->mr[0]);
    if (!object)
        return server_answer(request, 0);
    uint64_t length = strlen(object->name);
    int error = server_write_window(request, 0, 0, object->name, length);
    if (error < 0)
        return server_answer(request, error);
    request->mr[0] = length;
    request->mr[1] = object->inode;
    request->answer = tern_message(0, 0, 2);
    return SERVER_ANSWER;
}

/* MQ_NOTIFY: the queue's descriptor comes as capability 0, so the
 * owner is the session's process. */
static enum server_outcome notify_queue(struct server_request *request)
{
    uint64_t handle;
    if (lacks(request, 4))
        return server_answer(request, -LINUX_EINVAL);
    if (!server_received_badge(request, 0, &handle))
        return server_answer(request, -LINUX_EBADF);
    const uint64_t *mr = request->mr;
    int32_t owner = (int32_t)SESSION_PROCESS_PID(request->badge);
    return server_answer(request, mq_core_notify(&core, handle, owner, mr[0] != 0, (int32_t)mr[1],
                                                 (int32_t)mr[2], mr[3]));
}

/* procmgr's notice session: a fired notice to deliver, a process that
 * ended, one in another IPC namespace, a namespace that ended. */
static enum server_outcome handle_notice(struct server_request *request)
{
    uint64_t label = tern_message_label(request->info);
    const uint64_t *mr = request->mr;
    if (label == SERVER_PROCESS_ENDED && !lacks(request, 1)) {
        mq_core_process_ended(&core, (int32_t)mr[0]);
        ipc_namespace_enter(&members, (uint32_t)mr[0], IPC_NAMESPACE_INITIAL);
        return server_answer(request, 0);
    }
    if (label == SERVER_PROCESS_NAMESPACE && !lacks(request, 2)) {
        ipc_namespace_enter(&members, (uint32_t)mr[0], (uint32_t)mr[1]);
        return server_answer(request, 0);
    }
    if (label == SERVER_NAMESPACE_ENDED && !lacks(request, 1)) {
        mq_core_namespace_ended(&core, (uint32_t)mr[0]);
        return server_answer(request, 0);
    }
    if (label != MQ_TAKE_NOTICE)
        return server_answer(request, -LINUX_ENOSYS);
    struct mq_notification notice;
    if (!mq_core_take_notice(&core, &notice))
        return server_answer(request, -LINUX_ENOENT);
    request->mr[0] = 0;
    request->mr[1] = (uint64_t)notice.owner;
    request->mr[2] = (uint64_t)notice.signal;
    request->mr[3] = notice.value;
    request->answer = tern_message(0, 0, 4);
    return SERVER_ANSWER;
}

static enum server_outcome handle(struct server_request *request)
{
    current = request;
    uint64_t label = tern_message_label(request->info);
    if (request->badge == SESSION_NOTICE_BADGE(MQUEUE_SESSION_FLAG))
        return handle_notice(request);
    if (request->badge == MQUEUE_LISTING_BADGE)
        return label == MQ_LIST ? list_queue(request) : server_answer(request, -LINUX_ENOSYS);
    if (request->badge & MQUEUE_SESSION_FLAG) {
        if (label == MQ_OPEN)
            return open_queue(request);
        if (label == MQ_UNLINK)
            return unlink_queue(request);
        if (label == MQ_NOTIFY)
            return notify_queue(request);
        if (label == MQ_STAT)
            return stat_named(request);
        return server_answer(request, -LINUX_ENOSYS);
    }
    switch (label) {
    case MQ_SEND:
        return send(request, false);
    case MQ_SEND_SMALL:
        return send(request, true);
    case MQ_RECEIVE:
        return receive(request);
    case MQ_ATTRIBUTES:
        return attributes(request);
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

/* ---- Settings: /proc/sys/fs/mqueue, per IPC namespace ---- */

enum { QUEUES_MAX, MSG_MAX, MSGSIZE_MAX, SETTINGS };

/* Linux's mq_sysctl.c: queues_max any int, msg_max 1 to HARD_MSGMAX,
 * msgsize_max 128 to HARD_MSGSIZEMAX. */
static const struct server_setting settings[SETTINGS] = {
    [QUEUES_MAX] = {"/proc/sys/fs/mqueue/queues_max", {1, false, -2147483647 - 1, 2147483647}},
    [MSG_MAX] = {"/proc/sys/fs/mqueue/msg_max", {1, false, 1, MQ_HARD_MSGMAX}},
    [MSGSIZE_MAX] = {"/proc/sys/fs/mqueue/msgsize_max", {1, false, 128, MQ_HARD_MSGSIZEMAX}},
};

static uint32_t namespace_of(uint32_t pid)
{
    return ipc_namespace_of(&members, pid);
}

static void get_setting(unsigned index, uint32_t namespace, uint64_t values[])
{
    const struct mq_limits *limits = mq_core_limits(&core, namespace);
    values[0] = (uint64_t)(index == QUEUES_MAX ? limits->queues_max
                           : index == MSG_MAX  ? limits->msg_max
                                               : limits->msgsize_max);
}

static int set_setting(unsigned index, uint32_t namespace, const uint64_t values[],
                       unsigned count)
{
    (void)count;
    struct mq_limits *limits = mq_core_limits_to_change(&core, namespace);
    if (!limits)
        return -LINUX_ENOMEM;
    int64_t value = (int32_t)values[0];
    if (index == QUEUES_MAX)
        limits->queues_max = value;
    else if (index == MSG_MAX)
        limits->msg_max = value;
    else
        limits->msgsize_max = value;
    return 0;
}

static const struct server_settings settings_served = {settings, SETTINGS, namespace_of,
                                                       get_setting, set_setting};

static const struct server_config mqueue_server = {
    .name = "mqueue",
    .id = SERVER_MQUEUE,
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .notified = timer_fired,
    .descriptors = &queues_served,
    .session_badge_bits = MQUEUE_SESSION_FLAG,
    .prune = prune,
    .settings = &settings_served,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &mqueue_server);
    const struct mq_core_services services = {
        /* The core fills in all it allocates, a message's bytes too. */
        .allocate = server_core_allocate_unzeroed,
        .free = server_core_free,
        .allocate_page = server_allocate_page,
        .copy_from_caller = copy_from_caller,
        .copy_to_caller = copy_to_caller,
        .answer = answer_waiter,
        .caller_waits = server_core_caller_waits,
        .forget = server_core_release_reply,
        .notify = server_core_notify,
        .now = server_core_counter,
    };
    mq_core_init(&core, &services);
    server_run();
}
