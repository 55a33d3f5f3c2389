/*
 * The System V IPC server: shared memory segments, semaphore sets and
 * message queues (sys/protocol/sysv.h, docs/protocols/sysv.md). The
 * policy lives in the cores (shm.c and shm_attach.c, sem_set.c,
 * sem_operations.c and sem_undo.c, msg.c, on ipc_ids.c); this file binds them to the server runtime
 * (sys/server.h), the file protocol's reference counting
 * (sys/file_server.h) and the memory-object protocol (memory.h).
 *
 * Badges: a session (SESSION_PROCESS_BADGE: the caller's pid and
 * effective ids) speaks sysv.h's labels; SESSION_NOTICE_BADGE (pid 0,
 * procmgr's) only SERVER_PROCESS_ENDED; any other badge is a segment's
 * descriptor (an attach grant or an attachment), which speaks the file
 * protocol (FILE_RETAIN and FILE_CLOSE count attachments) and lends pages.
 *
 * A semop, msgsnd or msgrcv that waits keeps its caller's reply object (a deferred reply),
 * which is the waiter's handle in the core, as the futex server does:
 * deadlines go to the notification's timer, the earliest one always
 * programmed. A signal for a waiting caller ends its call in the kernel;
 * the core then finds it gone when it answers it (and makes nothing), or
 * when the reply objects run out (prune), or when its process ends.
 */
#include "namespaces.h"
#include "procfs.h"
#include "sys/counter.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/memory.h"
#include "sys/protocol/sysv.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_services.h"
#include "sys/server_buffer.h"
#include "sys/servers.h"

/* Callers kept waiting at once (semop, msgsnd, msgrcv). */
#define WAITER_CAPACITY 1024

static struct sysv_namespaces namespaces;
/* The namespace of the session's process, for the request being handled. */
static struct sysv_namespace *here;
/* Descriptors reach their segments through any namespace's core. */
#define DESCRIPTORS (&namespaces.initial.shm)

#define each_namespace(namespace) \
    (struct sysv_namespace *namespace = &namespaces.initial; namespace; \
     namespace = namespace->next)

/* ---- The cores' services ---- */

static int64_t now(void *context)
{
    (void)context;
    int64_t seconds;
    uint64_t nanoseconds;
    tern_counter_to_wall_clock(tern_counter_now(), server_boot_info->realtime_seconds,
                               server_boot_info->realtime_counter, &seconds, &nanoseconds);
    return seconds;
}

/* Waiters are deferred replies. */
static bool answer_waiter(void *context, uint64_t reply, int64_t result)
{
    (void)context;
    uint64_t mr[] = {(uint64_t)result};
    return server_answer_deferred(reply, tern_message(0, 0, 1), mr);
}

/* ---- Semaphores ---- */

/* Keeps the notification's timer on the earliest pending deadline. */
static void program_timer(void)
{
    uint64_t earliest = 0;
    for each_namespace(namespace) {
        uint64_t deadline = sem_earliest_deadline(&namespace->sem);
        if (deadline && (!earliest || deadline < earliest))
            earliest = deadline;
    }
    server_program_timer(earliest);
}

/* The timer fired: what is due expires, and the timer is set again. */
static void timer_fired(uint64_t word)
{
    (void)word;
    for each_namespace(namespace)
        sem_expire(&namespace->sem, tern_counter_now());
    program_timer();
}

/* Every reply object is taken: waiters whose callers vanished give theirs back. */
static void prune(void)
{
    for each_namespace(namespace) {
        sem_prune(&namespace->sem);
        msg_prune(&namespace->msg);
    }
}

static enum server_outcome semaphore_operations(struct server_request *request,
                                                const struct sysv_caller *caller)
{
    static struct sysv_sembuf usual[SYSV_SEMOPM];
    int32_t semid = (int32_t)request->mr[0];
    uint32_t count = (uint32_t)request->mr[1];
    if (count < 1 || semid < 0)
        return server_answer(request, -LINUX_EINVAL);
    if (count > (uint32_t)here->sem.max_operations)    /* the namespace's semopm */
        return server_answer(request, -LINUX_E2BIG);
    /* More than the default SEMOPM (root raised it): a block of their own. */
    struct sysv_sembuf *operations = count <= SYSV_SEMOPM
                                         ? usual : heap_allocate(count * sizeof *operations);
    if (!operations)
        return server_answer(request, -LINUX_ENOMEM);
    int64_t result = 0;
    if (count <= SYSV_SEMOP_INLINE) {
        if (tern_message_length(request->info) < SYSV_SEMOP_FIRST_MR + count)
            result = -LINUX_EINVAL;
        for (uint32_t i = 0; i < count && result == 0; i++)
            operations[i] = sysv_sembuf_unpack(request->mr[SYSV_SEMOP_FIRST_MR + i]);
    } else if (server_read_window(request, 0, 0, operations, count * sizeof *operations)) {
        result = -LINUX_EFAULT;
    }
    if (result == 0)
        result = sem_operate(&here->sem, caller, semid, operations, count, request->mr[2],
                             tern_counter_now(), request->reply, server_can_defer());
    if (operations != usual)
        heap_free(operations);
    if (result == SEM_QUEUED)
        return SERVER_DEFER;
    return server_answer(request, result);
}

static enum server_outcome semaphore_control(struct server_request *request,
                                             const struct sysv_caller *caller)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, sem_control(&here->sem, caller, (int32_t)request->mr[0],
                                              (int32_t)request->mr[1], (int32_t)request->mr[2],
                                              request->mr[3], &buffer));
}

/* ---- Message queues ---- */

/* A message-queue answer: the result; for a received message its type,
 * and a small text from register 2 (a longer one went to the window). */
static tern_message_info message_answer(uint64_t *mr, int64_t result,
                                        const struct msg_message *message)
{
    mr[0] = (uint64_t)result;
    if (result < 0 || !message)
        return tern_message(0, 0, 1);
    mr[1] = (uint64_t)message->type;
    if ((uint64_t)result > SYSV_MSG_SMALL_MAX)
        return tern_message(0, 0, 2);
    __builtin_memcpy(&mr[2], message->text, (uint64_t)result);
    return tern_message(0, 0, SYSV_MSG_SMALL_REGISTERS(2, (uint64_t)result));
}

/* A waiter's answer; a long text goes to its window first (a fault there
 * answers EFAULT, and the message is lost, as Linux's store_msg). */
static bool answer_message_waiter(void *context, uint64_t reply, int64_t result,
                                  const struct msg_message *message)
{
    (void)context;
    if (message && (uint64_t)result > SYSV_MSG_SMALL_MAX) {
        uint64_t copied;
        enum tern_error error = tern_reply_write_window(reply, 0, 0, (uint64_t)result,
                                                        (uint64_t)message->text, &copied);
        if (error == TERN_CALLER_GONE) {
            server_release_reply(reply);
            return false;
        }
        if (error != TERN_OK) {
            result = -LINUX_EFAULT;
            message = 0;
        }
    }
    uint64_t mr[TERN_MSG_MAX_LENGTH];
    return server_answer_deferred(reply, message_answer(mr, result, message), mr);
}

/* msgsnd: a small text in registers from 3, a longer one in window 0. */
static enum server_outcome message_send(struct server_request *request,
                                        const struct sysv_caller *caller)
{
    const uint64_t *mr = request->mr;
    int32_t id = (int32_t)mr[0], flags = (int32_t)(mr[0] >> 32);
    uint64_t length = mr[1];
    int64_t type = (int64_t)mr[2];
    if (length > (uint64_t)here->msg.max_message_size || id < 0 || type < 1)
        return server_answer(request, -LINUX_EINVAL);
    bool small = length <= SYSV_MSG_SMALL_MAX;
    if (small && tern_message_length(request->info) < SYSV_MSG_SMALL_REGISTERS(3, length))
        return server_answer(request, -LINUX_EINVAL);
    struct msg_message *message = msg_new(&here->msg, caller, type, length);
    if (!message)
        return server_answer(request, -LINUX_ENOMEM);
    if (small)
        __builtin_memcpy(message->text, &mr[3], length);
    else if (server_read_window(request, 0, 0, message->text, length) != 0) {
        msg_free(&here->msg, message);
        return server_answer(request, -LINUX_EFAULT);
    }
    int64_t result = msg_send(&here->msg, caller, id, message, flags, request->reply,
                              server_can_defer());
    return result == MSG_QUEUED ? SERVER_DEFER : server_answer(request, result);
}

/* msgrcv: the text back in registers, or to window 0. */
static enum server_outcome message_receive(struct server_request *request,
                                           const struct sysv_caller *caller)
{
    const uint64_t *mr = request->mr;
    int32_t flags = (int32_t)mr[3];
    struct msg_message *message;
    int64_t result = msg_receive(&here->msg, caller, (int32_t)mr[0], mr[1], (int64_t)mr[2], flags,
                                 request->reply, server_can_defer(), &message);
    if (result == MSG_QUEUED)
        return SERVER_DEFER;
    if (result > SYSV_MSG_SMALL_MAX &&
        server_write_window(request, 0, 0, message->text, (uint64_t)result) != 0)
        result = -LINUX_EFAULT;
    request->answer = message_answer(request->mr, result, message);
    if (message && !(flags & SYSV_MSG_COPY))
        msg_free(&here->msg, message);
    return SERVER_ANSWER;
}

static enum server_outcome message_control(struct server_request *request,
                                           const struct sysv_caller *caller)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, msg_control(&here->msg, caller, (int32_t)request->mr[0],
                                              (int32_t)request->mr[1], &buffer));
}

/* ---- Shared memory ---- */

/* A grant for shmat, as capability 0; its size in register 1. */
static enum server_outcome attach(struct server_request *request,
                                  const struct sysv_caller *caller)
{
    uint64_t handle, size;
    int error = shm_attach(&here->shm, caller, (int32_t)request->mr[0], (int32_t)request->mr[1],
                           &handle, &size);
    if (error < 0)
        return server_answer(request, error);
    uint64_t answer[] = {0, size};
    server_answer_values(request, 2, answer);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    shm_close(&here->shm, handle);
    return server_answer(request, -LINUX_ENFILE);
}

static enum server_outcome segment_control(struct server_request *request,
                                           const struct sysv_caller *caller)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, shm_control(&here->shm, caller, (int32_t)request->mr[0],
                                              (int32_t)request->mr[1], request->mr[2],
                                              &buffer));
}

/* ---- Sessions ---- */

/* The registers each session label needs, by label - SYSV_SHMGET. */
static const uint8_t registers_needed[] = {
    [SYSV_SHMGET - SYSV_SHMGET] = 3,
    [SYSV_SHMAT - SYSV_SHMGET] = 2,
    [SYSV_SHMDT - SYSV_SHMGET] = 1,
    [SYSV_SHMCTL - SYSV_SHMGET] = 3,
    [SYSV_SEMGET - SYSV_SHMGET] = 3,
    [SYSV_SEMOP - SYSV_SHMGET] = 3,
    [SYSV_SEMCTL - SYSV_SHMGET] = 4,
    [SYSV_SEM_COUNT - SYSV_SHMGET] = 1,
    [SYSV_MSGGET - SYSV_SHMGET] = 2,
    [SYSV_MSGSND - SYSV_SHMGET] = 3,
    [SYSV_MSGRCV - SYSV_SHMGET] = 4,
    [SYSV_MSGCTL - SYSV_SHMGET] = 2,
    [SYSV_PROCFS - SYSV_SHMGET] = 3,
};

/* SYSV_PROCFS: /proc/sysvipc/<which> from byte `from`, into window 0. */
static enum server_outcome procfs_text(struct server_request *request)
{
    static char text[65536];
    uint64_t which = request->mr[0], from = request->mr[1], room = request->mr[2];
    if (which > SYSV_PROCFS_SHM || tern_message_windows(request->info) < 1)
        return server_answer(request, -LINUX_EINVAL);
    size_t length = sysv_procfs_text(here, which, text, sizeof text);
    if (length > sizeof text)
        length = sizeof text;       /* cut there */
    uint64_t start = from < length ? from : length;
    uint64_t copied = length - start < room ? length - start : room;
    if (copied && server_write_window(request, 0, 0, text + start, copied))
        return server_answer(request, -LINUX_EFAULT);
    return server_answer(request, (int64_t)length);
}

static enum server_outcome handle_session(struct server_request *request)
{
    uint64_t label = tern_message_label(request->info);
    if (label < SYSV_SHMGET || label > SYSV_PROCFS)
        return server_answer(request, -LINUX_ENOSYS);
    if (tern_message_length(request->info) < registers_needed[label - SYSV_SHMGET])
        return server_answer(request, -LINUX_EINVAL);
    const struct sysv_caller caller = {SESSION_PROCESS_PID(request->badge),
                                       SESSION_PROCESS_UID(request->badge),
                                       SESSION_PROCESS_GID(request->badge)};
    here = sysv_namespace_of(&namespaces, caller.pid);
    if (!here)
        return server_answer(request, -LINUX_ENOMEM);
    const uint64_t *mr = request->mr;
    switch (label) {
    case SYSV_SHMGET:
        return server_answer(request,
                             shm_get(&here->shm, &caller, (int32_t)mr[0], mr[1], (int32_t)mr[2]));
    case SYSV_SHMAT:
        return attach(request, &caller);
    case SYSV_SHMDT:
        return server_answer(request, shm_detach(&here->shm, &caller, (int32_t)mr[0]));
    case SYSV_SHMCTL:
        return segment_control(request, &caller);
    case SYSV_SEMGET:
        return server_answer(request, sem_get(&here->sem, &caller, (int32_t)mr[0], (int32_t)mr[1],
                                              (int32_t)mr[2]));
    case SYSV_SEMOP:
        return semaphore_operations(request, &caller);
    case SYSV_SEMCTL:
        return semaphore_control(request, &caller);
    case SYSV_MSGGET:
        return server_answer(request, msg_get(&here->msg, &caller, (int32_t)mr[0], (int32_t)mr[1]));
    case SYSV_MSGSND:
        return message_send(request, &caller);
    case SYSV_MSGRCV:
        return message_receive(request, &caller);
    case SYSV_MSGCTL:
        return message_control(request, &caller);
    case SYSV_PROCFS:
        return procfs_text(request);
    default:
        return server_answer(request, sem_count(&here->sem, (int32_t)mr[0]));
    }
}

/* procmgr's notices through the session of pid 0: a process ended, or
 * one is in another IPC namespace, or a namespace ended. */
static enum server_outcome handle_notice(struct server_request *request)
{
    uint64_t label = tern_message_label(request->info);
    unsigned length = tern_message_length(request->info);
    const uint64_t *mr = request->mr;
    if (label == SERVER_PROCESS_ENDED && length >= 1)
        sysv_namespaces_process_ended(&namespaces, (uint32_t)mr[0]);
    else if (label == SERVER_PROCESS_NAMESPACE && length >= 2)
        sysv_namespaces_process_entered(&namespaces, (uint32_t)mr[0], (uint32_t)mr[1]);
    else if (label == SERVER_NAMESPACE_ENDED && length >= 1)
        sysv_namespaces_ended(&namespaces, (uint32_t)mr[0]);
    else
        return server_answer(request, -LINUX_ENOSYS);
    return server_answer(request, 0);
}

/* ---- Descriptors: grants and attachments ---- */

static int retain_descriptor(uint64_t handle)
{
    return shm_retain(DESCRIPTORS, handle);
}

static int close_descriptor(uint64_t handle)
{
    return shm_close(DESCRIPTORS, handle);
}

static int64_t path_descriptor(uint64_t handle, char *name)
{
    return shm_path(DESCRIPTORS, handle, name);
}

static const struct file_operations segment_operations = {
    .retain = retain_descriptor,
    .close = close_descriptor,
    .path = path_descriptor,
};
static const struct file_server segments_served = {.operations = &segment_operations,
                                                   .files = &namespaces.descriptors.files};

/* MEMORY_MAP through a grant: the attachment goes with the answer. */
static enum server_outcome map_segment(struct server_request *request)
{
    uint64_t identity = 0, attachment = 0;
    int flags = shm_map(DESCRIPTORS, request->badge, (uint32_t)request->mr[2], &identity,
                        &attachment);
    if (flags < 0)
        return server_answer(request, flags);
    if (server_answer_mapping(request, identity, (uint64_t)flags, attachment))
        return SERVER_ANSWER;
    shm_close(DESCRIPTORS, attachment);
    return server_answer(request, -LINUX_ENFILE);
}

/* The page's frame: freeing the page (the segment goes) revokes what was
 * lent. */
static enum server_outcome lend_page(struct server_request *request)
{
    bool write = request->mr[1] & MEMORY_PAGE_WRITE;
    void *page;
    int result = shm_map_page(DESCRIPTORS, request->badge, request->mr[0], write, &page);
    return result < 0 ? server_answer(request, result) : server_answer_page(request, page, write);
}

static enum server_outcome handle(struct server_request *request)
{
    if (!(request->badge & SYSV_SESSION_FLAG))
        return server_memory_request(request, map_segment, lend_page);
    uint64_t label = tern_message_label(request->info);
    enum server_outcome outcome = request->badge == SESSION_NOTICE_BADGE(SYSV_SESSION_FLAG)
                                      ? handle_notice(request)
                                      : handle_session(request);
    /* Only semaphores have deadlines (a notice may end a process's waits). */
    if (label == SYSV_SEMOP || label == SYSV_SEMCTL || label == SERVER_PROCESS_ENDED ||
        label == SERVER_NAMESPACE_ENDED)
        program_timer();
    return outcome;
}

/* ---- Settings: /proc/sys/kernel (procfs.h) ---- */

/* A setting's namespace, made if it is new (the initial one's values
 * stand in without memory for it). */
static void get_setting(unsigned index, uint32_t namespace, uint64_t values[])
{
    struct sysv_namespace *found = sysv_namespace_by_id(&namespaces, namespace);
    sysv_setting_get(found ? found : &namespaces.initial, index, values);
}

static int set_setting(unsigned index, uint32_t namespace, const uint64_t values[],
                       unsigned count)
{
    struct sysv_namespace *found = sysv_namespace_by_id(&namespaces, namespace);
    return found ? sysv_setting_set(found, index, values, count) : -LINUX_ENOMEM;
}

#define INT_MAXIMUM 2147483647
/* Linux's ipc_sysctl.c: shmmax and shmall unsigned longs without bounds,
 * shmmni and msgmni 0 to IPCMNI, msgmax and msgmnb 0 to INT_MAX, sem four
 * ints (semmni checked by set). */
static const struct server_setting settings[SYSV_SETTINGS] = {
    [SYSV_SETTING_SHMMAX] = {"/proc/sys/kernel/shmmax", {1, true, 0, 0}},
    [SYSV_SETTING_SHMALL] = {"/proc/sys/kernel/shmall", {1, true, 0, 0}},
    [SYSV_SETTING_SHMMNI] = {"/proc/sys/kernel/shmmni", {1, false, 0, IPC_IDS_INDEXES}},
    [SYSV_SETTING_MSGMAX] = {"/proc/sys/kernel/msgmax", {1, false, 0, INT_MAXIMUM}},
    [SYSV_SETTING_MSGMNI] = {"/proc/sys/kernel/msgmni", {1, false, 0, IPC_IDS_INDEXES}},
    [SYSV_SETTING_MSGMNB] = {"/proc/sys/kernel/msgmnb", {1, false, 0, INT_MAXIMUM}},
    [SYSV_SETTING_SEM] = {"/proc/sys/kernel/sem", {4, false, -INT_MAXIMUM - 1, INT_MAXIMUM}},
};

static uint32_t namespace_of_process(uint32_t pid)
{
    return ipc_namespace_of(&namespaces.members, pid);
}

static const struct server_settings settings_served = {
    settings, SYSV_SETTINGS, namespace_of_process, get_setting, set_setting};

static const struct server_config sysv_server = {
    .name = "sysv",
    .id = SERVER_SYSV,
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .descriptors = &segments_served,
    .session_badge_bits = SYSV_SESSION_FLAG,
    .notified = timer_fired,
    .prune = prune,
    .lendable_pages = true,
    .settings = &settings_served,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &sysv_server);
    const struct sysv_services services = {
        .allocate_page = server_allocate_page,
        .free_page = server_free_page,
        .allocate = server_core_allocate,
        .allocate_unzeroed = server_core_allocate_unzeroed,
        .free = server_core_free,
        .now = now,
    };
    const struct sem_replies replies = {
        .answer = answer_waiter,
        .waits = server_core_caller_waits,
        .release = server_core_release_reply,
    };
    const struct msg_replies message_replies = {
        .answer = answer_message_waiter,
        .waits = server_core_caller_waits,
        .forget = server_core_release_reply,
    };
    sysv_namespaces_init(&namespaces, &services, &replies, &message_replies,
                         1ULL << server_table[SERVER_SYSV].memory_bits);
    server_run();
}
