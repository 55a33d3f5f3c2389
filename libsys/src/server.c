/* The server runtime: sys/server.h. */
#include "sys/server.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/memory.h"
#include "sys/runtime.h"
#include "sys/syscall.h"
#include "sys/watch.h"
#include "file_server_locks.h"
#include "server_settings.h"
#include "watch_server.h"

#define CNODE_DEPTH 64
/* The largest CNode a server is given (procmgr's): one bit a slot. */
#define MAX_SLOTS (1u << 18)

struct memory server_memory;
const struct tern_boot_info *server_boot_info;

static const struct server_config *config;
static uint64_t slot_bitmap[MAX_SLOTS / 64];
static struct slot_allocator slots;
static struct untyped_pool untyped;
static struct page_pool pages;

/* Reply objects not bound to a waiting caller; made as they are needed,
 * up to the deferred capacity plus the one the server receives with. */
static uint64_t *free_replies;
unsigned server_free_reply_count;
static unsigned replies_made, reply_limit;

static uint64_t answer_slot;            /* where an answer's capability is made */
static uint64_t receive_slots;          /* TERN_MSG_MAX_CAPS slots for capabilities sent */

static struct server_request request;

void server_stop(const char *why)
{
    tern_printf("%s: %s; stopping\n", config ? config->name : "server", why);
    for (;;)
        tern_tcb_suspend(TERN_SLOT_TCB);
}

/* Slots the runtime needs for the whole of its life. */
static bool take_slots(void)
{
    answer_slot = slot_allocate(&slots);
    receive_slots = slot_allocate(&slots);
    bool consecutive = true;
    for (uint64_t i = 1; i < TERN_MSG_MAX_CAPS; i++)
        consecutive &= slot_allocate(&slots) == receive_slots + i;
    return answer_slot && receive_slots && consecutive;
}

void server_init(const struct tern_boot_info *info, const struct server_config *server_config)
{
    config = server_config;
    server_boot_info = info;
    if (info->empty_last - info->empty_first > MAX_SLOTS)
        server_stop("more free slots than the slot bitmap holds");
    memory_init(&server_memory, &slots, &untyped, info, slot_bitmap);
    memory_heap_init(&server_memory);
    if (config->lendable_pages)
        page_pool_init_lendable(&pages, &server_memory, SERVER_PAGES_BASE, SERVER_PAGES_LIMIT);
    else
        page_pool_init(&pages, &server_memory, SERVER_PAGES_BASE, SERVER_PAGES_LIMIT);
    if (config->descriptors)
        watch_server_init();
    if (config->settings)
        server_settings_init(config->settings, config->id);
    reply_limit = config->deferred_capacity + 1;
    free_replies = heap_allocate(reply_limit * sizeof *free_replies);
    if (!free_replies || !take_slots())
        server_stop("no memory or slots to start with");
}

void *server_allocate_page(void *context)
{
    (void)context;
    return page_pool_allocate(&pages);
}

void server_free_page(void *context, void *page)
{
    (void)context;
    page_pool_free(&pages, page);
}

uint64_t server_page_frame(const void *page)
{
    return page_pool_frame(&pages, page);
}

/* ---- Borrowed memory (sys/protocol/common.h) ---- */

/* Whether a slot is left to make a page's frame in: without one, more
 * memory would not help, and asking for it would only take chunks. */
static bool slot_left(void)
{
    uint64_t probe = slot_allocate(&slots);
    if (probe)
        slot_free(&slots, probe);
    return probe != 0;
}

enum server_outcome server_answer_wants_memory(struct server_request *request)
{
    if (!server_table[config->id].borrows_memory || !slot_left())
        return server_answer(request, -LINUX_ENOMEM);
    request->mr[0] = (uint64_t)-LINUX_ENOMEM;
    request->mr[1] = SERVER_WANTS_MEMORY | config->id;
    request->answer = tern_message(0, 0, 2);
    return SERVER_ANSWER;
}

/* SERVER_TAKE_MEMORY: only procmgr sends it (and only through the
 * unbadged endpoint), so the capability is untyped memory of MR0 bits. */
static bool is_memory_lent(const struct server_request *received)
{
    return received->badge == 0 && tern_message_label(received->info) == SERVER_TAKE_MEMORY &&
           server_table[config->id].borrows_memory;
}

static enum server_outcome take_memory(struct server_request *received)
{
    uint64_t slot = server_keep_capability(received, 0);
    if (untyped.count == MEMORY_MAX_UNTYPED)
        untyped_pool_forget_full(&untyped);
    if (slot && untyped_pool_add(&untyped, slot, (unsigned)received->mr[0]))
        return server_answer(received, 0);
    if (slot)
        memory_delete(&server_memory, slot);
    return server_answer(received, -LINUX_ENOSPC);
}

/* ---- Exit notices (sys/servers.h) ---- */

/* procmgr's notice that a process ended: the callers the server keeps
 * waiting that vanished with it (or with an interrupt) go now (prune),
 * not only once reply objects run short, which may never happen: what
 * it held for them would stay held. The handler then hears the notice. */
static void prune_at_exit_notice(const struct server_request *received)
{
    if (config->prune && tern_message_label(received->info) == SERVER_PROCESS_ENDED &&
        received->badge == SESSION_NOTICE_BADGE(server_table[config->id].session_flag) &&
        server_table[config->id].exit_notices)
        config->prune();
}

/* ---- Statistics (sys/protocol/common.h) ---- */

static enum server_outcome answer_statistics(struct server_request *request)
{
    /* Left out, as they stay at their high-water mark: a descriptor
     * table's pages (the server's and its settings', sys/file_table.h),
     * those the server says it keeps, and a lendable pool's table of
     * frames (the server's pages, or its readiness boards; memory
     * borrowed is never given back); and the heap the server says
     * follows something else. Every reply object made is free, or holds
     * a waiting caller, or is the one this request came with. */
    const struct file_table *files = config->descriptors ? config->descriptors->files : NULL;
    uint64_t kept = (files ? file_table_pages(files) : 0) +
                    (config->settings ? server_settings_table_pages() : 0) +
                    (config->kept_pages ? config->kept_pages() : 0);
    uint64_t kept_heap = page_pool_table_bytes(&pages) +
                         (config->descriptors ? watch_server_frame_table_bytes() : 0) +
                         (config->kept_heap_bytes ? config->kept_heap_bytes() : 0);
    uint64_t values[] = { 0, pages.in_use - kept, heap_bytes_in_use() - kept_heap,
                          replies_made - server_free_reply_count - 1 };
    return server_answer_values(request, 4, values);
}

/* ---- Faults (docs/servers.md, "When a server faults") ---- */

/* SERVER_DEBUG_FAULT: a store nothing maps, for init to report. */
static enum server_outcome debug_fault(struct server_request *request)
{
    if (!(server_boot_info->server_flags & SERVER_BOOT_FAULT_INJECTION))
        return server_answer(request, -LINUX_EPERM);
    *(volatile uint64_t *)SERVER_DEBUG_FAULT_ADDRESS = 0;
    return server_answer(request, -LINUX_EIO);     /* not reached */
}

/* A server that faulted before and was put back failed: it keeps no
 * state, so every request fails as the calls its death cut short did,
 * and it holds nothing (its statistics are all 0). */
static enum server_outcome answer_failed(struct server_request *request)
{
    if (tern_message_label(request->info) == SERVER_STATISTICS) {
        uint64_t values[] = { 0, 0, 0, 0 };
        return server_answer_values(request, 4, values);
    }
    return server_answer(request, -LINUX_EIO);
}

static inline bool failed(void)
{
    return __builtin_expect(server_boot_info->server_flags & SERVER_BOOT_FAILED, 0);
}

/* ---- Reply objects ---- */

/* A free reply object, made if none is and the limit allows; 0 if none. */
static inline __attribute__((always_inline)) uint64_t take_reply(void)
{
    if (server_free_reply_count)
        return free_replies[--server_free_reply_count];
    if (replies_made == reply_limit)
        return 0;
    uint64_t reply = memory_new_object(&server_memory, TERN_OBJECT_REPLY, 0);
    if (reply)
        replies_made++;
    return reply;
}

void server_release_reply(uint64_t reply)
{
    free_replies[server_free_reply_count++] = reply;
}

bool server_make_spare_reply(void)
{
    uint64_t reply = take_reply();
    if (reply) {
        server_release_reply(reply);
        return true;
    }
    if (config->prune)
        config->prune();
    if (config->descriptors && server_free_reply_count == 0)
        file_server_locks_prune();
    return server_free_reply_count > 0;
}

/* A window copy of nothing fails with TERN_CALLER_GONE exactly when
 * nobody is bound to the reply object any more (a caller there without
 * windows gets TERN_RANGE_ERROR instead). */
bool server_caller_waits(uint64_t reply)
{
    uint8_t nothing;
    return tern_reply_read_window(reply, 0, 0, 0, (uint64_t)&nothing, 0) != TERN_CALLER_GONE;
}

/* ---- Answers ---- */

enum server_outcome server_answer_values(struct server_request *answered, unsigned count,
                                         const uint64_t *values)
{
    memcpy(answered->mr, values, count * sizeof *values);
    answered->answer = tern_message(0, 0, count);
    return SERVER_ANSWER;
}

bool server_make_capability(uint64_t source, uint64_t rights, uint64_t badge)
{
    /* Without a badge, a copy: minting even badge 0 is refused for a
     * capability already badged (another server's descriptor kept). */
    if (!badge)
        return tern_cnode_copy(TERN_SLOT_CNODE, answer_slot, CNODE_DEPTH, TERN_SLOT_CNODE,
                               source, CNODE_DEPTH, rights) == TERN_OK;
    return tern_cnode_mint(TERN_SLOT_CNODE, answer_slot, CNODE_DEPTH, TERN_SLOT_CNODE, source,
                           CNODE_DEPTH, rights, badge) == TERN_OK;
}

bool server_give_capability(struct server_request *answered, uint64_t source, uint64_t rights,
                            uint64_t badge)
{
    if (!server_make_capability(source, rights, badge))
        return false;
    answered->answer = tern_message(0, 1, tern_message_length(answered->answer));
    return true;
}

enum server_outcome server_memory_request(struct server_request *request,
                                          enum server_outcome (*map)(struct server_request *),
                                          enum server_outcome (*page)(struct server_request *))
{
    unsigned registers = tern_message_length(request->info);
    switch (tern_message_label(request->info)) {
    case MEMORY_MAP:
        return registers < 4 ? server_answer(request, -LINUX_EINVAL) : map(request);
    case MEMORY_PAGE:
        return registers < 2 ? server_answer(request, -LINUX_EINVAL) : page(request);
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

bool server_answer_mapping(struct server_request *answered, uint64_t identity, uint64_t flags,
                           uint64_t mapping)
{
    uint64_t values[] = {0, identity, flags};
    server_answer_values(answered, 3, values);
    return !(flags & MEMORY_MAP_DESCRIPTOR) ||
           server_give_descriptor(answered, SERVER_SLOT_ENDPOINT, mapping);
}

enum server_outcome server_answer_page(struct server_request *answered, const void *page,
                                       bool write)
{
    uint64_t rights = TERN_RIGHT_READ | (write ? TERN_RIGHT_WRITE : 0);
    server_answer(answered, 0);
    if (!server_give_capability(answered, server_page_frame(page), rights, 0))
        return server_answer(answered, -LINUX_ENOMEM);
    return SERVER_ANSWER;
}

/* Registers 4 and up of an answer travel in the IPC buffer. */
static inline void put_registers(tern_message_info info, const uint64_t *mr)
{
    unsigned length = tern_message_length(info);
    if (length <= TERN_MSG_REGISTERS)
        return;
    uint64_t *message = tern_ipc_buffer()->message;
    for (unsigned i = TERN_MSG_REGISTERS; i < length; i++)
        message[i] = mr[i];
}

/* Reply with the capability made if info has one; it is ours to
 * delete once the caller holds its copy. */
static inline __attribute__((always_inline)) bool reply(uint64_t reply_object,
                                                        tern_message_info info,
                                                        const uint64_t *mr)
{
    put_registers(info, mr);
    if (!tern_message_caps(info))
        return tern_message_label(tern_reply(reply_object, info, mr)) == TERN_OK;
    tern_set_cap(0, answer_slot);
    bool delivered = tern_message_label(tern_reply(reply_object, info, mr)) == TERN_OK;
    tern_cnode_delete(TERN_SLOT_CNODE, answer_slot, CNODE_DEPTH);
    return delivered;
}

bool server_answer_deferred(uint64_t reply_object, tern_message_info info, const uint64_t *mr)
{
    bool delivered = reply(reply_object, info, mr);
    server_release_reply(reply_object);
    return delivered;
}

void server_answer_now(struct server_request *answered)
{
    reply(answered->reply, answered->answer, answered->mr);
}

/* ---- Windows ---- */

static int window_result(struct server_request *copying, enum tern_error error)
{
    if (error == TERN_CALLER_GONE)
        copying->caller_gone = true;
    return error == TERN_OK ? 0 : -LINUX_EFAULT;
}

int server_read_window(struct server_request *copying, unsigned window, uint64_t offset,
                       void *destination, uint64_t length)
{
    uint64_t copied;
    return window_result(copying, tern_reply_read_window(copying->reply, window, offset, length,
                                                         (uint64_t)destination, &copied));
}

int server_write_window(struct server_request *copying, unsigned window, uint64_t offset,
                        const void *source, uint64_t length)
{
    uint64_t copied;
    return window_result(copying, tern_reply_write_window(copying->reply, window, offset, length,
                                                          (uint64_t)source, &copied));
}

/* ---- Calls to other servers ---- */

tern_message_info server_call_receiving(uint64_t endpoint, tern_message_info info,
                                        uint64_t mr[TERN_MSG_REGISTERS], uint64_t cnode,
                                        uint64_t index)
{
    tern_set_receive_slot(cnode, index, CNODE_DEPTH);
    tern_message_info answer = tern_call(endpoint, info, mr);
    tern_set_receive_slot(TERN_SLOT_CNODE, receive_slots, CNODE_DEPTH);
    return answer;
}

/* ---- Capabilities sent ---- */

static bool came_as_badge(const struct server_request *received, unsigned index)
{
    return tern_message_unwrapped(received->info) & (1u << index);
}

bool server_received_badge(const struct server_request *received, unsigned index,
                           uint64_t *badge)
{
    if (index >= tern_message_caps(received->info) || !came_as_badge(received, index))
        return false;
    *badge = received->capability_badges[index];
    return true;
}

uint64_t server_received_slot(const struct server_request *received, unsigned index)
{
    if (index >= tern_message_caps(received->info) || came_as_badge(received, index))
        return 0;
    return receive_slots + index;
}

uint64_t server_keep_capability(const struct server_request *received, unsigned index)
{
    uint64_t from = server_received_slot(received, index);
    uint64_t slot = from ? slot_allocate(&slots) : 0;
    if (slot && tern_cnode_move(TERN_SLOT_CNODE, slot, CNODE_DEPTH, TERN_SLOT_CNODE, from,
                                CNODE_DEPTH) != TERN_OK) {
        slot_free(&slots, slot);
        return 0;
    }
    return slot;
}

uint64_t server_copy_capability(uint64_t source)
{
    uint64_t slot = slot_allocate(&slots);
    if (slot && tern_cnode_copy(TERN_SLOT_CNODE, slot, CNODE_DEPTH, TERN_SLOT_CNODE, source,
                                CNODE_DEPTH, TERN_RIGHTS_ALL) != TERN_OK) {
        slot_free(&slots, slot);
        return 0;
    }
    return slot;
}

int64_t server_poll(struct server_request *request, server_poll_function *poll)
{
    uint32_t events = (uint32_t)request->mr[0];
    bool kept;
    int64_t ready = poll(request, events, 0, &kept);
    if (ready != 0 || !server_received_slot(request, 0))
        return ready;
    uint64_t notification = server_keep_capability(request, 0);
    if (!notification)
        return 0;
    ready = poll(request, events, notification, &kept);
    if (!kept)
        memory_delete(&server_memory, notification);
    return ready;
}

/* Capabilities the handler did not keep are dropped. */
static void empty_receive_slots(void)
{
    for (unsigned i = 0; i < tern_message_caps(request.info); i++)
        if (!came_as_badge(&request, i))
            tern_cnode_delete(TERN_SLOT_CNODE, receive_slots + i, CNODE_DEPTH);
}

/* ---- The loop ---- */

/* A failed Recv returns the error as the label with badge 0 and nothing
 * else: only a broken endpoint capability does that, and it would fail
 * the same way forever. */
static bool receive_failed(void)
{
    uint64_t label = tern_message_label(request.info);
    return request.badge == 0 && request.info == tern_message(label, 0, 0) && label != TERN_OK &&
           label < TERN_ERROR_COUNT;
}

/* Whether the request is a file-protocol one through a descriptor. */
static inline bool through_descriptor(void)
{
    return config->descriptors && !(request.badge & config->session_badge_bits) &&
           file_protocol_label(tern_message_label(request.info));
}

/* Whether the request is about a setting (sys/server.h): its opening
 * through a session, or the file protocol through its descriptor. */
static inline bool opens_setting(void)
{
    return config->settings && tern_message_label(request.info) == SERVER_SETTING_OPEN &&
           (request.badge & config->session_badge_bits);
}

static inline bool through_setting(void)
{
    return config->settings &&
           (request.badge & (SERVER_SETTING_FLAG | config->session_badge_bits)) ==
               SERVER_SETTING_FLAG &&
           file_protocol_label(tern_message_label(request.info));
}

/* Whether the request came through one of epoll's readiness boards. */
static inline bool through_board(void)
{
    return config->descriptors &&
           (request.badge & (WATCH_BOARD_FLAG | config->session_badge_bits)) == WATCH_BOARD_FLAG;
}

/* Registers 4 and up of the message just received, before any
 * invocation overwrites them. */
static void take_registers(void)
{
    unsigned length = tern_message_length(request.info);
    if (length <= TERN_MSG_REGISTERS && tern_message_caps(request.info) == 0)
        return;                 /* the common case: all in the CPU registers */
    const struct tern_ipc_buffer *buffer = tern_ipc_buffer();
    for (unsigned i = TERN_MSG_REGISTERS; i < length; i++)
        request.mr[i] = buffer->message[i];
    for (unsigned i = 0; i < tern_message_caps(request.info); i++)
        request.capability_badges[i] = buffer->caps_or_badges[i];
}

static inline void receive(void)
{
    request.info = tern_recv(SERVER_SLOT_ENDPOINT, request.reply, &request.badge, request.mr);
}

/* Answers and receives the next request, in one system call when the
 * answer carries no capability. */
static inline __attribute__((always_inline)) void answer_and_receive(void)
{
    if (tern_message_caps(request.answer)) {
        reply(request.reply, request.answer, request.mr);
        receive();
        return;
    }
    put_registers(request.answer, request.mr);
    request.info = tern_reply_recv(SERVER_SLOT_ENDPOINT, request.reply, request.answer,
                                   &request.badge, request.mr);
}

/* A request not answered at once (deferred, or its caller gone): the
 * next one is received. */
static void finish(enum server_outcome outcome)
{
    if (outcome == SERVER_DEFER) {
        /* server_can_defer made sure there is another. */
        request.reply = take_reply();
        if (!request.reply)
            server_stop("a caller was kept waiting without a spare reply object");
    } else if (tern_message_caps(request.answer)) {
        tern_cnode_delete(TERN_SLOT_CNODE, answer_slot, CNODE_DEPTH);
    }
    receive();
}

/* The deadline the notification's timer holds (0: none, or spent). */
uint64_t server_programmed_deadline;

void server_program_timer_now(uint64_t deadline)
{
    enum tern_error error = tern_notification_set_timeout(
        SERVER_SLOT_NOTIFICATION, deadline, SERVER_NOTIFIED | SERVER_TIMER_BADGE);
    if (error != TERN_OK)
        tern_printf("%s: cannot set the timer: %s\n", config->name, tern_error_name(error));
    server_programmed_deadline = deadline;
}

/* The common request, settled in one test: a protocol's label (not the
 * runtime's own, SERVER_PROCESS_ENDED and up) through a descriptor or
 * the server's own capability (no session, board or setting bit in the
 * badge), all in the CPU registers and with no capability. Everything
 * the general route checks first (a failed server, notifications, failed
 * receives, exit notices, the runtime's labels) has a label or a badge
 * this excludes, so it goes where the general route would send it. */
static bool plain_route;                /* false: every request takes the general route */
static uint64_t routed_badge_bits;

static inline bool plain_request(void)
{
    const tern_message_info caps_and_length = tern_message(0, TERN_MSG_MAX_CAPS, 0x7f);
    uint64_t label = tern_message_label(request.info);
    return (request.badge & routed_badge_bits) == 0 &&
           (request.info & caps_and_length) <= TERN_MSG_REGISTERS &&
           label - FILE_READ < SERVER_PROCESS_ENDED - FILE_READ;
}

static void plan_routes(void)
{
    plain_route = !failed();
    routed_badge_bits = config->session_badge_bits | WATCH_BOARD_FLAG | SERVER_SETTING_FLAG;
}

/* Not inlined into root_main by the link-time optimiser, so that
 * profiles name the runtime's loop (bench/run-profile). */
__attribute__((noinline)) void server_run(void)
{
    request.reply = take_reply();
    if (!request.reply)
        server_stop("no memory for a reply object");
    plan_routes();
    tern_set_receive_slot(TERN_SLOT_CNODE, receive_slots, CNODE_DEPTH);
    receive();
    for (;;) {
        if (__builtin_expect(plain_route && plain_request(), 1)) {
            request.caller_gone = false;
            request.answer = 0;
            enum server_outcome outcome =
                config->descriptors && file_protocol_label(tern_message_label(request.info))
                    ? file_server_handle(config->descriptors, &request)
                    : config->handle(&request);
            if (watch_due())
                watch_server_signal_due();
            if (__builtin_expect(outcome == SERVER_ANSWER && !request.caller_gone, 1)) {
                answer_and_receive();
                continue;
            }
            finish(outcome);
            continue;
        }
        if (request.info == 0 && (request.badge & SERVER_NOTIFIED)) {
            server_programmed_deadline = 0;    /* it fired: spent */
            if (config->notified)
                config->notified(request.badge);
            if (watch_due())
                watch_server_signal_due();
            receive();
            continue;
        }
        if (receive_failed())
            server_stop("cannot receive on the endpoint");
        take_registers();
        request.caller_gone = false;
        request.answer = 0;
        uint64_t label = tern_message_label(request.info);
        prune_at_exit_notice(&request);
        enum server_outcome outcome =
            failed()                        ? answer_failed(&request)
            : label == SERVER_DEBUG_FAULT   ? debug_fault(&request)
            : through_board()               ? watch_server_board_request(&request)
            : through_setting()             ? server_settings_request(&request)
            : through_descriptor()          ? file_server_handle(config->descriptors, &request)
            : opens_setting()               ? server_settings_open(&request)
            : is_memory_lent(&request)      ? take_memory(&request)
            : label == SERVER_STATISTICS    ? answer_statistics(&request)
                                            : config->handle(&request);
        if (watch_due())
            watch_server_signal_due();
        if (tern_message_caps(request.info))
            empty_receive_slots();
        if (outcome == SERVER_ANSWER && !request.caller_gone) {
            answer_and_receive();
            continue;
        }
        finish(outcome);
    }
}
