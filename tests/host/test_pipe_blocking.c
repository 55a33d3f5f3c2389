/* The pipe core's blocked callers: reads and writes that wait, the order
 * they are served in, PIPE_BUF atomicity among concurrent writers, EOF
 * and EPIPE reaching waiters, callers that vanish while they wait, the
 * cancel hook, pollers' notifications, and small calls (bytes in the
 * request, FILE_READ_SMALL / FILE_WRITE_SMALL) that wait. */
#include "test_pipe_support.h"

static int64_t blocking_write(uint64_t end, uint64_t handle, unsigned tag, uint64_t length,
                              bool *sigpipe)
{
    struct caller *caller = prepare_caller(handle, NULL, length);
    fill_pattern(caller->buffer, tag, 0, length);
    struct pipe_request request = {.end = end, .length = length, .caller = handle,
                                   .may_wait = true};
    int64_t result = pipe_write(&world.server, &request);
    if (sigpipe)
        *sigpipe = request.sigpipe;
    return result;
}

static void test_read_of_empty_pipe_waits_for_a_write(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(read_into(r, 2, 100), PIPE_QUEUED);
    CHECK_EQ_U64(caller_of(2)->answers, 0);
    CHECK_EQ_U64(write_text(w, 1, "wake"), 4);
    CHECK_EQ_U64(caller_of(2)->answers, 1);
    CHECK_EQ_U64(caller_of(2)->answer.result, 4);
    CHECK(caller_holds(2, "wake"));
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

static void test_waiting_reader_gets_end_of_file_when_writers_go(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    read_into(r, 2, 100);
    close_end(w);
    CHECK_EQ_U64(caller_of(2)->answers, 1);
    CHECK_EQ_U64(caller_of(2)->answer.result, 0);
}

static void test_waiting_readers_are_served_in_order(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    read_into(r, 2, 3);
    read_into(r, 3, 3);
    write_text(w, 1, "abcdef");
    CHECK_EQ_U64(caller_of(2)->answer.result, 3);
    CHECK(caller_holds(2, "abc"));
    CHECK_EQ_U64(caller_of(3)->answer.result, 3);
    CHECK(caller_holds(3, "def"));
}

static void test_first_reader_takes_everything_it_asked_for(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    read_into(r, 2, 100);
    read_into(r, 3, 100);
    write_text(w, 1, "abc");
    CHECK_EQ_U64(caller_of(2)->answer.result, 3);
    CHECK_EQ_U64(caller_of(3)->answers, 0);
}

static void test_write_into_full_pipe_waits_for_room(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 65536);
    CHECK_EQ_U64(blocking_write(w, 2, 2, 100, 0), PIPE_QUEUED);
    CHECK_EQ_U64(read_into(r, 3, 100), 100);
    /* A page's worth freed a slot? Not yet: 100 bytes leave the buffer. */
    CHECK_EQ_U64(caller_of(2)->answers, 0);
    CHECK_EQ_U64(read_into(r, 3, 4096), 4096);
    CHECK_EQ_U64(caller_of(2)->answers, 1);
    CHECK_EQ_U64(caller_of(2)->answer.result, 100);
}

static void test_large_write_goes_in_as_room_appears(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(blocking_write(w, 1, 1, 100000, 0), PIPE_QUEUED);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 65536);
    uint64_t got = 0;
    while (got < 100000) {
        int64_t n = read_into(r, 3, 8192);
        CHECK(n > 0);
        CHECK(has_pattern(caller_of(3)->buffer, 1, got, (uint64_t)n));
        got += (uint64_t)n;
        if (n <= 0)
            break;
    }
    CHECK_EQ_U64(caller_of(1)->answers, 1);
    CHECK_EQ_U64(caller_of(1)->answer.result, 100000);
}

static void test_concurrent_small_writes_are_never_split(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    /* Fill to one byte short, then six writers of 4096 bytes queue. */
    write_pattern(w, 20, 9, 0, 65535);
    for (unsigned writer = 1; writer <= 6; writer++)
        CHECK_EQ_U64(blocking_write(w, writer, writer, 4096, 0), PIPE_QUEUED);
    CHECK_EQ_U64(read_into(r, 21, 65535), 65535);
    /* Each write is one whole buffer of its own pattern. */
    unsigned seen = 0;
    while (seen < 6) {
        int64_t n = read_into(r, 21, 4096);
        CHECK_EQ_U64(n, 4096);
        if (n != 4096)
            break;
        bool whole = false;
        for (unsigned writer = 1; writer <= 6; writer++)
            whole |= has_pattern(caller_of(21)->buffer, writer, 0, 4096);
        CHECK(whole);
        seen++;
    }
    for (unsigned writer = 1; writer <= 6; writer++)
        CHECK_EQ_U64(caller_of(writer)->answer.result, 4096);
}

static void test_concurrent_large_writes_interleave_only_at_pages(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    pipe_set_size(&world.server, w, 4 * 4096, false);
    CHECK_EQ_U64(blocking_write(w, 1, 1, 6 * 4096, 0), PIPE_QUEUED);
    CHECK_EQ_U64(blocking_write(w, 2, 2, 6 * 4096, 0), PIPE_QUEUED);
    uint64_t offsets[3] = {0};
    for (int page = 0; page < 12; page++) {
        CHECK_EQ_U64(read_into(r, 3, 4096), 4096);
        bool from_one = has_pattern(caller_of(3)->buffer, 1, offsets[1], 4096);
        bool from_two = has_pattern(caller_of(3)->buffer, 2, offsets[2], 4096);
        CHECK(from_one || from_two);
        offsets[from_one ? 1 : 2] += 4096;
    }
    CHECK_EQ_U64(caller_of(1)->answer.result, 6 * 4096);
    CHECK_EQ_U64(caller_of(2)->answer.result, 6 * 4096);
}

static void test_waiting_writer_gets_epipe_when_readers_go(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 65536);
    blocking_write(w, 2, 2, 10, 0);
    close_end(r);
    CHECK_EQ_U64(caller_of(2)->answer.result, (uint64_t)-LINUX_EPIPE);
    CHECK(caller_of(2)->answer.sigpipe);
}

static void test_partly_written_waiter_gets_its_count_and_sigpipe(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(blocking_write(w, 1, 1, 20 * 4096, 0), PIPE_QUEUED);
    close_end(r);
    CHECK_EQ_U64(caller_of(1)->answer.result, 16 * 4096);
    CHECK(caller_of(1)->answer.sigpipe);
}

static void test_reader_that_vanished_while_waiting_loses_nothing(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    read_into(r, 2, 100);
    read_into(r, 3, 100);
    caller_of(2)->gone = true;
    write_text(w, 1, "kept");
    CHECK_EQ_U64(caller_of(2)->answers, 0);
    CHECK_EQ_U64(caller_of(3)->answer.result, 4);
    CHECK(caller_holds(3, "kept"));
    CHECK_EQ_U64(pipe_waiter_count(&world.server), 0);
}

static void test_writer_that_vanished_while_waiting_adds_nothing_more(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 65536);
    blocking_write(w, 2, 2, 4096, 0);
    caller_of(2)->gone = true;
    read_into(r, 3, 65536);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);
    CHECK_EQ_U64(pipe_waiter_count(&world.server), 0);
}

static void test_closing_the_last_descriptor_of_a_dead_waiter_releases_the_end(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    /* The writer's process dies blocked; procmgr closes its descriptor:
     * the reader must see end of file, not wait for a ghost. */
    write_pattern(w, 1, 1, 0, 65536);
    blocking_write(w, 2, 2, 4096, 0);
    caller_of(2)->gone = true;
    close_end(w);
    CHECK_EQ_U64(poll_end(r, FILE_POLLIN), FILE_POLLIN | FILE_POLLHUP);
}

static void test_blocked_call_keeps_its_end_open(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    read_into(r, 2, 10);
    /* Another thread closes the descriptor: the read holds the end. */
    close_end(r);
    CHECK_EQ_U64(poll_end(w, FILE_POLLOUT), FILE_POLLOUT);
    write_text(w, 1, "ok");
    CHECK_EQ_U64(caller_of(2)->answer.result, 2);
    CHECK_EQ_U64(poll_end(w, FILE_POLLOUT), FILE_POLLOUT | FILE_POLLERR);
}

/* A signal that ends the write's wait then makes it return the count
 * (the server leaves it with the reply object), as Linux's does. */
static void test_writer_waiting_again_records_its_bytes_so_far(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    blocking_write(w, 1, 1, 17 * 4096, 0);
    CHECK_EQ_U64(caller_of(1)->progress, 16 * 4096);
}

static void test_writer_waiting_with_nothing_in_records_nothing(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    blocking_write(w, 1, 1, 16 * 4096, 0);
    blocking_write(w, 2, 2, 10, 0);
    CHECK_EQ_U64(caller_of(2)->progress, 0);
}

static void test_prune_drops_vanished_waiters(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    read_into(r, 2, 10);
    read_into(r, 3, 10);
    caller_of(2)->gone = true;
    CHECK_EQ_U64(pipe_prune(&world.server), 1);
    CHECK_EQ_U64(caller_of(2)->forgotten, 1);
    CHECK_EQ_U64(caller_of(3)->forgotten, 0);
    CHECK_EQ_U64(pipe_waiter_count(&world.server), 1);
}

static void test_cannot_wait_is_enomem(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    prepare_caller(2, NULL, 10);
    struct pipe_request request = {.end = r, .length = 10, .caller = 2, .may_wait = false};
    CHECK_EQ_U64(pipe_read(&world.server, &request), (uint64_t)-LINUX_ENOMEM);
}

static void test_poller_is_notified_once_when_data_arrives(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    bool kept;
    CHECK_EQ_U64(pipe_poll(&world.server, r, FILE_POLLIN, 500, &kept), 0);
    CHECK(kept);
    CHECK_EQ_U64(world.notification_count, 0);
    write_text(w, 1, "x");
    CHECK_EQ_U64(world.notification_count, 1);
    CHECK_EQ_U64(world.notified[0], 500);
    write_text(w, 1, "y");
    CHECK_EQ_U64(world.notification_count, 1);
}

static void test_poller_ignores_changes_it_did_not_ask_for(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(LINUX_O_NONBLOCK, &r, &w);
    write_pattern(w, 1, 1, 0, 65536);
    bool kept;
    CHECK_EQ_U64(pipe_poll(&world.server, w, FILE_POLLOUT, 600, &kept), 0);
    read_into(r, 2, 100);
    CHECK_EQ_U64(world.notification_count, 0);
    read_into(r, 2, 4096);
    CHECK_EQ_U64(world.notification_count, 1);
}

static void test_poller_is_notified_of_hangup(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    bool kept;
    pipe_poll(&world.server, r, FILE_POLLIN, 700, &kept);
    close_end(w);
    CHECK_EQ_U64(world.notification_count, 1);
}

static void test_poller_of_a_closing_end_is_let_go(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    bool kept;
    pipe_poll(&world.server, r, FILE_POLLIN, 800, &kept);
    close_end(r);
    CHECK_EQ_U64(world.notification_count, 1);
    close_end(w);
    check_nothing_leaked();
}

static void test_ready_end_keeps_no_notification(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    bool kept = true;
    CHECK_EQ_U64(pipe_poll(&world.server, w, FILE_POLLOUT, 900, &kept), FILE_POLLOUT);
    CHECK(!kept);
}

/* ---- Small calls: the bytes come with the request, not by copies ---- */

/* A small write of text by caller handle, whose buffer the core must not
 * touch (its copies would fail): the bytes are the request's, and are
 * scribbled over once the call returns, as the server's registers are. */
static int64_t small_write(uint64_t end, uint64_t handle, const char *text, bool *sigpipe)
{
    prepare_caller(handle, NULL, 0)->gone = false;
    caller_of(handle)->fault_after = 1;
    uint8_t bytes[FILE_SMALL_MAX];
    uint64_t length = strlen(text);
    memcpy(bytes, text, length);
    struct pipe_request request = {.end = end, .length = length, .caller = handle,
                                   .may_wait = true, .bytes = bytes};
    int64_t result = pipe_write(&world.server, &request);
    memset(bytes, '#', sizeof bytes);
    if (sigpipe)
        *sigpipe = request.sigpipe;
    return result;
}

/* A small read of length bytes: at once into out, or later through the
 * answer (which lands in the caller's buffer). */
static int64_t small_read(uint64_t end, uint64_t handle, uint64_t length, uint8_t *out)
{
    prepare_caller(handle, NULL, length);
    caller_of(handle)->fault_after = 1;
    struct pipe_request request = {.end = end, .length = length, .caller = handle,
                                   .may_wait = true, .bytes = out};
    return pipe_read(&world.server, &request);
}

static void test_small_write_and_read_move_bytes_without_copies(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(small_write(w, 1, "register", 0), 8);
    uint8_t out[FILE_SMALL_MAX];
    CHECK_EQ_U64(small_read(r, 2, 5, out), 5);
    CHECK(memcmp(out, "regis", 5) == 0);
    CHECK_EQ_U64(small_read(r, 2, 100, out), 3);
    CHECK(memcmp(out, "ter", 3) == 0);
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

static void test_small_read_mixes_with_window_writes(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    CHECK_EQ_U64(write_text(w, 1, "window"), 6);
    uint8_t out[FILE_SMALL_MAX];
    CHECK_EQ_U64(small_read(r, 2, 6, out), 6);
    CHECK(memcmp(out, "window", 6) == 0);
    CHECK_EQ_U64(small_write(w, 3, "small", 0), 5);
    CHECK_EQ_U64(read_into(r, 4, 10), 5);
    CHECK(caller_holds(4, "small"));
}

static void test_waiting_small_reader_gets_its_bytes_in_the_answer(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    CHECK_EQ_U64(small_read(r, 2, 100, out), PIPE_QUEUED);
    CHECK_EQ_U64(small_write(w, 1, "wake", 0), 4);
    CHECK_EQ_U64(caller_of(2)->answers, 1);
    CHECK_EQ_U64(caller_of(2)->answer.result, 4);
    CHECK(caller_holds(2, "wake"));
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);     /* taken once delivered */
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

/* Straight into the waiting reader's answer: no page of the ring used. */
static void test_small_write_hands_its_bytes_to_a_waiting_small_reader(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    CHECK_EQ_U64(small_read(r, 2, 100, out), PIPE_QUEUED);
    long pages = world.pages;
    CHECK_EQ_U64(small_write(w, 1, "direct", 0), 6);
    CHECK_EQ_U64(world.pages, pages);
    CHECK_EQ_U64(caller_of(2)->answer.result, 6);
    CHECK(caller_holds(2, "direct"));
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

/* The reader takes what it asked for; the rest goes in the pipe, in order. */
static void test_small_write_longer_than_the_waiting_read_leaves_the_rest(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    CHECK_EQ_U64(small_read(r, 2, 3, out), PIPE_QUEUED);
    CHECK_EQ_U64(small_write(w, 1, "abcdefg", 0), 7);
    CHECK(caller_holds(2, "abc"));
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 4);
    CHECK_EQ_U64(read_into(r, 3, 100), 4);
    CHECK(caller_holds(3, "defg"));
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

/* A reader that left takes nothing: the bytes go in the pipe. */
static void test_small_write_to_a_reader_that_left_stays_in_the_pipe(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    CHECK_EQ_U64(small_read(r, 2, 100, out), PIPE_QUEUED);
    caller_of(2)->gone = true;
    CHECK_EQ_U64(small_write(w, 1, "first", 0), 5);     /* the reader left: it stays */
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 5);
    CHECK_EQ_U64(small_read(r, 3, 100, out), 5);
    CHECK(memcmp(out, "first", 5) == 0);
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

static void test_waiting_small_reader_at_end_of_file_gets_no_bytes(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    small_read(r, 2, 100, out);
    close_end(w);
    CHECK_EQ_U64(caller_of(2)->answer.result, 0);
    close_end(r);
    check_nothing_leaked();
}

static void test_waiting_small_writer_keeps_its_bytes(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 65536);
    CHECK_EQ_U64(small_write(w, 2, "later", 0), PIPE_QUEUED);
    CHECK_EQ_U64(read_into(r, 3, 65536), 65536);
    CHECK_EQ_U64(caller_of(2)->answer.result, 5);
    CHECK_EQ_U64(read_into(r, 3, 100), 5);
    CHECK(caller_holds(3, "later"));
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

static void test_small_write_without_readers_is_epipe_with_sigpipe(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    close_end(r);
    bool sigpipe = false;
    CHECK_EQ_U64(small_write(w, 1, "lost", &sigpipe), (uint64_t)-LINUX_EPIPE);
    CHECK(sigpipe);
}

static void test_small_reader_that_vanished_while_waiting_loses_nothing(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    small_read(r, 2, 100, out);
    caller_of(2)->gone = true;
    /* Its answer finds nobody: the bytes it would have taken stay. */
    CHECK_EQ_U64(small_write(w, 1, "kept", 0), 4);
    CHECK_EQ_U64(caller_of(2)->answers, 0);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 4);
    CHECK_EQ_U64(pipe_waiter_count(&world.server), 0);
}

static void test_small_writer_that_vanished_while_waiting_adds_nothing(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    write_pattern(w, 1, 1, 0, 65536);
    small_write(w, 2, "never", 0);
    caller_of(2)->gone = true;
    /* Its answer finds nobody: the bytes it staged never go in. */
    read_into(r, 3, 65536);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r), 0);
    CHECK_EQ_U64(caller_of(2)->answers, 0);
    CHECK_EQ_U64(pipe_waiter_count(&world.server), 0);
}

static void test_vanished_small_reader_frees_its_record(void)
{
    world_reset();
    uint64_t r, w;
    make_pipe(0, &r, &w);
    uint8_t out[FILE_SMALL_MAX];
    small_read(r, 2, FILE_SMALL_MAX, out);
    caller_of(2)->gone = true;
    CHECK_EQ_U64(pipe_prune(&world.server), 1);
    close_end(r);
    close_end(w);
    check_nothing_leaked();
}

int main(void)
{
    test_read_of_empty_pipe_waits_for_a_write();
    test_waiting_reader_gets_end_of_file_when_writers_go();
    test_waiting_readers_are_served_in_order();
    test_first_reader_takes_everything_it_asked_for();
    test_write_into_full_pipe_waits_for_room();
    test_large_write_goes_in_as_room_appears();
    test_concurrent_small_writes_are_never_split();
    test_concurrent_large_writes_interleave_only_at_pages();
    test_waiting_writer_gets_epipe_when_readers_go();
    test_partly_written_waiter_gets_its_count_and_sigpipe();
    test_reader_that_vanished_while_waiting_loses_nothing();
    test_writer_that_vanished_while_waiting_adds_nothing_more();
    test_closing_the_last_descriptor_of_a_dead_waiter_releases_the_end();
    test_blocked_call_keeps_its_end_open();
    test_writer_waiting_again_records_its_bytes_so_far();
    test_writer_waiting_with_nothing_in_records_nothing();
    test_prune_drops_vanished_waiters();
    test_cannot_wait_is_enomem();
    test_poller_is_notified_once_when_data_arrives();
    test_poller_ignores_changes_it_did_not_ask_for();
    test_poller_is_notified_of_hangup();
    test_poller_of_a_closing_end_is_let_go();
    test_ready_end_keeps_no_notification();
    test_small_write_and_read_move_bytes_without_copies();
    test_small_read_mixes_with_window_writes();
    test_waiting_small_reader_gets_its_bytes_in_the_answer();
    test_small_write_hands_its_bytes_to_a_waiting_small_reader();
    test_small_write_longer_than_the_waiting_read_leaves_the_rest();
    test_small_write_to_a_reader_that_left_stays_in_the_pipe();
    test_waiting_small_reader_at_end_of_file_gets_no_bytes();
    test_waiting_small_writer_keeps_its_bytes();
    test_small_write_without_readers_is_epipe_with_sigpipe();
    test_small_reader_that_vanished_while_waiting_loses_nothing();
    test_small_writer_that_vanished_while_waiting_adds_nothing();
    test_vanished_small_reader_frees_its_record();
    drop_everything();
    check_nothing_leaked();
    return check_report();
}
