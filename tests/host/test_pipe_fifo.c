/* FIFOs in the pipe core: one pipe per node while any end is open, and
 * Linux's open rules (fifo_open): a reader waits for a writer and the
 * other way round, O_NONBLOCK readers open at once, O_NONBLOCK writers
 * without a reader get ENXIO, O_RDWR never waits. */
#include "test_pipe_support.h"

#define NODE 42

/* open(fifo, flags) by caller: the result; *end gets the end at once. */
static int64_t open_fifo(uint64_t node, uint32_t flags, uint64_t handle, uint64_t *end)
{
    prepare_caller(handle, NULL, 0);
    return pipe_open_fifo(&world.server, node, flags, handle, true, end);
}

static void test_reader_waits_for_a_writer(void)
{
    world_reset();
    uint64_t reader, writer;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_RDONLY, 1, &reader), PIPE_QUEUED);
    CHECK_EQ_U64(caller_of(1)->answers, 0);
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY, 2, &writer), 0);
    CHECK_EQ_U64(caller_of(1)->answers, 1);
    CHECK_EQ_U64(caller_of(1)->answer.result, 0);
    reader = caller_of(1)->answer.end;
    CHECK(reader != 0);
    write_text(writer, 3, "through");
    CHECK_EQ_U64(read_into(reader, 4, 100), 7);
    CHECK(caller_holds(4, "through"));
    close_end(reader);
    close_end(writer);
    check_nothing_leaked();
}

static void test_writer_waits_for_a_reader(void)
{
    world_reset();
    uint64_t reader, writer;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY, 1, &writer), PIPE_QUEUED);
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_RDONLY, 2, &reader), 0);
    CHECK_EQ_U64(caller_of(1)->answer.result, 0);
    CHECK(caller_of(1)->answer.end != 0);
}

static void test_nonblocking_reader_opens_at_once(void)
{
    world_reset();
    uint64_t reader;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_RDONLY | LINUX_O_NONBLOCK, 1, &reader), 0);
    /* No writer ever: end of file, and no POLLHUP before one came. */
    CHECK_EQ_U64(read_into(reader, 2, 10), 0);
    CHECK_EQ_U64(poll_end(reader, FILE_POLLIN), 0);
}

static void test_nonblocking_reader_sees_hangup_once_a_writer_came_and_went(void)
{
    world_reset();
    uint64_t reader, writer;
    open_fifo(NODE, LINUX_O_RDONLY | LINUX_O_NONBLOCK, 1, &reader);
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY, 2, &writer), 0);
    close_end(writer);
    CHECK_EQ_U64(poll_end(reader, FILE_POLLIN), FILE_POLLHUP);
}

static void test_nonblocking_writer_without_reader_is_enxio(void)
{
    world_reset();
    uint64_t writer;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY | LINUX_O_NONBLOCK, 1, &writer),
                 (uint64_t)-LINUX_ENXIO);
    check_nothing_leaked();
}

static void test_nonblocking_writer_opens_while_a_reader_waits_in_open(void)
{
    world_reset();
    uint64_t reader, writer;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_RDONLY, 1, &reader), PIPE_QUEUED);
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY | LINUX_O_NONBLOCK, 2, &writer), 0);
    CHECK_EQ_U64(caller_of(1)->answer.result, 0);
}

static void test_reader_that_died_in_open_does_not_count(void)
{
    world_reset();
    uint64_t reader, writer;
    open_fifo(NODE, LINUX_O_RDONLY, 1, &reader);
    caller_of(1)->gone = true;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY | LINUX_O_NONBLOCK, 2, &writer),
                 (uint64_t)-LINUX_ENXIO);
    check_nothing_leaked();
}

static void test_read_write_open_never_waits(void)
{
    world_reset();
    uint64_t both;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_RDWR, 1, &both), 0);
    write_text(both, 2, "self");
    CHECK_EQ_U64(read_into(both, 3, 10), 4);
    CHECK_EQ_U64(pipe_get_flags(&world.server, both), LINUX_O_RDWR | LINUX_O_LARGEFILE);
}

static void test_no_access_mode_is_einval(void)
{
    world_reset();
    uint64_t end;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_ACCMODE, 1, &end), (uint64_t)-LINUX_EINVAL);
}

static void test_open_only_flags_are_not_kept(void)
{
    world_reset();
    uint64_t end;
    open_fifo(NODE, LINUX_O_RDONLY | LINUX_O_NONBLOCK | LINUX_O_CLOEXEC | LINUX_O_CREAT, 1, &end);
    CHECK_EQ_U64(pipe_get_flags(&world.server, end),
                 LINUX_O_RDONLY | LINUX_O_NONBLOCK | LINUX_O_LARGEFILE);
}

static void test_two_nodes_are_two_pipes(void)
{
    world_reset();
    uint64_t a, b;
    open_fifo(1, LINUX_O_RDWR, 1, &a);
    open_fifo(2, LINUX_O_RDWR, 2, &b);
    write_text(a, 3, "a");
    CHECK_EQ_U64(pipe_bytes_held(&world.server, b), 0);
    struct pipe_status status;
    pipe_status(&world.server, b, &status);
    CHECK(status.fifo);
    CHECK_EQ_U64(status.identity, 2);
}

static void test_data_goes_with_the_last_end(void)
{
    world_reset();
    uint64_t both, again;
    open_fifo(NODE, LINUX_O_RDWR, 1, &both);
    write_text(both, 2, "lost");
    close_end(both);
    check_nothing_leaked();
    open_fifo(NODE, LINUX_O_RDWR, 1, &again);
    CHECK_EQ_U64(pipe_bytes_held(&world.server, again), 0);
}

/* A reader whose open a signal ended is not a reader: a writer's open
 * that comes next looks for readers still there first, and waits. */
static void test_opener_that_vanished_gives_its_end_back(void)
{
    world_reset();
    uint64_t reader, writer;
    open_fifo(NODE, LINUX_O_RDONLY, 1, &reader);
    caller_of(1)->gone = true;
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY, 2, &writer), PIPE_QUEUED);
    CHECK_EQ_U64(caller_of(1)->answers, 0);
    CHECK_EQ_U64(caller_of(1)->forgotten, 1);
    /* A reader that stays opens, and the writer with it. */
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_RDONLY, 3, &reader), 0);
    CHECK_EQ_U64(caller_of(2)->answers, 1);
}

static void test_vanished_open_takes_back_its_side(void)
{
    world_reset();
    uint64_t reader, writer;
    open_fifo(NODE, LINUX_O_RDONLY, 1, &reader);
    caller_of(1)->gone = true;
    CHECK_EQ_U64(pipe_prune(&world.server), 1);
    check_nothing_leaked();
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY | LINUX_O_NONBLOCK, 2, &writer),
                 (uint64_t)-LINUX_ENXIO);
}

static void test_several_waiting_readers_all_open_with_one_writer(void)
{
    world_reset();
    uint64_t end;
    open_fifo(NODE, LINUX_O_RDONLY, 1, &end);
    open_fifo(NODE, LINUX_O_RDONLY, 2, &end);
    CHECK_EQ_U64(open_fifo(NODE, LINUX_O_WRONLY, 3, &end), 0);
    CHECK_EQ_U64(caller_of(1)->answers, 1);
    CHECK_EQ_U64(caller_of(2)->answers, 1);
}

int main(void)
{
    test_reader_waits_for_a_writer();
    test_writer_waits_for_a_reader();
    test_nonblocking_reader_opens_at_once();
    test_nonblocking_reader_sees_hangup_once_a_writer_came_and_went();
    test_nonblocking_writer_without_reader_is_enxio();
    test_nonblocking_writer_opens_while_a_reader_waits_in_open();
    test_reader_that_died_in_open_does_not_count();
    test_read_write_open_never_waits();
    test_no_access_mode_is_einval();
    test_open_only_flags_are_not_kept();
    test_two_nodes_are_two_pipes();
    test_data_goes_with_the_last_end();
    test_opener_that_vanished_gives_its_end_back();
    test_vanished_open_takes_back_its_side();
    test_several_waiting_readers_all_open_with_one_writer();
    drop_everything();
    check_nothing_leaked();
    return check_report();
}
