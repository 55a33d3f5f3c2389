/* Pending signals with their siginfo: standard signals merge, real-time
 * ones queue every instance in order up to a limit, and every queued
 * instance goes back to the memory it came from. */
#include "check.h"
#include "pending_signals.h"

/* Memory that counts what it hands out and can be made to run out. */
static unsigned allocated, freed;
static bool out_of_memory;

static void *allocate(size_t size)
{
    if (out_of_memory)
        return NULL;
    allocated++;
    return calloc(1, size);
}

static void release(void *block)
{
    freed++;
    free(block);
}

static const struct pending_memory memory = { allocate, release };

static struct pending_signals pending;

static void reset(void)
{
    pending = (struct pending_signals){ 0 };
    allocated = freed = 0;
    out_of_memory = false;
}

/* Empty the set, then every instance must have gone back. */
static void check_all_freed(void)
{
    pending_discard(&pending, 0, &memory);
    CHECK_EQ_U64(allocated, freed);
}

static struct signal_info info_with(uint64_t value)
{
    return (struct signal_info){ .code = -1, .pid = 7, .uid = 1000, .value = value };
}

static int add(unsigned signal, uint64_t value)
{
    struct signal_info info = info_with(value);
    return pending_add(&pending, signal, &info, &memory);
}

static uint64_t take_value(unsigned signal)
{
    return pending_take(&pending, signal, &memory).value;
}

#define SIGRT (LINUX_SIGRTMIN + 2)      /* the first real-time signal programs use */

static void nothing_is_pending_at_first(void)
{
    reset();
    CHECK_EQ_U64(pending.set, 0);
    CHECK_EQ_U64(pending.queue_length, 0);
    CHECK(pending_has_room(&pending, LINUX_SIGUSR1));
    CHECK(pending_has_room(&pending, SIGRT));
}

static void an_added_signal_is_pending_with_its_siginfo(void)
{
    reset();
    struct signal_info info = { .code = -6, .pid = 42, .uid = 1000, .value = 9 };
    CHECK_EQ_U64(pending_add(&pending, LINUX_SIGUSR1, &info, &memory), 0);
    CHECK_EQ_U64(pending.set, LINUX_SIGNAL_BIT(LINUX_SIGUSR1));
    struct signal_info taken = pending_take(&pending, LINUX_SIGUSR1, &memory);
    CHECK_EQ_U64(taken.code, -6);
    CHECK_EQ_U64(taken.pid, 42);
    CHECK_EQ_U64(taken.uid, 1000);
    CHECK_EQ_U64(taken.value, 9);
    CHECK_EQ_U64(pending.set, 0);
}

static void a_standard_signal_sent_again_merges_and_keeps_the_first_siginfo(void)
{
    reset();
    CHECK_EQ_U64(add(LINUX_SIGUSR1, 1), 0);
    CHECK_EQ_U64(add(LINUX_SIGUSR1, 2), 0);
    CHECK_EQ_U64(pending.queue_length, 0);
    CHECK_EQ_U64(allocated, 0);
    CHECK_EQ_U64(take_value(LINUX_SIGUSR1), 1);
    CHECK_EQ_U64(pending.set, 0);
}

static void the_last_standard_signal_merges(void)
{
    reset();
    add(LINUX_SIGRTMIN - 1, 1);
    CHECK_EQ_U64(add(LINUX_SIGRTMIN - 1, 2), 0);
    CHECK_EQ_U64(pending.queue_length, 0);
}

static void a_real_time_signal_sent_again_queues_each_instance(void)
{
    reset();
    add(LINUX_SIGRTMIN, 1);
    add(LINUX_SIGRTMIN, 2);
    add(LINUX_SIGRTMIN, 3);
    CHECK_EQ_U64(pending.set, LINUX_SIGNAL_BIT(LINUX_SIGRTMIN));
    CHECK_EQ_U64(pending.queue_length, 2);
    check_all_freed();
}

static void real_time_instances_are_taken_in_the_order_sent(void)
{
    reset();
    for (uint64_t value = 1; value <= 4; value++)
        add(SIGRT, value);
    for (uint64_t value = 1; value <= 4; value++) {
        CHECK(pending.set & LINUX_SIGNAL_BIT(SIGRT));
        CHECK_EQ_U64(take_value(SIGRT), value);
    }
    CHECK_EQ_U64(pending.set, 0);
    CHECK_EQ_U64(pending.queue_length, 0);
    CHECK_EQ_U64(allocated, freed);
}

static void instances_of_other_signals_keep_their_place_in_the_queue(void)
{
    reset();
    add(SIGRT, 1);
    add(SIGRT + 1, 10);
    add(SIGRT, 2);
    add(SIGRT + 1, 11);
    add(SIGRT, 3);
    CHECK_EQ_U64(take_value(SIGRT + 1), 10);
    CHECK_EQ_U64(take_value(SIGRT), 1);
    CHECK_EQ_U64(take_value(SIGRT), 2);
    CHECK_EQ_U64(take_value(SIGRT + 1), 11);
    CHECK_EQ_U64(pending.set, LINUX_SIGNAL_BIT(SIGRT));
    CHECK_EQ_U64(take_value(SIGRT), 3);
    CHECK_EQ_U64(pending.set, 0);
    CHECK_EQ_U64(allocated, freed);
}

static void the_last_signal_number_queues_too(void)
{
    reset();
    add(LINUX_NSIG, 1);
    add(LINUX_NSIG, 2);
    CHECK_EQ_U64(pending.set, LINUX_SIGNAL_BIT(LINUX_NSIG));
    CHECK_EQ_U64(take_value(LINUX_NSIG), 1);
    CHECK_EQ_U64(take_value(LINUX_NSIG), 2);
    CHECK_EQ_U64(pending.set, 0);
}

/* Fill the queue: the first instance and PENDING_QUEUE_LIMIT more. */
static void fill_queue(unsigned signal)
{
    for (unsigned i = 0; i <= PENDING_QUEUE_LIMIT; i++)
        add(signal, i);
}

static void a_full_queue_refuses_another_instance_with_eagain(void)
{
    reset();
    fill_queue(SIGRT);
    CHECK_EQ_U64(pending.queue_length, PENDING_QUEUE_LIMIT);
    CHECK(!pending_has_room(&pending, SIGRT));
    CHECK_EQ_U64(add(SIGRT, 999), -LINUX_EAGAIN);
    CHECK_EQ_U64(pending.queue_length, PENDING_QUEUE_LIMIT);
    check_all_freed();
}

static void the_queue_limit_is_shared_by_every_real_time_signal_of_the_set(void)
{
    reset();
    add(SIGRT + 1, 0);
    fill_queue(SIGRT);
    CHECK(!pending_has_room(&pending, SIGRT + 1));
    CHECK_EQ_U64(add(SIGRT + 1, 1), -LINUX_EAGAIN);
    check_all_freed();
}

static void a_full_queue_still_takes_a_first_instance(void)
{
    reset();
    fill_queue(SIGRT);
    CHECK(pending_has_room(&pending, SIGRT + 1));
    CHECK_EQ_U64(add(SIGRT + 1, 5), 0);
    CHECK(pending.set & LINUX_SIGNAL_BIT(SIGRT + 1));
    check_all_freed();
}

static void a_full_queue_still_takes_a_standard_signal(void)
{
    reset();
    fill_queue(SIGRT);
    CHECK_EQ_U64(add(LINUX_SIGUSR2, 1), 0);
    CHECK(pending_has_room(&pending, LINUX_SIGUSR2));
    CHECK_EQ_U64(add(LINUX_SIGUSR2, 2), 0);
    check_all_freed();
}

static void a_full_queue_has_room_again_once_an_instance_is_taken(void)
{
    reset();
    fill_queue(SIGRT);
    CHECK_EQ_U64(take_value(SIGRT), 0);
    CHECK(pending_has_room(&pending, SIGRT));
    CHECK_EQ_U64(add(SIGRT, 1000), 0);
    check_all_freed();
}

static void an_instance_that_gets_no_memory_is_eagain_and_changes_nothing(void)
{
    reset();
    add(SIGRT, 1);
    out_of_memory = true;
    CHECK_EQ_U64(add(SIGRT, 2), -LINUX_EAGAIN);
    CHECK_EQ_U64(pending.queue_length, 0);
    CHECK_EQ_U64(take_value(SIGRT), 1);
    CHECK_EQ_U64(pending.set, 0);
}

static void a_first_instance_needs_no_memory(void)
{
    reset();
    out_of_memory = true;
    CHECK_EQ_U64(add(SIGRT, 1), 0);
    CHECK_EQ_U64(add(LINUX_SIGTERM, 1), 0);
    CHECK_EQ_U64(allocated, 0);
}

static void discarding_a_signal_drops_all_its_instances_and_no_other(void)
{
    reset();
    add(SIGRT, 1);
    add(SIGRT + 1, 10);
    add(SIGRT, 2);
    add(SIGRT + 1, 11);
    add(LINUX_SIGUSR1, 0);
    pending_discard(&pending, SIGRT, &memory);
    CHECK_EQ_U64(pending.set, LINUX_SIGNAL_BIT(SIGRT + 1) | LINUX_SIGNAL_BIT(LINUX_SIGUSR1));
    CHECK_EQ_U64(pending.queue_length, 1);
    CHECK_EQ_U64(take_value(SIGRT + 1), 10);
    CHECK_EQ_U64(take_value(SIGRT + 1), 11);
    CHECK_EQ_U64(allocated, freed);
}

static void discarding_a_signal_not_pending_changes_nothing(void)
{
    reset();
    add(LINUX_SIGUSR1, 0);
    pending_discard(&pending, LINUX_SIGUSR2, &memory);
    CHECK_EQ_U64(pending.set, LINUX_SIGNAL_BIT(LINUX_SIGUSR1));
}

static void discarding_signal_zero_drops_everything(void)
{
    reset();
    fill_queue(SIGRT);
    add(LINUX_SIGUSR1, 0);
    add(SIGRT + 1, 0);
    pending_discard(&pending, 0, &memory);
    CHECK_EQ_U64(pending.set, 0);
    CHECK_EQ_U64(pending.queue_length, 0);
    CHECK(pending.queue == NULL);
    CHECK_EQ_U64(allocated, PENDING_QUEUE_LIMIT);
    CHECK_EQ_U64(freed, PENDING_QUEUE_LIMIT);
}

static void moving_hands_everything_over_and_leaves_the_source_empty(void)
{
    reset();
    add(SIGRT, 1);
    add(SIGRT, 2);
    add(LINUX_SIGUSR1, 3);
    struct pending_signals moved = { 0 };
    pending_move(&moved, &pending);
    CHECK_EQ_U64(pending.set, 0);
    CHECK_EQ_U64(pending.queue_length, 0);
    CHECK(pending.queue == NULL);
    CHECK_EQ_U64(moved.set, LINUX_SIGNAL_BIT(SIGRT) | LINUX_SIGNAL_BIT(LINUX_SIGUSR1));
    CHECK_EQ_U64(pending_take(&moved, SIGRT, &memory).value, 1);
    CHECK_EQ_U64(pending_take(&moved, SIGRT, &memory).value, 2);
    CHECK_EQ_U64(pending_take(&moved, LINUX_SIGUSR1, &memory).value, 3);
    CHECK_EQ_U64(moved.set, 0);
    CHECK_EQ_U64(allocated, freed);
}

int main(void)
{
    RUN_TEST(nothing_is_pending_at_first);
    RUN_TEST(an_added_signal_is_pending_with_its_siginfo);
    RUN_TEST(a_standard_signal_sent_again_merges_and_keeps_the_first_siginfo);
    RUN_TEST(the_last_standard_signal_merges);
    RUN_TEST(a_real_time_signal_sent_again_queues_each_instance);
    RUN_TEST(real_time_instances_are_taken_in_the_order_sent);
    RUN_TEST(instances_of_other_signals_keep_their_place_in_the_queue);
    RUN_TEST(the_last_signal_number_queues_too);
    RUN_TEST(a_full_queue_refuses_another_instance_with_eagain);
    RUN_TEST(the_queue_limit_is_shared_by_every_real_time_signal_of_the_set);
    RUN_TEST(a_full_queue_still_takes_a_first_instance);
    RUN_TEST(a_full_queue_still_takes_a_standard_signal);
    RUN_TEST(a_full_queue_has_room_again_once_an_instance_is_taken);
    RUN_TEST(an_instance_that_gets_no_memory_is_eagain_and_changes_nothing);
    RUN_TEST(a_first_instance_needs_no_memory);
    RUN_TEST(discarding_a_signal_drops_all_its_instances_and_no_other);
    RUN_TEST(discarding_a_signal_not_pending_changes_nothing);
    RUN_TEST(discarding_signal_zero_drops_everything);
    RUN_TEST(moving_hands_everything_over_and_leaves_the_source_empty);
    return check_report();
}
