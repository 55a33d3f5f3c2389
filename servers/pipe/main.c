/*
 * The pipe server: pipes and FIFOs for every process
 * (sys/protocol/pipe.h, docs/protocols/pipe.md). The state machine lives
 * in core.c, transfer.c and waiters.c; this file binds it to the server
 * runtime (sys/server.h) and the file protocol (sys/file_server.h).
 *
 * Badges say who speaks: PIPE_SESSION_FLAG with a pid, uid and gid a
 * process's session (PIPE_CREATE), PIPE_FIFO_BADGE(node) a FIFO vfs handed out
 * (PIPE_OPEN_FIFO); any other badge is an end's handle (the file protocol
 * and the rest of pipe.h), which the core checks.
 *
 * A call that must wait keeps its caller's reply object: it is the
 * caller's handle in the core (a deferred reply). Bytes move through the
 * caller's message window 0, straight between it and the ring's pages,
 * or for FILE_READ_SMALL and FILE_WRITE_SMALL in the message registers
 * (file.h): no window copy at all, and up to 24 bytes a message the
 * kernel's fast path takes. A caller that vanished is seen when a window
 * copy or the Reply says TERN_CALLER_GONE (or a copy of nothing, when
 * pruning).
 *
 * Interruption: a signal ends a blocked caller's call in the kernel
 * (TCB_Interrupt) unless the server is answering it right then; its reply
 * object is then unbound, and the core drops the waiter when it next runs
 * it or prunes. Nothing is lost: a copy through the caller's window
 * claims the caller before the server commits anything, and a small
 * call's change waits until its Reply was delivered. A write that waits
 * again with bytes in leaves their count with the reply object
 * (record_progress), which is what the interrupted write returns.
 */
#include "core.h"

#include "sys/counter.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/memory.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_services.h"
#include "sys/syscall.h"

/* Every end of every pipe and FIFO open at once, whoever holds it: four
 * processes' worth at the highest RLIMIT_NOFILE (LINUX_MAX_FDS). A
 * process may hold LINUX_MAX_FDS of them, a user but root half
 * (core.h, PIPE_PROCESS_ENDS; docs/limits.md). */
#define END_CAPACITY (4 * LINUX_MAX_FDS)
/* Callers the server keeps waiting at once. */
#define WAITER_CAPACITY 256
/* st_dev of anonymous pipes: Linux's pipefs is an anonymous device too. */
#define PIPE_DEVICE 12
#define FIFO_MODE (LINUX_S_IFIFO | 0600)

static struct pipe_end ends[END_CAPACITY];
static struct pipe_server server;

/* The request being decided: its copies report a vanished caller. */
static struct server_request *current;

_Static_assert(FILE_SMALL_REGISTERS(FILE_SMALL_MAX) <= TERN_MSG_MAX_LENGTH,
               "a small call fits the message registers");

/* A small call's bytes, packed from register 1 on (file.h): in the
 * request's registers, a small write's as they came and a small read's
 * as its answer sends them. */
static uint8_t *small_bytes(uint64_t *mr)
{
    return (uint8_t *)&mr[1];
}

/* A write's answer: the result, and the SIGPIPE mark. */
static enum server_outcome answer_result(struct server_request *request, int64_t result,
                                         bool sigpipe)
{
    request->mr[0] = (uint64_t)result;
    request->mr[1] = sigpipe ? PIPE_REPLY_SIGPIPE : 0;
    request->answer = tern_message(0, 0, 2);
    return SERVER_ANSWER;
}

/* A small read's answer: the result, then the bytes already in place. */
static tern_message_info small_read_answer(uint64_t *mr, int64_t result)
{
    mr[0] = (uint64_t)result;
    return tern_message(0, 0, FILE_SMALL_REGISTERS(result > 0 ? (uint64_t)result : 0));
}

/* ---- The core's services ---- */

static int copy_result(uint64_t reply, enum tern_error error)
{
    if (error == TERN_OK)
        return 0;
    if (error != TERN_CALLER_GONE)
        return -LINUX_EFAULT;
    if (reply == current->reply)
        current->caller_gone = true;
    return PIPE_COPY_GONE;
}

static int copy_from_caller(void *context, uint64_t reply, uint64_t offset, void *destination,
                            uint64_t length)
{
    (void)context;
    uint64_t copied;
    return copy_result(reply, tern_reply_read_window(reply, 0, offset, length,
                                                     (uint64_t)destination, &copied));
}

static int copy_to_caller(void *context, uint64_t reply, uint64_t offset, const void *source,
                          uint64_t length)
{
    (void)context;
    uint64_t copied;
    return copy_result(reply, tern_reply_write_window(reply, 0, offset, length,
                                                      (uint64_t)source, &copied));
}

/* The Reply says whether the caller was still there: nobody is probed
 * first, and the core changes the pipe for a small call only if so. */
static bool answer_waiter(void *context, uint64_t reply, const struct pipe_answer *answer)
{
    (void)context;
    /* Only the registers the answer sends are set (a small read's bytes
     * fill up to 63 of them). */
    uint64_t mr[TERN_MSG_MAX_LENGTH];
    mr[0] = (uint64_t)answer->result;
    mr[1] = answer->sigpipe ? PIPE_REPLY_SIGPIPE : 0;
    tern_message_info info = tern_message(0, 0, 2);
    if (answer->bytes) {
        /* Mostly a few bytes: a loop, cheaper than a call to memcpy. */
        uint64_t count = answer->result > 0 ? (uint64_t)answer->result : 0;
        uint8_t *bytes = small_bytes(mr);
        for (uint64_t i = 0; i < count; i++)
            bytes[i] = answer->bytes[i];
        info = small_read_answer(mr, answer->result);
    } else if (answer->end) {
        if (server_make_capability(SERVER_SLOT_ENDPOINT, SERVER_DESCRIPTOR_RIGHTS, answer->end)) {
            info = tern_message(0, 1, 2);
        } else {
            pipe_close(&server, answer->end);
            mr[0] = (uint64_t)-LINUX_ENFILE;
        }
    }
    return server_answer_deferred(reply, info, mr);
}

/* A write waits again with bytes in: if a signal ends its wait, the
 * caller's write returns their count (the kernel keeps it with the reply). */
static void record_progress(void *context, uint64_t reply, uint64_t done)
{
    (void)context;
    tern_reply_set_interrupted_result(reply, done);
}

/* Every reply object is taken: drop the waiters whose callers vanished. */
static void prune(void)
{
    pipe_prune(&server);
}

/* ---- The file protocol on an end ---- */

/* Runs a data call: false if its caller now waits (its reply object is
 * the core's handle), else true with the result. */
static bool finished(struct server_request *request,
                     int64_t (*operation)(struct pipe_server *, struct pipe_request *),
                     struct pipe_request *data, int64_t *result)
{
    data->caller = request->reply;
    data->may_wait = server_can_defer();
    *result = operation(&server, data);
    return *result != PIPE_QUEUED;
}

/* A read, write, splice or tee: answered now, or deferred when it waits. */
static enum server_outcome data_call(struct server_request *request,
                                     int64_t (*operation)(struct pipe_server *,
                                                          struct pipe_request *),
                                     struct pipe_request *data)
{
    int64_t result;
    if (!finished(request, operation, data, &result))
        return SERVER_DEFER;
    return answer_result(request, result, data->sigpipe);
}

static enum server_outcome read_end(struct server_request *request)
{
    struct pipe_request data = {.end = request->badge, .length = request->mr[0]};
    return data_call(request, pipe_read, &data);
}

static enum server_outcome write_end(struct server_request *request)
{
    struct pipe_request data = {.end = request->badge, .length = request->mr[0]};
    return data_call(request, pipe_write, &data);
}

/* The bytes read go straight into the answer's registers. */
static enum server_outcome read_end_small(struct server_request *request)
{
    struct pipe_request data = {.end = request->badge, .length = request->mr[0],
                                .bytes = small_bytes(request->mr)};
    if (data.length > FILE_SMALL_MAX)
        return server_answer(request, -LINUX_EINVAL);
    int64_t result;
    if (!finished(request, pipe_read, &data, &result))
        return SERVER_DEFER;
    request->answer = small_read_answer(request->mr, result);
    return SERVER_ANSWER;
}

static enum server_outcome write_end_small(struct server_request *request)
{
    struct pipe_request data = {.end = request->badge, .length = request->mr[0],
                                .bytes = small_bytes(request->mr)};
    if (data.length > FILE_SMALL_MAX ||
        tern_message_length(request->info) < FILE_SMALL_REGISTERS(data.length))
        return server_answer(request, -LINUX_EINVAL);
    return data_call(request, pipe_write, &data);
}

/* Ticks of the virtual counter as the time of day (vfs's clock). */
static void to_time(uint64_t ticks, int64_t *seconds, uint64_t *nanoseconds)
{
    tern_counter_to_wall_clock(ticks, server_boot_info->realtime_seconds,
                               server_boot_info->realtime_counter, seconds, nanoseconds);
}

static enum server_outcome stat_end(struct server_request *request)
{
    struct pipe_status status;
    int64_t error = pipe_status(&server, request->badge, &status);
    if (error != 0)
        return server_answer(request, error);
    struct linux_stat stat = {
        .st_dev = status.fifo ? 0 : PIPE_DEVICE,
        .st_ino = status.identity,
        .st_mode = FIFO_MODE,
        .st_nlink = 1,
        .st_blksize = PIPE_PAGE_SIZE,
    };
    to_time(status.access_time, &stat.st_atime_sec, &stat.st_atime_nsec);
    to_time(status.modify_time, &stat.st_mtime_sec, &stat.st_mtime_nsec);
    to_time(status.change_time, &stat.st_ctime_sec, &stat.st_ctime_nsec);
    return server_answer(request, server_write_window(request, 0, 0, &stat, sizeof stat));
}

/* FIONREAD: the bytes the pipe holds, as an int. */
static enum server_outcome ioctl_end(struct server_request *request)
{
    int64_t held = pipe_bytes_held(&server, request->badge);
    if (held < 0 || request->mr[0] != LINUX_FIONREAD)
        return server_answer(request, held < 0 ? held : -LINUX_ENOTTY);
    int32_t value = (int32_t)held;
    return server_answer(request, server_write_window(request, 0, 0, &value, sizeof value));
}

static int64_t poll_end_now(struct server_request *request, uint32_t events,
                            uint64_t notification, bool *kept)
{
    return pipe_poll(&server, request->badge, events, notification, kept);
}

/* FILE_POLL: a notification (capability 0) is kept only if the end is
 * not ready. */
static enum server_outcome poll_end(struct server_request *request)
{
    return server_answer(request, server_poll(request, poll_end_now));
}

static int64_t get_flags(uint64_t end)
{
    return pipe_get_flags(&server, end);
}

static int set_flags(uint64_t end, uint64_t flags)
{
    return (int)pipe_set_flags(&server, end, (uint32_t)flags);
}

static int retain_end(uint64_t end)
{
    return (int)pipe_retain(&server, end);
}

static int close_end(uint64_t end)
{
    return (int)pipe_close(&server, end);
}

static bool watch_end(uint64_t end, struct watch_target *target)
{
    return pipe_watch_target(&server, end, target);
}

/* FILE_PATH: "pipe:[inode]", as Linux's pipefs names a pipe. A FIFO
 * has a path, which only vfs knows: it is shown by its node, the same
 * way (docs/protocols/pipe.md). */
static int64_t path_end(uint64_t end, char *name)
{
    struct pipe_status status;
    int64_t error = pipe_status(&server, end, &status);
    if (error != 0)
        return error;
    return file_server_path_numbered(name, "pipe:[", status.identity, "]");
}

static const struct file_operations end_operations = {
    .read = read_end,
    .write = write_end,
    .read_small = read_end_small,
    .write_small = write_end_small,
    .stat = stat_end,
    .ioctl = ioctl_end,
    .poll = poll_end,
    .get_flags = get_flags,
    .set_flags = set_flags,
    .retain = retain_end,
    .close = close_end,
    .watch = watch_end,
    .path = path_end,
};
static const struct file_server ends_served = {.operations = &end_operations};

/* ---- The rest of the pipe protocol (the runtime hands the file
 * protocol's requests through an end straight to end_operations) ---- */

/* The output end of PIPE_SPLICE and PIPE_TEE: capability 0, which must
 * be one of our descriptors (the kernel hands those over as badges). */
static uint64_t out_end(const struct server_request *request)
{
    uint64_t end;
    return server_received_badge(request, 0, &end) ? end : 0;
}

/* Whether the request has fewer message registers than its label needs. */
static bool lacks(const struct server_request *request, unsigned registers)
{
    return tern_message_length(request->info) < registers;
}

/* An answer with a new end's descriptor. */
static enum server_outcome answer_end(struct server_request *request, int64_t result,
                                      uint64_t end)
{
    if (result == 0 && !server_give_descriptor(request, SERVER_SLOT_ENDPOINT, end)) {
        pipe_close(&server, end);
        result = -LINUX_ENFILE;
    }
    request->mr[0] = (uint64_t)result;
    request->mr[1] = 0;
    request->answer = tern_message(0, tern_message_caps(request->answer), 2);
    return SERVER_ANSWER;
}

/* splice(2) and tee(2) from end to the end capability 0 names. */
static enum server_outcome splice_call(struct server_request *request,
                                       int64_t (*operation)(struct pipe_server *,
                                                            struct pipe_request *))
{
    struct pipe_request data = {.end = request->badge, .out_end = out_end(request),
                                .length = request->mr[0], .flags = (uint32_t)request->mr[1]};
    return data_call(request, operation, &data);
}

static enum server_outcome handle_end(struct server_request *request)
{
    uint64_t end = request->badge;
    const uint64_t *r = request->mr;
    uint64_t writer = 0;
    switch (tern_message_label(request->info)) {
    case PIPE_GET_SIZE:
        return server_answer(request, pipe_get_size(&server, end));
    case PIPE_SET_SIZE:
        if (lacks(request, 2))
            return server_answer(request, -LINUX_EINVAL);
        return server_answer(request, pipe_set_size(&server, end, (uint32_t)r[0], r[1] != 0));
    case PIPE_SPLICE:
        return lacks(request, 2) ? server_answer(request, -LINUX_EINVAL)
                                 : splice_call(request, pipe_splice);
    case PIPE_TEE:
        return lacks(request, 2) ? server_answer(request, -LINUX_EINVAL)
                                 : splice_call(request, pipe_tee);
    case PIPE_OPEN_WRITER:
        if (lacks(request, 1))
            return server_answer(request, -LINUX_EINVAL);
        return answer_end(request, pipe_open_writer(&server, end, (uint32_t)r[0], &writer),
                          writer);
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

static enum server_outcome handle_session(struct server_request *request)
{
    /* procmgr's notice that a process ended (sys/servers.h, exit_notices):
     * the runtime has dropped the waiters whose callers vanished (prune);
     * the spare records go too, so that what the server holds
     * (SERVER_STATISTICS) is back where it was once the processes are
     * gone. Without the notices, a FIFO's open that a signal ended would
     * be seen only when the FIFO is opened again, which may never happen
     * (the node unlinked): its waiter would keep the pipe, its end and a
     * reply object for good. */
    if (request->badge == SESSION_NOTICE_BADGE(PIPE_SESSION_FLAG)) {
        if (tern_message_label(request->info) == SERVER_PROCESS_ENDED && !lacks(request, 1)) {
            pipe_free_spare_records(&server);
            pipe_process_ended(&server, (uint32_t)request->mr[0]);
        }
        return server_answer(request, 0);
    }
    if (tern_message_label(request->info) != PIPE_CREATE)
        return server_answer(request, -LINUX_ENOSYS);
    if (lacks(request, 1))
        return server_answer(request, -LINUX_EINVAL);
    uint64_t reader = 0;
    int64_t result = pipe_create(&server, (uint32_t)request->mr[0],
                                 SESSION_PROCESS_PID(request->badge),
                                 SESSION_PROCESS_UID(request->badge), &reader);
    return answer_end(request, result, reader);
}

static enum server_outcome handle_fifo(struct server_request *request)
{
    if (tern_message_label(request->info) != PIPE_OPEN_FIFO)
        return server_answer(request, -LINUX_ENOSYS);
    if (lacks(request, 1))
        return server_answer(request, -LINUX_EINVAL);
    uint64_t node = request->badge & ~PIPE_FIFO_FLAG;
    uint64_t end = 0;
    int64_t result = pipe_open_fifo(&server, node, (uint32_t)request->mr[0], request->reply,
                                    server_can_defer(), &end);
    if (result == PIPE_QUEUED)
        return SERVER_DEFER;
    return answer_end(request, result, end);
}

static enum server_outcome handle(struct server_request *request)
{
    current = request;
    if (request->badge & PIPE_SESSION_FLAG)
        return handle_session(request);
    if (request->badge & PIPE_FIFO_FLAG)
        return handle_fifo(request);
    return handle_end(request);
}

static const struct server_config pipe_server = {
    .name = "pipe",
    .id = SERVER_PIPE,
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .descriptors = &ends_served,
    .session_badge_bits = PIPE_SESSION_FLAG | PIPE_FIFO_FLAG,
    .prune = prune,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &pipe_server);
    const struct pipe_services services = {
        .allocate_page = server_allocate_page,
        .free_page = server_free_page,
        .allocate = server_core_allocate,
        .free = server_core_free,
        .copy_from_caller = copy_from_caller,
        .copy_to_caller = copy_to_caller,
        .answer = answer_waiter,
        .caller_waits = server_core_caller_waits,
        .forget = server_core_release_reply,
        .progress = record_progress,
        .notify = server_core_notify,
        .now = server_core_counter,
    };
    pipe_server_init(&server, &services, ends, END_CAPACITY);
    server_run();
}
