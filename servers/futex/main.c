/*
 * The futex server: FUTEX_WAIT, FUTEX_WAKE and FUTEX_(CMP_)REQUEUE for
 * every process (sys/protocol/futex.h, docs/protocols/futex.md). The
 * queues live in core.c; this file binds them to IPC.
 *
 * A WAIT that blocks keeps the reply object its caller is bound to: that
 * object is the waiter's handle in the table, and the server receives the
 * next message with another one from its pool (a deferred reply). Waking
 * a waiter is a Reply through its object. Deadlines go to the kernel's
 * notification timer: the earliest pending one is always programmed, and
 * when it fires the bound notification ends the Recv.
 *
 * Interruption: a signal for a thread blocked here cancels its IPC in the
 * kernel, which unbinds the caller from its reply object; the server then
 * learns it is gone when a wake, a timeout or a full pool probes it
 * (caller_waits), and libsys returns -EINTR or restarts. A server-driven
 * cancel (a signal server naming a waiter) would call futex_cancel() on
 * the waiter's reply object and then answer_waiter(reply, -LINUX_EINTR).
 * A process that dies takes its waiters with futex_cancel_process() once
 * procmgr reports deaths (there is no such message yet).
 */
#include "core.h"

#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/memory.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/futex.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

/* Waiters the server holds at once; one more reply object receives. */
#define WAITER_CAPACITY 256

/* The notification's word when the timer fires. Bit 63 marks the bound
 * notification (protocol/common.h): no client badge, a pid, has it. */
#define NOTIFICATION_BIT (1ULL << 63)
#define TIMER_WORD (NOTIFICATION_BIT | SERVER_TIMER_BADGE)

/* The most message registers a request has (FUTEX_REQUEUE's). */
#define MAX_ARGUMENTS 8

static struct futex_waiter waiters[WAITER_CAPACITY];
static struct futex_table table;

/* Reply objects bound to no waiter: one of them receives. */
static uint64_t free_replies[WAITER_CAPACITY + 1];
static unsigned free_reply_count;
static uint64_t slot_bitmap[(1 << 12) / 64];   /* the server's CNode has 4096 slots */
static struct slot_allocator slots;
static struct untyped_pool untyped;
static struct memory memory;

/* The deadline the notification's timer holds (0: none). */
static uint64_t programmed_deadline;

/* The request being decided: the reply object its caller is bound to,
 * and whether the caller turned out to be gone. */
struct call {
    uint64_t reply;
    bool caller_gone;
};

enum outcome {
    OUTCOME_ANSWER,     /* reply with the result now */
    OUTCOME_DEFERRED,   /* the caller waits: its reply object is a waiter's */
    OUTCOME_SILENT,     /* nobody to answer (the timer, a vanished caller) */
};

static __attribute__((noreturn)) void stop(const char *why)
{
    tern_printf("futex: %s; stopping\n", why);
    for (;;)
        tern_tcb_suspend(TERN_SLOT_TCB);
}

/* Makes up to wanted reply objects, onto the free list; returns how many
 * there are. */
static unsigned make_reply_objects(const struct tern_boot_info *boot_info, unsigned wanted)
{
    if (boot_info->empty_last - boot_info->empty_first > sizeof slot_bitmap * 8)
        return 0;   /* more free slots than the bitmap holds */
    memory_init(&memory, &slots, &untyped, boot_info, slot_bitmap);
    while (free_reply_count < wanted) {
        uint64_t reply = memory_new_object(&memory, TERN_OBJECT_REPLY, 0);
        if (!reply)
            break;
        free_replies[free_reply_count++] = reply;
    }
    return free_reply_count;
}

static uint64_t take_reply(void)
{
    return free_replies[--free_reply_count];
}

static void release_reply(uint64_t reply)
{
    free_replies[free_reply_count++] = reply;
}

/* Reads the futex word through window 0 of the call. */
static int read_word(void *context, uint32_t *value)
{
    struct call *call = context;
    uint32_t word;
    enum tern_error error =
        tern_reply_read_window(call->reply, 0, 0, sizeof(word), (uint64_t)&word, 0);
    if (error == TERN_CALLER_GONE)
        call->caller_gone = true;
    if (error != TERN_OK)
        return -LINUX_EFAULT;
    *value = word;
    return 0;
}

/* Whether a caller is still bound to reply. Reply itself reports nothing,
 * but a window read of no bytes fails with TERN_CALLER_GONE exactly when
 * the caller was answered, suspended or destroyed. Every waiter named
 * window 0 (it was read), so no other error applies. */
static bool caller_waits(uint64_t reply)
{
    uint32_t nothing;
    return tern_reply_read_window(reply, 0, 0, 0, (uint64_t)&nothing, 0) != TERN_CALLER_GONE;
}

static void send_result(uint64_t reply, int64_t result)
{
    uint64_t mr[TERN_MSG_REGISTERS] = { (uint64_t)result };
    tern_reply(reply, tern_message(0, 0, 1), mr);
}

/* A waiter leaves the table: answer it if its caller is still there. */
static bool answer_waiter(void *context, uint64_t reply, int64_t result)
{
    (void)context;
    bool waiting = caller_waits(reply);
    if (waiting)
        send_result(reply, result);
    release_reply(reply);
    return waiting;
}

/* Frees the waiters whose callers vanished (a full pool's last resort). */
static bool caller_vanished(void *context, uint64_t reply)
{
    (void)context;
    if (caller_waits(reply))
        return false;
    release_reply(reply);
    return true;
}

/* Keeps the notification's timer on the earliest pending deadline. */
static void program_timer(void)
{
    uint64_t deadline = futex_earliest_deadline(&table);
    if (deadline == programmed_deadline)
        return;
    enum tern_error error =
        tern_notification_set_timeout(SERVER_SLOT_NOTIFICATION, deadline, TIMER_WORD);
    if (error != TERN_OK)
        tern_printf("futex: cannot set the timer: %s\n", tern_error_name(error));
    programmed_deadline = deadline;
}

/* The timer fired: it is spent, so whatever is pending is programmed
 * again (even the same deadline, if the kernel's clock ran ahead). */
static void expire_waiters(void)
{
    programmed_deadline = 0;
    futex_expire(&table, tern_counter_now(), answer_waiter, 0);
}

static int64_t handle_wait(uint64_t pid, const uint64_t *args, unsigned length,
                           struct call *call)
{
    if (length < 5)
        return -LINUX_EINVAL;
    struct futex_wait_request request = {
        .pid = pid,
        .key = args[0],
        .address = args[1],
        .expected = (uint32_t)args[2],
        .deadline = args[3],
        .bitset = (uint32_t)args[4],
        .handle = call->reply,
    };
    int64_t result = futex_wait(&table, &request, tern_counter_now(), read_word, call);
    if (result == -LINUX_ENOMEM && futex_cancel_selected(&table, caller_vanished, 0) > 0)
        result = futex_wait(&table, &request, tern_counter_now(), read_word, call);
    return result;
}

static int64_t handle_wake(uint64_t pid, const uint64_t *args, unsigned length)
{
    if (length < 4)
        return -LINUX_EINVAL;
    struct futex_wake_request request = {
        .pid = pid,
        .key = args[0],
        .address = args[1],
        .count = (int32_t)(uint32_t)args[2],
        .bitset = (uint32_t)args[3],
    };
    return futex_wake(&table, &request, answer_waiter, 0);
}

static int64_t handle_requeue(uint64_t pid, const uint64_t *args, unsigned length,
                              struct call *call)
{
    if (length < 8 || args[6] > 1)
        return -LINUX_EINVAL;
    struct futex_requeue_request request = {
        .pid = pid,
        .key = args[0],
        .address = args[1],
        .wake_count = (int32_t)(uint32_t)args[2],
        .requeue_count = (int32_t)(uint32_t)args[3],
        .key2 = args[4],
        .address2 = args[5],
        .compare = args[6] == 1,
        .expected = (uint32_t)args[7],
    };
    return futex_requeue(&table, &request, read_word, answer_waiter, call);
}

/* A failed Recv returns the error as the label with badge 0 and nothing
 * else: only a broken endpoint capability does that, and it would fail
 * the same way forever. */
static bool receive_failed(uint64_t badge, tern_message_info info)
{
    uint64_t label = tern_message_label(info);
    return badge == 0 && info == tern_message(label, 0, 0) && label != TERN_OK &&
           label < TERN_ERROR_COUNT;
}

static enum outcome dispatch(uint64_t badge, tern_message_info info,
                             const uint64_t mr[TERN_MSG_REGISTERS], struct call *call,
                             int64_t *result)
{
    if (info == 0 && (badge & NOTIFICATION_BIT)) {
        expire_waiters();
        return OUTCOME_SILENT;
    }
    if (receive_failed(badge, info))
        stop("cannot receive on the endpoint");

    uint64_t args[MAX_ARGUMENTS] = { 0 };
    unsigned length = tern_message_length(info);
    if (length > MAX_ARGUMENTS)
        length = MAX_ARGUMENTS;
    for (unsigned i = 0; i < length; i++)
        args[i] = i < TERN_MSG_REGISTERS ? mr[i] : tern_get_mr(i);

    uint64_t pid = badge;
    switch (tern_message_label(info)) {
    case FUTEX_WAIT:
        *result = handle_wait(pid, args, length, call);
        if (*result == FUTEX_QUEUED)
            return OUTCOME_DEFERRED;
        break;
    case FUTEX_WAKE:
        *result = handle_wake(pid, args, length);
        break;
    case FUTEX_REQUEUE:
        *result = handle_requeue(pid, args, length, call);
        break;
    default:
        *result = -LINUX_ENOSYS;
        break;
    }
    return call->caller_gone ? OUTCOME_SILENT : OUTCOME_ANSWER;
}

int root_main(const struct tern_boot_info *boot_info)
{
    unsigned replies = make_reply_objects(boot_info, WAITER_CAPACITY + 1);
    if (replies < 2)
        stop("no memory or slots for reply objects");
    futex_table_init(&table, waiters, replies - 1);

    uint64_t receive_reply = take_reply();
    uint64_t badge = 0;
    uint64_t mr[TERN_MSG_REGISTERS];
    tern_message_info info = tern_recv(SERVER_SLOT_ENDPOINT, receive_reply, &badge, mr);
    for (;;) {
        struct call call = { .reply = receive_reply };
        int64_t result = 0;
        enum outcome outcome = dispatch(badge, info, mr, &call, &result);
        program_timer();
        if (outcome == OUTCOME_ANSWER) {
            mr[0] = (uint64_t)result;
            info = tern_reply_recv(SERVER_SLOT_ENDPOINT, receive_reply, tern_message(0, 0, 1),
                                   &badge, mr);
            continue;
        }
        /* The pool holds one reply object more than the table holds
         * waiters, so one is always free here. */
        if (outcome == OUTCOME_DEFERRED)
            receive_reply = take_reply();
        info = tern_recv(SERVER_SLOT_ENDPOINT, receive_reply, &badge, mr);
    }
}
