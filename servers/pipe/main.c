/*
 * The pipe server: pipes and FIFOs for every process
 * (sys/protocol/pipe.h, docs/protocols/pipe.md). The state machine lives
 * in core.c, transfer.c and waiters.c; this file binds it to IPC.
 *
 * Badges say who speaks: PIPE_SESSION_BADGE(pid) a process's session
 * (PIPE_CREATE), PIPE_FIFO_BADGE(node) a FIFO vfs handed out
 * (PIPE_OPEN_FIFO); any other badge is an end's handle (the file protocol
 * and the rest of pipe.h), which the core checks.
 *
 * A call that must wait keeps the reply object its caller is bound to: it
 * is the caller's handle in the core, and the server receives the next
 * message with another from its pool (a deferred reply). Bytes move
 * through the caller's message window 0, straight between it and the
 * ring's pages, or for FILE_READ_SMALL and FILE_WRITE_SMALL in the
 * message registers (file.h): no window copy at all, and up to 24 bytes a
 * message the kernel's fast path takes. A caller that vanished is seen
 * when a window copy or the Reply says TERN_CALLER_GONE (or a copy of
 * nothing, when pruning).
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
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/memory.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

#define END_CAPACITY 4096
/* Callers the server keeps waiting at once; one more reply object receives. */
#define WAITER_CAPACITY 256
#define CNODE_DEPTH 64
#define DESCRIPTOR_RIGHTS (TERN_RIGHT_WRITE | TERN_RIGHT_GRANT | TERN_RIGHT_GRANT_REPLY)
/* The badge bit of a Recv that took the bound notification's word. */
#define NOTIFICATION_BIT (1ULL << 63)
/* st_dev of anonymous pipes: Linux's pipefs is an anonymous device too. */
#define PIPE_DEVICE 12
#define FIFO_MODE (LINUX_S_IFIFO | 0600)

static const struct tern_boot_info *boot_info;
static struct pipe_end ends[END_CAPACITY];
static struct pipe_server server;

static uint64_t slot_bitmap[(1 << 16) / 64];
static struct slot_allocator slots;
static struct untyped_pool untyped;
static struct memory memory;
/* The rings' pages, mapped from here up. */
#define PAGE_POOL_BASE  0x5000000000ULL
#define PAGE_POOL_LIMIT (PAGE_POOL_BASE + (1ULL << 34))
static struct page_pool pages;

static uint64_t free_replies[WAITER_CAPACITY + 1];
static unsigned free_reply_count;
static uint64_t descriptor_slot;        /* where a new descriptor is minted */
static uint64_t receive_slots;          /* TERN_MSG_MAX_CAPS slots for capabilities sent to us */

/* The request being decided, and what its copies found. */
static uint64_t current_reply;
static bool current_caller_gone;
/* A small call's bytes out of its message registers, or for its reply:
 * not in the IPC buffer, which the server's own invocations overwrite. */
static uint64_t small_words[FILE_SMALL_MAX / 8];
_Static_assert(FILE_SMALL_REGISTERS(FILE_SMALL_MAX) <= TERN_MSG_MAX_LENGTH,
               "a small call fits the message registers");

struct request {
    tern_message_info info;
    uint64_t badge;
    uint64_t registers[TERN_MSG_REGISTERS];
};

struct outcome {
    bool answer;                /* reply now (else: deferred, or nobody to answer) */
    int64_t result;
    bool sigpipe;
    uint64_t descriptor;        /* an end handle to send as capability 0, or 0 */
    const uint8_t *bytes;       /* a small read: the result's bytes, after the result */
};

static __attribute__((noreturn)) void stop(const char *why)
{
    tern_printf("pipe: %s; stopping\n", why);
    for (;;)
        tern_tcb_suspend(TERN_SLOT_TCB);
}

/* ---- Reply objects ---- */

static uint64_t take_reply(void)
{
    return free_replies[--free_reply_count];
}

static void release_reply(uint64_t reply)
{
    free_replies[free_reply_count++] = reply;
}

/* Whether a waiter's caller is still there, without answering it (for
 * pruning): a window copy of no bytes fails with TERN_CALLER_GONE exactly
 * when nobody is bound any more (a live caller without windows gets
 * TERN_RANGE_ERROR instead). */
static bool caller_waits(uint64_t reply)
{
    uint8_t nothing;
    return tern_reply_read_window(reply, 0, 0, 0, (uint64_t)&nothing, 0) != TERN_CALLER_GONE;
}

/* Answers through reply: the result, the SIGPIPE mark, and maybe a new
 * descriptor for end (minted here, deleted once the reply is out).
 * Returns whether a caller was there to take it. */
static bool send_result(uint64_t reply, int64_t result, bool sigpipe, uint64_t end)
{
    uint64_t mr[TERN_MSG_REGISTERS] = {(uint64_t)result, sigpipe ? PIPE_REPLY_SIGPIPE : 0};
    unsigned caps = 0;
    if (end) {
        if (tern_cnode_mint(TERN_SLOT_CNODE, descriptor_slot, CNODE_DEPTH, TERN_SLOT_CNODE,
                            SERVER_SLOT_ENDPOINT, CNODE_DEPTH, DESCRIPTOR_RIGHTS,
                            end) == TERN_OK) {
            tern_set_cap(0, descriptor_slot);
            caps = 1;
        } else {
            pipe_close(&server, end);
            mr[0] = (uint64_t)-LINUX_ENFILE;
        }
    }
    bool delivered =
        tern_message_label(tern_reply(reply, tern_message(0, caps, 2), mr)) == TERN_OK;
    if (caps)
        tern_cnode_delete(TERN_SLOT_CNODE, descriptor_slot, CNODE_DEPTH);
    return delivered;
}

/* A small read's reply: the result in register 0, then its bytes packed
 * from register 1 (file.h); mr gets registers 0-3, the IPC buffer the
 * rest. Returns the message info. */
static tern_message_info small_read_reply(int64_t result, const uint8_t *bytes,
                                          uint64_t mr[TERN_MSG_REGISTERS])
{
    uint64_t count = result > 0 ? (uint64_t)result : 0;
    mr[0] = (uint64_t)result;
    file_small_pack(mr, tern_ipc_buffer()->message, bytes, count);
    return tern_message(0, 0, FILE_SMALL_REGISTERS(count));
}

/* ---- The core's services ---- */

static void *allocate_page(void *context)
{
    (void)context;
    return page_pool_allocate(&pages);
}

static void free_page(void *context, void *page)
{
    (void)context;
    page_pool_free(&pages, page);
}

static void *allocate(void *context, size_t size)
{
    (void)context;
    return heap_allocate(size);
}

static void release(void *context, void *block)
{
    (void)context;
    heap_free(block);
}

static int copy_result(uint64_t reply, enum tern_error error)
{
    if (error == TERN_OK)
        return 0;
    if (error != TERN_CALLER_GONE)
        return -LINUX_EFAULT;
    if (reply == current_reply)
        current_caller_gone = true;
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
    bool delivered;
    if (answer->bytes) {
        uint64_t mr[TERN_MSG_REGISTERS] = {0};
        tern_message_info info = small_read_reply(answer->result, answer->bytes, mr);
        delivered = tern_message_label(tern_reply(reply, info, mr)) == TERN_OK;
    } else {
        delivered = send_result(reply, answer->result, answer->sigpipe, answer->end);
    }
    release_reply(reply);
    return delivered;
}

static bool probe_caller(void *context, uint64_t reply)
{
    (void)context;
    return caller_waits(reply);
}

static void forget_waiter(void *context, uint64_t reply)
{
    (void)context;
    release_reply(reply);
}

static void notify(void *context, uint64_t notification)
{
    (void)context;
    tern_signal(notification);
    memory_delete(&memory, notification);
}

static uint64_t read_clock(void *context)
{
    (void)context;
    return tern_counter_now();
}

/* A write waits again with bytes in: if a signal ends its wait, the
 * caller's write returns their count (the kernel keeps it with the reply). */
static void record_progress(void *context, uint64_t reply, uint64_t done)
{
    (void)context;
    tern_reply_set_interrupted_result(reply, done);
}

/* ---- Requests ---- */

/* Whether the server can keep one more caller waiting: the pool must
 * keep a reply object to receive with. */
static bool can_defer(void)
{
    if (free_reply_count == 0)
        pipe_prune(&server);
    return free_reply_count > 0;
}

static unsigned registers_needed(uint64_t label)
{
    switch (label) {
    case FILE_IOCTL:
    case PIPE_SET_SIZE:
    case PIPE_SPLICE:
    case PIPE_TEE:
        return 2;
    case FILE_READ:
    case FILE_WRITE:
    case FILE_READ_SMALL:
    case FILE_WRITE_SMALL:
    case FILE_SET_FLAGS:
    case FILE_POLL:
    case PIPE_CREATE:
    case PIPE_OPEN_WRITER:
    case PIPE_OPEN_FIFO:
        return 1;
    default:
        return 0;
    }
}

/* Ticks of the virtual counter as the time of day (vfs's clock). */
static void to_time(uint64_t ticks, int64_t *seconds, uint64_t *nanoseconds)
{
    tern_counter_to_wall_clock(ticks, boot_info->realtime_seconds, boot_info->realtime_counter,
                               seconds, nanoseconds);
}

static int64_t stat_end(uint64_t end)
{
    struct pipe_status status;
    int64_t error = pipe_status(&server, end, &status);
    if (error != 0)
        return error;
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
    uint64_t copied;
    return tern_reply_write_window(current_reply, 0, 0, sizeof(stat), (uint64_t)&stat,
                                   &copied) == TERN_OK
               ? 0
               : -LINUX_EFAULT;
}

/* FIONBIO: Linux's generic ioctl, the same as F_SETFL's O_NONBLOCK. */
#define FIONBIO 0x5421

static int64_t set_nonblocking(uint64_t end)
{
    int32_t on;
    uint64_t copied;
    if (tern_reply_read_window(current_reply, 0, 0, sizeof(on), (uint64_t)&on, &copied) !=
        TERN_OK)
        return -LINUX_EFAULT;
    int64_t flags = pipe_get_flags(&server, end);
    uint32_t changed = on ? (uint32_t)flags | LINUX_O_NONBLOCK
                          : (uint32_t)flags & ~(uint32_t)LINUX_O_NONBLOCK;
    return pipe_set_flags(&server, end, changed);
}

static int64_t ioctl_end(uint64_t end, uint64_t request)
{
    int64_t held = pipe_bytes_held(&server, end);
    if (held >= 0 && request == FIONBIO)
        return set_nonblocking(end);
    if (held < 0 || request != LINUX_FIONREAD)
        return held < 0 ? held : -LINUX_ENOTTY;
    int32_t value = (int32_t)held;
    uint64_t copied;
    return tern_reply_write_window(current_reply, 0, 0, sizeof(value), (uint64_t)&value,
                                   &copied) == TERN_OK
               ? 0
               : -LINUX_EFAULT;
}

/* FILE_POLL: a notification (capability 0) is kept only if the end is
 * not ready; it moves out of the receive slot into one of its own. */
static int64_t poll_end(const struct request *request, uint64_t end)
{
    uint32_t events = (uint32_t)request->registers[0];
    bool kept;
    int64_t ready = pipe_poll(&server, end, events, 0, &kept);
    bool notification = tern_message_caps(request->info) >= 1 &&
                        !(tern_message_unwrapped(request->info) & 1);
    if (ready != 0 || !notification)
        return ready;
    uint64_t slot = slot_allocate(&slots);
    if (!slot || tern_cnode_move(TERN_SLOT_CNODE, slot, CNODE_DEPTH, TERN_SLOT_CNODE,
                                 receive_slots, CNODE_DEPTH) != TERN_OK) {
        if (slot)
            slot_free(&slots, slot);
        return 0;
    }
    ready = pipe_poll(&server, end, events, slot, &kept);
    if (!kept)
        memory_delete(&memory, slot);
    return ready;
}

/* The output end of PIPE_SPLICE and PIPE_TEE: capability 0, which must
 * be one of our descriptors (the kernel hands those over as badges). */
static uint64_t out_end(const struct request *request)
{
    if (tern_message_caps(request->info) < 1 || !(tern_message_unwrapped(request->info) & 1))
        return 0;
    return tern_get_badge(0);
}

/* A data call: answered now, or deferred when it waits. */
static void data_call(struct outcome *outcome, int64_t (*operation)(struct pipe_server *,
                                                                     struct pipe_request *),
                      struct pipe_request *pipe_request)
{
    pipe_request->caller = current_reply;
    pipe_request->may_wait = can_defer();
    outcome->result = operation(&server, pipe_request);
    outcome->sigpipe = pipe_request->sigpipe;
    outcome->answer = outcome->result != PIPE_QUEUED;
}

static void handle_end(const struct request *request, struct outcome *outcome)
{
    uint64_t end = request->badge;
    const uint64_t *r = request->registers;
    struct pipe_request data = {.end = end, .length = r[0]};
    switch (tern_message_label(request->info)) {
    case FILE_READ:
        data_call(outcome, pipe_read, &data);
        return;
    case FILE_WRITE:
        data_call(outcome, pipe_write, &data);
        return;
    case FILE_READ_SMALL:
        if (data.length > FILE_SMALL_MAX) {
            outcome->result = -LINUX_EINVAL;
            return;
        }
        data.bytes = (uint8_t *)small_words;
        data_call(outcome, pipe_read, &data);
        outcome->bytes = data.bytes;
        return;
    case FILE_WRITE_SMALL:
        if (data.length > FILE_SMALL_MAX ||
            tern_message_length(request->info) < FILE_SMALL_REGISTERS(data.length)) {
            outcome->result = -LINUX_EINVAL;
            return;
        }
        file_small_unpack(small_words, request->registers, tern_ipc_buffer()->message,
                          data.length);
        data.bytes = (uint8_t *)small_words;
        data_call(outcome, pipe_write, &data);
        return;
    case PIPE_SPLICE:
    case PIPE_TEE:
        data.out_end = out_end(request);
        data.flags = (uint32_t)r[1];
        data_call(outcome,
                  tern_message_label(request->info) == PIPE_SPLICE ? pipe_splice : pipe_tee,
                  &data);
        return;
    case FILE_PREAD:
    case FILE_PWRITE:
    case FILE_SEEK: {
        int64_t flags = pipe_get_flags(&server, end);
        outcome->result = flags < 0 ? flags : -LINUX_ESPIPE;
        return;
    }
    case FILE_STAT:
        outcome->result = stat_end(end);
        return;
    case FILE_GET_FLAGS:
        outcome->result = pipe_get_flags(&server, end);
        return;
    case FILE_SET_FLAGS:
        outcome->result = pipe_set_flags(&server, end, (uint32_t)r[0]);
        return;
    case FILE_IOCTL:
        outcome->result = ioctl_end(end, r[0]);
        return;
    case FILE_GETDENTS:
    case FILE_TRUNCATE:
    case FILE_SYNC: {
        int64_t flags = pipe_get_flags(&server, end);
        uint64_t label = tern_message_label(request->info);
        outcome->result = flags < 0 ? flags
                          : label == FILE_GETDENTS ? -LINUX_ENOTDIR
                                                   : -LINUX_EINVAL;
        return;
    }
    case FILE_RETAIN:
        outcome->result = pipe_retain(&server, end);
        return;
    case FILE_CLOSE:
        outcome->result = pipe_close(&server, end);
        return;
    case FILE_POLL:
        outcome->result = poll_end(request, end);
        return;
    case PIPE_OPEN_WRITER: {
        uint64_t writer;
        outcome->result = pipe_open_writer(&server, end, (uint32_t)r[0], &writer);
        if (outcome->result == 0)
            outcome->descriptor = writer;
        return;
    }
    case PIPE_GET_SIZE:
        outcome->result = pipe_get_size(&server, end);
        return;
    case PIPE_SET_SIZE:
        outcome->result = pipe_set_size(&server, end, (uint32_t)r[0], r[1] != 0);
        return;
    default:
        outcome->result = -LINUX_ENOSYS;
        return;
    }
}

static void handle_session(const struct request *request, struct outcome *outcome)
{
    if (tern_message_label(request->info) != PIPE_CREATE) {
        outcome->result = -LINUX_ENOSYS;
        return;
    }
    uint64_t reader;
    outcome->result = pipe_create(&server, (uint32_t)request->registers[0], &reader);
    if (outcome->result == 0)
        outcome->descriptor = reader;
}

static void handle_fifo(const struct request *request, struct outcome *outcome)
{
    if (tern_message_label(request->info) != PIPE_OPEN_FIFO) {
        outcome->result = -LINUX_ENOSYS;
        return;
    }
    uint64_t node = request->badge & ~PIPE_FIFO_FLAG;
    uint64_t end;
    outcome->result = pipe_open_fifo(&server, node, (uint32_t)request->registers[0],
                                     current_reply, can_defer(), &end);
    if (outcome->result == PIPE_QUEUED)
        outcome->answer = false;
    else if (outcome->result == 0)
        outcome->descriptor = end;
}

/* A failed Recv returns the error as the label with badge 0 and nothing
 * else: only a broken endpoint capability does that. */
static bool receive_failed(const struct request *request)
{
    uint64_t label = tern_message_label(request->info);
    return request->badge == 0 && request->info == tern_message(label, 0, 0) &&
           label != TERN_OK && label < TERN_ERROR_COUNT;
}

static void dispatch(const struct request *request, struct outcome *outcome)
{
    *outcome = (struct outcome){.answer = true};
    uint64_t label = tern_message_label(request->info);
    if (tern_message_length(request->info) < registers_needed(label))
        outcome->result = -LINUX_EINVAL;
    else if (request->badge & PIPE_SESSION_FLAG)
        handle_session(request, outcome);
    else if (request->badge & PIPE_FIFO_FLAG)
        handle_fifo(request, outcome);
    else
        handle_end(request, outcome);
    /* Capabilities that were not kept landed in the receive slots. */
    if (tern_message_caps(request->info) != 0)
        for (uint64_t i = 0; i < TERN_MSG_MAX_CAPS; i++)
            tern_cnode_delete(TERN_SLOT_CNODE, receive_slots + i, CNODE_DEPTH);
}

/* ---- Start ---- */

static bool take_slots(void)
{
    for (unsigned i = 0; i < WAITER_CAPACITY + 1; i++) {
        uint64_t reply = memory_new_object(&memory, TERN_OBJECT_REPLY, 0);
        if (!reply)
            break;
        release_reply(reply);
    }
    descriptor_slot = slot_allocate(&slots);
    receive_slots = slot_allocate(&slots);
    bool consecutive = true;
    for (uint64_t i = 1; i < TERN_MSG_MAX_CAPS; i++)
        consecutive &= slot_allocate(&slots) == receive_slots + i;
    return free_reply_count >= 2 && descriptor_slot && receive_slots && consecutive;
}

int root_main(const struct tern_boot_info *info)
{
    boot_info = info;
    if (info->empty_last - info->empty_first > sizeof(slot_bitmap) * 8)
        stop("more free slots than the slot bitmap holds");
    memory_init(&memory, &slots, &untyped, info, slot_bitmap);
    memory_heap_init(&memory);
    page_pool_init(&pages, &memory, PAGE_POOL_BASE, PAGE_POOL_LIMIT);
    if (!take_slots())
        stop("no memory or slots for reply objects");
    const struct pipe_services services = {
        .allocate_page = allocate_page,
        .free_page = free_page,
        .allocate = allocate,
        .free = release,
        .copy_from_caller = copy_from_caller,
        .copy_to_caller = copy_to_caller,
        .answer = answer_waiter,
        .caller_waits = probe_caller,
        .forget = forget_waiter,
        .progress = record_progress,
        .notify = notify,
        .now = read_clock,
    };
    pipe_server_init(&server, &services, ends, END_CAPACITY);
    tern_set_receive_slot(TERN_SLOT_CNODE, receive_slots, CNODE_DEPTH);

    uint64_t receive_reply = take_reply();
    struct request request;
    request.info = tern_recv(SERVER_SLOT_ENDPOINT, receive_reply, &request.badge,
                             request.registers);
    for (;;) {
        if (receive_failed(&request))
            stop("cannot receive on the endpoint");
        struct outcome outcome = {0};
        if (!(request.badge & NOTIFICATION_BIT) || request.info != 0) {
            current_reply = receive_reply;
            current_caller_gone = false;
            dispatch(&request, &outcome);
        }
        if (outcome.answer && !current_caller_gone) {
            if (outcome.descriptor) {
                send_result(receive_reply, outcome.result, outcome.sigpipe, outcome.descriptor);
            } else {
                /* The answer goes out in the request's registers, which
                 * the next request then fills. */
                uint64_t *mr = request.registers;
                tern_message_info reply;
                if (outcome.bytes) {
                    reply = small_read_reply(outcome.result, outcome.bytes, mr);
                } else {
                    mr[0] = (uint64_t)outcome.result;
                    mr[1] = outcome.sigpipe ? PIPE_REPLY_SIGPIPE : 0;
                    reply = tern_message(0, 0, 2);
                }
                request.info = tern_reply_recv(SERVER_SLOT_ENDPOINT, receive_reply, reply,
                                               &request.badge, mr);
                continue;
            }
        } else if (!outcome.answer && outcome.result == PIPE_QUEUED) {
            /* The caller keeps this reply object; can_defer() made sure
             * the pool has another (or the answer already gave it back). */
            receive_reply = take_reply();
        }
        request.info = tern_recv(SERVER_SLOT_ENDPOINT, receive_reply, &request.badge,
                                 request.registers);
    }
}
