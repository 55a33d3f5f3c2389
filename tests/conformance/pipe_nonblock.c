/* O_NONBLOCK pipes: EAGAIN reading an empty pipe with writers and 0 at
 * EOF; writes fill the pipe to its capacity and report the part that fit;
 * a write of at most PIPE_BUF goes in whole or not at all; the flag set
 * later by F_SETFL or FIONBIO works the same; a blocking write of more
 * than the capacity completes while a reader drains. */
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "check.h"

static char big[200000];

static void test_empty_and_eof(void)
{
    int fds[2];
    REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
    char byte;
    CHECK_ERRNO(read(fds[0], &byte, 1), EAGAIN);
    CHECK_EQ(write(fds[1], "q", 1), 1);
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_ERRNO(read(fds[0], &byte, 1), EAGAIN);
    close(fds[1]);
    CHECK_EQ(read(fds[0], &byte, 1), 0);
    close(fds[0]);
}

static void test_full_pipe(void)
{
    int fds[2];
    REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
    /* More than fits: the part that fits. */
    CHECK_EQ(write(fds[1], big, 100000), 65536);
    CHECK_ERRNO(write(fds[1], big, 1), EAGAIN);
    CHECK_ERRNO(write(fds[1], big, 100000), EAGAIN);
    int available = 0;
    CHECK_OK(ioctl(fds[0], FIONREAD, &available));
    CHECK_EQ(available, 65536);

    /* A page read frees a page: a big write takes exactly it. */
    static char sink[65536];
    CHECK_EQ(read(fds[0], sink, 4096), 4096);
    CHECK_EQ(write(fds[1], big, 5000), 4096);
    CHECK_ERRNO(write(fds[1], big, 1), EAGAIN);

    /* Less than PIPE_BUF free: a small write waits for room for all of
     * it, so without blocking it is EAGAIN. */
    CHECK_EQ(read(fds[0], sink, 100), 100);
    CHECK_ERRNO(write(fds[1], big, PIPE_BUF), EAGAIN);
    CHECK_ERRNO(write(fds[1], big, 200), EAGAIN);

    /* Drained, everything fits again. */
    ssize_t drained = 0, got;
    while ((got = read(fds[0], sink, sizeof sink)) > 0)
        drained += got;
    CHECK_EQ(drained, 65536 - 100);
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ(write(fds[1], big, PIPE_BUF), PIPE_BUF);
    close(fds[0]);
    close(fds[1]);
}

static void test_flag_set_later(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    char byte;
    CHECK_OK(fcntl(fds[0], F_SETFL, O_NONBLOCK));
    CHECK_EQ(fcntl(fds[0], F_GETFL), O_RDONLY | O_NONBLOCK);
    CHECK_ERRNO(read(fds[0], &byte, 1), EAGAIN);
    /* The write end is a description of its own: still blocking. */
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY);
    int on = 1;
    CHECK_OK(ioctl(fds[1], FIONBIO, &on));
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY | O_NONBLOCK);
    CHECK_EQ(write(fds[1], big, sizeof big), 65536);
    CHECK_ERRNO(write(fds[1], big, 1), EAGAIN);
    int off = 0;
    CHECK_OK(ioctl(fds[0], FIONBIO, &off));
    CHECK_EQ(fcntl(fds[0], F_GETFL), O_RDONLY);
    close(fds[0]);
    close(fds[1]);
}

static void test_blocking_big_write(void)
{
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + i / 251);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[1]);
        static char received[sizeof big];
        size_t total = 0;
        ssize_t got;
        while ((got = read(fds[0], received + total, sizeof received - total)) > 0)
            total += (size_t)got;
        _exit(total == sizeof big && memcmp(received, big, sizeof big) == 0 ? 0 : 1);
    }
    close(fds[0]);
    /* Three times the capacity in one call: all of it, in order. */
    CHECK_EQ(write(fds[1], big, sizeof big), (ssize_t)sizeof big);
    close(fds[1]);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    test_empty_and_eof();
    test_full_pipe();
    test_flag_set_later();
    test_blocking_big_write();
    return check_finish("pipe_nonblock");
}
