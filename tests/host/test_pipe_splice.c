/* splice(2) and tee(2) between two pipes in the pipe core, as Linux's
 * splice_pipe_to_pipe and link_pipe: whole buffers move, a partial one is
 * split, tee copies without consuming, and the waiting, EOF, EPIPE and
 * flag rules. */
#include "test_pipe_support.h"

static int64_t splice_or_tee(bool tee, uint64_t in, uint64_t out, uint64_t length,
                             uint32_t flags, uint64_t handle, bool *sigpipe)
{
    prepare_caller(handle, NULL, 0);
    struct pipe_request request = {.end = in, .out_end = out, .length = length, .flags = flags,
                                   .caller = handle, .may_wait = true};
    int64_t result = tee ? pipe_tee(&world.server, &request) : pipe_splice(&world.server, &request);
    if (sigpipe)
        *sigpipe = request.sigpipe;
    return result;
}

static int64_t splice(uint64_t in, uint64_t out, uint64_t length, uint32_t flags)
{
    return splice_or_tee(false, in, out, length, flags, 9, NULL);
}

static int64_t tee(uint64_t in, uint64_t out, uint64_t length, uint32_t flags)
{
    return splice_or_tee(true, in, out, length, flags, 9, NULL);
}

static void test_splice_moves_the_bytes(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_pattern(w1, 1, 1, 0, 10000);
    CHECK_EQ_U64(splice(r1, w2, 1 << 20, 0), 10000);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r1), 0);
    CHECK_EQ_U64(read_into(r2, 2, 10000), 10000);
    CHECK(has_pattern(caller_of(2)->buffer, 1, 0, 10000));
    close_end(r1), close_end(w1), close_end(r2), close_end(w2);
    check_nothing_leaked();
}

static void test_splice_of_part_of_a_buffer_splits_it(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_text(w1, 1, "abcdef");
    CHECK_EQ_U64(splice(r1, w2, 2, 0), 2);
    CHECK_EQ_U64(read_into(r2, 2, 10), 2);
    CHECK(caller_holds(2, "ab"));
    CHECK_EQ_U64(read_into(r1, 2, 10), 4);
    CHECK(caller_holds(2, "cdef"));
}

static void test_split_buffer_takes_no_later_writes(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(LINUX_O_NONBLOCK, &r2, &w2);
    write_text(w1, 1, "abcdef");
    splice(r1, w2, 2, 0);
    /* Linux clears CAN_MERGE on the split piece: a write takes a new
     * slot, so 15 pages and one byte no longer fit. */
    CHECK_EQ_U64(write_pattern(w2, 1, 1, 0, 15 * 4096 + 1), 15 * 4096);
}

static void test_splice_waits_for_input(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    CHECK_EQ_U64(splice(r1, w2, 100, 0), PIPE_QUEUED);
    write_text(w1, 1, "late");
    CHECK_EQ_U64(caller_of(9)->answer.result, 4);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r2), 4);
}

static void test_splice_waits_for_room_in_the_output(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_pattern(w2, 1, 1, 0, 65536);
    write_text(w1, 1, "queued");
    CHECK_EQ_U64(splice(r1, w2, 100, 0), PIPE_QUEUED);
    read_into(r2, 2, 4096);
    CHECK_EQ_U64(caller_of(9)->answer.result, 6);
}

static void test_splice_nonblocking_is_eagain(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    CHECK_EQ_U64(splice(r1, w2, 100, PIPE_SPLICE_NONBLOCK), (uint64_t)-LINUX_EAGAIN);
    /* An O_NONBLOCK end makes the whole splice non-blocking, as Linux. */
    pipe_set_flags(&world.server, w2, LINUX_O_NONBLOCK);
    CHECK_EQ_U64(splice(r1, w2, 100, 0), (uint64_t)-LINUX_EAGAIN);
}

static void test_splice_from_pipe_without_writers_is_zero(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    close_end(w1);
    CHECK_EQ_U64(splice(r1, w2, 100, 0), 0);
}

static void test_splice_into_pipe_without_readers_is_epipe(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_text(w1, 1, "x");
    close_end(r2);
    bool sigpipe = false;
    CHECK_EQ_U64(splice_or_tee(false, r1, w2, 100, 0, 9, &sigpipe), (uint64_t)-LINUX_EPIPE);
    CHECK(sigpipe);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r1), 1);
}

static void test_splice_argument_errors(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    CHECK_EQ_U64(splice(r1, w1, 100, 0), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(splice(w1, w2, 100, 0), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(splice(r1, r2, 100, 0), (uint64_t)-LINUX_EBADF);
    CHECK_EQ_U64(splice(r1, w2, 100, 0x10), (uint64_t)-LINUX_EINVAL);
    /* Length 0 is 0 before anything else is looked at. */
    CHECK_EQ_U64(splice(0, 0, 0, 0x10), 0);
    CHECK_EQ_U64(tee(0, 0, 0, 0x10), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(tee(0, 0, 0, 0), 0);
}

static void test_splice_stops_when_the_output_is_full(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    pipe_set_size(&world.server, w2, 2 * 4096, false);
    write_pattern(w1, 1, 1, 0, 5 * 4096);
    CHECK_EQ_U64(splice(r1, w2, 1 << 20, 0), 2 * 4096);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r1), 3 * 4096);
}

static void test_tee_copies_without_consuming(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_pattern(w1, 1, 1, 0, 6000);
    CHECK_EQ_U64(tee(r1, w2, 1 << 20, 0), 6000);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r1), 6000);
    CHECK_EQ_U64(read_into(r2, 2, 6000), 6000);
    CHECK(has_pattern(caller_of(2)->buffer, 1, 0, 6000));
    CHECK_EQ_U64(read_into(r1, 2, 6000), 6000);
    CHECK(has_pattern(caller_of(2)->buffer, 1, 0, 6000));
    close_end(r1), close_end(w1), close_end(r2), close_end(w2);
    check_nothing_leaked();
}

static void test_tee_copies_at_most_length(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_pattern(w1, 1, 1, 0, 6000);
    CHECK_EQ_U64(tee(r1, w2, 5000, 0), 5000);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r2), 5000);
}

static void test_tee_waits_for_input(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    CHECK_EQ_U64(tee(r1, w2, 100, 0), PIPE_QUEUED);
    write_text(w1, 1, "dup");
    CHECK_EQ_U64(caller_of(9)->answer.result, 3);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r1), 3);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, r2), 3);
}

static void test_tee_into_pipe_without_readers_is_epipe(void)
{
    world_reset();
    uint64_t r1, w1, r2, w2;
    make_pipe(0, &r1, &w1);
    make_pipe(0, &r2, &w2);
    write_text(w1, 1, "x");
    close_end(r2);
    CHECK_EQ_U64(tee(r1, w2, 100, 0), (uint64_t)-LINUX_EPIPE);
}

int main(void)
{
    test_splice_moves_the_bytes();
    test_splice_of_part_of_a_buffer_splits_it();
    test_split_buffer_takes_no_later_writes();
    test_splice_waits_for_input();
    test_splice_waits_for_room_in_the_output();
    test_splice_nonblocking_is_eagain();
    test_splice_from_pipe_without_writers_is_zero();
    test_splice_into_pipe_without_readers_is_epipe();
    test_splice_argument_errors();
    test_splice_stops_when_the_output_is_full();
    test_tee_copies_without_consuming();
    test_tee_copies_at_most_length();
    test_tee_waits_for_input();
    test_tee_into_pipe_without_readers_is_epipe();
    drop_everything();
    check_nothing_leaked();
    return check_report();
}
