/* Notifications: Signal, Wait, Poll, badges OR-ed, and the timer. */
#include "ktest.h"
#include "sys/counter.h"

static void signal_then_wait(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x1);
    CHECK_LABEL(tern_signal(badged), TERN_OK);
    uint64_t word = 0;
    CHECK_LABEL(tern_wait(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x1);
    /* Wait took the word. */
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
}

static void badges_are_ored(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t one = cap_mint(notification, TERN_RIGHT_WRITE, 0x1);
    uint64_t two = cap_mint(notification, TERN_RIGHT_WRITE, 0x2);
    uint64_t eight = cap_mint(notification, TERN_RIGHT_WRITE, 0x8);
    CHECK_LABEL(tern_signal(one), TERN_OK);
    CHECK_LABEL(tern_signal(two), TERN_OK);
    CHECK_LABEL(tern_signal(eight), TERN_OK);
    CHECK_LABEL(tern_signal(two), TERN_OK);
    uint64_t word = 0;
    CHECK_LABEL(tern_wait(notification, &word), TERN_OK);
    CHECK_EQ(word, 0xb);
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
}

static void poll_takes_and_clears(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x300);
    uint64_t word = 99;
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
    CHECK_LABEL(tern_signal(badged), TERN_OK);
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x300);
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
    /* A capability without a badge ORs in nothing. */
    CHECK_LABEL(tern_signal(notification), TERN_OK);
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
}

struct waiter {
    uint64_t notification;
    volatile uint64_t ready, done, word, label;
};

static void waiter(uint64_t argument)
{
    struct waiter *w = (struct waiter *)argument;
    uint64_t word = 0;
    store(&w->ready, 1);
    tern_message_info info = tern_wait(w->notification, &word);
    w->word = word;
    w->label = tern_message_label(info);
    store(&w->done, 1);
}

static void start_waiter(struct waiter *w, uint64_t notification, unsigned cpu)
{
    *w = (struct waiter){ notification, 0, 0, 0, ~0ULL };
    thread_spawn(waiter, (uint64_t)w, PRIORITY_MIDDLE, cpu);
    WAIT_FOR(&w->ready, 1);
    sleep_ticks(1);
    CHECK_EQ(load(&w->done), 0);
}

static void wait_blocks_until_signalled(void)
{
    static struct waiter w;
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x20);
    start_waiter(&w, notification, 0);
    CHECK_LABEL(tern_signal(badged), TERN_OK);
    WAIT_FOR(&w.done, 1);
    CHECK_EQ(w.word, 0x20);
    CHECK_ERROR(w.label, TERN_OK);
}

/* Waiters queue in order; one signal wakes one of them. */
static void one_signal_wakes_one_waiter(void)
{
    static struct waiter first, second;
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t one = cap_mint(notification, TERN_RIGHTS_ALL, 0x1);
    uint64_t two = cap_mint(notification, TERN_RIGHTS_ALL, 0x2);
    start_waiter(&first, notification, 0);
    start_waiter(&second, notification, 0);
    CHECK_LABEL(tern_signal(one), TERN_OK);
    WAIT_FOR(&first.done, 1);
    sleep_ticks(1);
    CHECK_EQ(load(&second.done), 0);
    CHECK_EQ(first.word, 0x1);
    CHECK_LABEL(tern_signal(two), TERN_OK);
    WAIT_FOR(&second.done, 1);
    CHECK_EQ(second.word, 0x2);
}

static void wrong_types_and_rights(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t read_only = cap_copy(notification, TERN_RIGHT_READ);
    uint64_t write_only = cap_copy(notification, TERN_RIGHT_WRITE);
    uint64_t empty = slot_new();
    uint64_t word;
    CHECK_LABEL(tern_wait(endpoint, &word), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_poll(endpoint, &word), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_signal(endpoint), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_signal(ROOT_TCB), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_signal(read_only), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_poll(write_only, &word), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_wait(write_only, &word), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_signal(empty), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_wait(empty, &word), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_poll(empty, &word), TERN_FAILED_LOOKUP);
}

/* A deadline milliseconds from now. One already past fires at the next
 * tick of any core, which may come between two calls of a test: a
 * deadline that must not fire before the test's next call is set ahead. */
static uint64_t deadline_in(uint64_t milliseconds)
{
    return tern_counter_now() + tern_counter_frequency() / 1000 * milliseconds;
}

/* Notification_SetTimeout: a deadline already past fires at once (the
 * timeout timer's interrupt), with the badge given. */
static void timeout_fires(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_OK(tern_notification_set_timeout(notification, 1, 0x80));
    uint64_t word = 0;
    CHECK_LABEL(tern_wait(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x80);
    /* Arming again replaces the earlier deadline and badge. */
    CHECK_OK(tern_notification_set_timeout(notification, deadline_in(100), 0x4));
    CHECK_OK(tern_notification_set_timeout(notification, 1, 0x8));
    CHECK_LABEL(tern_wait(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x8);
}

static void timeout_can_be_cancelled(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t deadline = deadline_in(50);
    CHECK_OK(tern_notification_set_timeout(notification, deadline, 0x10));
    CHECK_OK(tern_notification_set_timeout(notification, 0, 0));
    while (tern_counter_now() < deadline)
        sleep_ticks(1);
    sleep_ticks(3);             /* and the tick that would have fired it */
    uint64_t word = 99;
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
    /* A deadline far away does not fire meanwhile either. */
    CHECK_OK(tern_notification_set_timeout(notification, ~0ULL >> 1, 0x20));
    sleep_ticks(2);
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
}

static void timeout_errors(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t read_only = cap_copy(notification, TERN_RIGHT_READ);
    CHECK_ERROR(tern_notification_set_timeout(read_only, 1, 1), TERN_INVALID_CAPABILITY);
    const uint64_t args[] = { 1 };
    CHECK_ERROR(tern_invoke(notification, TERN_NOTIFICATION_SET_TIMEOUT, args, 1, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_ERROR(tern_invoke(notification, TERN_TCB_RESUME, 0, 0, 0, 0, 0, 0, 0),
                TERN_ILLEGAL_OPERATION);
}

/* Signals cross cores both ways. */
static volatile uint64_t remote_signals_done;
static uint64_t remote_signal_cap;

static void signal_remotely(uint64_t unused)
{
    (void)unused;
    tern_signal(remote_signal_cap);
    store(&remote_signals_done, 1);
}

static void signals_across_cores(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    static struct waiter w;
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x40);
    /* A waiter on core 1 woken from core 0. */
    start_waiter(&w, notification, 1);
    CHECK_LABEL(tern_signal(badged), TERN_OK);
    CHECK(spin_at_least(&w.done, 1, 400000000));
    CHECK_EQ(w.word, 0x40);
    /* The root task waiting on core 0, woken from core 1. */
    remote_signals_done = 0;
    remote_signal_cap = cap_mint(notification, TERN_RIGHTS_ALL, 0x400);
    thread_spawn(signal_remotely, 0, PRIORITY_MIDDLE, 1);
    uint64_t word = 0;
    CHECK_LABEL(tern_wait(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x400);
}

const struct test_case notification_tests[] = {
    { "signal_then_wait", signal_then_wait },
    { "badges_are_ored", badges_are_ored },
    { "poll_takes_and_clears", poll_takes_and_clears },
    { "wait_blocks_until_signalled", wait_blocks_until_signalled },
    { "one_signal_wakes_one_waiter", one_signal_wakes_one_waiter },
    { "wrong_types_and_rights", wrong_types_and_rights },
    { "timeout_fires", timeout_fires },
    { "timeout_can_be_cancelled", timeout_can_be_cancelled },
    { "timeout_errors", timeout_errors },
    { "signals_across_cores", signals_across_cores },
    TEST_SUITE_END,
};
