/* The futex server's wait queues (servers/futex/core.c): what FUTEX_WAIT,
 * FUTEX_WAITV, FUTEX_WAKE, FUTEX_WAKE_OP and FUTEX_(CMP_)REQUEUE do to
 * them, timeouts, cancellation and the bounded pool. */
#include "check.h"
#include "futex/core.h"
#include "sys/linux_abi.h"

#define POOL_SIZE 8
#define MAX_ANSWERS 64

/* What the server around the core would see: the futex words (all hold
 * word but the one at odd_address, and the one at unreadable_address
 * cannot be read), and the answers waiters got. */
struct world {
    uint32_t word;
    int read_error;
    uint64_t odd_address;       /* 0: none */
    uint32_t odd_word;
    uint64_t unreadable_address;    /* 0: none */
    unsigned reads;
    uint64_t last_read;
    uint64_t answered[MAX_ANSWERS];
    int64_t results[MAX_ANSWERS];
    unsigned answer_count;
    uint64_t gone_handle;       /* a caller that vanished (0: none; tests use no handle 0) */
    uint64_t released[MAX_ANSWERS];
    unsigned release_count;
};

static struct futex_waiter pool[POOL_SIZE];
static struct futex_table table;
static struct world world;
static struct futex_summary summary;
static unsigned counted_at_read;    /* the summary's total when the word was last read */

static unsigned summary_total(void)
{
    unsigned total = 0;
    for (unsigned i = 0; i < FUTEX_SUMMARY_BUCKETS; i++)
        total += summary.waiting[i];
    return total;
}

static void reset(void)
{
    memset(&summary, 0, sizeof summary);
    futex_table_init(&table, pool, POOL_SIZE, &summary);
    memset(&world, 0, sizeof(world));
}

static int read_word(void *context, uint64_t address, uint32_t *value)
{
    struct world *w = context;
    counted_at_read = summary_total();
    w->reads++;
    w->last_read = address;
    if (w->read_error)
        return w->read_error;
    if (address == w->unreadable_address)
        return -LINUX_EFAULT;
    *value = address == w->odd_address ? w->odd_word : w->word;
    return 0;
}

static bool answer(void *context, uint64_t handle, int64_t result)
{
    struct world *w = context;
    if (w->answer_count < MAX_ANSWERS) {
        w->answered[w->answer_count] = handle;
        w->results[w->answer_count] = result;
        w->answer_count++;
    }
    return handle != w->gone_handle;
}

static void release(void *context, uint64_t handle)
{
    struct world *w = context;
    if (w->release_count < MAX_ANSWERS)
        w->released[w->release_count++] = handle;
}

static bool select_odd_handles(void *context, uint64_t handle)
{
    (void)context;
    return handle % 2 == 1;
}

/* A thread of pid waits on a private futex with the word as expected. */
static int64_t wait_private(uint64_t pid, uint64_t address, uint64_t handle)
{
    struct futex_wait_request request = {
        .pid = pid, .address = address, .expected = world.word,
        .bitset = ~0u, .handle = handle,
    };
    return futex_wait(&table, &request, 0, read_word, &world);
}

static int64_t wait_shared(uint64_t pid, uint64_t key, uint64_t address, uint64_t handle)
{
    struct futex_wait_request request = {
        .pid = pid, .key = key, .address = address, .expected = world.word,
        .bitset = ~0u, .handle = handle,
    };
    return futex_wait(&table, &request, 0, read_word, &world);
}

static int64_t wait_until(uint64_t address, uint64_t deadline, uint64_t now, uint64_t handle)
{
    struct futex_wait_request request = {
        .pid = 1, .address = address, .expected = world.word, .deadline = deadline,
        .bitset = ~0u, .handle = handle,
    };
    return futex_wait(&table, &request, now, read_word, &world);
}

static int64_t wake(uint64_t pid, uint64_t key, uint64_t address, int32_t count, uint32_t bitset)
{
    struct futex_wake_request request = {
        .pid = pid, .key = key, .address = address, .count = count, .bitset = bitset,
    };
    return futex_wake(&table, &request, answer, &world);
}

static int64_t requeue(uint64_t address, int32_t wake_count, int32_t requeue_count,
                       uint64_t address2)
{
    struct futex_requeue_request request = {
        .pid = 1, .address = address, .wake_count = wake_count,
        .requeue_count = requeue_count, .address2 = address2,
    };
    return futex_requeue(&table, &request, read_word, answer, &world);
}

static int64_t cmp_requeue(uint64_t address, int32_t wake_count, int32_t requeue_count,
                           uint64_t address2, uint32_t expected)
{
    struct futex_requeue_request request = {
        .pid = 1, .address = address, .wake_count = wake_count,
        .requeue_count = requeue_count, .address2 = address2,
        .compare = true, .expected = expected,
    };
    return futex_requeue(&table, &request, read_word, answer, &world);
}

/* A caller of pid waits on count private futexes, at address,
 * address + 4 ..., each with the world's word as expected. */
static int64_t waitv_private(uint64_t pid, uint64_t address, uint32_t count, uint64_t deadline,
                             uint64_t now, uint64_t handle)
{
    struct futex_waitv_entry entries[FUTEX_WAITV_MAX + 1];
    for (uint32_t i = 0; i < count && i <= FUTEX_WAITV_MAX; i++)
        entries[i] = (struct futex_waitv_entry){ .address = address + 4 * i, .expected = world.word };
    struct futex_waitv_request request = {
        .pid = pid, .entries = entries, .count = count, .deadline = deadline, .handle = handle,
    };
    return futex_waitv(&table, &request, now, read_word, &world);
}

static int64_t waitv_entries(const struct futex_waitv_entry *entries, uint32_t count,
                             uint64_t handle)
{
    struct futex_waitv_request request = {
        .pid = 1, .entries = entries, .count = count, .handle = handle,
    };
    return futex_waitv(&table, &request, 0, read_word, &world);
}

static int64_t wake_op(uint64_t address, int32_t count, uint64_t address2, int32_t count2,
                       bool wake2)
{
    struct futex_wake_op_request request = {
        .pid = 1, .address = address, .count = count, .address2 = address2,
        .count2 = count2, .wake2 = wake2,
    };
    return futex_wake_op(&table, &request, answer, &world);
}

/* ---- FUTEX_WAIT ---- */

static void wait_blocks_when_the_word_holds_expected(void)
{
    reset();
    world.word = 7;
    CHECK_EQ_U64(wait_private(1, 0x1000, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(world.reads, 1);
    CHECK_EQ_U64(table.waiter_count, 1);
    CHECK_EQ_U64(world.answer_count, 0);
}

static void wait_is_eagain_when_the_word_differs(void)
{
    reset();
    world.word = 7;
    struct futex_wait_request request = {
        .pid = 1, .address = 0x1000, .expected = 8, .bitset = ~0u, .handle = 100,
    };
    CHECK_EQ_U64(futex_wait(&table, &request, 0, read_word, &world), -LINUX_EAGAIN);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void wait_compares_all_32_bits(void)
{
    reset();
    world.word = 0x80000001u;
    struct futex_wait_request request = {
        .pid = 1, .address = 0x1000, .expected = 0x00000001u, .bitset = ~0u, .handle = 100,
    };
    CHECK_EQ_U64(futex_wait(&table, &request, 0, read_word, &world), -LINUX_EAGAIN);
}

static void wait_with_bitset_zero_is_einval_before_reading(void)
{
    reset();
    struct futex_wait_request request = { .pid = 1, .address = 0x1000, .handle = 100 };
    CHECK_EQ_U64(futex_wait(&table, &request, 0, read_word, &world), -LINUX_EINVAL);
    CHECK_EQ_U64(world.reads, 0);
}

static void wait_on_an_unaligned_address_is_einval(void)
{
    reset();
    CHECK_EQ_U64(wait_private(1, 0x1002, 100), -LINUX_EINVAL);
    CHECK_EQ_U64(world.reads, 0);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void wait_on_an_unreadable_word_is_efault(void)
{
    reset();
    world.read_error = -LINUX_EFAULT;
    CHECK_EQ_U64(wait_private(1, 0x1000, 100), -LINUX_EFAULT);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void wait_past_its_deadline_times_out_at_once(void)
{
    reset();
    CHECK_EQ_U64(wait_until(0x1000, 50, 50, 100), -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(wait_until(0x1000, 49, 50, 101), -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void wait_past_its_deadline_on_a_changed_word_is_eagain(void)
{
    reset();
    world.word = 1;
    struct futex_wait_request request = {
        .pid = 1, .address = 0x1000, .expected = 2, .deadline = 10, .bitset = ~0u, .handle = 100,
    };
    CHECK_EQ_U64(futex_wait(&table, &request, 50, read_word, &world), -LINUX_EAGAIN);
}

static void wait_before_its_deadline_blocks(void)
{
    reset();
    CHECK_EQ_U64(wait_until(0x1000, 51, 50, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(futex_earliest_deadline(&table), 51);
}

static void wait_with_a_full_pool_is_enomem(void)
{
    reset();
    for (unsigned i = 0; i < POOL_SIZE; i++)
        CHECK_EQ_U64(wait_private(1, 0x1000, 100 + i), FUTEX_QUEUED);
    CHECK_EQ_U64(wait_private(1, 0x1000, 200), -LINUX_ENOMEM);
    CHECK_EQ_U64(table.waiter_count, POOL_SIZE);
}

static void a_woken_waiter_frees_its_place_in_the_pool(void)
{
    reset();
    for (unsigned i = 0; i < POOL_SIZE; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 1);
    CHECK_EQ_U64(wait_private(1, 0x2000, 200), FUTEX_QUEUED);
    CHECK_EQ_U64(wait_private(1, 0x2000, 201), -LINUX_ENOMEM);
}

/* ---- FUTEX_WAKE ---- */

static void wake_answers_waiters_in_fifo_order(void)
{
    reset();
    for (unsigned i = 0; i < 4; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 3, ~0u), 3);
    CHECK_EQ_U64(world.answer_count, 3);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ_U64(world.answered[i], 100 + i);
        CHECK_EQ_U64(world.results[i], 0);
    }
    CHECK_EQ_U64(wake(1, 0, 0x1000, 3, ~0u), 1);
    CHECK_EQ_U64(world.answered[3], 103);
}

static void wake_without_waiters_returns_zero(void)
{
    reset();
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 0);
    CHECK_EQ_U64(world.reads, 0);
}

static void wake_with_count_zero_or_negative_wakes_one_as_linux(void)
{
    reset();
    for (unsigned i = 0; i < 3; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 0, ~0u), 1);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(wake(1, 0, 0x1000, -5, ~0u), 1);
    CHECK_EQ_U64(world.answered[1], 101);
}

static void wake_with_bitset_zero_is_einval(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void wake_on_an_unaligned_address_is_einval(void)
{
    reset();
    CHECK_EQ_U64(wake(1, 0, 0x1001, 1, ~0u), -LINUX_EINVAL);
}

static void wake_passes_over_waiters_whose_bitset_misses(void)
{
    reset();
    struct futex_wait_request request = {
        .pid = 1, .address = 0x1000, .bitset = 0x1, .handle = 100,
    };
    futex_wait(&table, &request, 0, read_word, &world);
    request.bitset = 0x2;
    request.handle = 101;
    futex_wait(&table, &request, 0, read_word, &world);
    request.bitset = 0x3;
    request.handle = 102;
    futex_wait(&table, &request, 0, read_word, &world);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, 0x2), 2);
    CHECK_EQ_U64(world.answered[0], 101);
    CHECK_EQ_U64(world.answered[1], 102);
    CHECK_EQ_U64(table.waiter_count, 1);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, 0x4), 0);
}

static void wake_does_not_count_a_vanished_caller(void)
{
    reset();
    for (unsigned i = 0; i < 3; i++)
        wait_private(1, 0x1000, 100 + i);
    world.gone_handle = 100;
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 1);
    CHECK_EQ_U64(world.answer_count, 2);
    CHECK_EQ_U64(world.answered[1], 101);
    CHECK_EQ_U64(table.waiter_count, 1);
}

/* ---- FUTEX_WAITV ---- */

static void waitv_queues_the_caller_on_every_futex(void)
{
    reset();
    world.word = 5;
    CHECK_EQ_U64(waitv_private(1, 0x1000, 3, 0, 0, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(world.reads, 3);
    CHECK_EQ_U64(table.waiter_count, 3);
    CHECK_EQ_U64(world.answer_count, 0);
}

static void waitv_woken_on_any_futex_answers_its_index_and_leaves_the_others(void)
{
    reset();
    waitv_private(1, 0x1000, 3, 0, 0, 100);
    CHECK_EQ_U64(wake(1, 0, 0x1008, 10, ~0u), 1);
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.results[0], 2);
    CHECK_EQ_U64(table.waiter_count, 0);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 0);
    CHECK_EQ_U64(wake(1, 0, 0x1004, 10, ~0u), 0);
    CHECK_EQ_U64(world.answer_count, 1);
}

static void waitv_is_eagain_at_the_first_word_that_differs(void)
{
    reset();
    world.word = 1;
    world.odd_address = 0x1004;
    world.odd_word = 2;
    CHECK_EQ_U64(waitv_private(1, 0x1000, 4, 0, 0, 100), -LINUX_EAGAIN);
    CHECK_EQ_U64(world.reads, 2);
    CHECK_EQ_U64(world.last_read, 0x1004);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_on_an_unreadable_word_is_efault(void)
{
    reset();
    world.unreadable_address = 0x1008;
    CHECK_EQ_U64(waitv_private(1, 0x1000, 4, 0, 0, 100), -LINUX_EFAULT);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_with_an_unaligned_address_is_einval_before_reading(void)
{
    reset();
    world.unreadable_address = 0x1000;
    struct futex_waitv_entry entries[] = {
        { .address = 0x1000 }, { .address = 0x2000 }, { .address = 0x3002 },
    };
    CHECK_EQ_U64(waitv_entries(entries, 3, 100), -LINUX_EINVAL);
    CHECK_EQ_U64(world.reads, 0);
}

static void waitv_of_no_futex_or_too_many_is_einval(void)
{
    reset();
    CHECK_EQ_U64(waitv_private(1, 0x1000, 0, 0, 0, 100), -LINUX_EINVAL);
    CHECK_EQ_U64(waitv_private(1, 0x1000, FUTEX_WAITV_MAX + 1, 0, 0, 100), -LINUX_EINVAL);
    CHECK_EQ_U64(world.reads, 0);
}

static void waitv_past_its_deadline_times_out_unless_a_word_differs(void)
{
    reset();
    CHECK_EQ_U64(waitv_private(1, 0x1000, 2, 50, 50, 100), -LINUX_ETIMEDOUT);
    world.odd_address = 0x1004;
    world.odd_word = 9;
    CHECK_EQ_U64(waitv_private(1, 0x1000, 2, 50, 50, 100), -LINUX_EAGAIN);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_needs_a_free_waiter_for_every_entry(void)
{
    reset();
    CHECK_EQ_U64(waitv_private(1, 0x1000, 5, 0, 0, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(waitv_private(1, 0x2000, 4, 0, 0, 101), -LINUX_ENOMEM);
    CHECK_EQ_U64(table.waiter_count, 5);
    CHECK_EQ_U64(waitv_private(1, 0x2000, 3, 0, 0, 102), FUTEX_QUEUED);
    CHECK_EQ_U64(wait_private(1, 0x3000, 103), -LINUX_ENOMEM);
    /* Waking the first caller frees its five places. */
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 1);
    CHECK_EQ_U64(waitv_private(1, 0x3000, 5, 0, 0, 104), FUTEX_QUEUED);
}

static void waitv_of_the_most_futexes_linux_allows(void)
{
    struct futex_waiter big_pool[FUTEX_WAITV_MAX * 2];
    memset(&summary, 0, sizeof summary);
    futex_table_init(&table, big_pool, FUTEX_WAITV_MAX * 2, &summary);
    memset(&world, 0, sizeof(world));
    CHECK_EQ_U64(waitv_private(1, 0x10000, FUTEX_WAITV_MAX, 0, 0, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(waitv_private(1, 0x20000, FUTEX_WAITV_MAX, 0, 0, 101), FUTEX_QUEUED);
    CHECK_EQ_U64(wait_private(1, 0x30000, 102), -LINUX_ENOMEM);
    CHECK_EQ_U64(wake(1, 0, 0x10000 + 4 * (FUTEX_WAITV_MAX - 1), 1, ~0u), 1);
    CHECK_EQ_U64(world.results[0], FUTEX_WAITV_MAX - 1);
    CHECK_EQ_U64(table.waiter_count, FUTEX_WAITV_MAX);
    CHECK_EQ_U64(wake(1, 0, 0x20000, 1, ~0u), 1);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_mixes_private_and_shared_futexes(void)
{
    reset();
    struct futex_waitv_entry entries[] = {
        { .address = 0x1000 }, { .key = 0x77, .address = 0x2000 },
    };
    CHECK_EQ_U64(waitv_entries(entries, 2, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(wake(2, 0, 0x1000, 1, ~0u), 0);
    CHECK_EQ_U64(wake(2, 0x77, 0x9000, 1, ~0u), 1);
    CHECK_EQ_U64(world.results[0], 1);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_waits_in_arrival_order_with_other_callers(void)
{
    reset();
    wait_private(1, 0x1004, 100);
    waitv_private(1, 0x1000, 2, 0, 0, 101);
    wait_private(1, 0x1004, 102);
    CHECK_EQ_U64(wake(1, 0, 0x1004, 2, ~0u), 2);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.answered[1], 101);
    CHECK_EQ_U64(world.results[1], 1);
    CHECK_EQ_U64(table.waiter_count, 1);
}

/* Twice on one futex, the caller is one waker's one wake; the scan goes
 * on past its sibling to the next caller. */
static void waitv_twice_on_one_futex_is_woken_once(void)
{
    reset();
    struct futex_waitv_entry entries[] = { { .address = 0x1000 }, { .address = 0x1000 } };
    CHECK_EQ_U64(waitv_entries(entries, 2, 100), FUTEX_QUEUED);
    wait_private(1, 0x1000, 101);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 2, ~0u), 2);
    CHECK_EQ_U64(world.answer_count, 2);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.results[0], 0);
    CHECK_EQ_U64(world.answered[1], 101);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_of_a_vanished_caller_is_not_counted_and_leaves_entirely(void)
{
    reset();
    waitv_private(1, 0x1000, 3, 0, 0, 100);
    wait_private(1, 0x1004, 101);
    world.gone_handle = 100;
    CHECK_EQ_U64(wake(1, 0, 0x1004, 1, ~0u), 1);
    CHECK_EQ_U64(world.answer_count, 2);
    CHECK_EQ_U64(world.answered[1], 101);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void waitv_times_out_once_for_all_its_futexes(void)
{
    reset();
    CHECK_EQ_U64(waitv_private(1, 0x1000, 3, 100, 0, 100), FUTEX_QUEUED);
    CHECK_EQ_U64(table.timed_waiter_count, 3);
    CHECK_EQ_U64(futex_earliest_deadline(&table), 100);
    CHECK_EQ_U64(futex_expire(&table, 100, answer, &world), 0);
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.results[0], -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(table.waiter_count, 0);
    CHECK_EQ_U64(table.timed_waiter_count, 0);
}

static void a_woken_waitv_no_longer_times_out(void)
{
    reset();
    waitv_private(1, 0x1000, 3, 100, 0, 100);
    CHECK_EQ_U64(wake(1, 0, 0x1004, 1, ~0u), 1);
    CHECK_EQ_U64(table.timed_waiter_count, 0);
    CHECK_EQ_U64(futex_earliest_deadline(&table), 0);
}

static void requeue_moves_one_futex_of_a_waitv(void)
{
    reset();
    waitv_private(1, 0x1000, 2, 0, 0, 100);
    CHECK_EQ_U64(requeue(0x1004, 0, 1, 0x2000), 1);
    CHECK_EQ_U64(wake(1, 0, 0x1004, 1, ~0u), 0);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 1, ~0u), 1);
    CHECK_EQ_U64(world.results[0], 1);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void requeue_that_wakes_a_waitv_takes_it_off_its_other_futexes(void)
{
    reset();
    struct futex_waitv_entry entries[] = { { .address = 0x1000 }, { .address = 0x1000 } };
    waitv_entries(entries, 2, 100);
    wait_private(1, 0x1000, 101);
    wait_private(1, 0x1000, 102);
    CHECK_EQ_U64(requeue(0x1000, 1, 1, 0x2000), 2);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[1], 102);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[2], 101);
}

/* ---- FUTEX_WAKE_OP ---- */

static void wake_op_wakes_both_futexes_when_the_comparison_held(void)
{
    reset();
    for (unsigned i = 0; i < 2; i++) {
        wait_private(1, 0x1000, 100 + i);
        wait_private(1, 0x2000, 200 + i);
    }
    CHECK_EQ_U64(wake_op(0x1000, 1, 0x2000, 2, true), 3);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.answered[1], 200);
    CHECK_EQ_U64(world.answered[2], 201);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void wake_op_wakes_only_the_first_when_the_comparison_failed(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    wait_private(1, 0x2000, 200);
    CHECK_EQ_U64(wake_op(0x1000, 5, 0x2000, 5, false), 1);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 1, ~0u), 1);
}

static void wake_op_counts_of_zero_or_less_wake_one_each(void)
{
    reset();
    for (unsigned i = 0; i < 2; i++) {
        wait_private(1, 0x1000, 100 + i);
        wait_private(1, 0x2000, 200 + i);
    }
    CHECK_EQ_U64(wake_op(0x1000, 0, 0x2000, -1, true), 2);
    CHECK_EQ_U64(table.waiter_count, 2);
}

static void wake_op_ignores_bitsets(void)
{
    reset();
    struct futex_wait_request request = {
        .pid = 1, .address = 0x2000, .bitset = 0x4, .handle = 100,
    };
    futex_wait(&table, &request, 0, read_word, &world);
    CHECK_EQ_U64(wake_op(0x1000, 1, 0x2000, 1, true), 1);
}

static void wake_op_with_an_unaligned_address_is_einval(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    CHECK_EQ_U64(wake_op(0x1002, 1, 0x2000, 1, true), -LINUX_EINVAL);
    CHECK_EQ_U64(wake_op(0x1000, 1, 0x2001, 1, false), -LINUX_EINVAL);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void wake_op_on_one_futex_twice_adds_both_counts(void)
{
    reset();
    for (unsigned i = 0; i < 4; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(wake_op(0x1000, 1, 0x1000, 2, true), 3);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void wake_op_wakes_a_waitv_on_both_futexes_once(void)
{
    reset();
    struct futex_waitv_entry entries[] = { { .address = 0x2000 }, { .address = 0x1000 } };
    waitv_entries(entries, 2, 100);
    CHECK_EQ_U64(wake_op(0x1000, 1, 0x2000, 1, true), 1);
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.results[0], 1);
    CHECK_EQ_U64(table.waiter_count, 0);
}

/* ---- Keys ---- */

static void private_futexes_of_different_processes_never_match(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    wait_private(2, 0x1000, 200);
    CHECK_EQ_U64(wake(2, 0, 0x1000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[0], 200);
    CHECK_EQ_U64(wake(3, 0, 0x1000, 10, ~0u), 0);
}

static void different_addresses_never_match(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    CHECK_EQ_U64(wake(1, 0, 0x1004, 10, ~0u), 0);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void shared_futexes_match_across_processes_and_addresses(void)
{
    reset();
    wait_shared(1, 0xabc000, 0x1000, 100);
    wait_shared(2, 0xabc000, 0x7000, 200);
    CHECK_EQ_U64(wake(3, 0xabc000, 0x5000, 10, ~0u), 2);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.answered[1], 200);
}

static void shared_and_private_futexes_stay_apart(void)
{
    reset();
    /* A shared key equal to a private address, even with pid 0. */
    wait_private(0, 0x1000, 100);
    wait_shared(0, 0x1000, 0x1000, 200);
    CHECK_EQ_U64(wake(0, 0x1000, 0x1000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[0], 200);
    CHECK_EQ_U64(wake(0, 0, 0x1000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[1], 100);
}

static void the_key_names_private_and_shared_futexes(void)
{
    struct futex_key private_key = futex_key_of(5, 0, 0x1000);
    CHECK(!private_key.shared);
    CHECK_EQ_U64(private_key.pid, 5);
    CHECK_EQ_U64(private_key.word, 0x1000);
    struct futex_key shared_key = futex_key_of(5, 0x99, 0x1000);
    CHECK(shared_key.shared);
    CHECK_EQ_U64(shared_key.pid, 0);
    CHECK_EQ_U64(shared_key.word, 0x99);
}

static void many_futexes_sharing_buckets_stay_apart(void)
{
    struct futex_waiter big_pool[256];
    memset(&summary, 0, sizeof summary);
    futex_table_init(&table, big_pool, 256, &summary);
    memset(&world, 0, sizeof(world));
    /* More futexes than buckets, four waiters each. */
    for (uint64_t i = 0; i < 256; i++)
        CHECK_EQ_U64(wait_private(1, 0x10000 + (i % 64) * 4, 1000 + i), FUTEX_QUEUED);
    for (uint64_t f = 0; f < 64; f++) {
        world.answer_count = 0;
        CHECK_EQ_U64(wake(1, 0, 0x10000 + f * 4, 100, ~0u), 4);
        for (unsigned j = 0; j < 4; j++)
            CHECK_EQ_U64(world.answered[j], 1000 + f + 64 * j);
    }
    CHECK_EQ_U64(table.waiter_count, 0);
}

/* ---- FUTEX_REQUEUE and FUTEX_CMP_REQUEUE ---- */

static void requeue_wakes_some_and_moves_the_rest_in_order(void)
{
    reset();
    wait_private(1, 0x2000, 50);        /* already on the target */
    for (unsigned i = 0; i < 4; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(requeue(0x1000, 1, 10, 0x2000), 4);
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 0);
    /* The moved ones queue behind the target's own waiter. */
    CHECK_EQ_U64(wake(1, 0, 0x2000, 10, ~0u), 4);
    CHECK_EQ_U64(world.answered[1], 50);
    CHECK_EQ_U64(world.answered[2], 101);
    CHECK_EQ_U64(world.answered[3], 102);
    CHECK_EQ_U64(world.answered[4], 103);
}

static void requeue_moves_no_more_than_requeue_count(void)
{
    reset();
    for (unsigned i = 0; i < 5; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(requeue(0x1000, 2, 2, 0x2000), 4);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[2], 104);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 10, ~0u), 2);
    CHECK_EQ_U64(world.answered[3], 102);
    CHECK_EQ_U64(world.answered[4], 103);
}

static void requeue_with_zero_counts_does_nothing(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    CHECK_EQ_U64(requeue(0x1000, 0, 0, 0x2000), 0);
    CHECK_EQ_U64(world.answer_count, 0);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 1);
}

static void requeue_ignores_bitsets(void)
{
    reset();
    struct futex_wait_request request = {
        .pid = 1, .address = 0x1000, .bitset = 0x4, .handle = 100,
    };
    futex_wait(&table, &request, 0, read_word, &world);
    CHECK_EQ_U64(requeue(0x1000, 1, 0, 0x2000), 1);
    CHECK_EQ_U64(world.answered[0], 100);
}

static void requeue_keeps_the_bitset_of_moved_waiters(void)
{
    reset();
    struct futex_wait_request request = {
        .pid = 1, .address = 0x1000, .bitset = 0x4, .handle = 100,
    };
    futex_wait(&table, &request, 0, read_word, &world);
    CHECK_EQ_U64(requeue(0x1000, 0, 1, 0x2000), 1);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 1, 0x1), 0);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 1, 0x4), 1);
}

static void requeue_with_a_negative_count_is_einval(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    CHECK_EQ_U64(requeue(0x1000, -1, 1, 0x2000), -LINUX_EINVAL);
    CHECK_EQ_U64(requeue(0x1000, 1, -1, 0x2000), -LINUX_EINVAL);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void requeue_with_an_unaligned_address_is_einval(void)
{
    reset();
    CHECK_EQ_U64(requeue(0x1002, 1, 1, 0x2000), -LINUX_EINVAL);
    CHECK_EQ_U64(requeue(0x1000, 1, 1, 0x2003), -LINUX_EINVAL);
}

static void plain_requeue_does_not_read_the_word(void)
{
    reset();
    world.read_error = -LINUX_EFAULT;
    CHECK_EQ_U64(requeue(0x1000, 1, 1, 0x2000), 0);
    CHECK_EQ_U64(world.reads, 0);
}

static void cmp_requeue_with_a_changed_word_is_eagain_and_moves_nothing(void)
{
    reset();
    world.word = 3;
    wait_private(1, 0x1000, 100);
    CHECK_EQ_U64(cmp_requeue(0x1000, 1, 1, 0x2000, 4), -LINUX_EAGAIN);
    CHECK_EQ_U64(world.answer_count, 0);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 1);
}

static void cmp_requeue_with_the_expected_word_wakes_and_moves(void)
{
    reset();
    world.word = 3;
    for (unsigned i = 0; i < 3; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(cmp_requeue(0x1000, 1, 2147483647, 0x2000, 3), 3);
    CHECK_EQ_U64(world.reads, 4);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 10, ~0u), 2);
}

static void cmp_requeue_on_an_unreadable_word_is_efault(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    world.read_error = -LINUX_EFAULT;
    CHECK_EQ_U64(cmp_requeue(0x1000, 1, 1, 0x2000, 0), -LINUX_EFAULT);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void requeue_onto_the_same_futex_keeps_the_waiters(void)
{
    reset();
    for (unsigned i = 0; i < 3; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(requeue(0x1000, 0, 10, 0x1000), 3);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 3);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.answered[2], 102);
}

static void requeue_moves_a_private_futex_to_a_shared_one(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    struct futex_requeue_request request = {
        .pid = 1, .address = 0x1000, .wake_count = 0, .requeue_count = 1,
        .key2 = 0x77, .address2 = 0x3000,
    };
    CHECK_EQ_U64(futex_requeue(&table, &request, read_word, answer, &world), 1);
    CHECK_EQ_U64(wake(9, 0x77, 0x8000, 1, ~0u), 1);
}

static void requeue_does_not_count_a_vanished_caller_as_woken(void)
{
    reset();
    for (unsigned i = 0; i < 3; i++)
        wait_private(1, 0x1000, 100 + i);
    world.gone_handle = 100;
    CHECK_EQ_U64(requeue(0x1000, 1, 1, 0x2000), 2);
    CHECK_EQ_U64(world.answered[1], 101);
    CHECK_EQ_U64(wake(1, 0, 0x2000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[2], 102);
}

/* ---- Timeouts ---- */

static void expire_times_out_passed_waiters_earliest_first(void)
{
    reset();
    wait_until(0x1000, 300, 0, 100);
    wait_until(0x1000, 100, 0, 101);
    wait_until(0x2000, 200, 0, 102);
    wait_until(0x1000, 0, 0, 103);     /* no deadline */
    CHECK_EQ_U64(futex_earliest_deadline(&table), 100);
    CHECK_EQ_U64(futex_expire(&table, 250, answer, &world), 300);
    CHECK_EQ_U64(world.answer_count, 2);
    CHECK_EQ_U64(world.answered[0], 101);
    CHECK_EQ_U64(world.answered[1], 102);
    CHECK_EQ_U64(world.results[0], -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(world.results[1], -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(futex_expire(&table, 1000, answer, &world), 0);
    CHECK_EQ_U64(world.answered[2], 100);
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void expire_at_the_exact_deadline_times_out(void)
{
    reset();
    wait_until(0x1000, 100, 0, 100);
    futex_expire(&table, 99, answer, &world);
    CHECK_EQ_U64(world.answer_count, 0);
    futex_expire(&table, 100, answer, &world);
    CHECK_EQ_U64(world.answer_count, 1);
}

static void equal_deadlines_expire_in_arrival_order(void)
{
    reset();
    wait_until(0x2000, 100, 0, 100);
    wait_until(0x1000, 100, 0, 101);
    wait_until(0x3000, 100, 0, 102);
    futex_expire(&table, 100, answer, &world);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.answered[1], 101);
    CHECK_EQ_U64(world.answered[2], 102);
}

static void deadlines_in_any_order_expire_in_order(void)
{
    reset();
    static const uint64_t deadlines[POOL_SIZE] = {50, 10, 30, 10, 70, 30, 20, 60};
    for (unsigned i = 0; i < POOL_SIZE; i++)
        wait_until(0x1000 + 4 * i, deadlines[i], 0, 100 + i);
    CHECK(futex_cancel(&table, 102));
    CHECK_EQ_U64(futex_earliest_deadline(&table), 10);
    CHECK_EQ_U64(futex_expire(&table, 1000, answer, &world), 0);
    static const uint64_t expected[] = {101, 103, 106, 105, 100, 107, 104};
    CHECK_EQ_U64(world.answer_count, 7);
    for (unsigned i = 0; i < 7; i++)
        CHECK_EQ_U64(world.answered[i], expected[i]);
    CHECK_EQ_U64(table.timed_waiter_count, 0);
}

static void a_woken_waiter_no_longer_times_out(void)
{
    reset();
    wait_until(0x1000, 100, 0, 100);
    wait_until(0x1000, 200, 0, 101);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 1, ~0u), 1);
    CHECK_EQ_U64(futex_earliest_deadline(&table), 200);
}

static void a_requeued_waiter_keeps_its_deadline(void)
{
    reset();
    wait_until(0x1000, 100, 0, 100);
    requeue(0x1000, 0, 1, 0x2000);
    futex_expire(&table, 100, answer, &world);
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.results[0], -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void no_waiters_means_no_deadline(void)
{
    reset();
    CHECK_EQ_U64(futex_earliest_deadline(&table), 0);
    CHECK_EQ_U64(futex_expire(&table, 100, answer, &world), 0);
}

/* The table counts its timed waiters (so a request without any looks at
 * none): every way out of the queue counts them down. */
static void timed_waiters_are_counted_in_and_out(void)
{
    reset();
    wait_until(0x1000, 0, 0, 100);                 /* no deadline */
    wait_until(0x1000, 300, 0, 101);
    wait_until(0x2000, 200, 0, 102);
    CHECK_EQ_U64(table.timed_waiter_count, 2);
    CHECK_EQ_U64(futex_earliest_deadline(&table), 200);
    CHECK(futex_cancel(&table, 102));
    CHECK_EQ_U64(table.timed_waiter_count, 1);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 2, ~0u), 2);
    CHECK_EQ_U64(table.timed_waiter_count, 0);
    CHECK_EQ_U64(futex_earliest_deadline(&table), 0);
    wait_until(0x1000, 50, 0, 103);
    futex_expire(&table, 60, answer, &world);
    CHECK_EQ_U64(table.timed_waiter_count, 0);
}

/* ---- Cancellation ---- */

static void cancel_takes_a_waiter_out_without_answering(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    wait_private(1, 0x1000, 101);
    CHECK(futex_cancel(&table, 100));
    CHECK_EQ_U64(world.answer_count, 0);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[0], 101);
}

static void cancel_of_an_unknown_handle_finds_nothing(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    CHECK(!futex_cancel(&table, 555));
    CHECK_EQ_U64(table.waiter_count, 1);
}

static void cancel_selected_takes_out_what_the_selector_picks(void)
{
    reset();
    for (unsigned i = 0; i < 4; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK_EQ_U64(futex_cancel_selected(&table, select_odd_handles, &world), 2);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 2);
    CHECK_EQ_U64(world.answered[0], 100);
    CHECK_EQ_U64(world.answered[1], 102);
}

static void cancel_process_removes_all_its_waiters(void)
{
    reset();
    wait_private(1, 0x1000, 100);
    wait_shared(1, 0x55, 0x3000, 101);
    wait_private(2, 0x1000, 200);
    wait_shared(2, 0x55, 0x3000, 201);
    CHECK_EQ_U64(futex_cancel_process(&table, 1, release, &world), 2);
    CHECK_EQ_U64(world.release_count, 2);
    CHECK(world.released[0] + world.released[1] == 201);
    CHECK_EQ_U64(world.answer_count, 0);
    CHECK_EQ_U64(wake(1, 0, 0x1000, 10, ~0u), 0);
    CHECK_EQ_U64(wake(2, 0x55, 0x3000, 10, ~0u), 1);
    CHECK_EQ_U64(world.answered[0], 201);
    CHECK_EQ_U64(wake(2, 0, 0x1000, 10, ~0u), 1);
}

static void a_cancelled_waiter_frees_its_place_in_the_pool(void)
{
    reset();
    for (unsigned i = 0; i < POOL_SIZE; i++)
        wait_private(1, 0x1000, 100 + i);
    CHECK(futex_cancel(&table, 103));
    CHECK_EQ_U64(wait_private(1, 0x1000, 300), FUTEX_QUEUED);
}

static unsigned selector_calls;

static bool select_all_counting(void *context, uint64_t handle)
{
    (void)context;
    (void)handle;
    selector_calls++;
    return true;
}

static void cancel_takes_a_waitv_off_every_futex(void)
{
    reset();
    waitv_private(1, 0x1000, 3, 100, 0, 100);
    CHECK(futex_cancel(&table, 100));
    CHECK_EQ_U64(table.waiter_count, 0);
    CHECK_EQ_U64(table.timed_waiter_count, 0);
    CHECK_EQ_U64(world.answer_count, 0);
}

static void cancel_selected_asks_once_for_a_waitv(void)
{
    reset();
    waitv_private(1, 0x1000, 3, 0, 0, 100);
    wait_private(1, 0x2000, 101);
    selector_calls = 0;
    CHECK_EQ_U64(futex_cancel_selected(&table, select_all_counting, &world), 2);
    CHECK_EQ_U64(selector_calls, 2);
    CHECK_EQ_U64(table.waiter_count, 0);
}

static void cancel_process_releases_a_waitv_once(void)
{
    reset();
    waitv_private(1, 0x1000, 3, 0, 0, 100);
    waitv_private(2, 0x1000, 2, 0, 0, 200);
    CHECK_EQ_U64(futex_cancel_process(&table, 1, release, &world), 1);
    CHECK_EQ_U64(world.release_count, 1);
    CHECK_EQ_U64(world.released[0], 100);
    CHECK_EQ_U64(table.waiter_count, 2);
}

/* ---- The summary clients read before a wake ---- */

static unsigned private_bucket(uint64_t pid, uint64_t address)
{
    return futex_summary_bucket(false, pid, address);
}

static void a_waiter_is_counted_before_its_word_is_read_and_while_it_waits(void)
{
    reset();
    CHECK_EQ_U64(wait_private(7, 0x1000, 11), FUTEX_QUEUED);
    CHECK_EQ_U64(counted_at_read, 1);
    CHECK_EQ_U64(summary.waiting[private_bucket(7, 0x1000)], 1);
    CHECK_EQ_U64(summary_total(), 1);
    CHECK_EQ_U64(wake(7, 0, 0x1000, 1, ~0u), 1);
    CHECK_EQ_U64(summary_total(), 0);
}

static void a_wait_that_does_not_block_leaves_no_count(void)
{
    reset();
    struct futex_wait_request request = {
        .pid = 7, .address = 0x1000, .expected = world.word + 1, .bitset = ~0u, .handle = 11,
    };
    CHECK_EQ_U64(futex_wait(&table, &request, 0, read_word, &world), -LINUX_EAGAIN);
    CHECK_EQ_U64(counted_at_read, 1);
    CHECK_EQ_U64(summary_total(), 0);
    world.unreadable_address = 0x2000;
    request.address = 0x2000;
    CHECK_EQ_U64(futex_wait(&table, &request, 0, read_word, &world), -LINUX_EFAULT);
    CHECK_EQ_U64(summary_total(), 0);
}

static void a_shared_waiter_counts_in_its_keys_bucket(void)
{
    reset();
    CHECK_EQ_U64(wait_shared(7, 0x5000, 0x1000, 11), FUTEX_QUEUED);
    CHECK_EQ_U64(summary.waiting[futex_summary_bucket(true, 0, 0x5000)], 1);
}

static void a_requeue_moves_the_counts(void)
{
    reset();
    CHECK_EQ_U64(wait_private(1, 0x1000, 11), FUTEX_QUEUED);
    CHECK_EQ_U64(wait_private(1, 0x1000, 13), FUTEX_QUEUED);
    CHECK_EQ_U64(requeue(0x1000, 0, 2, 0x3000), 2);
    CHECK_EQ_U64(summary.waiting[private_bucket(1, 0x3000)], 2);
    CHECK_EQ_U64(summary_total(), 2);
    CHECK_EQ_U64(wake(1, 0, 0x3000, 2, ~0u), 2);
    CHECK_EQ_U64(summary_total(), 0);
}

static void a_waitv_counts_each_futex_and_nothing_when_it_fails(void)
{
    reset();
    CHECK_EQ_U64(waitv_private(1, 0x1000, 3, 0, 0, 11), FUTEX_QUEUED);
    CHECK_EQ_U64(counted_at_read, 3);
    CHECK_EQ_U64(summary_total(), 3);
    CHECK_EQ_U64(wake(1, 0, 0x1004, 1, ~0u), 1);
    CHECK_EQ_U64(summary_total(), 0);
    world.unreadable_address = 0x2004;
    CHECK_EQ_U64(waitv_private(1, 0x2000, 3, 0, 0, 13), -LINUX_EFAULT);
    CHECK_EQ_U64(summary_total(), 0);
}

int main(void)
{
    RUN_TEST(wait_blocks_when_the_word_holds_expected);
    RUN_TEST(wait_is_eagain_when_the_word_differs);
    RUN_TEST(wait_compares_all_32_bits);
    RUN_TEST(wait_with_bitset_zero_is_einval_before_reading);
    RUN_TEST(wait_on_an_unaligned_address_is_einval);
    RUN_TEST(wait_on_an_unreadable_word_is_efault);
    RUN_TEST(wait_past_its_deadline_times_out_at_once);
    RUN_TEST(wait_past_its_deadline_on_a_changed_word_is_eagain);
    RUN_TEST(wait_before_its_deadline_blocks);
    RUN_TEST(wait_with_a_full_pool_is_enomem);
    RUN_TEST(a_woken_waiter_frees_its_place_in_the_pool);
    RUN_TEST(wake_answers_waiters_in_fifo_order);
    RUN_TEST(wake_without_waiters_returns_zero);
    RUN_TEST(wake_with_count_zero_or_negative_wakes_one_as_linux);
    RUN_TEST(wake_with_bitset_zero_is_einval);
    RUN_TEST(wake_on_an_unaligned_address_is_einval);
    RUN_TEST(wake_passes_over_waiters_whose_bitset_misses);
    RUN_TEST(wake_does_not_count_a_vanished_caller);
    RUN_TEST(waitv_queues_the_caller_on_every_futex);
    RUN_TEST(waitv_woken_on_any_futex_answers_its_index_and_leaves_the_others);
    RUN_TEST(waitv_is_eagain_at_the_first_word_that_differs);
    RUN_TEST(waitv_on_an_unreadable_word_is_efault);
    RUN_TEST(waitv_with_an_unaligned_address_is_einval_before_reading);
    RUN_TEST(waitv_of_no_futex_or_too_many_is_einval);
    RUN_TEST(waitv_past_its_deadline_times_out_unless_a_word_differs);
    RUN_TEST(waitv_needs_a_free_waiter_for_every_entry);
    RUN_TEST(waitv_of_the_most_futexes_linux_allows);
    RUN_TEST(waitv_mixes_private_and_shared_futexes);
    RUN_TEST(waitv_waits_in_arrival_order_with_other_callers);
    RUN_TEST(waitv_twice_on_one_futex_is_woken_once);
    RUN_TEST(waitv_of_a_vanished_caller_is_not_counted_and_leaves_entirely);
    RUN_TEST(waitv_times_out_once_for_all_its_futexes);
    RUN_TEST(a_woken_waitv_no_longer_times_out);
    RUN_TEST(requeue_moves_one_futex_of_a_waitv);
    RUN_TEST(requeue_that_wakes_a_waitv_takes_it_off_its_other_futexes);
    RUN_TEST(wake_op_wakes_both_futexes_when_the_comparison_held);
    RUN_TEST(wake_op_wakes_only_the_first_when_the_comparison_failed);
    RUN_TEST(wake_op_counts_of_zero_or_less_wake_one_each);
    RUN_TEST(wake_op_ignores_bitsets);
    RUN_TEST(wake_op_with_an_unaligned_address_is_einval);
    RUN_TEST(wake_op_on_one_futex_twice_adds_both_counts);
    RUN_TEST(wake_op_wakes_a_waitv_on_both_futexes_once);
    RUN_TEST(private_futexes_of_different_processes_never_match);
    RUN_TEST(different_addresses_never_match);
    RUN_TEST(shared_futexes_match_across_processes_and_addresses);
    RUN_TEST(shared_and_private_futexes_stay_apart);
    RUN_TEST(the_key_names_private_and_shared_futexes);
    RUN_TEST(many_futexes_sharing_buckets_stay_apart);
    RUN_TEST(requeue_wakes_some_and_moves_the_rest_in_order);
    RUN_TEST(requeue_moves_no_more_than_requeue_count);
    RUN_TEST(requeue_with_zero_counts_does_nothing);
    RUN_TEST(requeue_ignores_bitsets);
    RUN_TEST(requeue_keeps_the_bitset_of_moved_waiters);
    RUN_TEST(requeue_with_a_negative_count_is_einval);
    RUN_TEST(requeue_with_an_unaligned_address_is_einval);
    RUN_TEST(plain_requeue_does_not_read_the_word);
    RUN_TEST(cmp_requeue_with_a_changed_word_is_eagain_and_moves_nothing);
    RUN_TEST(cmp_requeue_with_the_expected_word_wakes_and_moves);
    RUN_TEST(cmp_requeue_on_an_unreadable_word_is_efault);
    RUN_TEST(requeue_onto_the_same_futex_keeps_the_waiters);
    RUN_TEST(requeue_moves_a_private_futex_to_a_shared_one);
    RUN_TEST(requeue_does_not_count_a_vanished_caller_as_woken);
    RUN_TEST(expire_times_out_passed_waiters_earliest_first);
    RUN_TEST(expire_at_the_exact_deadline_times_out);
    RUN_TEST(equal_deadlines_expire_in_arrival_order);
    RUN_TEST(deadlines_in_any_order_expire_in_order);
    RUN_TEST(a_woken_waiter_no_longer_times_out);
    RUN_TEST(a_requeued_waiter_keeps_its_deadline);
    RUN_TEST(no_waiters_means_no_deadline);
    RUN_TEST(timed_waiters_are_counted_in_and_out);
    RUN_TEST(cancel_takes_a_waiter_out_without_answering);
    RUN_TEST(cancel_of_an_unknown_handle_finds_nothing);
    RUN_TEST(cancel_selected_takes_out_what_the_selector_picks);
    RUN_TEST(cancel_process_removes_all_its_waiters);
    RUN_TEST(a_cancelled_waiter_frees_its_place_in_the_pool);
    RUN_TEST(cancel_takes_a_waitv_off_every_futex);
    RUN_TEST(cancel_selected_asks_once_for_a_waitv);
    RUN_TEST(cancel_process_releases_a_waitv_once);
    RUN_TEST(a_waiter_is_counted_before_its_word_is_read_and_while_it_waits);
    RUN_TEST(a_wait_that_does_not_block_leaves_no_count);
    RUN_TEST(a_shared_waiter_counts_in_its_keys_bucket);
    RUN_TEST(a_requeue_moves_the_counts);
    RUN_TEST(a_waitv_counts_each_futex_and_nothing_when_it_fails);
    return check_report();
}
