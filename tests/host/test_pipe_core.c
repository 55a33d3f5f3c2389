/* The pipe core (servers/pipe) without blocking: the ring's head/tail
 * discipline, PIPE_BUF atomicity and merging, O_NONBLOCK partial writes,
 * packet mode, capacity changes, FIONREAD, EOF and EPIPE, flags, poll
 * bits, references and status. Each case is one of Linux's rules. */
#include "test_pipe_support.h"

#define NONBLOCK LINUX_O_NONBLOCK

static void test_write_then_read_returns_the_bytes(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(write_text(w, 1, "hello"), 5);
    CHECK_EQ_U64(read_into(r, 2, 100), 5);
    CHECK(caller_holds(2, "hello"));
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

static void test_read_returns_what_is_there_without_waiting_for_more(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_text(w, 1, "abc");
    write_text(w, 1, "def");
    CHECK_EQ_U64(read_into(r, 2, 4), 4);
    CHECK(caller_holds(2, "abcd"));
    CHECK_EQ_U64(read_into(r, 2, 100), 2);
    CHECK(caller_holds(2, "ef"));
    CHECK_EQ_U64(world.server.waiters ? 1 : 0, 0);
}

static void test_zero_length_read_and_write_return_zero(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(read_into(r, 2, 0), 0);
    close_end(r);
    /* Linux: a null write succeeds even without readers. */
    CHECK_EQ_U64(write_text(w, 1, ""), 0);
}

static void test_read_on_a_write_end_is_ebadf(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(read_into(w, 1, 10), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(write_text(r, 1, "x"), (uint64_t)-LINUX_EBADF);
}

static void test_stale_or_forged_handles_are_ebadf(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    close_end(r);
    CHECK_EQ_U64(pipe_get_flags(&world.server, r), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(pipe_close(&world.server, r), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(pipe_get_flags(&world.server, 0), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(pipe_get_flags(&world.server, END_CAPACITY + 1), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(pipe_get_flags(&world.server, w ^ (1ull << 32)), (uint64_t)-LINUX_EBADF);
    /* The slot comes back with a new generation: the old handle stays dead. */
    uint64_t r2, w2;
    make_pipe(0, &r2, &w2);
    CHECK(r2 != r);
    CHECK_EQ_U64(pipe_get_flags(&world.server, r), (uint64_t)-LINUX_EBADF);
}

static void test_empty_pipe_without_writers_reads_end_of_file(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_text(w, 1, "last");
    close_end(w);
    CHECK_EQ_U64(read_into(r, 2, 100), 4);
    CHECK_EQ_U64(read_into(r, 2, 100), 0);
}

static void test_nonblocking_read_of_empty_pipe_is_eagain(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    CHECK_EQ_U64(read_into(r, 2, 100), (uint64_t)-LINUX_EAGAIN);
}

static void test_write_without_readers_is_epipe_with_sigpipe(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    close_end(r);
    prepare_caller(1, "x", 1);
    struct pipe_request request = {.end = w, .length = 1, .caller = 1, .may_wait = true};
    CHECK_EQ_U64(pipe_write(&world.server, &request), (uint64_t)-LINUX_EPIPE);
    CHECK(request.sigpipe);
}

static void test_default_capacity_is_65536_bytes(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    CHECK_EQ_U64(pipe_get_size(&world.server, r), 65536);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 70000), 65536);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 65536);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 1), (uint64_t)-LINUX_EAGAIN);
}

static void test_small_writes_merge_into_one_buffer(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    for (int i = 0; i < 100; i++)
        CHECK_EQ_U64(write_text(w, 1, "0123456789"), 10);
    /* 1000 bytes in one page: one slot, so 15 more pages fit. */
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 15 * 4096), 15 * 4096);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 4096), (uint64_t)-LINUX_EAGAIN);
}

static void test_atomic_write_that_does_not_fit_the_last_buffer_takes_a_new_slot(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 4000), 4000);
    /* 200 bytes do not fit the 96 left: never split. */
    CHECK_EQ_U64(write_pattern(w, 1, 2, 0, 200), 200);
    CHECK_EQ_U64(read_into(r, 3, 4096), 4096);
    CHECK(has_pattern(caller_of(3)->buffer, 1, 0, 4000));
    CHECK(has_pattern(caller_of(3)->buffer + 4000, 2, 0, 96));
    /* The reader sees them contiguous, but they sat in two buffers. */
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 104);
}

static void test_nonblocking_atomic_write_into_a_full_pipe_is_eagain(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 16 * 4096 - 100), 16 * 4096 - 100);
    /* 100 bytes of room in the last buffer: 100 fit whole, 101 do not. */
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 101), (uint64_t)-LINUX_EAGAIN);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 100), 100);
}

static void test_nonblocking_large_write_writes_what_fits(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 15 * 4096 + 10), 15 * 4096 + 10);
    /* 10000 = 2 pages + 1808: the 1808 merge into the last buffer, then
     * no slot is left: Linux returns 1808. */
    CHECK_EQ_U64(write_pattern(w, 1, 2, 0, 10000), 1808);
    /* A whole number of pages has no remainder to merge. */
    CHECK_EQ_U64(write_pattern(w, 1, 2, 0, 8192), (uint64_t)-LINUX_EAGAIN);
}

static void test_nonblocking_large_write_fills_free_slots_page_by_page(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 14 * 4096), 14 * 4096);
    CHECK_EQ_U64(write_pattern(w, 1, 2, 0, 3 * 4096), 2 * 4096);
    CHECK_EQ_U64(read_into(r, 3, 14 * 4096), 14 * 4096);
    CHECK_EQ_U64(read_into(r, 3, 3 * 4096), 2 * 4096);
    CHECK(has_pattern(caller_of(3)->buffer, 2, 0, 2 * 4096));
}

static void test_packet_mode_reads_one_packet_per_read(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(LINUX_O_DIRECT, &r, &w);
    write_text(w, 1, "first");
    write_text(w, 1, "second");
    CHECK_EQ_U64(read_into(r, 2, 100), 5);
    CHECK(caller_holds(2, "first"));
    CHECK_EQ_U64(read_into(r, 2, 100), 6);
    CHECK(caller_holds(2, "second"));
}

static void test_packet_mode_discards_what_does_not_fit(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(LINUX_O_DIRECT, &r, &w);
    write_text(w, 1, "abcdef");
    write_text(w, 1, "next");
    CHECK_EQ_U64(read_into(r, 2, 3), 3);
    CHECK(caller_holds(2, "abc"));
    CHECK_EQ_U64(read_into(r, 2, 100), 4);
    CHECK(caller_holds(2, "next"));
}

static void test_packet_mode_splits_large_writes_into_page_packets(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(LINUX_O_DIRECT, &r, &w);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 5000), 5000);
    CHECK_EQ_U64(read_into(r, 2, 10000), 4096);
    CHECK_EQ_U64(read_into(r, 2, 10000), 904);
}

static void test_packet_mode_belongs_to_the_writer(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    /* Linux gives O_DIRECT only to the write end. */
    CHECK_EQ_U64(pipe_get_flags(&world.server, r), LINUX_O_RDONLY);
    CHECK_EQ_U64(pipe_set_flags(&world.server, w, LINUX_O_DIRECT), 0);
    CHECK_EQ_U64(pipe_get_flags(&world.server, w), LINUX_O_WRONLY | LINUX_O_DIRECT);
    write_text(w, 1, "ab");
    write_text(w, 1, "cd");
    CHECK_EQ_U64(read_into(r, 2, 100), 2);
}

static void test_pipe2_flags_are_checked(void)
{
    world_reset();
    uint64_t r;
    CHECK_EQ_U64(pipe_create(&world.server, LINUX_O_APPEND, MAKER_PID, MAKER_UID, &r), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(pipe_create(&world.server, NONBLOCK | LINUX_O_DIRECT, MAKER_PID, MAKER_UID, &r), 0);
    CHECK_EQ_U64(pipe_get_flags(&world.server, r), LINUX_O_RDONLY | NONBLOCK);
}

static void test_set_flags_changes_only_status_flags(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(pipe_set_flags(&world.server, r, LINUX_O_RDWR | NONBLOCK | LINUX_O_APPEND), 0);
    CHECK_EQ_U64(pipe_get_flags(&world.server, r), LINUX_O_RDONLY | NONBLOCK | LINUX_O_APPEND);
    CHECK_EQ_U64(read_into(r, 2, 1), (uint64_t)-LINUX_EAGAIN);
    CHECK_EQ_U64(pipe_set_flags(&world.server, r, 0), 0);
    CHECK_EQ_U64(pipe_get_flags(&world.server, r), LINUX_O_RDONLY);
}

static void test_set_size_rounds_up_to_a_power_of_two_of_pages(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 5000, false), 8192);
    CHECK_EQ_U64(pipe_get_size(&world.server, r), 8192);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 1, false), 4096);
    /* Linux's round_pipe_size makes 0 a page too. */
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 0, false), 4096);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 100000, false), 131072);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 1 << 20, false), 1 << 20);
}

static void test_set_size_above_the_limit_needs_privilege(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, (1 << 20) + 1, false), (uint64_t)-LINUX_EPERM);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, (1 << 20) + 1, true), 2 << 20);
    /* Not growing: no privilege needed to keep it. */
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 2 << 20, false), 2 << 20);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 0x80000001u, true), (uint64_t)-LINUX_EINVAL);
}

static void test_set_size_below_the_buffers_held_is_ebusy(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 3 * 4096);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 8192, false), (uint64_t)-LINUX_EBUSY);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 16384, false), 16384);
    /* The data survives the move to the new ring. */
    CHECK_EQ_U64(read_into(r, 2, 3 * 4096), 3 * 4096);
    CHECK(has_pattern(caller_of(2)->buffer, 1, 0, 3 * 4096));
}

static void test_set_size_counts_buffers_not_bytes(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_text(w, 1, "a");
    write_text(w, 1, "b");
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 4096, false), 4096);
}

static void test_set_size_keeps_wrapped_buffers_in_order(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    /* Move head and tail around the ring, then resize. */
    for (int i = 0; i < 14; i++) {
        write_pattern(w, 1, 1, 0, 4096);
        read_into(r, 2, 4096);
    }
    write_pattern(w, 1, 3, 0, 4 * 4096);
    CHECK_EQ_U64(pipe_set_size(&world.server, w, 4 * 4096, false), 4 * 4096);
    CHECK_EQ_U64(read_into(r, 2, 4 * 4096), 4 * 4096);
    CHECK(has_pattern(caller_of(2)->buffer, 3, 0, 4 * 4096));
}

static void test_one_page_pipe_holds_one_page(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    pipe_set_size(&world.server, w, 4096, false);
    /* An empty pipe has no buffer to merge into: one page goes in. */
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 10000), 4096);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 1), (uint64_t)-LINUX_EAGAIN);
}

static void test_fionread_counts_bytes_held(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);
    write_pattern(w, 1, 1, 0, 5000);
    write_text(w, 1, "xyz");
    CHECK_EQ_U64(pipe_bytes_held(&world.server, w), 5003);
    read_into(r, 2, 1000);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 4003);
}

static void test_poll_bits_of_a_fresh_pipe(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(poll_end(r, FILE_POLLIN | FILE_POLLOUT), 0);
    CHECK_EQ_U64(poll_end(w, FILE_POLLIN | FILE_POLLOUT | FILE_POLLWRNORM),
                 FILE_POLLOUT | FILE_POLLWRNORM);
}

static void test_poll_in_when_data_is_there(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_text(w, 1, "x");
    CHECK_EQ_U64(poll_end(r, FILE_POLLIN | FILE_POLLRDNORM), FILE_POLLIN | FILE_POLLRDNORM);
    CHECK_EQ_U64(poll_end(r, FILE_POLLOUT), 0);
}

static void test_poll_out_only_while_a_slot_is_free(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(NONBLOCK, &r, &w);
    write_pattern(w, 1, 1, 0, 16 * 4096 - 1);
    CHECK_EQ_U64(poll_end(w, FILE_POLLOUT), 0);
    read_into(r, 2, 4096);
    CHECK_EQ_U64(poll_end(w, FILE_POLLOUT), FILE_POLLOUT);
}

static void test_poll_hup_for_reader_without_writers(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_text(w, 1, "x");
    close_end(w);
    /* POLLHUP counts whether asked or not. */
    CHECK_EQ_U64(poll_end(r, FILE_POLLIN), FILE_POLLIN | FILE_POLLHUP);
    CHECK_EQ_U64(poll_end(r, 0), FILE_POLLHUP);
}

static void test_poll_err_for_writer_without_readers(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    close_end(r);
    CHECK_EQ_U64(poll_end(w, FILE_POLLOUT), FILE_POLLOUT | FILE_POLLERR);
}

static void test_retained_end_stays_open_until_its_last_close(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(pipe_retain(&world.server, w), 0);
    close_end(w);
    CHECK_EQ_U64(poll_end(r, FILE_POLLIN), 0);
    close_end(w);
    CHECK_EQ_U64(poll_end(r, FILE_POLLIN), FILE_POLLHUP);
    CHECK_EQ_U64(pipe_retain(&world.server, w), (uint64_t)-LINUX_EBADF);
}

static void test_extra_writer_keeps_the_pipe_writable(void)
{
    world_reset();
    uint64_t r, w, w2;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(pipe_open_writer(&world.server, r, 0, &w2), 0);
    close_end(w);
    write_text(w2, 1, "still");
    CHECK_EQ_U64(read_into(r, 2, 10), 5);
    close_end(w2);
    CHECK_EQ_U64(read_into(r, 2, 10), 0);
}

static void test_closing_every_end_frees_the_pages(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 10 * 4096);
    CHECK_EQ_U64(world.pages, 10);
    read_into(r, 2, 4096);
    CHECK_EQ_U64(world.pages, 9);
    close_end(w);
    close_end(r);
    check_nothing_leaked();
}

static void test_write_fault_before_anything_is_efault(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    struct caller *caller = prepare_caller(1, NULL, 100);
    caller->fault_after = 50;
    struct pipe_request request = {.end = w, .length = 100, .caller = 1, .may_wait = true};
    CHECK_EQ_U64(pipe_write(&world.server, &request), (uint64_t)-LINUX_EFAULT);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);
}

static void test_write_fault_after_some_pages_returns_the_count(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    struct caller *caller = prepare_caller(1, NULL, 3 * 4096);
    caller->fault_after = 2 * 4096 + 1;
    struct pipe_request request = {.end = w, .length = 3 * 4096, .caller = 1, .may_wait = true};
    CHECK_EQ_U64(pipe_write(&world.server, &request), 2 * 4096);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 2 * 4096);
}

static void test_read_fault_consumes_only_what_was_delivered(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 4096);
    write_pattern(w, 1, 2, 0, 4096);
    struct caller *caller = prepare_caller(2, NULL, 8192);
    caller->fault_after = 5000;
    struct pipe_request request = {.end = r, .length = 8192, .caller = 2, .may_wait = true};
    CHECK_EQ_U64(pipe_read(&world.server, &request), 4096);
    caller->fault_after = 10;
    CHECK_EQ_U64(pipe_read(&world.server, &request), (uint64_t)-LINUX_EFAULT);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 4096);
}

static void test_reader_that_vanished_consumes_nothing(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 6000);
    struct caller *caller = prepare_caller(2, NULL, 6000);
    caller->fault_after = 0;
    caller->gone = true;
    struct pipe_request request = {.end = r, .length = 6000, .caller = 2, .may_wait = true};
    pipe_read(&world.server, &request);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 6000);
    CHECK_EQ_U64(read_into(r, 3, 6000), 6000);
    CHECK(has_pattern(caller_of(3)->buffer, 1, 0, 6000));
}

static void test_writer_that_vanished_adds_nothing(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_text(w, 1, "ab");
    struct caller *caller = prepare_caller(2, NULL, 3 * 4096 + 5);
    caller->gone = true;
    struct pipe_request request = {.end = w, .length = 3 * 4096 + 5, .caller = 2,
                                   .may_wait = true};
    pipe_write(&world.server, &request);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 2);
    CHECK_EQ_U64(world.pages, 1);
}

static void test_out_of_pages_is_enomem_or_the_count(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    world.page_limit = 2;
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 3 * 4096), 2 * 4096);
    CHECK_EQ_U64(write_pattern(w, 1, 1, 0, 4096), (uint64_t)-LINUX_ENOMEM);
}

static void test_status_names_the_pipe(void)
{
    world_reset();
    world.clock = 77;
    uint64_t r, w, r2, w2;
    make_pipe(0, &r, &w);
    make_pipe(0, &r2, &w2);
    struct pipe_status a, b, c;
    CHECK_EQ_U64(pipe_status(&world.server, r, &a), 0);
    CHECK_EQ_U64(pipe_status(&world.server, w, &b), 0);
    CHECK_EQ_U64(pipe_status(&world.server, r2, &c), 0);
    CHECK(!a.fifo);
    CHECK_EQ_U64(a.identity, b.identity);
    CHECK(a.identity != c.identity);
    CHECK_EQ_U64(a.change_time, 77);
    world.clock = 99;
    write_text(w, 1, "x");
    pipe_status(&world.server, r, &a);
    CHECK_EQ_U64(a.modify_time, 99);
}

static void test_end_table_full_is_enfile(void)
{
    world_reset();
    uint64_t r, w;
    unsigned made = 0;
    while (pipe_create(&world.server, 0, MAKER_PID, MAKER_UID, &r) == 0)
        made++;
    CHECK_EQ_U64(made, END_CAPACITY);
    CHECK_EQ_U64(pipe_create(&world.server, 0, MAKER_PID, MAKER_UID, &r), (uint64_t)-LINUX_ENFILE);
    CHECK_EQ_U64(pipe_open_writer(&world.server, r - 0, 0, &w), (uint64_t)-LINUX_ENFILE);
}

/* A user but root holds at most half the ends, then -ENFILE, whichever
 * of its processes asks; another user, and root, still make pipes; and
 * the charges come back as ends close. */
static void test_a_user_holds_half_the_ends(void)
{
    world_reset();
    uint64_t r[END_CAPACITY], w[END_CAPACITY], extra;
    unsigned pipes = 0;
    for (; pipes < END_CAPACITY; pipes++) {
        uint32_t pid = 200 + pipes % 3;     /* three processes of user 1000 */
        if (pipe_create(&world.server, 0, pid, 1000, &r[pipes]) != 0)
            break;
        CHECK_EQ_U64(pipe_open_writer(&world.server, r[pipes], 0, &w[pipes]), 0);
    }
    CHECK_EQ_U64(pipes, END_CAPACITY / 4);
    CHECK_EQ_U64(pipe_create(&world.server, 0, 203, 1000, &extra), (uint64_t)-LINUX_ENFILE);
    CHECK_EQ_U64(pipe_open_writer(&world.server, r[0], 0, &extra), (uint64_t)-LINUX_ENFILE);
    CHECK_EQ_U64(client_user_charges(&world.server.accounts, 1000), END_CAPACITY / 2);
    uint64_t other, root;
    CHECK_EQ_U64(pipe_create(&world.server, 0, 300, 1001, &other), 0);
    CHECK_EQ_U64(pipe_create(&world.server, 0, 301, 0, &root), 0);
    /* A closed end makes room for one more, for any of the user's. */
    CHECK_EQ_U64(pipe_close(&world.server, w[0]), 0);
    CHECK_EQ_U64(pipe_open_writer(&world.server, r[0], 0, &w[0]), 0);
    pipe_process_ended(&world.server, 200);
    for (unsigned i = 0; i < pipes; i++) {
        pipe_close(&world.server, r[i]);
        pipe_close(&world.server, w[i]);
    }
    CHECK_EQ_U64(client_user_charges(&world.server.accounts, 1000), 0);
    CHECK_EQ_U64(client_process_charges(&world.server.accounts, 201), 0);
    pipe_close(&world.server, other);
    pipe_close(&world.server, root);
    CHECK_EQ_U64(client_user_charges(&world.server.accounts, 1001), 0);
    CHECK_EQ_U64(client_process_charges(&world.server.accounts, 301), 0);
}

/* A process holds at most PIPE_PROCESS_ENDS ends, root too: -EMFILE,
 * and its other processes go on. */
static void test_a_process_holds_at_most_its_ends(void)
{
    world_reset();
    static struct pipe_end big[2 * PIPE_PROCESS_ENDS + 8];
    const struct pipe_services services = world.server.services;
    pipe_server_init(&world.server, &services, big, 2 * PIPE_PROCESS_ENDS + 8);
    uint64_t r = 0, w = 0, first = 0;
    unsigned made = 0;
    while (pipe_create(&world.server, 0, 400, 0, &r) == 0)
        first = first ? first : r, made++;
    CHECK_EQ_U64(made, PIPE_PROCESS_ENDS);
    CHECK_EQ_U64(pipe_create(&world.server, 0, 400, 0, &r), (uint64_t)-LINUX_EMFILE);
    CHECK_EQ_U64(pipe_open_writer(&world.server, first, 0, &w), (uint64_t)-LINUX_EMFILE);
    CHECK_EQ_U64(pipe_create(&world.server, 0, 401, 0, &r), 0);
    CHECK_EQ_U64(pipe_open_writer(&world.server, r, 0, &w), 0);
    for (unsigned i = 0; i < 2 * PIPE_PROCESS_ENDS + 8; i++) {
        uint64_t end = (uint64_t)big[i].generation << 32 | (i + 1);
        while (big[i].pipe)
            pipe_close(&world.server, end);
    }
    CHECK_EQ_U64(client_process_charges(&world.server.accounts, 400), 0);
    world_reset();
}

/* A user's pipes' pages, as Linux's pipe-user-pages-soft and -hard: 16
 * pages a pipe until PIPE_USER_PAGES_SOFT, then 2, until
 * PIPE_USER_PAGES_HARD: -ENFILE. Growing one past the soft limit is
 * -EPERM but for the privileged; shrinking is not; root is never held;
 * closing gives the pages back. */
static void test_a_users_pipes_pages_are_limited(void)
{
    world_reset();
    static struct pipe_end big[16384];
    const struct pipe_services services = world.server.services;
    pipe_server_init(&world.server, &services, big, 16384);
    static uint64_t r[4096];
    unsigned made = 0, full = 0;
    for (; made < 4096; made++) {
        if (pipe_create(&world.server, 0, 500 + made % 3, 1000, &r[made]) != 0)
            break;
        full += pipe_get_size(&world.server, r[made]) == PIPE_DEFAULT_CAPACITY;
    }
    CHECK_EQ_U64(full, PIPE_USER_PAGES_SOFT / 16);
    CHECK_EQ_U64(made, full + (PIPE_USER_PAGES_HARD - PIPE_USER_PAGES_SOFT) / PIPE_MIN_SLOTS);
    CHECK_EQ_U64(pipe_get_size(&world.server, r[made - 1]), PIPE_MIN_SLOTS * PIPE_PAGE_SIZE);
    uint64_t extra;
    CHECK_EQ_U64(pipe_create(&world.server, 0, 503, 1000, &extra), (uint64_t)-LINUX_ENFILE);
    /* Past the soft limit a pipe may shrink, not grow, but privileged. */
    CHECK_EQ_U64(pipe_set_size(&world.server, r[0], 8192, false), 8192);
    CHECK_EQ_U64(pipe_set_size(&world.server, r[0], 65536, false), (uint64_t)-LINUX_EPERM);
    CHECK_EQ_U64(pipe_set_size(&world.server, r[0], 65536, true), 65536);
    /* Another user, and root, still get whole pipes. */
    uint64_t other, root;
    CHECK_EQ_U64(pipe_create(&world.server, 0, 600, 1001, &other), 0);
    CHECK_EQ_U64(pipe_get_size(&world.server, other), PIPE_DEFAULT_CAPACITY);
    CHECK_EQ_U64(pipe_create(&world.server, 0, 601, 0, &root), 0);
    CHECK_EQ_U64(pipe_set_size(&world.server, root, 1 << 20, true), 1 << 20);
    /* The pages come back as pipes go: whole pipes again. */
    for (unsigned i = 0; i < made; i++)
        CHECK_EQ_U64(pipe_close(&world.server, r[i]), 0);
    uint64_t again;
    CHECK_EQ_U64(pipe_create(&world.server, 0, 500, 1000, &again), 0);
    CHECK_EQ_U64(pipe_get_size(&world.server, again), PIPE_DEFAULT_CAPACITY);
    pipe_close(&world.server, again);
    pipe_close(&world.server, other);
    pipe_close(&world.server, root);
    CHECK_EQ_U64(client_user_charges(&world.server.accounts, 1000), 0);
    world_reset();
}

int main(void)
{
    test_write_then_read_returns_the_bytes();
    test_read_returns_what_is_there_without_waiting_for_more();
    test_zero_length_read_and_write_return_zero();
    test_read_on_a_write_end_is_ebadf();
    test_stale_or_forged_handles_are_ebadf();
    test_empty_pipe_without_writers_reads_end_of_file();
    test_nonblocking_read_of_empty_pipe_is_eagain();
    test_write_without_readers_is_epipe_with_sigpipe();
    test_default_capacity_is_65536_bytes();
    test_small_writes_merge_into_one_buffer();
    test_atomic_write_that_does_not_fit_the_last_buffer_takes_a_new_slot();
    test_nonblocking_atomic_write_into_a_full_pipe_is_eagain();
    test_nonblocking_large_write_writes_what_fits();
    test_nonblocking_large_write_fills_free_slots_page_by_page();
    test_packet_mode_reads_one_packet_per_read();
    test_packet_mode_discards_what_does_not_fit();
    test_packet_mode_splits_large_writes_into_page_packets();
    test_packet_mode_belongs_to_the_writer();
    test_pipe2_flags_are_checked();
    test_set_flags_changes_only_status_flags();
    test_set_size_rounds_up_to_a_power_of_two_of_pages();
    test_set_size_above_the_limit_needs_privilege();
    test_set_size_below_the_buffers_held_is_ebusy();
    test_set_size_counts_buffers_not_bytes();
    test_set_size_keeps_wrapped_buffers_in_order();
    test_one_page_pipe_holds_one_page();
    test_fionread_counts_bytes_held();
    test_poll_bits_of_a_fresh_pipe();
    test_poll_in_when_data_is_there();
    test_poll_out_only_while_a_slot_is_free();
    test_poll_hup_for_reader_without_writers();
    test_poll_err_for_writer_without_readers();
    test_retained_end_stays_open_until_its_last_close();
    test_extra_writer_keeps_the_pipe_writable();
    test_closing_every_end_frees_the_pages();
    test_write_fault_before_anything_is_efault();
    test_write_fault_after_some_pages_returns_the_count();
    test_read_fault_consumes_only_what_was_delivered();
    test_reader_that_vanished_consumes_nothing();
    test_writer_that_vanished_adds_nothing();
    test_out_of_pages_is_enomem_or_the_count();
    test_status_names_the_pipe();
    test_end_table_full_is_enfile();
    test_a_user_holds_half_the_ends();
    test_a_process_holds_at_most_its_ends();
    test_a_users_pipes_pages_are_limited();
    drop_everything();
    check_nothing_leaked();
    return check_report();
}
