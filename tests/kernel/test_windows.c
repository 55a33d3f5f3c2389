/* Message windows: a server copies from and to the memory a caller named
 * in its Call, through the Reply object, within bounds and rights, and
 * only while the caller waits; and compare-exchanges a word there. */
#include "ktest.h"

#define WINDOW_LENGTH 64

/* ---- A server that runs a fixed list of window operations ---- */

enum { READ_ALL, READ_PAST_END, OFFSET_PAST_END, READ_EMPTY_AT_END, NO_SUCH_WINDOW,
       WRITE_READ_ONLY, READ_WRITE_ONLY, WRITE_PART, READ_INTO_UNMAPPED, TRUNCATED,
       AFTER_REPLY, OPERATIONS };

struct window_server {
    uint64_t endpoint;
    uint64_t reply;
    uint64_t buffer;            /* its own page */
    uint64_t unmapped;          /* an address with nothing mapped */
    volatile uint64_t done, after_reply_done;
    volatile uint64_t info;
    volatile uint64_t error[OPERATIONS];
    volatile uint64_t copied[OPERATIONS];
};

static struct window_server ws;

static void window_server(uint64_t unused)
{
    (void)unused;
    struct window_server *s = &ws;
    uint64_t copied;
    s->info = tern_recv(s->endpoint, s->reply, 0, 0);
    uint8_t *buffer = (uint8_t *)s->buffer;
    for (unsigned i = 0; i < WINDOW_LENGTH; i++)
        buffer[WINDOW_LENGTH + i] = (uint8_t)(0xc0 + i);

#define RECORD(operation, call)                                               \
    do {                                                                      \
        copied = ~0ULL;                                                       \
        s->error[operation] = (call);                                         \
        s->copied[operation] = copied;                                        \
    } while (0)

    RECORD(READ_ALL, tern_reply_read_window(s->reply, 0, 0, WINDOW_LENGTH, s->buffer, &copied));
    RECORD(READ_PAST_END, tern_reply_read_window(s->reply, 0, WINDOW_LENGTH - 4, 8,
                                                 s->buffer + 256, &copied));
    RECORD(OFFSET_PAST_END, tern_reply_read_window(s->reply, 0, WINDOW_LENGTH + 1, 0,
                                                   s->buffer + 256, &copied));
    RECORD(READ_EMPTY_AT_END, tern_reply_read_window(s->reply, 0, WINDOW_LENGTH, 0,
                                                     s->buffer + 256, &copied));
    RECORD(NO_SUCH_WINDOW, tern_reply_read_window(s->reply, 2, 0, 1, s->buffer + 256, &copied));
    RECORD(WRITE_READ_ONLY, tern_reply_write_window(s->reply, 0, 0, 8, s->buffer, &copied));
    RECORD(READ_WRITE_ONLY, tern_reply_read_window(s->reply, 1, 0, 8, s->buffer + 256, &copied));
    RECORD(WRITE_PART, tern_reply_write_window(s->reply, 1, 16, 32, s->buffer + WINDOW_LENGTH,
                                               &copied));
    RECORD(READ_INTO_UNMAPPED, tern_reply_read_window(s->reply, 0, 0, 8, s->unmapped, &copied));
    const uint64_t three[] = { 0, 0, 8 };
    s->error[TRUNCATED] = tern_invoke(s->reply, TERN_REPLY_READ_WINDOW, three, 3, 0, 0, 0, 0, 0);
    store(&s->done, 1);

    tern_reply(s->reply, tern_message(0x600d, 0, 0), 0);
    /* The call is over: no caller, no windows. */
    RECORD(AFTER_REPLY, tern_reply_read_window(s->reply, 0, 0, 8, s->buffer + 256, &copied));
    store(&s->after_reply_done, 1);
#undef RECORD
}

static void server_reads_and_writes_windows(void)
{
    ws = (struct window_server){ 0 };
    ws.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    ws.reply = object_new(TERN_OBJECT_REPLY, 0);
    ws.buffer = pages_new(1, RIGHTS_RW, 0);
    ws.unmapped = va_new(1, false);
    thread_spawn(window_server, 0, PRIORITY_MIDDLE, 0);
    sleep_ticks(1);

    uint8_t *in = (uint8_t *)pages_new(1, RIGHTS_RW, 0);
    uint8_t *out = (uint8_t *)pages_new(1, RIGHTS_RW, 0);
    for (unsigned i = 0; i < WINDOW_LENGTH; i++)
        in[i] = (uint8_t)(i * 5 + 3);
    tern_set_window(0, (uint64_t)in, WINDOW_LENGTH, TERN_WINDOW_READ);
    tern_set_window(1, (uint64_t)out, WINDOW_LENGTH, TERN_WINDOW_WRITE);
    tern_message_info info = tern_call(ws.endpoint,
                                       tern_message_with_windows(tern_message(1, 0, 0), 2), 0);
    CHECK_EQ(tern_message_label(info), 0x600d);
    CHECK(load(&ws.done));

    CHECK_ERROR(ws.error[READ_ALL], TERN_OK);
    CHECK_EQ(ws.copied[READ_ALL], WINDOW_LENGTH);
    CHECK(memcmp((void *)ws.buffer, in, WINDOW_LENGTH) == 0);
    CHECK_ERROR(ws.error[READ_PAST_END], TERN_RANGE_ERROR);
    CHECK_ERROR(ws.error[OFFSET_PAST_END], TERN_RANGE_ERROR);
    CHECK_ERROR(ws.error[READ_EMPTY_AT_END], TERN_OK);
    CHECK_EQ(ws.copied[READ_EMPTY_AT_END], 0);
    CHECK_ERROR(ws.error[NO_SUCH_WINDOW], TERN_RANGE_ERROR);
    /* Chosen among the two errors errors.h allows for a missing window
     * right: TERN_INVALID_CAPABILITY ("missing right"), as reply.c does;
     * TERN_FAULT stays for unmapped or read-only memory. */
    CHECK_ERROR(ws.error[WRITE_READ_ONLY], TERN_INVALID_CAPABILITY);
    CHECK_ERROR(ws.error[READ_WRITE_ONLY], TERN_INVALID_CAPABILITY);
    CHECK_ERROR(ws.error[WRITE_PART], TERN_OK);
    CHECK_EQ(ws.copied[WRITE_PART], 32);
    for (unsigned i = 0; i < WINDOW_LENGTH; i++) {
        uint8_t expected = i >= 16 && i < 48 ? (uint8_t)(0xc0 + i - 16) : 0;
        if (out[i] != expected)
            FAIL("out[%u] is 0x%x, expected 0x%x", i, out[i], expected);
    }
    CHECK_ERROR(ws.error[READ_INTO_UNMAPPED], TERN_FAULT);
    CHECK_ERROR(ws.error[TRUNCATED], TERN_TRUNCATED_MESSAGE);
    WAIT_FOR(&ws.after_reply_done, 1);
    CHECK_ERROR(ws.error[AFTER_REPLY], TERN_CALLER_GONE);
}

/* ---- The root task as the server, a thread as the caller ---- */

struct window_client {
    uint64_t endpoint;
    uint64_t window;
    uint64_t length;
    uint64_t rights;
    unsigned windows;
    volatile uint64_t done, label;
};

static void window_client(uint64_t argument)
{
    struct window_client *c = (struct window_client *)argument;
    tern_set_window(0, c->window, c->length, c->rights);
    tern_message_info info = tern_call(c->endpoint,
                                       tern_message_with_windows(tern_message(2, 0, 0),
                                                                 c->windows), 0);
    c->label = tern_message_label(info);
    store(&c->done, 1);
}

static struct window_client wc;
static tern_message_info taken_info;

/* Start a client calling with one window (or none) over window_memory,
 * and take its call: the reply object then holds it. */
static struct thread *take_call(uint64_t endpoint, uint64_t reply, uint64_t window_memory,
                                uint64_t rights, unsigned windows)
{
    wc = (struct window_client){ endpoint, window_memory, WINDOW_LENGTH, rights, windows, 0, 0 };
    struct thread *thread = thread_spawn(window_client, (uint64_t)&wc, PRIORITY_MIDDLE, 0);
    uint64_t badge;
    sleep_ticks(1);
    if (load(&wc.done))
        FAIL("the client's Call returned (label 0x%lx) before anyone received it", wc.label);
    tern_message_info info = receive_within(endpoint, reply, &badge, 0, WAIT_TICKS);
    CHECK_EQ(tern_message_label(info), 2);
    taken_info = info;
    return thread;
}

/* Assumed: the receiver's message info keeps the window count the caller
 * named (message.h bits 12-13), so a server knows what it may copy
 * without probing for TERN_RANGE_ERROR. */
static void receiver_sees_the_window_count(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t memory = pages_new(1, RIGHTS_RW, 0);
    take_call(endpoint, reply, memory, TERN_WINDOW_READ, 1);
    tern_reply(reply, tern_message(0, 0, 0), 0);
    CHECK_EQ(tern_message_windows(taken_info), 1);
}

static void caller_gone_after_suspend(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t memory = pages_new(1, RIGHTS_RW, 0);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0);
    struct thread *client = take_call(endpoint, reply, memory,
                                      TERN_WINDOW_READ | TERN_WINDOW_WRITE, 1);
    uint64_t copied;
    CHECK_OK(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied));
    CHECK_OK(tern_reply_write_window(reply, 0, 8, 8, buffer, &copied));
    CHECK_OK(tern_tcb_suspend(client->tcb));
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
    CHECK_ERROR(tern_reply_write_window(reply, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
    /* Replying to nobody does nothing; the client never sees an answer. */
    tern_reply(reply, tern_message(5, 0, 0), 0);
    sleep_ticks(1);
    CHECK_EQ(load(&wc.done), 0);
}

static void caller_gone_after_delete(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t memory = pages_new(1, RIGHTS_RW, 0);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0);
    struct thread *client = take_call(endpoint, reply, memory, TERN_WINDOW_READ, 1);
    uint64_t copied;
    CHECK_OK(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied));
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, client->tcb, ROOT_DEPTH));
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
}

/* The server dies with the call: deleting the reply object the caller is
 * bound to ends its Call with TERN_SERVER_GONE, rather than leaving it
 * waiting for an answer nobody can give. */
static void server_gone_when_the_reply_object_goes(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    take_call(endpoint, reply, pages_new(1, RIGHTS_RW, 0), TERN_WINDOW_READ, 1);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, reply, ROOT_DEPTH));
    WAIT_FOR(&wc.done, 1);
    CHECK_EQ(wc.label, TERN_SERVER_GONE);
}

/* A window over memory the caller does not have: the copy faults. A
 * writable window over a read-only page: writing faults. */
static void windows_over_bad_memory(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0);
    uint64_t copied;
    take_call(endpoint, reply, va_new(1, false), TERN_WINDOW_READ | TERN_WINDOW_WRITE, 1);
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_FAULT);
    CHECK_ERROR(tern_reply_write_window(reply, 0, 0, 8, buffer, &copied), TERN_FAULT);
    tern_reply(reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&wc.done, 1);

    uint64_t read_only = pages_new(1, TERN_RIGHT_READ, 0);
    take_call(endpoint, reply, read_only, TERN_WINDOW_READ | TERN_WINDOW_WRITE, 1);
    CHECK_OK(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied));
    CHECK_ERROR(tern_reply_write_window(reply, 0, 0, 8, buffer, &copied), TERN_FAULT);
    tern_reply(reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&wc.done, 1);
}

/* Compare-exchange of a caller's word: it changes only when it holds the
 * expected value, the old value comes back either way, and only an
 * aligned word of a window open both ways counts. */
static void compare_exchange_of_a_callers_word(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint32_t *words = (uint32_t *)pages_new(1, RIGHTS_RW, 0);
    words[1] = 7;
    uint32_t previous = 0;
    take_call(endpoint, reply, (uint64_t)words, TERN_WINDOW_READ | TERN_WINDOW_WRITE, 1);
    CHECK_OK(tern_reply_compare_exchange(reply, 0, 4, 7, 9, &previous));
    CHECK_EQ(previous, 7);
    CHECK_EQ(words[1], 9);
    CHECK_OK(tern_reply_compare_exchange(reply, 0, 4, 7, 11, &previous));
    CHECK_EQ(previous, 9);
    CHECK_EQ(words[1], 9);
    CHECK_ERROR(tern_reply_compare_exchange(reply, 0, 2, 0, 1, &previous), TERN_RANGE_ERROR);
    CHECK_ERROR(tern_reply_compare_exchange(reply, 0, WINDOW_LENGTH - 2, 0, 1, &previous),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_reply_compare_exchange(reply, 1, 0, 0, 1, &previous), TERN_RANGE_ERROR);
    tern_reply(reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&wc.done, 1);
    CHECK_ERROR(tern_reply_compare_exchange(reply, 0, 4, 9, 1, &previous), TERN_CALLER_GONE);

    take_call(endpoint, reply, (uint64_t)words, TERN_WINDOW_READ, 1);
    CHECK_ERROR(tern_reply_compare_exchange(reply, 0, 4, 9, 1, &previous),
                TERN_INVALID_CAPABILITY);
    tern_reply(reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&wc.done, 1);
    uint64_t read_only = pages_new(1, TERN_RIGHT_READ, 0);
    take_call(endpoint, reply, read_only, TERN_WINDOW_READ | TERN_WINDOW_WRITE, 1);
    CHECK_ERROR(tern_reply_compare_exchange(reply, 0, 0, 0, 1, &previous), TERN_FAULT);
    tern_reply(reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&wc.done, 1);
    CHECK_EQ(words[1], 9);
}

/* A Call that names no window: every window index is out of range. */
static void no_windows_named(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t memory = pages_new(1, RIGHTS_RW, 0);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0);
    uint64_t copied;
    take_call(endpoint, reply, memory, TERN_WINDOW_READ, 0);
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_RANGE_ERROR);
    tern_reply(reply, tern_message(0x11, 0, 0), 0);
    WAIT_FOR(&wc.done, 1);
    CHECK_EQ(wc.label, 0x11);
    /* A reply object that never held a caller. */
    uint64_t idle = object_new(TERN_OBJECT_REPLY, 0);
    CHECK_ERROR(tern_reply_read_window(idle, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
    /* Window invocations on something else. */
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_ERROR(tern_reply_read_window(notification, 0, 0, 8, buffer, &copied),
                TERN_ILLEGAL_OPERATION);
}

const struct test_case window_tests[] = {
    { "server_reads_and_writes_windows", server_reads_and_writes_windows },
    { "caller_gone_after_suspend", caller_gone_after_suspend },
    { "caller_gone_after_delete", caller_gone_after_delete },
    { "server_gone_when_the_reply_object_goes", server_gone_when_the_reply_object_goes },
    { "windows_over_bad_memory", windows_over_bad_memory },
    { "compare_exchange_of_a_callers_word", compare_exchange_of_a_callers_word },
    { "no_windows_named", no_windows_named },
    { "receiver_sees_the_window_count", receiver_sees_the_window_count },
    TEST_SUITE_END,
};
