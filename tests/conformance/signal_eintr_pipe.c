/* A handled signal arriving while the process is blocked on a pipe: a
 * read of an empty pipe fails with EINTR after the handler ran, unless
 * the handler has SA_RESTART, in which case the read goes on and returns
 * the data written later; a write blocked on a full pipe fails with EINTR
 * and puts nothing in; a large blocking write that has already put bytes
 * in returns that partial count, with SA_RESTART or without, and exactly
 * those bytes reach the reader. A FIFO open that waits for the other
 * side fails with EINTR, and the opener it was no longer counts: the
 * other side's open then waits (or fails with ENXIO) as if it never came.
 *
 * The signal comes from a child that waits until the parent is surely
 * blocked (200 ms, or until the pipe is full and then 200 ms): the
 * outcome does not depend on the exact timing beyond that. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "signals.h"

static volatile sig_atomic_t handled_count;

static void counting_handler(int signo)
{
    (void)signo;
    handled_count++;
}

static void install(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = counting_handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
    handled_count = 0;
}

/* Without SA_RESTART: read returns -1/EINTR, the handler ran once, and the
 * pipe is untouched (a later write reads back normally). */
static void test_read_interrupted(void)
{
    install(0);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    char buffer[16];
    CHECK_ERRNO(read(fds[0], buffer, sizeof buffer), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));
    CHECK_EQ(write(fds[1], "after", 5), 5);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "after", 5) == 0);
    close(fds[0]);
    close(fds[1]);
}

/* With SA_RESTART: the read is restarted after the handler and returns
 * what the child writes after the signal. */
static void test_read_restarted(void)
{
    install(SA_RESTART);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        write(fds[1], "late", 4);
        _exit(0);
    }
    close(fds[1]);
    char buffer[16];
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "late", 4) == 0);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));
    close(fds[0]);
}

/* Fill a pipe with non-blocking writes, then make it blocking again. */
static void fill_pipe(int write_end)
{
    static char page[4096];
    int flags = fcntl(write_end, F_GETFL);
    fcntl(write_end, F_SETFL, flags | O_NONBLOCK);
    while (write(write_end, page, sizeof page) > 0)
        continue;
    fcntl(write_end, F_SETFL, flags & ~O_NONBLOCK);
}

/* A 1-byte write blocked on a full pipe: EINTR, nothing written. */
static void test_write_full_interrupted(void)
{
    install(0);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    fill_pipe(fds[1]);
    int held = 0;
    CHECK_EQ(ioctl(fds[0], FIONREAD, &held), 0);
    CHECK_EQ(held, 65536);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    CHECK_ERRNO(write(fds[1], "x", 1), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(ioctl(fds[0], FIONREAD, &held), 0);
    CHECK_EQ(held, 65536);
    CHECK(exited_with(child, 0));
    close(fds[0]);
    close(fds[1]);
}

static unsigned char pattern_byte(size_t index)
{
    return (unsigned char)(index * 7 + index / 251);
}

/* A 200000-byte write into an empty pipe that nobody reads yet: it puts
 * 65536 bytes in and waits; the signal makes it return 65536 whether or
 * not the handler has SA_RESTART. The child then drains the pipe and
 * checks it got exactly the first 65536 bytes of the pattern. */
static void test_partial_write(int flags)
{
    install(flags);
    int fds[2], written[2];
    REQUIRE(pipe(fds) == 0 && pipe(written) == 0);
    static unsigned char data[200000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = pattern_byte(i);
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[1]);
        int held = 0;
        while (ioctl(fds[0], FIONREAD, &held) == 0 && held < 65536)
            sleep_milliseconds(5);
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        /* Drain only once the write has returned: room made earlier
         * would let the writer go on before it notices the signal. (If
         * it has not returned in 5 s, it was wrongly restarted: drain
         * anyway, so that the test fails instead of hanging.) */
        close(written[1]);
        struct pollfd returned = {written[0], POLLIN, 0};
        CHECK_EQ(poll(&returned, 1, 5000), 1);
        static unsigned char drained[200000];
        size_t total = 0;
        ssize_t got;
        while ((got = read(fds[0], drained + total, sizeof drained - total)) > 0)
            total += (size_t)got;
        CHECK_EQ(total, 65536);
        CHECK_EQ(held, 65536);
        size_t wrong = 0;
        for (size_t i = 0; i < total; i++)
            if (drained[i] != pattern_byte(i))
                wrong++;
        CHECK_EQ(wrong, 0);
        check_child_exit();
    }
    close(fds[0]);
    close(written[0]);
    CHECK_EQ(write(fds[1], data, sizeof data), 65536);
    CHECK_EQ(handled_count, 1);
    close(fds[1]);      /* the child reads to the end */
    CHECK_EQ(write(written[1], "w", 1), 1);
    close(written[1]);
    CHECK(exited_with(child, 0));
}

#define FIFO_PATH "/tmp/signal_eintr_pipe_fifo"

/* An open of the FIFO with flags, cut short by SIGUSR1 after 200 ms. */
static void check_open_interrupted(int flags)
{
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    CHECK_ERRNO(open(FIFO_PATH, flags), EINTR);
    CHECK(exited_with(child, 0));
}

static void test_fifo_open_interrupted(void)
{
    install(0);
    unlink(FIFO_PATH);
    REQUIRE(mkfifo(FIFO_PATH, 0600) == 0);
    /* A reader waiting for a writer is interrupted: no reader is left. */
    check_open_interrupted(O_RDONLY);
    CHECK_ERRNO(open(FIFO_PATH, O_WRONLY | O_NONBLOCK), ENXIO);
    check_open_interrupted(O_WRONLY);
    /* And the other way round. */
    check_open_interrupted(O_RDONLY);
    CHECK_EQ(handled_count, 3);
    /* Both sides there: the FIFO works. */
    int reader = open(FIFO_PATH, O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0);
    int writer = open(FIFO_PATH, O_WRONLY);
    CHECK(writer >= 0);
    CHECK_EQ(write(writer, "fifo", 4), 4);
    char buffer[8];
    CHECK_EQ(read(reader, buffer, sizeof buffer), 4);
    close(writer);
    close(reader);
    CHECK_OK(unlink(FIFO_PATH));
}

int main(void)
{
    test_read_interrupted();
    test_read_restarted();
    test_write_full_interrupted();
    test_partial_write(0);
    test_partial_write(SA_RESTART);
    test_fifo_open_interrupted();
    printf("pipe reads and writes interrupted by a handler: EINTR, restart, partial counts\n");
    printf("a FIFO open interrupted: EINTR, and it no longer counts as an opener\n");
    return check_finish("signal_eintr_pipe");
}
