/*
 * The event server: event descriptors (sys/protocol/event.h,
 * docs/protocols/event.md): eventfd, timerfd and pidfd so far. The state
 * machines live in eventfd.c, timerfd.c and pidfd.c, on what they share
 * (waiters.c); this file binds them to the server runtime (sys/server.h)
 * and the file protocol (sys/file_server.h).
 *
 * A session (SESSION_PROCESS_BADGE: the pid and credentials) makes
 * descriptors, and procmgr's notice session (pid 0) makes pidfds and
 * says which processes ended; any other badge is a descriptor's OFD handle, whose object
 * says its kind, which the file protocol's operations go by. A read or
 * write that must wait keeps its caller's reply object (a deferred
 * reply), which is its handle in the cores. An 8-byte value travels in
 * the message registers (FILE_READ_SMALL, FILE_WRITE_SMALL) or, for a
 * caller whose buffer is not one the personality can touch, through
 * window 0. A caller a signal took away is found when its answer is not
 * delivered: its read or write then changes nothing. The timer wakes the
 * server for the earliest expiry someone waits or polls for.
 */
#include "eventfd.h"
#include "pidfd.h"
#include "timerfd.h"
#include "sys/counter.h"
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
#include "sys/servers.h"
#include "sys/syscall.h"

/* Callers kept waiting at once. */
#define WAITER_CAPACITY 256
#define VALUE_SIZE 8

static struct file_table files;
static struct event_descriptors descriptors;
static struct eventfd_core eventfds;
static struct timerfd_core timerfds;
static struct pidfd_core pidfds;

/* ---- The cores' services ---- */

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

static bool answer_error(void *context, uint64_t reply, int64_t error)
{
    (void)context;
    uint64_t mr[TERN_MSG_REGISTERS] = {(uint64_t)error};
    return server_answer_deferred(reply, tern_message(0, 0, 1), mr);
}

static bool answer_writer(void *context, uint64_t reply)
{
    (void)context;
    uint64_t mr[TERN_MSG_REGISTERS] = {VALUE_SIZE};
    return server_answer_deferred(reply, tern_message(0, 0, 1), mr);
}

static enum event_kind kind_of(const void *object)
{
    return *(const enum event_kind *)object;
}

static void release_object(void *context, void *object)
{
    (void)context;
    event_uncharge(&descriptors, object);
    switch (kind_of(object)) {
    case EVENT_KIND_EVENTFD:
        return eventfd_release(&eventfds, object);
    case EVENT_KIND_TIMERFD:
        return timerfd_release(&timerfds, object);
    case EVENT_KIND_PIDFD:
        return pidfd_release(&pidfds, object);
    case EVENT_KIND_EPOLL:
    case EVENT_KIND_SIGNALFD:
        return heap_free(object);
    }
}

static void program_timer(void)
{
    server_program_timer(timerfd_earliest(&timerfds));
}

static void timer_fired(uint64_t word)
{
    (void)word;
    timerfd_expire(&timerfds);
    program_timer();
}

static void prune(void)
{
    eventfd_prune(&eventfds);
    timerfd_prune(&timerfds);
}

/* ---- The file protocol ---- */

/* The kind of the request's descriptor; 0 for none. */
static enum event_kind request_kind(const struct server_request *request)
{
    struct file_description *file = file_table_find(&files, request->badge);
    return file ? kind_of(file->object) : 0;
}

static enum server_outcome answer_or_wait(struct server_request *request, int64_t result)
{
    return result == EVENT_QUEUED ? SERVER_DEFER : server_answer(request, result);
}

/* A read of an eventfd or a timerfd: the value, or the caller waits
 * (a pidfd is not read: -EINVAL). Eventfds are read most: asked first,
 * as one, which fails with -EBADF for anything else. */
static int64_t read_either(struct server_request *request, bool small, uint64_t *value)
{
    int64_t result = eventfd_read(&eventfds, request->badge, request->reply, small,
                                  request->mr[0], server_can_defer(), value);
    if (result != -LINUX_EBADF)
        return result;
    switch (request_kind(request)) {
    case EVENT_KIND_EVENTFD:
        return result;
    case EVENT_KIND_TIMERFD:
        return timerfd_read(&timerfds, request->badge, request->reply, small, request->mr[0],
                            server_can_defer(), value);
    case EVENT_KIND_PIDFD:
    case EVENT_KIND_EPOLL:
    case EVENT_KIND_SIGNALFD:
        return -LINUX_EINVAL;
    }
    return -LINUX_EBADF;
}

static enum server_outcome read_value(struct server_request *request)
{
    uint64_t value;
    int64_t result = read_either(request, false, &value);
    if (result == VALUE_SIZE) {
        int error = server_write_window(request, 0, 0, &value, VALUE_SIZE);
        return server_answer(request, error < 0 ? error : result);
    }
    if (result == EVENT_QUEUED)
        program_timer();
    return answer_or_wait(request, result);
}

static enum server_outcome read_value_small(struct server_request *request)
{
    uint64_t value;
    int64_t result = read_either(request, true, &value);
    if (result == VALUE_SIZE) {
        request->answer = small_read_answer(request->mr, value);
        return SERVER_ANSWER;
    }
    if (result == EVENT_QUEUED)
        program_timer();
    return answer_or_wait(request, result);
}

/* Only an eventfd is written (a timerfd has no write: -EINVAL). */
static enum server_outcome write_either(struct server_request *request, uint64_t value)
{
    if (request_kind(request) != EVENT_KIND_EVENTFD)
        return server_answer(request, request_kind(request) ? -LINUX_EINVAL : -LINUX_EBADF);
    return answer_or_wait(request, eventfd_write(&eventfds, request->badge, request->reply,
                                                 request->mr[0], value, server_can_defer()));
}

static enum server_outcome write_value(struct server_request *request)
{
    uint64_t value = 0;
    if (request->mr[0] >= VALUE_SIZE && server_read_window(request, 0, 0, &value, VALUE_SIZE))
        return server_answer(request, -LINUX_EFAULT);
    return write_either(request, value);
}

/* The runtime checked the bytes are all there (sys/file_server.h). */
static enum server_outcome write_value_small(struct server_request *request)
{
    return write_either(request, request->mr[1]);
}

static int64_t poll_either(struct server_request *request, uint32_t events,
                           uint64_t notification, bool *kept)
{
    switch (request_kind(request)) {
    case EVENT_KIND_TIMERFD:
        return timerfd_poll(&timerfds, request->badge, events, notification, kept);
    case EVENT_KIND_PIDFD:
        return pidfd_poll(&pidfds, request->badge, events, notification, kept);
    case EVENT_KIND_EPOLL:
    case EVENT_KIND_SIGNALFD:
        return 0;       /* the personality polls these itself */
    default:
        return eventfd_poll(&eventfds, request->badge, events, notification, kept);
    }
}

/* A poll that kept a notification may have set a timer. */
static int64_t poll_keeping(struct server_request *request, uint32_t events,
                            uint64_t notification, bool *kept)
{
    int64_t ready = poll_either(request, events, notification, kept);
    if (notification)
        program_timer();
    return ready;
}

static enum server_outcome poll_value(struct server_request *request)
{
    return server_answer(request, server_poll(request, poll_keeping));
}

/* eventfd's and timerfd's noop_llseek: any seek leaves the position at
 * 0; a pidfd has no llseek at all. */
static enum server_outcome seek_nowhere(struct server_request *request)
{
    enum event_kind kind = request_kind(request);
    if (!kind)
        return server_answer(request, -LINUX_EBADF);
    return server_answer(request, kind == EVENT_KIND_PIDFD ? -LINUX_ESPIPE : 0);
}

/* TFD_IOC_SET_TICKS, the 8-byte count in window 0. */
static enum server_outcome control(struct server_request *request)
{
    if (request_kind(request) != EVENT_KIND_TIMERFD ||
        (uint32_t)request->mr[0] != EVENT_TFD_IOC_SET_TICKS)
        return server_answer(request, request_kind(request) ? -LINUX_ENOTTY : -LINUX_EBADF);
    uint64_t ticks;
    if (server_read_window(request, 0, 0, &ticks, sizeof ticks))
        return server_answer(request, -LINUX_EFAULT);
    return server_answer(request, timerfd_set_ticks(&timerfds, request->badge, ticks));
}

static void release_descriptor(void *object)
{
    release_object(0, object);
}

static uint32_t eventfd_readiness(const void *eventfd) { return eventfd_events(eventfd); }
static uint32_t timerfd_readiness(const void *timerfd) { return timerfd_events(timerfd); }
static uint32_t pidfd_readiness(const void *pidfd) { return pidfd_events(pidfd); }

/* epoll: every kind but an epoll (whose readiness is the personality's)
 * keeps its watches itself. */
static bool watch_value(uint64_t handle, struct watch_target *target)
{
    struct file_description *file = file_table_find(&files, handle);
    if (!file)
        return false;
    switch (kind_of(file->object)) {
    case EVENT_KIND_EVENTFD: {
        struct eventfd *eventfd = file->object;
        *target = (struct watch_target){&eventfd->watches, eventfd, eventfd_readiness};
        return true;
    }
    case EVENT_KIND_TIMERFD: {
        struct timerfd *timerfd = file->object;
        *target = (struct watch_target){&timerfd->watches, timerfd, timerfd_readiness};
        return true;
    }
    case EVENT_KIND_PIDFD: {
        struct pidfd *pidfd = file->object;
        *target = (struct watch_target){&pidfd->watches, pidfd, pidfd_readiness};
        return true;
    }
    default:
        return false;
    }
}

/* FILE_PATH: the anonymous inode of its kind, as Linux names them
 * (anon_inode_getfd's names). */
static int64_t path_of(uint64_t handle, char *name)
{
    struct file_description *file = file_table_find(&files, handle);
    if (!file)
        return -LINUX_EBADF;
    static const char *const kinds[] = {
        [EVENT_KIND_EVENTFD] = "[eventfd]", [EVENT_KIND_TIMERFD] = "[timerfd]",
        [EVENT_KIND_PIDFD] = "[pidfd]", [EVENT_KIND_EPOLL] = "[eventpoll]",
        [EVENT_KIND_SIGNALFD] = "[signalfd]",
    };
    int64_t length = 0;
    for (const char *c = "anon_inode:"; *c; c++)
        name[length++] = *c;
    for (const char *c = kinds[kind_of(file->object)]; *c; c++)
        name[length++] = *c;
    return length;
}

static const struct file_operations event_operations = {
    .read = read_value,
    .write = write_value,
    .read_small = read_value_small,
    .write_small = write_value_small,
    .poll = poll_value,
    .seek = seek_nowhere,
    .ioctl = control,
    .release = release_descriptor,
    .watch = watch_value,
    .path = path_of,
};
static const struct file_server descriptors_served = {.operations = &event_operations,
                                                      .files = &files};

/* ---- A timerfd's own labels ---- */

static enum server_outcome answer_setting(struct server_request *request, int error,
                                          const struct timerfd_setting *setting)
{
    if (error < 0)
        return server_answer(request, error);
    request->mr[0] = 0;
    request->mr[1] = setting->remaining;
    request->mr[2] = setting->interval;
    request->answer = tern_message(0, 0, 3);
    return SERVER_ANSWER;
}

static enum server_outcome set_timer(struct server_request *request)
{
    const uint64_t *mr = request->mr;
    if (tern_message_length(request->info) < 4)
        return server_answer(request, -LINUX_EINVAL);
    struct timerfd_setting old;
    int error = timerfd_settime(&timerfds, request->badge, mr[0] & EVENT_TIMER_ABSTIME,
                                mr[0] & EVENT_TIMER_CANCEL_ON_SET, mr[1],
                                mr[2], mr[3], &old);
    program_timer();
    return answer_setting(request, error, &old);
}

static enum server_outcome get_timer(struct server_request *request)
{
    struct timerfd_setting setting;
    int error = timerfd_gettime(&timerfds, request->badge, &setting);
    return answer_setting(request, error, &setting);
}

/* ---- A pidfd's label ---- */

static enum server_outcome query_pidfd(struct server_request *request)
{
    uint32_t pid;
    bool ended, nonblocking;
    int error = pidfd_query(&pidfds, request->badge, &pid, &ended, &nonblocking);
    if (error < 0)
        return server_answer(request, error);
    uint64_t answer[] = {0, pid, ended, nonblocking};
    return server_answer_values(request, 4, answer);
}

/* ---- Sessions ---- */

/* What a session's caller made (error 0: handle's object) is charged to
 * it and its user (waiters.h), or refused. */
static int charge(const struct server_request *request, int error, uint64_t handle)
{
    if (error < 0)
        return error;
    return event_charge(&descriptors, handle, SESSION_PROCESS_PID(request->badge),
                        SESSION_PROCESS_UID(request->badge));
}

static enum server_outcome give(struct server_request *request, int error, uint64_t handle)
{
    if (error < 0)
        return server_answer(request, error);
    server_answer(request, 0);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    void *last;
    file_table_close(&files, handle, &last);
    if (last)
        release_object(0, last);
    return server_answer(request, -LINUX_ENFILE);
}

static enum server_outcome make_timerfd(struct server_request *request)
{
    uint64_t clock = request->mr[0], handle = 0;
    bool alarm = clock == EVENT_CLOCK_REALTIME_ALARM || clock == EVENT_CLOCK_BOOTTIME_ALARM;
    if (clock != EVENT_CLOCK_REALTIME && clock != EVENT_CLOCK_MONOTONIC &&
        clock != EVENT_CLOCK_BOOTTIME && !alarm)
        return server_answer(request, -LINUX_EINVAL);
    /* CAP_WAKE_ALARM, which root has. */
    if (alarm && SESSION_PROCESS_UID(request->badge) != 0)
        return server_answer(request, -LINUX_EPERM);
    bool wall = clock == EVENT_CLOCK_REALTIME || clock == EVENT_CLOCK_REALTIME_ALARM;
    int error = timerfd_create(&timerfds, wall, (uint32_t)request->mr[1], &handle);
    return give(request, charge(request, error, handle), handle);
}

/* The descriptor of an epoll instance or a signalfd, whose state is the
 * personality's: its id (its handle) in MR1. */
static enum server_outcome make_personal(struct server_request *request, enum event_kind kind,
                                         uint32_t flags)
{
    struct event_object *object = heap_allocate(sizeof *object);
    if (!object)
        return server_answer(request, -LINUX_ENOMEM);
    object->kind = kind;
    uint64_t handle = 0;
    int64_t error = file_table_open(&files, object, LINUX_O_RDWR | flags, &handle);
    if (error < 0) {
        heap_free(object);
        return server_answer(request, error);
    }
    enum server_outcome outcome = give(request, charge(request, 0, handle), handle);
    if (request->mr[0] == 0) {
        request->mr[1] = handle;
        request->answer = tern_message(0, tern_message_caps(request->answer), 2);
    }
    return outcome;
}

/* procmgr's notice session: pidfds, and its notices about processes
 * (only an end matters here). */
static enum server_outcome handle_notice(struct server_request *request)
{
    const uint64_t *mr = request->mr;
    switch (tern_message_label(request->info)) {
    case SERVER_PROCESS_ENDED:
        /* The runtime has dropped the waiters whose callers vanished;
         * their spare records go too, so that what the server holds
         * (SERVER_STATISTICS) is back where it was once processes end. */
        pidfd_process_ended(&pidfds, (uint32_t)mr[0]);
        event_client_ended(&descriptors, (uint32_t)mr[0]);
        event_free_spares(&descriptors);
        return server_answer(request, 0);
    case SERVER_CLOCK_SET:
        timerfd_clock_set(&timerfds, mr[0]);
        program_timer();
        return server_answer(request, 0);
    case SERVER_PROCESS_NAMESPACE:
    case SERVER_NAMESPACE_ENDED:
        return server_answer(request, 0);
    case EVENT_PIDFD: {
        if (tern_message_length(request->info) < 3)
            return server_answer(request, -LINUX_EINVAL);
        uint64_t handle = 0;
        int error = pidfd_create(&pidfds, (uint32_t)mr[0], mr[2] != 0, (uint32_t)mr[1], &handle);
        return give(request, error, handle);
    }
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

static enum server_outcome handle(struct server_request *request)
{
    uint64_t label = tern_message_label(request->info);
    if (!(request->badge & EVENT_SESSION_FLAG)) {
        if (label == EVENT_TIMERFD_SETTIME)
            return set_timer(request);
        if (label == EVENT_TIMERFD_GETTIME)
            return get_timer(request);
        if (label == EVENT_PIDFD_QUERY)
            return query_pidfd(request);
        if (label == EVENT_EPOLL_ID)
            return server_answer(request, request_kind(request) == EVENT_KIND_EPOLL
                                              ? (int64_t)request->badge : -LINUX_EINVAL);
        return server_answer(request, -LINUX_ENOSYS);
    }
    if (request->badge == SESSION_NOTICE_BADGE(EVENT_SESSION_FLAG))
        return handle_notice(request);
    if (tern_message_length(request->info) < 2)
        return server_answer(request, -LINUX_EINVAL);
    if (label == EVENT_TIMERFD)
        return make_timerfd(request);
    if (label == EVENT_EPOLL)
        return make_personal(request, EVENT_KIND_EPOLL, 0);
    if (label == EVENT_SIGNALFD)
        return make_personal(request, EVENT_KIND_SIGNALFD,
                             (uint32_t)request->mr[0] & LINUX_O_NONBLOCK);
    if (label != EVENT_EVENTFD)
        return server_answer(request, -LINUX_ENOSYS);
    uint64_t handle = 0;
    int error = eventfd_create(&eventfds, (uint32_t)request->mr[0], (uint32_t)request->mr[1],
                               &handle);
    return give(request, charge(request, error, handle), handle);
}

static const struct server_config event_server = {
    .name = "event",
    .id = SERVER_EVENT,
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .notified = timer_fired,
    .descriptors = &descriptors_served,
    .session_badge_bits = EVENT_SESSION_FLAG,
    .prune = prune,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &event_server);
    file_table_init(&files, server_allocate_page, 0);
    descriptors = (struct event_descriptors){
        .services = {
            .allocate = server_core_allocate,
            .free = server_core_free,
            .answer_reader = answer_reader,
            .answer_writer = answer_writer,
            .answer_error = answer_error,
            .caller_waits = server_core_caller_waits,
            .forget = server_core_release_reply,
            .notify = server_core_notify,
            .release = release_object,
            .now = server_core_counter,
        },
        .files = &files,
    };
    event_accounts_init(&descriptors);
    eventfd_core_init(&eventfds, &descriptors);
    timerfd_core_init(&timerfds, &descriptors);
    timerfds.epoch_offset = tern_counter_epoch_offset(info->realtime_seconds,
                                                      info->realtime_counter);
    pidfd_core_init(&pidfds, &descriptors);
    server_run();
}
