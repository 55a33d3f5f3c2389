/* eventfd's counter (servers/event/eventfd.h) against Linux 6.1's
 * fs/eventfd.c: reads and writes, EFD_SEMAPHORE, the maximum, O_NONBLOCK,
 * waiting readers and writers served in order, callers that vanished
 * changing nothing, a description held by its waiters, poll. A caller
 * handle is an index into callers[]. */
#include "eventfd.h"
#include "test_event_support.h"

static struct eventfd_core core;

static void release_object(void *context, void *object)
{
    (void)context;
    event_uncharge(&descriptors, object);   /* as the server's release does */
    eventfd_release(&core, object);
}

static uint64_t fresh(uint64_t initial, uint32_t flags)
{
    fresh_descriptors();
    eventfd_core_init(&core, &descriptors);
    uint64_t handle = 0;
    CHECK_EQ_U64(eventfd_create(&core, initial, flags, &handle), 0);
    return handle;
}

static void close_handle(uint64_t handle)
{
    void *last;
    CHECK_EQ_U64(file_table_close(&files, handle, &last), 0);
    if (last)
        release_object(NULL, last);
}

static int64_t read_now(uint64_t handle, uint64_t *value)
{
    return eventfd_read(&core, handle, 0, true, 8, true, value);
}

static int64_t write_now(uint64_t handle, uint64_t value)
{
    return eventfd_write(&core, handle, 0, 8, value, true);
}

static void reads_take_the_count_and_writes_add(void)
{
    uint64_t handle = fresh(5, 0);
    uint64_t value = 0;
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 5);
    CHECK_EQ_U64(write_now(handle, 3), 8);
    CHECK_EQ_U64(write_now(handle, 4), 8);
    CHECK_EQ_U64(eventfd_read(&core, handle, 0, false, 16, true, &value), 8);
    CHECK_EQ_U64(value, 7);
    /* Short buffers, and the one value no write may add. */
    CHECK_EQ_U64(eventfd_read(&core, handle, 0, true, 7, true, &value), -LINUX_EINVAL);
    CHECK_EQ_U64(eventfd_write(&core, handle, 0, 7, 1, true), -LINUX_EINVAL);
    CHECK_EQ_U64(write_now(handle, UINT64_MAX), -LINUX_EINVAL);
    CHECK_EQ_U64(eventfd_read(&core, 999, 0, true, 8, true, &value), -LINUX_EBADF);
    /* Only an unsigned int's worth starts the count. */
    close_handle(handle);
    handle = fresh(0x100000007ULL, 0);
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 7);
    CHECK_EQ_U64(eventfd_create(&core, 0, 0x10, &value), -LINUX_EINVAL);
    close_handle(handle);
}

static void a_semaphore_gives_one_at_a_time(void)
{
    uint64_t handle = fresh(2, EVENTFD_SEMAPHORE | LINUX_O_NONBLOCK);
    uint64_t value = 0;
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 1);
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 1);
    CHECK_EQ_U64(read_now(handle, &value), -LINUX_EAGAIN);
    close_handle(handle);
}

static void the_maximum_and_o_nonblock(void)
{
    uint64_t handle = fresh(0, LINUX_O_NONBLOCK);
    uint64_t value = 0;
    CHECK_EQ_U64(read_now(handle, &value), -LINUX_EAGAIN);
    CHECK_EQ_U64(write_now(handle, EVENTFD_MAXIMUM - 1), 8);
    CHECK_EQ_U64(write_now(handle, 2), -LINUX_EAGAIN);
    CHECK_EQ_U64(write_now(handle, 1), 8);
    CHECK_EQ_U64(write_now(handle, 1), -LINUX_EAGAIN);
    /* Adding nothing always fits. */
    CHECK_EQ_U64(write_now(handle, 0), 8);
    bool kept;
    CHECK_EQ_U64(eventfd_poll(&core, handle, POLLIN | POLLOUT, 0, &kept), POLLIN);
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, EVENTFD_MAXIMUM);
    CHECK_EQ_U64(eventfd_poll(&core, handle, POLLIN | POLLOUT | POLLWRNORM, 0, &kept),
                 POLLOUT);
    close_handle(handle);
}

static void waiting_readers_are_served_in_order(void)
{
    uint64_t handle = fresh(0, EVENTFD_SEMAPHORE);
    uint64_t value;
    for (uint64_t caller = 1; caller <= 3; caller++)
        CHECK_EQ_U64(eventfd_read(&core, handle, caller, caller != 2, 8, true, &value),
                     EVENT_QUEUED);
    /* The second's call ended: it takes nothing when its turn comes. */
    callers[2].gone = true;
    CHECK_EQ_U64(write_now(handle, 2), 8);
    CHECK(callers[1].answered && callers[1].value == 1 && callers[1].small);
    CHECK(!callers[2].answered);
    CHECK(callers[3].answered && callers[3].value == 1);
    CHECK_EQ_U64(read_now(handle, &value), EVENT_QUEUED);   /* nothing left */
    callers[0].gone = true;
    eventfd_prune(&core);
    close_handle(handle);
    CHECK_EQ_U64(blocks_in_use(), 0);
}

static void waiting_writers_go_in_when_their_value_fits(void)
{
    uint64_t handle = fresh(0, 0);
    CHECK_EQ_U64(write_now(handle, EVENTFD_MAXIMUM - 5), 8);
    CHECK_EQ_U64(eventfd_write(&core, handle, 1, 8, 10, true), EVENT_QUEUED);
    CHECK_EQ_U64(eventfd_write(&core, handle, 2, 8, 8, true), EVENT_QUEUED);
    /* A write that fits goes in at once, though others wait for room. */
    CHECK_EQ_U64(write_now(handle, 3), 8);
    uint64_t value = 0;
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, EVENTFD_MAXIMUM - 2);
    /* Both went in, in order, and wake a reader no more. */
    CHECK(callers[1].answered && callers[2].answered);
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(value, 18);
    close_handle(handle);
    CHECK_EQ_U64(blocks_in_use(), 0);
}

static void a_waiter_holds_its_description(void)
{
    uint64_t handle = fresh(0, 0);
    uint64_t value;
    CHECK_EQ_U64(eventfd_read(&core, handle, 1, true, 8, true, &value), EVENT_QUEUED);
    /* The descriptor is closed: the eventfd stays while its reader waits,
     * and goes when the reader's caller is found gone. */
    close_handle(handle);
    CHECK(blocks_in_use() > 0);
    callers[1].gone = true;
    eventfd_prune(&core);
    CHECK_EQ_U64(blocks_in_use(), 0);
    /* No room to keep a waiter: -ENOMEM, nothing kept. */
    handle = fresh(0, 0);
    CHECK_EQ_U64(eventfd_read(&core, handle, 1, true, 8, false, &value), -LINUX_ENOMEM);
    close_handle(handle);
}

static void poll_notifies_at_the_next_change(void)
{
    uint64_t handle = fresh(0, 0);
    bool kept = false;
    CHECK_EQ_U64(eventfd_poll(&core, handle, POLLIN, 77, &kept), 0);
    CHECK(kept);
    CHECK_EQ_U64(notified, 0);
    CHECK_EQ_U64(write_now(handle, 1), 8);
    CHECK_EQ_U64(notified, 1);
    CHECK_EQ_U64(eventfd_poll(&core, handle, POLLIN | POLLRDNORM, 77, &kept), POLLIN);
    CHECK(!kept);
    /* A poller kept when the eventfd goes is told too. */
    uint64_t value;
    CHECK_EQ_U64(read_now(handle, &value), 8);
    CHECK_EQ_U64(eventfd_poll(&core, handle, POLLIN, 78, &kept), 0);
    close_handle(handle);
    CHECK_EQ_U64(notified, 2);
    CHECK_EQ_U64(blocks_in_use(), 0);
}

/* Each eventfd is charged to its maker: a process makes at most
 * EVENT_PROCESS_OBJECTS (-EMFILE, root too), a user but root at most
 * EVENT_USER_OBJECTS (-ENFILE), whose refused object is gone; another
 * user goes on, and closing gives the charges back. */
static void eventfds_are_charged_to_their_maker_and_its_user(void)
{
    fresh_descriptors();
    eventfd_core_init(&core, &descriptors);
    static uint64_t handles[EVENT_USER_OBJECTS + 1];
    unsigned made = 0;
    for (;; made++) {
        uint64_t handle = 0;
        CHECK_EQ_U64(eventfd_create(&core, 0, 0, &handle), 0);
        /* Processes 10, 11, 12 of user 1000, the first until refused. */
        uint32_t pid = made < EVENT_PROCESS_OBJECTS ? 10 : 11 + made % 2;
        int refused = event_charge(&descriptors, handle, pid, 1000);
        if (refused < 0) {
            CHECK_EQ_U64(refused, -LINUX_ENFILE);
            CHECK(file_table_find(&files, handle) == NULL);
            break;
        }
        handles[made] = handle;
    }
    CHECK_EQ_U64(made, EVENT_USER_OBJECTS);
    uint64_t other = 0;
    CHECK_EQ_U64(eventfd_create(&core, 0, 0, &other), 0);
    CHECK_EQ_U64(event_charge(&descriptors, other, 10, 1000), -LINUX_EMFILE);
    CHECK_EQ_U64(eventfd_create(&core, 0, 0, &other), 0);
    CHECK_EQ_U64(event_charge(&descriptors, other, 20, 1001), 0);
    CHECK_EQ_U64(client_user_charges(&descriptors.accounts, 1001), 1);
    event_client_ended(&descriptors, 10);
    for (unsigned i = 0; i < made; i++)
        close_handle(handles[i]);
    close_handle(other);
    CHECK_EQ_U64(client_user_charges(&descriptors.accounts, 1000), 0);
    CHECK_EQ_U64(client_user_charges(&descriptors.accounts, 1001), 0);
    CHECK_EQ_U64(blocks_in_use(), 0);
}

int main(void)
{
    RUN_TEST(reads_take_the_count_and_writes_add);
    RUN_TEST(a_semaphore_gives_one_at_a_time);
    RUN_TEST(the_maximum_and_o_nonblock);
    RUN_TEST(waiting_readers_are_served_in_order);
    RUN_TEST(waiting_writers_go_in_when_their_value_fits);
    RUN_TEST(a_waiter_holds_its_description);
    RUN_TEST(poll_notifies_at_the_next_change);
    RUN_TEST(eventfds_are_charged_to_their_maker_and_its_user);
    free_spares();
    free_table();
    return check_report();
}
