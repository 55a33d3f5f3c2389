/*
 * The futex server: FUTEX_WAIT, FUTEX_WAKE and FUTEX_(CMP_)REQUEUE for
 * every process (sys/protocol/futex.h, docs/protocols/futex.md). The
 * queues live in core.c; this file binds them to the server runtime.
 *
 * A WAIT that blocks keeps its caller's reply object (a deferred reply,
 * sys/server.h): that object is the waiter's handle in the table, and
 * waking the waiter answers through it. Deadlines go to the kernel's
 * notification timer: the earliest pending one is always programmed, and
 * when it fires the bound notification ends the server's receive.
 *
 * Interruption: a signal for a thread blocked here cancels its IPC in the
 * kernel, which unbinds the caller from its reply object; the server then
 * learns it is gone when a wake, a timeout or a full pool probes it, and
 * libsys returns -EINTR or restarts. A process that dies takes its
 * waiters with futex_cancel_process() once procmgr reports deaths (there
 * is no such message yet).
 */
#include "core.h"

#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/futex.h"
#include "sys/runtime.h"
#include "sys/server.h"

/* Waiters the server holds at once. */
#define WAITER_CAPACITY 256

static struct futex_waiter waiters[WAITER_CAPACITY];
static struct futex_table table;

/* Reads the futex word through window 0 of the request being decided. */
static int read_word(void *context, uint32_t *value)
{
    return server_read_window(context, 0, 0, value, sizeof *value);
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

/* Every reply object is taken: the waiters whose callers vanished give
 * theirs back. */
static void prune(void)
{
    futex_cancel_selected(&table, caller_vanished, 0);
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
    if (tern_message_length(request->info) < 5)
        return server_answer(request, -LINUX_EINVAL);
    struct futex_wait_request wait = {
        .pid = request->badge,
        .key = args[0],
        .address = args[1],
        .expected = (uint32_t)args[2],
        .deadline = args[3],
        .bitset = (uint32_t)args[4],
        .handle = request->reply,
    };
    /* The table has room for a waiter exactly when a reply object does. */
    int64_t result = server_can_defer()
                         ? futex_wait(&table, &wait, tern_counter_now(), read_word, request)
                         : -LINUX_ENOMEM;
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
    return server_answer(request, futex_requeue(&table, &requeue, read_word, answer_waiter,
                                                request));
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
    default:
        outcome = server_answer(request, -LINUX_ENOSYS);
        break;
    }
    program_timer();
    return outcome;
}

static const struct server_config futex_server = {
    .name = "futex",
    .deferred_capacity = WAITER_CAPACITY,
    .handle = handle,
    .notified = timer_fired,
    .prune = prune,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &futex_server);
    futex_table_init(&table, waiters, WAITER_CAPACITY);
    server_run();
}
