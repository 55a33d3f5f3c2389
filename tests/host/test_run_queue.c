/* The scheduler's run queue: priority order, FIFO within a priority. */
#include "check.h"
#include "kernel/run_queue.h"

static struct run_queue queue;
static struct tcb threads[8];

static struct tcb *thread(int index, int priority)
{
    threads[index].priority = (uint8_t)priority;
    return &threads[index];
}

static void empty_queue_has_no_highest(void)
{
    memset(&queue, 0, sizeof(queue));
    CHECK(run_queue_highest(&queue) == NULL);
}

static void highest_priority_comes_first(void)
{
    memset(&queue, 0, sizeof(queue));
    run_queue_append(&queue, thread(0, 10));
    run_queue_append(&queue, thread(1, 200));
    run_queue_append(&queue, thread(2, 63));
    run_queue_append(&queue, thread(3, 64));
    CHECK(run_queue_highest(&queue) == &threads[1]);
    run_queue_remove(&queue, &threads[1]);
    CHECK(run_queue_highest(&queue) == &threads[3]);
    run_queue_remove(&queue, &threads[3]);
    CHECK(run_queue_highest(&queue) == &threads[2]);
    run_queue_remove(&queue, &threads[2]);
    CHECK(run_queue_highest(&queue) == &threads[0]);
    run_queue_remove(&queue, &threads[0]);
    CHECK(run_queue_highest(&queue) == NULL);
}

static void equal_priorities_run_in_fifo_order(void)
{
    memset(&queue, 0, sizeof(queue));
    for (int i = 0; i < 4; i++)
        run_queue_append(&queue, thread(i, 7));
    for (int i = 0; i < 4; i++) {
        CHECK(run_queue_highest(&queue) == &threads[i]);
        run_queue_remove(&queue, &threads[i]);
    }
    CHECK(run_queue_highest(&queue) == NULL);
}

static void prepend_goes_before_equal_priority(void)
{
    memset(&queue, 0, sizeof(queue));
    run_queue_append(&queue, thread(0, 5));
    run_queue_prepend(&queue, thread(1, 5));
    CHECK(run_queue_highest(&queue) == &threads[1]);
}

static void removing_from_the_middle_keeps_order(void)
{
    memset(&queue, 0, sizeof(queue));
    for (int i = 0; i < 3; i++)
        run_queue_append(&queue, thread(i, 0));
    run_queue_remove(&queue, &threads[1]);
    CHECK(!run_queue_contains(&queue, &threads[1]));
    CHECK(run_queue_contains(&queue, &threads[2]));
    CHECK(run_queue_highest(&queue) == &threads[0]);
    run_queue_remove(&queue, &threads[0]);
    CHECK(run_queue_highest(&queue) == &threads[2]);
}

static void priority_extremes_work(void)
{
    memset(&queue, 0, sizeof(queue));
    run_queue_append(&queue, thread(0, 0));
    run_queue_append(&queue, thread(1, 255));
    CHECK(run_queue_highest(&queue) == &threads[1]);
    run_queue_remove(&queue, &threads[1]);
    CHECK(run_queue_highest(&queue) == &threads[0]);
    CHECK_EQ_U64(queue.non_empty[3], 0);
    CHECK_EQ_U64(queue.non_empty[0], 1);
}

/* Against every priority, at the edges of the bitmap's words. */
static void has_above_sees_only_higher_priorities(void)
{
    memset(&queue, 0, sizeof(queue));
    for (unsigned p = 0; p < PRIORITY_LEVELS; p++)
        CHECK(!run_queue_has_above(&queue, p));
    const int ready[] = {0, 63, 64, 127, 128, 200, 255};
    for (unsigned i = 0; i < sizeof ready / sizeof ready[0]; i++) {
        memset(&queue, 0, sizeof(queue));
        run_queue_append(&queue, thread(0, ready[i]));
        for (int p = 0; p < PRIORITY_LEVELS; p++)
            if (run_queue_has_above(&queue, (unsigned)p) != (p < ready[i]))
                CHECK(!"run_queue_has_above agrees with the one ready priority");
    }
}

int main(void)
{
    RUN_TEST(empty_queue_has_no_highest);
    RUN_TEST(highest_priority_comes_first);
    RUN_TEST(equal_priorities_run_in_fifo_order);
    RUN_TEST(prepend_goes_before_equal_priority);
    RUN_TEST(removing_from_the_middle_keeps_order);
    RUN_TEST(priority_extremes_work);
    RUN_TEST(has_above_sees_only_higher_priorities);
    return check_report();
}
