/*
 * The unix socket server: AF_UNIX sockets for every process
 * (sys/protocol/unix.h, docs/protocols/unix.md). The state machine lives
 * in core.c, transfer.c and waiters.c; this file binds it to the server
 * runtime (sys/server.h) and the file protocol (sys/file_server.h).
 *
 * Badges say who speaks: a session (UNIX_SESSION_FLAG with the pid, euid
 * and egid: SESSION_BY_PROCESS) makes sockets and binds, listens and
 * connects them, naming the socket by its descriptor as capability 0; a
 * vfs node (UNIX_NODE_FLAG) is never spoken through, only passed on; any
 * other badge is a socket's open file description, which the core's
 * file table checks.
 *
 * A call that must wait keeps its caller's reply object: it is the
 * caller's handle in the core (a deferred reply), through which its
 * windows are still reached (window 0: data; window 1: an address). A
 * caller that vanished is seen when a window copy or the Reply says
 * TERN_CALLER_GONE.
 */
#include "core.h"
#include "timed_callers.h"

#include "sys/counter.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/memory.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/unix.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_services.h"
#include "sys/servers.h"
#include "sys/syscall.h"

/* Callers the server keeps waiting at once. */
#define WAITER_CAPACITY 256
_Static_assert(TIMED_CALLERS_CAPACITY >= WAITER_CAPACITY, "every waiter can be timed");
/* st_dev of sockets: Linux's sockfs is an anonymous device too. */
#define SOCKET_DEVICE 8
#define SOCKET_MODE (LINUX_S_IFSOCK | 0777)
#define SOCKET_BLOCK_SIZE 4096

static struct file_table files;
static struct unix_core core;

/* The request being decided: its copies report a vanished caller. */
static struct server_request *current;
static struct timed_callers timed;      /* SO_RCVTIMEO, SO_SNDTIMEO (below) */

_Static_assert(FILE_SMALL_REGISTERS(FILE_SMALL_MAX) <= TERN_MSG_MAX_LENGTH,
               "a small call fits the message registers");

/* A small call's bytes, packed from register 1 on (file.h): in the
 * request's registers, a small write's as they came and a small read's
 * as its answer sends them. */
static uint8_t *small_bytes(uint64_t *mr)
{
    return (uint8_t *)&mr[1];
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
    if (current && reply == current->reply)
        current->caller_gone = true;
    return UNIX_COPY_GONE;
}

static int copy_from_caller(void *context, uint64_t reply, unsigned window, uint64_t offset,
                            void *destination, uint64_t length)
{
    (void)context;
    uint64_t copied;
    return copy_result(reply, tern_reply_read_window(reply, window, offset, length,
                                                     (uint64_t)destination, &copied));
}

static int copy_to_caller(void *context, uint64_t reply, unsigned window, uint64_t offset,
                          const void *source, uint64_t length)
{
    (void)context;
    uint64_t copied;
    return copy_result(reply, tern_reply_write_window(reply, window, offset, length,
                                                      (uint64_t)source, &copied));
}

/* An accepted socket goes as a descriptor; if none can be made the
 * caller hears -ENFILE and the core puts the connection back (false). */
static bool answer_waiter(void *context, uint64_t reply, const struct unix_answer *answer)
{
    (void)context;
    struct timed_caller *timed_entry = timed_callers_find(&timed, reply);
    if (timed_entry)
        timed_callers_remove(&timed, timed_entry);
    /* Only the registers the answer sends are set (a small read's bytes
     * fill up to 63 of them). */
    uint64_t mr[TERN_MSG_MAX_LENGTH];
    if (answer->bytes) {
        /* Mostly a few bytes: a loop, cheaper than a call to memcpy. */
        uint64_t count = answer->result > 0 ? (uint64_t)answer->result : 0;
        uint8_t *bytes = small_bytes(mr);
        for (uint64_t i = 0; i < count; i++)
            bytes[i] = answer->bytes[i];
        return server_answer_deferred(reply, small_read_answer(mr, answer->result), mr);
    }
    mr[0] = (uint64_t)answer->result;
    for (unsigned i = 0; i < 6; i++)
        mr[1 + i] = answer->values[i];
    tern_message_info info = tern_message(0, 0, answer->registers);
    if (answer->descriptor) {
        if (!server_make_capability(SERVER_SLOT_ENDPOINT, SERVER_DESCRIPTOR_RIGHTS,
                                    answer->descriptor)) {
            mr[0] = (uint64_t)-LINUX_ENFILE;
            server_answer_deferred(reply, info, mr);
            return false;
        }
        info = tern_message(0, 1, answer->registers);
    }
    return server_answer_deferred(reply, info, mr);
}

static void record_progress(void *context, uint64_t reply, uint64_t done)
{
    (void)context;
    struct timed_caller *entry = timed_callers_find(&timed, reply);
    if (entry)
        entry->done = done;
    tern_reply_set_interrupted_result(reply, done);
}

static void prune(void)
{
    current = 0;
    unix_prune(&core);
}

/* ---- SO_RCVTIMEO and SO_SNDTIMEO ----
 *
 * A socket's timeouts are kept in it (core.h's timeout[], set and read
 * here) but the core knows nothing of them: a call that waits on a socket
 * with one gets an entry here with its deadline, and the notification's
 * timer is kept on the earliest. When it fires, prune asks after every
 * waiter: one whose deadline passed is reported gone, and its forgetting
 * answers it instead, with what it had moved (the core's progress) or
 * -EAGAIN, as Linux's sock_rcvtimeo/sock_sndtimeo waits end. Its reply
 * object's interrupted result is -EINTR until it moves bytes, so a
 * signal ends the call with -EINTR, not a restart (Linux's
 * sock_intr_errno for a wait with a timeout). A call on a socket without
 * a timeout costs one look at the socket; one whose timeout is a
 * negative time never waits (Linux's timeo of 0). */
static uint64_t timeout_of(const struct unix_call *call)
{
    struct unix_socket *socket = unix_socket_of(&core, call->handle);
    if (!socket)
        return 0;
    bool receiving = call->kind == UNIX_CALL_RECEIVE || call->kind == UNIX_CALL_ACCEPT;
    return socket->timeout[receiving ? 0 : 1];
}

static void program_timer(void)
{
    server_program_timer(timed_callers_earliest(&timed));
}

/* unix_call for a caller that may wait (registers: its answer's), with
 * the socket's timeout. */
static int64_t call_timed(struct server_request *request, struct unix_call *call,
                          unsigned registers)
{
    uint64_t timeout = timeout_of(call);
    if (timeout == UNIX_TIMEOUT_NOW)
        call->nonblocking = true;
    struct timed_caller *entry = 0;
    if (timeout && timeout != UNIX_TIMEOUT_NOW && call->may_wait) {
        uint64_t deadline = timed_deadline(tern_counter_now(), tern_counter_frequency(), timeout);
        entry = timed_callers_add(&timed, request->reply, deadline, registers);
    }
    int64_t result = unix_call(&core, call);
    if (!entry || entry->reply != request->reply)
        return result;          /* untimed, or answered already */
    if (result != UNIX_QUEUED) {
        timed_callers_remove(&timed, entry);
        return result;
    }
    if (!entry->done)
        tern_reply_set_interrupted_result(request->reply, (uint64_t)-LINUX_EINTR);
    program_timer();
    return result;
}

static void timer_fired(uint64_t word)
{
    (void)word;
    prune();
    program_timer();
}

static bool caller_waits(void *context, uint64_t reply)
{
    struct timed_caller *entry = timed_callers_find(&timed, reply);
    if (entry && entry->deadline <= tern_counter_now()) {
        entry->expired = true;
        return false;
    }
    return server_core_caller_waits(context, reply);
}

/* A waiter the core lets go: one whose time ran out is answered. */
static void forget_caller(void *context, uint64_t reply)
{
    struct timed_caller *entry = timed_callers_find(&timed, reply);
    if (entry && entry->expired) {
        uint64_t mr[TERN_MSG_MAX_LENGTH] = {0};
        mr[0] = entry->done ? entry->done : (uint64_t)-LINUX_EAGAIN;
        unsigned registers = entry->registers;
        timed_callers_remove(&timed, entry);
        server_answer_deferred(reply, tern_message(0, 0, registers), mr);
        return;
    }
    if (entry)
        timed_callers_remove(&timed, entry);
    server_core_release_reply(context, reply);
}

/* ---- Helpers ---- */

static bool lacks(const struct server_request *request, unsigned registers)
{
    return tern_message_length(request->info) < registers;
}

/* SO_PASSCRED: UNIX_RECV's MR4-MR6, marked in MR1. */
static unsigned received_credentials(struct server_request *request,
                                     const struct unix_call *call)
{
    request->mr[1] |= UNIX_RECEIVED_CREDENTIALS;
    request->mr[4] = call->credentials.pid;
    request->mr[5] = call->credentials.uid;
    request->mr[6] = call->credentials.gid;
    return 7;
}

/* A call that may wait: answered now, or deferred. */
static enum server_outcome run(struct server_request *request, struct unix_call *call)
{
    current = request;
    call->caller = request->reply;
    call->may_wait = server_can_defer();
    unsigned answered = call->kind == UNIX_CALL_SEND ? 2
                      : call->kind == UNIX_CALL_RECEIVE && call->message_answer ? 4 : 1;
    int64_t result = call_timed(request, call, answered);
    if (result == UNIX_QUEUED)
        return SERVER_DEFER;
    request->mr[0] = (uint64_t)result;
    unsigned registers = 1;
    if (call->kind == UNIX_CALL_SEND) {
        request->mr[1] = call->sigpipe ? UNIX_REPLY_SIGPIPE : 0;
        registers = 2;
    } else if (call->kind == UNIX_CALL_RECEIVE && call->message_answer) {
        request->mr[1] = call->message_flags;
        request->mr[2] = call->address_length;
        request->mr[3] = call->rights_received;
        registers = 4;
        if (result >= 0 && call->credentials_answer)
            registers = received_credentials(request, call);
    }
    request->answer = tern_message(0, 0, registers);
    if (call->kind == UNIX_CALL_ACCEPT && result == 0 &&
        !server_give_descriptor(request, SERVER_SLOT_ENDPOINT, call->new_handle)) {
        unix_close(&core, call->new_handle);
        return server_answer(request, -LINUX_ENFILE);
    }
    return SERVER_ANSWER;
}

/* An answer with a new socket's descriptor. */
static enum server_outcome give_socket(struct server_request *request, int64_t result,
                                       uint64_t handle)
{
    if (result < 0)
        return server_answer(request, result);
    server_answer(request, 0);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    unix_close(&core, handle);
    return server_answer(request, -LINUX_ENFILE);
}

/* A sockaddr_un of length bytes from window, and the vfs node
 * capability index carries (a path name's). */
static int64_t read_address(struct server_request *request, uint64_t length, unsigned window,
                            unsigned node_index, struct unix_address *address)
{
    *address = (struct unix_address){0};
    if (length > UNIX_ADDRESS_SIZE) {
        /* Linux copies up to a sockaddr_storage, then rejects it. */
        if (length > 128)
            return -LINUX_EINVAL;
        length = UNIX_ADDRESS_SIZE + 1;
    }
    address->length = (uint32_t)length;
    uint64_t bytes = length > UNIX_ADDRESS_SIZE ? UNIX_ADDRESS_SIZE : length;
    if (bytes && server_read_window(request, window, 0, address->bytes, bytes))
        return -LINUX_EFAULT;
    uint64_t badge;
    if (server_received_badge(request, node_index, &badge) && (badge & UNIX_NODE_FLAG) &&
        !(badge & UNIX_SESSION_FLAG))
        address->node = badge & ~UNIX_NODE_FLAG;
    return 0;
}

/* The socket named by capability 0 of a session's call, or 0. */
static uint64_t named_socket(const struct server_request *request)
{
    uint64_t handle;
    if (!server_received_badge(request, 0, &handle) ||
        (handle & (UNIX_SESSION_FLAG | UNIX_NODE_FLAG)))
        return 0;
    return handle;
}

static struct unix_credentials caller_of(const struct server_request *request)
{
    return (struct unix_credentials){SESSION_PROCESS_PID(request->badge),
                                     SESSION_PROCESS_UID(request->badge),
                                     SESSION_PROCESS_GID(request->badge)};
}

/* ---- The file protocol on a socket ---- */

static enum server_outcome read_socket(struct server_request *request)
{
    struct unix_call call = {.kind = UNIX_CALL_RECEIVE, .handle = request->badge,
                             .length = request->mr[0]};
    return run(request, &call);
}

static enum server_outcome write_socket(struct server_request *request)
{
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = request->badge,
                             .length = request->mr[0], .message_answer = true};
    return run(request, &call);
}

/* The bytes read go straight into the answer's registers. A stream
 * socket whose SO_RCVLOWAT asks for more than a byte reads through a
 * window (-ENOSYS sends the client there): its partial reads would wait
 * again with bytes taken. */
static enum server_outcome read_socket_small(struct server_request *request)
{
    struct unix_call call = {.kind = UNIX_CALL_RECEIVE, .handle = request->badge,
                             .length = request->mr[0], .bytes = small_bytes(request->mr)};
    if (call.length > FILE_SMALL_MAX)
        return server_answer(request, -LINUX_EINVAL);
    struct unix_socket *socket = unix_socket_of(&core, request->badge);
    if (socket && socket->receive_lowat > 1 && socket->type == UNIX_STREAM)
        return server_answer(request, -LINUX_ENOSYS);
    current = request;
    call.caller = request->reply;
    call.may_wait = server_can_defer();
    int64_t result = call_timed(request, &call, FILE_SMALL_REGISTERS(0));
    if (result == UNIX_QUEUED)
        return SERVER_DEFER;
    request->answer = small_read_answer(request->mr, result);
    return SERVER_ANSWER;
}

static enum server_outcome write_socket_small(struct server_request *request)
{
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = request->badge,
                             .length = request->mr[0], .message_answer = true,
                             .bytes = small_bytes(request->mr)};
    if (call.length > FILE_SMALL_MAX ||
        tern_message_length(request->info) < FILE_SMALL_REGISTERS(call.length))
        return server_answer(request, -LINUX_EINVAL);
    return run(request, &call);
}

static enum server_outcome stat_socket(struct server_request *request)
{
    struct unix_socket *socket = unix_socket_of(&core, request->badge);
    if (!socket)
        return server_answer(request, -LINUX_EBADF);
    struct linux_stat stat = {
        .st_dev = SOCKET_DEVICE,
        .st_ino = socket->inode,
        .st_mode = SOCKET_MODE,
        .st_nlink = 1,
        .st_uid = socket->credentials.uid,
        .st_gid = socket->credentials.gid,
        .st_blksize = SOCKET_BLOCK_SIZE,
    };
    return server_answer(request, server_write_window(request, 0, 0, &stat, sizeof stat));
}

/* SIOCINQ (FIONREAD) and SIOCOUTQ (TIOCOUTQ), as an int. */
static enum server_outcome ioctl_socket(struct server_request *request)
{
    int64_t amount;
    if (request->mr[0] == LINUX_FIONREAD)
        amount = unix_bytes_readable(&core, request->badge);
    else if (request->mr[0] == LINUX_TIOCOUTQ)
        amount = unix_bytes_unsent(&core, request->badge);
    else
        amount = unix_socket_of(&core, request->badge) ? -LINUX_ENOTTY : -LINUX_EBADF;
    if (amount < 0)
        return server_answer(request, amount);
    int32_t value = (int32_t)amount;
    return server_answer(request, server_write_window(request, 0, 0, &value, sizeof value));
}

static int64_t poll_socket_now(struct server_request *request, uint32_t events,
                               uint64_t notification, bool *kept)
{
    return unix_poll(&core, request->badge, events, notification, kept);
}

static enum server_outcome poll_socket(struct server_request *request)
{
    return server_answer(request, server_poll(request, poll_socket_now));
}

static void release_socket(void *object)
{
    unix_release(&core, object);
}

static bool watch_socket(uint64_t handle, struct watch_target *target)
{
    return unix_watch_target(&core, handle, target);
}

/* FILE_PATH: "socket:[inode]", as Linux's sockfs names every socket. */
static int64_t path_socket(uint64_t handle, char *name)
{
    struct unix_socket *socket = unix_socket_of(&core, handle);
    if (!socket)
        return -LINUX_EBADF;
    return file_server_path_numbered(name, "socket:[", socket->inode, "]");
}

static const struct file_operations socket_operations = {
    .read = read_socket,
    .write = write_socket,
    .read_small = read_socket_small,
    .write_small = write_socket_small,
    .stat = stat_socket,
    .ioctl = ioctl_socket,
    .poll = poll_socket,
    .release = release_socket,
    .watch = watch_socket,
    .path = path_socket,
};
static const struct file_server sockets_served = {.operations = &socket_operations,
                                                  .files = &files};

/* ---- Descriptors passed (SCM_RIGHTS) ---- */

/* Another server's descriptor the server held: its reference goes back
 * (those servers never call this one: no cycle), and the slot. */
static void release_right(void *context, uint64_t slot)
{
    (void)context;
    uint64_t mr[TERN_MSG_REGISTERS] = {0};
    tern_call(slot, tern_message(FILE_CLOSE, 0, 0), mr);
    memory_delete(&server_memory, slot);
}

/* A peek's duplicate of another server's descriptor the server holds:
 * a copy of the capability, with a reference of its own taken as the
 * sender's personality took the first (FILE_RETAIN). */
static uint64_t duplicate_right(void *context, uint64_t slot)
{
    (void)context;
    uint64_t copy = server_copy_capability(slot);
    if (!copy)
        return 0;
    uint64_t mr[TERN_MSG_REGISTERS] = {0};
    tern_message_info info = tern_call(copy, tern_message(FILE_RETAIN, 0, 0), mr);
    if (tern_message_label(info) != 0 || (int64_t)mr[0] < 0) {
        memory_delete(&server_memory, copy);
        return 0;
    }
    return copy;
}

/* A descriptor that came as capability index and cannot be held: its
 * reference goes back through the receive slot (the runtime empties
 * it), or its description closes (one of ours). */
static void refuse_capability(const struct server_request *request, unsigned index)
{
    uint64_t badge, slot = server_received_slot(request, index);
    if (slot) {
        uint64_t mr[TERN_MSG_REGISTERS] = {0};
        tern_call(slot, tern_message(FILE_CLOSE, 0, 0), mr);
    } else if (server_received_badge(request, index, &badge) &&
               !(badge & (UNIX_SESSION_FLAG | UNIX_NODE_FLAG)) && unix_socket_of(&core, badge)) {
        struct unix_right right = {badge, true};
        unix_release_right(&core, &right);
    }
}

/* Capabilities first.. of the request as rights: a badge of one of our
 * sockets (its handle), or another server's descriptor kept in a slot.
 * With error (a failure before), or one that cannot be held (-EBADF: a
 * session's, a node's, a stale handle; -ENOMEM: no slot), every one is
 * released and *count is 0. */
static int64_t received_rights(struct server_request *request, unsigned first, int64_t error,
                               struct unix_right rights[TERN_MSG_MAX_CAPS], unsigned *count)
{
    unsigned caps = tern_message_caps(request->info), held = 0, i;
    for (i = first; i < caps && error >= 0; i++) {
        uint64_t badge;
        if (server_received_badge(request, i, &badge)) {
            if ((badge & (UNIX_SESSION_FLAG | UNIX_NODE_FLAG)) || !unix_socket_of(&core, badge))
                error = -LINUX_EBADF;
            else
                rights[held++] = (struct unix_right){badge, true};
        } else if (server_received_slot(request, i)) {
            uint64_t slot = server_keep_capability(request, i);
            if (slot) {
                rights[held++] = (struct unix_right){slot, false};
            } else {
                refuse_capability(request, i);
                error = -LINUX_ENOMEM;
            }
        } else {
            error = -LINUX_EBADF;
        }
    }
    if (error < 0) {
        for (; i < caps; i++)
            refuse_capability(request, i);
        for (unsigned j = 0; j < held; j++)
            unix_release_right(&core, &rights[j]);
        held = 0;
    }
    *count = held;
    return error;
}

/* UNIX_SEND's descriptors: after the destination node, if capability 0
 * is one; MR3 the staging key. With error (the send already failed) or
 * one of its own, they and those staged under the key are released. */
static int64_t send_rights(struct server_request *request, uint64_t handle, unsigned node_index,
                           int64_t error, struct unix_rights **gathered)
{
    *gathered = 0;
    uint64_t badge, key = lacks(request, 4) ? 0 : request->mr[3];
    unsigned first = node_index +
                     (server_received_badge(request, node_index, &badge) &&
                      (badge & UNIX_NODE_FLAG) && !(badge & UNIX_SESSION_FLAG) ? 1 : 0);
    struct unix_right rights[TERN_MSG_MAX_CAPS];
    unsigned count = 0;
    error = received_rights(request, first, error, rights, &count);
    if (error < 0) {
        struct unix_rights *staged = 0;
        if (key && unix_gather_rights(&core, handle, key, 0, 0, &staged) == 0)
            unix_release_rights(&core, staged);
        return error;
    }
    return unix_gather_rights(&core, handle, key, rights, count, gathered);
}

static enum server_outcome stage_rights(struct server_request *request)
{
    struct unix_right rights[TERN_MSG_MAX_CAPS];
    unsigned count = 0;
    int64_t error = received_rights(request, 0, 0, rights, &count);
    if (error < 0)
        return server_answer(request, error);
    return server_answer(request, unix_stage_rights(&core, request->badge, request->mr[0],
                                                    rights, count));
}

/* The next descriptor held under the key, handed over with its
 * reference: a copy of another server's capability (the server's own
 * goes), or a new capability to one of our sockets. */
static enum server_outcome take_right(struct server_request *request)
{
    struct unix_right right;
    int64_t result = unix_take_right(&core, request->badge, request->mr[0], &right);
    if (result < 0)
        return server_answer(request, result);
    server_answer(request, 0);
    bool given = right.socket
                     ? server_give_descriptor(request, SERVER_SLOT_ENDPOINT, right.value)
                     : server_give_capability(request, right.value, SERVER_DESCRIPTOR_RIGHTS, 0);
    if (!given) {
        unix_release_right(&core, &right);
        return server_answer(request, -LINUX_ENFILE);
    }
    if (!right.socket)
        memory_delete(&server_memory, right.value);
    return SERVER_ANSWER;
}

/* ---- Labels through a socket ---- */

/* UNIX_SEND through the socket (handle its badge, the node at
 * capability 0), or UNIX_SEND_AS (the socket at capability 0, the node
 * at 1; call says who sends, error a failed claim). */
static enum server_outcome send_from(struct server_request *request, struct unix_call *sending,
                                     unsigned node_index, int64_t error)
{
    const uint64_t *mr = request->mr;
    struct unix_call call = *sending;
    call.kind = UNIX_CALL_SEND;
    call.length = mr[0];
    call.flags = (uint32_t)mr[1];
    call.message_answer = true;
    struct unix_address address;
    if (mr[2] != 0 && error >= 0) {
        call.address = &address;
        error = read_address(request, mr[2], 1, node_index, &address);
    }
    /* Passed descriptors: released with any error, else the call's. */
    int64_t gathered = send_rights(request, call.handle, node_index, error, &call.rights);
    if (error >= 0)
        error = gathered;
    if (error < 0) {
        request->mr[1] = 0;
        request->mr[0] = (uint64_t)error;
        request->answer = tern_message(0, 0, 2);
        return SERVER_ANSWER;
    }
    return run(request, &call);
}

static enum server_outcome send_message(struct server_request *request)
{
    struct unix_call call = {.handle = request->badge};
    return send_from(request, &call, 0, 0);
}

/* UNIX_SEND_AS: who sends is the session's badge, or what it claims in
 * MR4-MR6 (MR7 not 0), checked as Linux's scm_check_creds. Its
 * descriptors count against the badge's euid while in flight; MR8, sent
 * with descriptors, is the sender's RLIMIT_NOFILE soft limit, which
 * bounds them unless the sender is root (CAP_SYS_RESOURCE). */
static enum server_outcome send_as(struct server_request *request)
{
    struct unix_credentials caller = caller_of(request);
    struct unix_call call = {.handle = named_socket(request), .identified = true,
                             .sender = caller, .user = caller.uid,
                             .limited = !lacks(request, 9) && caller.uid != 0,
                             .rights_limit = request->mr[8]};
    int64_t error = call.handle ? 0 : -LINUX_EBADF;
    if (request->mr[7]) {
        struct unix_credentials claim = {(uint32_t)request->mr[4], (uint32_t)request->mr[5],
                                         (uint32_t)request->mr[6]};
        if (error >= 0)
            error = unix_check_claim(&call.sender, &claim);
        call.claimed = true;
        call.sender = claim;
    }
    return send_from(request, &call, 1, error);
}

static enum server_outcome receive_message(struct server_request *request)
{
    const uint64_t *mr = request->mr;
    struct unix_call call = {.kind = UNIX_CALL_RECEIVE, .handle = request->badge,
                             .length = mr[0], .flags = (uint32_t)mr[1],
                             .address_room = mr[2], .message_answer = true,
                             .key = lacks(request, 4) ? 0 : mr[3]};
    return run(request, &call);
}

static enum server_outcome accept_connection(struct server_request *request)
{
    struct unix_call call = {.kind = UNIX_CALL_ACCEPT, .handle = request->badge,
                             .flags = (uint32_t)request->mr[0] & LINUX_O_NONBLOCK,
                             .nonblocking = request->mr[1] != 0};
    return run(request, &call);
}

static enum server_outcome socket_name(struct server_request *request)
{
    struct unix_address name;
    int64_t length = unix_name(&core, request->badge, request->mr[0] == UNIX_NAME_PEER, &name);
    if (length < 0)
        return server_answer(request, length);
    uint64_t bytes = (uint64_t)length > UNIX_ADDRESS_SIZE ? UNIX_ADDRESS_SIZE : (uint64_t)length;
    int error = server_write_window(request, 0, 0, name.bytes, bytes);
    return server_answer(request, error < 0 ? error : length);
}

/* SO_RCVTIMEO and SO_SNDTIMEO: 0, and the value in MR1. */
static enum server_outcome get_option(struct server_request *request)
{
    uint64_t option = request->mr[0];
    if (option == UNIX_SO_RCVTIMEO || option == UNIX_SO_SNDTIMEO) {
        struct unix_socket *socket = unix_socket_of(&core, request->badge);
        if (!socket)
            return server_answer(request, -LINUX_EBADF);
        uint64_t answer[] = {0, socket->timeout[option == UNIX_SO_RCVTIMEO ? 0 : 1]};
        return server_answer_values(request, 2, answer);
    }
    struct unix_credentials peer;
    int64_t value = unix_get_option(&core, request->badge, request->mr[0], &peer);
    if (value < 0 || request->mr[0] != UNIX_SO_PEERCRED)
        return server_answer(request, value);
    uint64_t answer[] = {0, peer.pid, peer.uid, peer.gid};
    return server_answer_values(request, 4, answer);
}

static enum server_outcome handle_socket(struct server_request *request)
{
    const uint64_t *mr = request->mr;
    switch (tern_message_label(request->info)) {
    case UNIX_TAKE_PEER: {
        uint64_t other = 0;
        int64_t result = unix_take_peer(&core, request->badge, &other);
        return give_socket(request, result, other);
    }
    case UNIX_ACCEPT:
        return lacks(request, 2) ? server_answer(request, -LINUX_EINVAL)
                                 : accept_connection(request);
    case UNIX_SEND:
        if (lacks(request, 3)) {
            request->mr[1] = 0;
            return server_answer_values(request, 2, (uint64_t[]){(uint64_t)-LINUX_EINVAL, 0});
        }
        return send_message(request);
    case UNIX_RECV:
        return lacks(request, 3) ? server_answer(request, -LINUX_EINVAL)
                                 : receive_message(request);
    case UNIX_SHUTDOWN:
        return lacks(request, 1) ? server_answer(request, -LINUX_EINVAL)
                                 : server_answer(request, unix_shutdown(&core, request->badge,
                                                                        mr[0]));
    case UNIX_NAME:
        return lacks(request, 1) ? server_answer(request, -LINUX_EINVAL) : socket_name(request);
    case UNIX_GET_OPTION:
        return lacks(request, 1) ? server_answer(request, -LINUX_EINVAL) : get_option(request);
    case UNIX_STAGE_RIGHTS:
        if (lacks(request, 1)) {
            struct unix_right none[TERN_MSG_MAX_CAPS];
            unsigned count;
            received_rights(request, 0, -LINUX_EINVAL, none, &count);
            return server_answer(request, -LINUX_EINVAL);
        }
        return stage_rights(request);
    case UNIX_TAKE_RIGHT:
        return lacks(request, 1) ? server_answer(request, -LINUX_EINVAL) : take_right(request);
    case UNIX_DROP_RIGHTS:
        return lacks(request, 1) ? server_answer(request, -LINUX_EINVAL)
                                 : server_answer(request, unix_drop_rights(&core, request->badge,
                                                                           mr[0]));
    case UNIX_SET_OPTION:
        if (!lacks(request, 2) && (mr[0] == UNIX_SO_RCVTIMEO || mr[0] == UNIX_SO_SNDTIMEO)) {
            struct unix_socket *socket = unix_socket_of(&core, request->badge);
            if (!socket)
                return server_answer(request, -LINUX_EBADF);
            socket->timeout[mr[0] == UNIX_SO_RCVTIMEO ? 0 : 1] = mr[1];
            return server_answer(request, 0);
        }
        return lacks(request, 2) ? server_answer(request, -LINUX_EINVAL)
                                 : server_answer(request, unix_set_option(&core, request->badge,
                                                                          mr[0],
                                                                          (int64_t)mr[1]));
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

/* ---- Labels through a session ---- */

static enum server_outcome bind_socket(struct server_request *request)
{
    uint64_t handle = named_socket(request);
    struct unix_address address;
    int64_t error = read_address(request, request->mr[0], 0, 1, &address);
    if (error < 0)
        return server_answer(request, error);
    return server_answer(request, handle ? unix_bind(&core, handle, &address) : -LINUX_EBADF);
}

static enum server_outcome connect_socket(struct server_request *request)
{
    struct unix_call call = {.kind = UNIX_CALL_CONNECT, .handle = named_socket(request),
                             .nonblocking = request->mr[1] != 0,
                             .who = caller_of(request)};
    if (!call.handle)
        return server_answer(request, -LINUX_EBADF);
    struct unix_address address;
    call.address = &address;
    int64_t error = read_address(request, request->mr[0], 0, 1, &address);
    if (error < 0)
        return server_answer(request, error);
    return run(request, &call);
}

static enum server_outcome handle_session(struct server_request *request)
{
    const uint64_t *mr = request->mr;
    struct unix_credentials who = caller_of(request);
    uint64_t handle = 0;
    /* procmgr's notice that a process ended: the runtime has dropped its
     * waiters (prune); its account is set aside (core.h). */
    if (request->badge == SESSION_NOTICE_BADGE(UNIX_SESSION_FLAG)) {
        if (tern_message_label(request->info) == SERVER_PROCESS_ENDED && !lacks(request, 1))
            unix_process_ended(&core, (uint32_t)mr[0]);
        return server_answer(request, 0);
    }
    switch (tern_message_label(request->info)) {
    case UNIX_SOCKET:
        if (lacks(request, 2))
            return server_answer(request, -LINUX_EINVAL);
        return give_socket(request, unix_create(&core, (uint32_t)mr[0], (uint32_t)mr[1], &who,
                                                &handle), handle);
    case UNIX_PAIR:
        if (lacks(request, 2))
            return server_answer(request, -LINUX_EINVAL);
        return give_socket(request, unix_create_pair(&core, (uint32_t)mr[0], (uint32_t)mr[1],
                                                     &who, &handle), handle);
    case UNIX_BIND:
        return lacks(request, 1) ? server_answer(request, -LINUX_EINVAL) : bind_socket(request);
    case UNIX_LISTEN:
        if (lacks(request, 1))
            return server_answer(request, -LINUX_EINVAL);
        handle = named_socket(request);
        return server_answer(request, handle ? unix_listen(&core, handle, (int64_t)mr[0], &who)
                                             : -LINUX_EBADF);
    case UNIX_CONNECT:
        return lacks(request, 2) ? server_answer(request, -LINUX_EINVAL)
                                 : connect_socket(request);
    case UNIX_SEND_AS:
        if (lacks(request, 8)) {
            struct unix_call none = {0};
            return send_from(request, &none, 1, -LINUX_EINVAL);
        }
        return send_as(request);
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

static enum server_outcome handle(struct server_request *request)
{
    current = request;
    if (request->badge & UNIX_SESSION_FLAG)
        return handle_session(request);
    if (request->badge & UNIX_NODE_FLAG)
        return server_answer(request, -LINUX_ENOSYS);
    return handle_socket(request);
}

static const struct server_config unix_server = {
    .name = "unix",
    .id = SERVER_UNIX,
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .descriptors = &sockets_served,
    .session_badge_bits = UNIX_SESSION_FLAG | UNIX_NODE_FLAG,
    .prune = prune,
    .notified = timer_fired,
};

_Static_assert(UNIX_NEEDS_IDENTITY == UNIX_IDENTITY_NEEDED, "the sentinel of unix.h");
_Static_assert(UNIX_RECEIVED_CREDENTIALS == UNIX_RECV_CREDENTIALS, "UNIX_RECV's mark");

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &unix_server);
    file_table_init(&files, server_allocate_page, 0);
    const struct unix_services services = {
        .allocate = server_core_allocate,
        .allocate_unzeroed = server_core_allocate_unzeroed,
        .free = server_core_free,
        .copy_from_caller = copy_from_caller,
        .copy_to_caller = copy_to_caller,
        .answer = answer_waiter,
        .caller_waits = caller_waits,
        .forget = forget_caller,
        .progress = record_progress,
        .notify = server_core_notify,
        .release_right = release_right,
        .duplicate_right = duplicate_right,
    };
    unix_core_init(&core, &services, &files);
    server_run();
}
