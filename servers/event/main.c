/*
 * The event server: event descriptors (sys/protocol/event.h,
 * docs/protocols/event.md), eventfd so far. The state machine lives in
 * eventfd.c; this file binds it to the server runtime (sys/server.h) and
 * the file protocol (sys/file_server.h).
 *
 * A session (badge: EVENT_SESSION_FLAG and the pid) makes descriptors;
 * any other badge is a descriptor's OFD handle, which speaks the file
 * protocol. A read or write that must wait keeps its caller's reply
 * object (a deferred reply), which is its handle in the core. An 8-byte
 * value travels in the message registers (FILE_READ_SMALL,
 * FILE_WRITE_SMALL) or, for a caller whose buffer is not one the
 * personality can touch, through window 0. A caller a signal took away
 * is found when its answer is not delivered: its read or write then
 * changes nothing.
 */
#include "eventfd.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/memory.h"
#include "sys/protocol/common.h"
#include "sys/protocol/event.h"
#include "sys/protocol/file.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_services.h"
#include "sys/syscall.h"

/* Callers kept waiting at once. */
#define WAITER_CAPACITY 256
#define VALUE_SIZE 8

static struct eventfd_core eventfds;

/* ---- The core's services ---- */

/* A small read's answer: 8, the value in register 1 (file.h's packing). */
static tern_message_info small_read_answer(uint64_t *mr, uint64_t value)
{
    mr[0] = VALUE_SIZE;
    mr[1] = value;
    return tern_message(0, 0, FILE_SMALL_REGISTERS(VALUE_SIZE));
}

static bool answer_reader(void *context, uint64_t reply, bool small, uint64_t value)
{
    (void)context;
    uint64_t mr[TERN_MSG_REGISTERS];
    if (small)
        return server_answer_deferred(reply, small_read_answer(mr, value), mr);
    /* The window claims the caller first; a buffer that faults loses
     * the value, as Linux's eventfd_read does. */
    uint64_t copied;
    enum tern_error error = tern_reply_write_window(reply, 0, 0, VALUE_SIZE,
                                                    (uint64_t)&value, &copied);
    if (error == TERN_CALLER_GONE) {
        server_release_reply(reply);
        return false;
    }
    mr[0] = error == TERN_OK ? VALUE_SIZE : (uint64_t)-LINUX_EFAULT;
    server_answer_deferred(reply, tern_message(0, 0, 1), mr);
    return true;
}

static bool answer_writer(void *context, uint64_t reply)
{
    (void)context;
    uint64_t mr[TERN_MSG_REGISTERS] = {VALUE_SIZE};
    return server_answer_deferred(reply, tern_message(0, 0, 1), mr);
}

static void prune(void)
{
    eventfd_prune(&eventfds);
}

/* ---- The file protocol on an eventfd ---- */

static enum server_outcome answer_or_wait(struct server_request *request, int64_t result)
{
    return result == EVENTFD_QUEUED ? SERVER_DEFER : server_answer(request, result);
}

static enum server_outcome read_value(struct server_request *request)
{
    uint64_t value;
    int64_t result = eventfd_read(&eventfds, request->badge, request->reply, false,
                                  request->mr[0], server_can_defer(), &value);
    if (result == VALUE_SIZE) {
        int error = server_write_window(request, 0, 0, &value, VALUE_SIZE);
        return server_answer(request, error < 0 ? error : result);
    }
    return answer_or_wait(request, result);
}

static enum server_outcome read_value_small(struct server_request *request)
{
    uint64_t value;
    int64_t result = eventfd_read(&eventfds, request->badge, request->reply, true,
                                  request->mr[0], server_can_defer(), &value);
    if (result == VALUE_SIZE) {
        request->answer = small_read_answer(request->mr, value);
        return SERVER_ANSWER;
    }
    return answer_or_wait(request, result);
}

static enum server_outcome write_value(struct server_request *request)
{
    uint64_t value = 0;
    if (request->mr[0] >= VALUE_SIZE && server_read_window(request, 0, 0, &value, VALUE_SIZE))
        return server_answer(request, -LINUX_EFAULT);
    return answer_or_wait(request, eventfd_write(&eventfds, request->badge, request->reply,
                                                 request->mr[0], value, server_can_defer()));
}

/* The runtime checked the bytes are all there (sys/file_server.h). */
static enum server_outcome write_value_small(struct server_request *request)
{
    return answer_or_wait(request, eventfd_write(&eventfds, request->badge, request->reply,
                                                 request->mr[0], request->mr[1],
                                                 server_can_defer()));
}

static enum server_outcome poll_value(struct server_request *request)
{
    uint32_t events = (uint32_t)request->mr[0];
    bool kept;
    int64_t ready = eventfd_poll(&eventfds, request->badge, events, 0, &kept);
    if (ready != 0 || !server_received_slot(request, 0))
        return server_answer(request, ready);
    uint64_t notification = server_keep_capability(request, 0);
    if (!notification)
        return server_answer(request, 0);
    ready = eventfd_poll(&eventfds, request->badge, events, notification, &kept);
    if (!kept)
        memory_delete(&server_memory, notification);
    return server_answer(request, ready);
}

/* Linux's noop_llseek: any seek leaves the position at 0. */
static enum server_outcome seek_nowhere(struct server_request *request)
{
    int64_t flags = file_table_get_flags(&eventfds.files, request->badge);
    return server_answer(request, flags < 0 ? flags : 0);
}

static void release_eventfd(void *object)
{
    eventfd_release(&eventfds, object);
}

static const struct file_operations eventfd_operations = {
    .read = read_value,
    .write = write_value,
    .read_small = read_value_small,
    .write_small = write_value_small,
    .poll = poll_value,
    .seek = seek_nowhere,
    .release = release_eventfd,
};
static const struct file_server eventfds_served = {.operations = &eventfd_operations,
                                                   .files = &eventfds.files};

/* ---- Sessions ---- */

static enum server_outcome make_eventfd(struct server_request *request)
{
    if (tern_message_length(request->info) < 2)
        return server_answer(request, -LINUX_EINVAL);
    uint64_t handle;
    int error = eventfd_create(&eventfds, (uint32_t)request->mr[0], (uint32_t)request->mr[1],
                               &handle);
    if (error < 0)
        return server_answer(request, error);
    server_answer(request, 0);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    void *last;
    file_table_close(&eventfds.files, handle, &last);
    if (last)
        eventfd_release(&eventfds, last);
    return server_answer(request, -LINUX_ENFILE);
}

static enum server_outcome handle(struct server_request *request)
{
    if (!(request->badge & EVENT_SESSION_FLAG) ||
        tern_message_label(request->info) != EVENT_EVENTFD)
        return server_answer(request, -LINUX_ENOSYS);
    return make_eventfd(request);
}

static const struct server_config event_server = {
    .name = "event",
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .descriptors = &eventfds_served,
    .session_badge_bits = EVENT_SESSION_FLAG,
    .prune = prune,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &event_server);
    const struct eventfd_services services = {
        .allocate = server_core_allocate,
        .free = server_core_free,
        .allocate_page = server_allocate_page,
        .answer_reader = answer_reader,
        .answer_writer = answer_writer,
        .caller_waits = server_core_caller_waits,
        .forget = server_core_release_reply,
        .notify = server_core_notify,
    };
    eventfd_core_init(&eventfds, &services);
    server_run();
}
