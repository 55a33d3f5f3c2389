/*
 * The futex server: FUTEX_WAIT, FUTEX_WAKE, FUTEX_(CMP_)REQUEUE,
 * FUTEX_WAKE_OP and FUTEX_WAITV for every process (sys/protocol/futex.h,
 * docs/protocols/futex.md). The queues live in core.c; this file binds
 * them to the server runtime.
 *
 * A WAIT or WAITV that blocks keeps its caller's reply object (a
 * deferred reply, sys/server.h): that object is the caller's handle in
 * the table, and waking the caller answers through it. Deadlines go to
 * the kernel's notification timer: the earliest pending one is always
 * programmed, and when it fires the bound notification ends the server's
 * receive.
 *
 * Interruption: a signal for a thread blocked here cancels its IPC in the
 * kernel, which unbinds the caller from its reply object; the server then
 * learns it is gone when a wake, a timeout or a full pool probes it, and
 * libsys returns -EINTR or restarts. A process that dies takes its
 * waiters with it: procmgr's SERVER_PROCESS_ENDED (through the session of
 * pid 0, which no process holds) has futex_cancel_process() let them go,
 * so a thread that died waiting (its process ended by another thread's
 * exit) holds no reply object afterwards.
 */
#include "core.h"

#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/futex.h"
#include "sys/protocol/memory.h"
#include "sys/runtime.h"
#include "sys/server.h"

/* Callers the server keeps waiting at once (a reply object each), and
 * the futexes they may wait on in all (a waiter each; a FUTEX_WAITV
 * takes as many as it has entries). */
#define CALLER_CAPACITY 256
#define WAITER_CAPACITY 1024

static struct futex_waiter waiters[WAITER_CAPACITY];
static struct futex_table table;

/* The entries of the FUTEX_WAITV being decided (window 1). */
static struct futex_waitv_entry waitv_entries[FUTEX_WAITV_MAX];

/* Window 0 of a request, and the caller's address it starts at. */
struct word_window {
    struct server_request *request;
    uint64_t base;
};

/* Reads the futex word at address through window 0; an address below
 * the window's start wraps to an offset past its end, and fails. */
static int read_word(void *context, uint64_t address, uint32_t *value)
{
    struct word_window *window = context;
    return server_read_window(window->request, 0, address - window->base, value,
                              sizeof *value);
}

/* A waiter leaves the table: answer it if its caller is still there. */
static bool answer_waiter(void *context, uint64_t reply, int64_t result)
{
    (void)context;
    uint64_t mr[] = {(uint64_t)result};
    return server_answer_deferred(reply, tern_message(0, 0, 1), mr);
}

/* Frees a waiter whose caller vanished. */
static bool caller_vanished(void *context, uint64_t reply)
{
    (void)context;
    if (server_caller_waits(reply))
        return false;
    server_release_reply(reply);
    return true;
}

/* A waiter of a process that ended: its reply object is free again. */
static void release_waiter(void *context, uint64_t reply)
{
    (void)context;
    server_release_reply(reply);
}

/* Drops the callers that vanished while they waited; returns how many. */
static unsigned drop_vanished_callers(void)
{
    return futex_cancel_selected(&table, caller_vanished, 0);
}

/* Every reply object is taken: the callers that vanished give theirs
 * back. */
static void prune(void)
{
    drop_vanished_callers();
}

/* Keeps the notification's timer on the earliest pending deadline. */
static void program_timer(void)
{
    server_program_timer(futex_earliest_deadline(&table));
}

/* The timer fired: what is due expires, and the timer is set again. */
static void timer_fired(uint64_t word)
{
    (void)word;
    futex_expire(&table, tern_counter_now(), answer_waiter, 0);
    program_timer();
}

static enum server_outcome handle_wait(struct server_request *request)
{
    const uint64_t *args = request->mr;
    if (tern_message_length(request->info) < 4)
        return server_answer(request, -LINUX_EINVAL);
    struct futex_wait_request wait = {
        .pid = request->badge,
        .key = args[0],
        .address = args[1],
        .expected = (uint32_t)args[2],
        .bitset = (uint32_t)(args[2] >> 32),
        .deadline = args[3],
        .handle = request->reply,
    };
    struct word_window window = {request, wait.address};
    int64_t result = -LINUX_ENOMEM;
    if (server_can_defer()) {
        result = futex_wait(&table, &wait, tern_counter_now(), read_word, &window);
        /* The table is full: callers that vanished may make room. */
        if (result == -LINUX_ENOMEM && drop_vanished_callers())
            result = futex_wait(&table, &wait, tern_counter_now(), read_word, &window);
    }
    if (result == FUTEX_QUEUED)
        return SERVER_DEFER;
    return server_answer(request, result);
}

static enum server_outcome handle_waitv(struct server_request *request)
{
    const uint64_t *args = request->mr;
    if (tern_message_length(request->info) < 3 || args[0] == 0 || args[0] > FUTEX_WAITV_MAX)
        return server_answer(request, -LINUX_EINVAL);
    struct futex_waitv_request waitv = {
        .pid = request->badge,
        .entries = waitv_entries,
        .count = (uint32_t)args[0],
        .deadline = args[1],
        .handle = request->reply,
    };
    if (server_read_window(request, 1, 0, waitv_entries, waitv.count * sizeof waitv_entries[0]))
        return server_answer(request, -LINUX_EFAULT);
    struct word_window window = {request, args[2]};
    int64_t result = -LINUX_ENOMEM;
    if (server_can_defer()) {
        result = futex_waitv(&table, &waitv, tern_counter_now(), read_word, &window);
        /* Too few free waiters: callers that vanished may make room. */
        if (result == -LINUX_ENOMEM && drop_vanished_callers())
            result = futex_waitv(&table, &waitv, tern_counter_now(), read_word, &window);
    }
    if (result == FUTEX_QUEUED)
        return SERVER_DEFER;
    return server_answer(request, result);
}

static enum server_outcome handle_wake(struct server_request *request)
{
    const uint64_t *args = request->mr;
    if (tern_message_length(request->info) < 4)
        return server_answer(request, -LINUX_EINVAL);
    struct futex_wake_request wake = {
        .pid = request->badge,
        .key = args[0],
        .address = args[1],
        .count = (int32_t)(uint32_t)args[2],
        .bitset = (uint32_t)args[3],
    };
    return server_answer(request, futex_wake(&table, &wake, answer_waiter, 0));
}

static enum server_outcome handle_wake_op(struct server_request *request)
{
    const uint64_t *args = request->mr;
    if (tern_message_length(request->info) < 7 || args[6] > 1)
        return server_answer(request, -LINUX_EINVAL);
    struct futex_wake_op_request wake_op = {
        .pid = request->badge,
        .key = args[0],
        .address = args[1],
        .count = (int32_t)(uint32_t)args[2],
        .key2 = args[3],
        .address2 = args[4],
        .count2 = (int32_t)(uint32_t)args[5],
        .wake2 = args[6] == 1,
    };
    return server_answer(request, futex_wake_op(&table, &wake_op, answer_waiter, 0));
}

static enum server_outcome handle_requeue(struct server_request *request)
{
    const uint64_t *args = request->mr;
    if (tern_message_length(request->info) < 8 || args[6] > 1)
        return server_answer(request, -LINUX_EINVAL);
    struct futex_requeue_request requeue = {
        .pid = request->badge,
        .key = args[0],
        .address = args[1],
        .wake_count = (int32_t)(uint32_t)args[2],
        .requeue_count = (int32_t)(uint32_t)args[3],
        .key2 = args[4],
        .address2 = args[5],
        .compare = args[6] == 1,
        .expected = (uint32_t)args[7],
    };
    struct word_window window = {request, requeue.address};
    return server_answer(request, futex_requeue(&table, &requeue, read_word, answer_waiter,
                                                &window));
}

/* ---- The summary (sys/protocol/futex.h) ---- */

static struct futex_summary *summary;

/* MEMORY_MAP of the summary: the page, read-only (EACCES for more). */
static enum server_outcome map_summary(struct server_request *request)
{
    uint64_t offset = request->mr[0], length = request->mr[1], prot = request->mr[2];
    if (offset != 0 || length > LINUX_PAGE_SIZE)
        return server_answer(request, -LINUX_EINVAL);
    if (prot & LINUX_PROT_WRITE)
        return server_answer(request, -LINUX_EACCES);
    server_answer_mapping(request, FUTEX_SUMMARY_IDENTITY, 0, 0);
    return SERVER_ANSWER;
}

static enum server_outcome lend_summary(struct server_request *request)
{
    if (request->mr[0] != 0)
        return server_answer(request, -LINUX_ENXIO);
    if (request->mr[1] & MEMORY_PAGE_WRITE)
        return server_answer(request, -LINUX_EACCES);
    return server_answer_page(request, summary, false);
}

/* The summary's mapping, and any label the server does not know. */
static enum server_outcome handle_summary(struct server_request *request)
{
    switch (tern_message_label(request->info)) {
    case MEMORY_MAP:
    case MEMORY_PAGE:
        return server_memory_request(request, map_summary, lend_summary);
    case FILE_RETAIN:
    case FILE_CLOSE:
        /* procmgr keeps the session as the summary mapping's descriptor
         * and lets it go with the mapping: the summary lasts anyway. */
        return server_answer(request, 0);
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

/* The badge of every request is the caller's pid. */
static enum server_outcome handle(struct server_request *request)
{
    enum server_outcome outcome;
    switch (tern_message_label(request->info)) {
    case FUTEX_WAIT:
        outcome = handle_wait(request);
        break;
    case FUTEX_WAKE:
        outcome = handle_wake(request);
        break;
    case FUTEX_REQUEUE:
        outcome = handle_requeue(request);
        break;
    case FUTEX_WAKE_OP:
        outcome = handle_wake_op(request);
        break;
    case FUTEX_WAITV:
        outcome = handle_waitv(request);
        break;
    case SERVER_PROCESS_ENDED:
        if (request->badge != SESSION_NOTICE_BADGE(0) || tern_message_length(request->info) < 1)
            return server_answer(request, -LINUX_EPERM);
        futex_cancel_process(&table, request->mr[0], release_waiter, 0);
        outcome = server_answer(request, 0);
        break;
    default:
        return handle_summary(request);
    }
    program_timer();
    return outcome;
}

static const struct server_config futex_server = {
    .name = "futex",
    .id = SERVER_FUTEX,
    .deferred_capacity = CALLER_CAPACITY,
    .handle = handle,
    .notified = timer_fired,
    .prune = prune,
    .lendable_pages = true,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &futex_server);
    summary = server_allocate_page(0);
    if (!summary)
        server_stop("no page for the summary");
    memset(summary, 0, LINUX_PAGE_SIZE);
    futex_table_init(&table, waiters, WAITER_CAPACITY, summary);
    server_run();
}
