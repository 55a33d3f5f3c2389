/* timerfd's timers (servers/event/timerfd.h) against Linux 6.1's
 * fs/timerfd.c, on a clock the test moves: relative and absolute
 * settings (a wall clock's from the epoch), intervals counted as
 * expirations whenever they are looked at, reads taking the count,
 * settings resetting it, gettime, TFD_IOC_SET_TICKS, waiting readers and
 * pollers served when the server's timer fires, which it sets only for
 * watched timers. */
#include "timerfd.h"
#include "test_event_support.h"

static struct timerfd_core core;

static void release_object(void *context, void *object)
{
    (void)context;
    timerfd_release(&core, object);
}

static uint64_t fresh(bool wall, uint32_t flags)
{
    fresh_descriptors();
    timerfd_core_init(&core, &descriptors);
    uint64_t handle = 0;
    CHECK_EQ_U64(timerfd_create(&core, wall, flags, &handle), 0);
    return handle;
}

static void close_handle(uint64_t handle)
{
    void *last;
    CHECK_EQ_U64(file_table_close(&files, handle, &last), 0);
    if (last)
        timerfd_release(&core, last);
}

static struct timerfd_setting set(uint64_t handle, bool absolute, uint64_t value,
                                  uint64_t interval)
{
    struct timerfd_setting old = {7, 7};
    CHECK_EQ_U64(timerfd_settime(&core, handle, absolute, false, value, interval, 1000, &old),
                 0);
    return old;
}

static int64_t read_now(uint64_t handle, uint64_t *value)
{
    return timerfd_read(&core, handle, 0, true, 8, true, value);
}

static void a_one_shot_timer_expires_once(void)
{
    uint64_t handle = fresh(false, LINUX_O_NONBLOCK);
    uint64_t value = 0;
    clock_now = 500;
    struct timerfd_setting old = set(handle, false, 100, 0);
    CHECK(old.remaining == 0 && old.interval == 0);
    clock_now = 560;
    struct timerfd_setting now;
    CHECK_EQ_U64(timerfd_gettime(&core, handle, &now), 0);
    CHECK(now.remaining == 40 && now.interval == 0);
    CHECK_EQ_U64(read_now(handle, &value), -LINUX_EAGAIN);
    clock_now = 10000;
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 1);
    CHECK_EQ_U64(read_now(handle, &value), -LINUX_EAGAIN);
    CHECK_EQ_U64(timerfd_gettime(&core, handle, &now), 0);
    CHECK_EQ_U64(now.remaining, 0);
    CHECK_EQ_U64(timerfd_read(&core, handle, 0, true, 7, true, &value), -LINUX_EINVAL);
    close_handle(handle);
}

static void an_interval_timer_counts_every_expiry(void)
{
    uint64_t handle = fresh(false, LINUX_O_NONBLOCK);
    uint64_t value = 0;
    set(handle, false, 10, 10);
    clock_now = 55;
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 5);
    struct timerfd_setting now;
    CHECK_EQ_U64(timerfd_gettime(&core, handle, &now), 0);
    CHECK(now.remaining == 5 && now.interval == 10);
    /* A new setting resets the count and returns the old one. */
    clock_now = 75;
    struct timerfd_setting old = set(handle, false, 0, 0);
    CHECK(old.remaining == 5 && old.interval == 10);
    CHECK_EQ_U64(read_now(handle, &value), -LINUX_EAGAIN);
    close_handle(handle);
}

static void absolute_times_count_from_the_clocks_origin(void)
{
    /* A wall clock: the epoch is 1000 ticks before boot here. */
    uint64_t wall = fresh(true, LINUX_O_NONBLOCK);
    clock_now = 100;
    set(wall, true, 1500, 0);
    struct timerfd_setting now;
    CHECK_EQ_U64(timerfd_gettime(&core, wall, &now), 0);
    CHECK_EQ_U64(now.remaining, 400);
    /* An instant already past expires at once. */
    set(wall, true, 900, 0);
    uint64_t value = 0;
    CHECK_EQ_U64(read_now(wall, &value), 8);
    CHECK_EQ_U64(value, 1);
    close_handle(wall);
    uint64_t monotonic = fresh(false, 0);
    clock_now = 100;
    set(monotonic, true, 1500, 0);
    CHECK_EQ_U64(timerfd_gettime(&core, monotonic, &now), 0);
    CHECK_EQ_U64(now.remaining, 1400);
    close_handle(monotonic);
}

static void waiting_readers_and_pollers_are_served_when_it_fires(void)
{
    uint64_t handle = fresh(false, 0);
    uint64_t value;
    set(handle, false, 100, 50);
    CHECK_EQ_U64(timerfd_earliest(&core), 100);    /* armed: an epoll may watch it */
    CHECK_EQ_U64(timerfd_read(&core, handle, 1, true, 8, true, &value), EVENT_QUEUED);
    CHECK_EQ_U64(timerfd_earliest(&core), 100);
    clock_now = 99;
    timerfd_expire(&core);
    CHECK(!callers[1].answered);
    clock_now = 260;
    timerfd_expire(&core);
    CHECK(callers[1].answered && callers[1].value == 4 && callers[1].small);
    /* A poller hears of the next expiry. */
    bool kept = false;
    CHECK_EQ_U64(timerfd_poll(&core, handle, POLLIN, 9, &kept), 0);
    CHECK(kept);
    CHECK_EQ_U64(timerfd_earliest(&core), 300);
    clock_now = 300;
    timerfd_expire(&core);
    CHECK_EQ_U64(notified, 1);
    CHECK_EQ_U64(timerfd_poll(&core, handle, POLLIN | POLLOUT, 0, &kept), POLLIN);
    close_handle(handle);
    CHECK_EQ_U64(blocks_in_use(), 0);
}

static void set_ticks_and_vanished_readers(void)
{
    uint64_t handle = fresh(false, 0);
    uint64_t value;
    CHECK_EQ_U64(timerfd_set_ticks(&core, handle, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(timerfd_read(&core, handle, 1, true, 8, true, &value), EVENT_QUEUED);
    CHECK_EQ_U64(timerfd_read(&core, handle, 2, false, 8, true, &value), EVENT_QUEUED);
    /* The first reader's call ended: the second gets the count. */
    callers[1].gone = true;
    CHECK_EQ_U64(timerfd_set_ticks(&core, handle, 42), 0);
    CHECK(!callers[1].answered);
    CHECK(callers[2].answered && callers[2].value == 42 && !callers[2].small);
    /* Closed while a reader waits: it goes when the reader is found gone. */
    CHECK_EQ_U64(timerfd_read(&core, handle, 3, true, 8, true, &value), EVENT_QUEUED);
    close_handle(handle);
    CHECK(blocks_in_use() > 0);
    callers[3].gone = true;
    timerfd_prune(&core);
    CHECK_EQ_U64(blocks_in_use(), 0);
}

static void only_timerfds_and_known_flags(void)
{
    uint64_t handle = fresh(false, 0);
    uint64_t other = 0;
    CHECK_EQ_U64(timerfd_create(&core, false, 0x10, &other), -LINUX_EINVAL);
    struct timerfd_setting old;
    CHECK_EQ_U64(timerfd_settime(&core, 999, false, false, 1, 0, 0, &old), -LINUX_EINVAL);
    CHECK_EQ_U64(timerfd_set_ticks(&core, 999, 1), -LINUX_ENOTTY);
    close_handle(handle);
}

static void setting_the_clock_moves_wall_instants_and_cancels_who_asked(void)
{
    struct timerfd_setting old, now;
    uint64_t handle = fresh(true, 0), cancelling = 0, relative = 0;
    bool nonblocking;
    CHECK_EQ_U64(timerfd_create(&core, true, 0, &cancelling), 0);
    CHECK_EQ_U64(timerfd_create(&core, true, LINUX_O_NONBLOCK, &relative), 0);
    clock_now = 100;
    core.epoch_offset = 1000;
    /* Instant 2000 on the realtime clock: counter 1000. */
    CHECK_EQ_U64(timerfd_settime(&core, handle, true, false, 2000, 0, 1000, &old), 0);
    CHECK_EQ_U64(timerfd_settime(&core, cancelling, true, true, 5000, 0, 1000, &old), 0);
    CHECK_EQ_U64(timerfd_settime(&core, relative, false, true, 500, 0, 1000, &old), 0);
    uint64_t value;
    CHECK_EQ_U64(timerfd_read(&core, cancelling, 3, true, 8, true, &value), EVENT_QUEUED);
    /* The clock goes 300 ticks forward: the instant comes 300 sooner. */
    timerfd_clock_set(&core, 1300);
    CHECK_EQ_U64(timerfd_gettime(&core, handle, &now), 0);
    CHECK_EQ_U64(now.remaining, 600);
    CHECK_EQ_U64(timerfd_gettime(&core, relative, &now), 0);
    CHECK_EQ_U64(now.remaining, 500);                   /* a relative one stays */
    CHECK(callers[3].answered);                          /* its waiting reader: */
    CHECK_EQ_U64(callers[3].error, -LINUX_ECANCELED);
    CHECK_EQ_U64(timerfd_read(&core, relative, 4, true, 8, true, &value), -LINUX_EAGAIN);
    /* Past the instant: it expires at once. */
    timerfd_clock_set(&core, 5000);
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 1);
    CHECK_EQ_U64(timerfd_read(&core, cancelling, 5, true, 8, true, &value), -LINUX_ECANCELED);
    /* Once: nothing more to read. */
    const struct timerfd *timer =
        event_find(&descriptors, cancelling, EVENT_KIND_TIMERFD, &nonblocking);
    CHECK_EQ_U64(timerfd_events(timer), 0);
    close_handle(handle);
    close_handle(cancelling);
    close_handle(relative);
}

int main(void)
{
    RUN_TEST(a_one_shot_timer_expires_once);
    RUN_TEST(setting_the_clock_moves_wall_instants_and_cancels_who_asked);
    RUN_TEST(an_interval_timer_counts_every_expiry);
    RUN_TEST(absolute_times_count_from_the_clocks_origin);
    RUN_TEST(waiting_readers_and_pollers_are_served_when_it_fires);
    RUN_TEST(set_ticks_and_vanished_readers);
    RUN_TEST(only_timerfds_and_known_flags);
    free_spares();
    free_table();
    return check_report();
}
