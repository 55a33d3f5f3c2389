/* select and pselect on pipe ends: the sets come back with what is ready
 * (readable: data or hangup; writable: room or no readers), nothing at a
 * zero timeout, a timeout that passes (0 and empty sets, no time
 * printed), a wait a child's write ends, EBADF for a closed descriptor in
 * a set, EINVAL for a negative count or a bad timeout, descriptors at or
 * above the count ignored, and the raw pselect6 writing back the time
 * left (none after a timeout). */
#include <fcntl.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static void test_sets(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int file = open("/tmp/poll_select", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(file >= 0);
    fd_set readable, writable, exceptional;
    struct timeval zero = {0, 0};

    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_ZERO(&exceptional);
    FD_SET(fds[0], &readable);
    FD_SET(fds[1], &writable);
    FD_SET(fds[0], &exceptional);
    CHECK_EQ(select(fds[1] + 1, &readable, &writable, &exceptional, &zero), 1);
    CHECK(!FD_ISSET(fds[0], &readable));
    CHECK(FD_ISSET(fds[1], &writable));
    CHECK(!FD_ISSET(fds[0], &exceptional));

    CHECK_EQ(write(fds[1], "abc", 3), 3);
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(fds[0], &readable);
    FD_SET(fds[1], &readable);      /* the write end never reads */
    FD_SET(fds[1], &writable);
    FD_SET(file, &readable);
    FD_SET(file, &writable);
    int highest = file > fds[1] ? file : fds[1];
    CHECK_EQ(select(highest + 1, &readable, &writable, NULL, NULL), 4);
    CHECK(FD_ISSET(fds[0], &readable));
    CHECK(!FD_ISSET(fds[1], &readable));
    CHECK(FD_ISSET(fds[1], &writable));
    CHECK(FD_ISSET(file, &readable));
    CHECK(FD_ISSET(file, &writable));

    /* Beyond the count: not looked at, and cleared. */
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    FD_SET(file, &readable);
    int lowest = file < fds[0] ? file : fds[0];
    CHECK_EQ(select(lowest + 1, &readable, NULL, NULL, &zero), 1);
    CHECK(FD_ISSET(lowest, &readable));

    /* Hangup is readable; no readers is writable. */
    close(fds[1]);
    char buffer[8];
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 3);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    CHECK_EQ(select(fds[0] + 1, &readable, NULL, NULL, NULL), 1);
    CHECK(FD_ISSET(fds[0], &readable));
    close(fds[0]);
    REQUIRE(pipe(fds) == 0);
    close(fds[0]);
    FD_ZERO(&writable);
    FD_SET(fds[1], &writable);
    CHECK_EQ(select(fds[1] + 1, NULL, &writable, NULL, NULL), 1);
    CHECK(FD_ISSET(fds[1], &writable));
    close(fds[1]);
    close(file);
    unlink("/tmp/poll_select");
}

static void test_errors_and_timeouts(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    struct timeval wait = {0, 30000};
    CHECK_EQ(select(fds[0] + 1, &readable, NULL, NULL, &wait), 0);
    CHECK(!FD_ISSET(fds[0], &readable));

    struct timespec timeout = {0, 20000000};
    FD_SET(fds[0], &readable);
    sigset_t mask;
    sigemptyset(&mask);
    CHECK_EQ(pselect(fds[0] + 1, &readable, NULL, NULL, &timeout, &mask), 0);
    CHECK(!FD_ISSET(fds[0], &readable));
    /* musl's pselect passes a copy: the caller's timespec is untouched. */
    CHECK_EQ(timeout.tv_nsec, 20000000);

    /* The raw call writes the time left back: none after a timeout. */
    struct timespec raw = {0, 20000000};
    FD_SET(fds[0], &readable);
    CHECK_EQ(syscall(SYS_pselect6, fds[0] + 1, &readable, NULL, NULL, &raw, NULL), 0);
    CHECK_EQ(raw.tv_sec, 0);
    CHECK_EQ(raw.tv_nsec, 0);
    /* Ready at once: some time is left. */
    CHECK_EQ(write(fds[1], "r", 1), 1);
    struct timespec plenty = {100, 0};
    FD_SET(fds[0], &readable);
    CHECK_EQ(syscall(SYS_pselect6, fds[0] + 1, &readable, NULL, NULL, &plenty, NULL), 1);
    CHECK(plenty.tv_sec >= 90 && plenty.tv_sec < 100);

    /* No descriptors: a sleep. */
    struct timeval nap = {0, 10000};
    CHECK_EQ(select(0, NULL, NULL, NULL, &nap), 0);

    CHECK_ERRNO(select(-1, NULL, NULL, NULL, &nap), EINVAL);
    struct timeval bad = {0, -1};
    FD_ZERO(&readable);
    CHECK_ERRNO(select(1, &readable, NULL, NULL, &bad), EINVAL);
    struct timespec bad_spec = {0, 1000000000};
    CHECK_ERRNO(pselect(1, &readable, NULL, NULL, &bad_spec, NULL), EINVAL);

    /* A closed descriptor in any set. */
    int closed = dup(fds[0]);
    close(closed);
    FD_ZERO(&readable);
    FD_SET(closed, &readable);
    CHECK_ERRNO(select(closed + 1, &readable, NULL, NULL, NULL), EBADF);
    fd_set exceptional;
    FD_ZERO(&exceptional);
    FD_SET(closed, &exceptional);
    CHECK_ERRNO(select(closed + 1, NULL, NULL, &exceptional, &nap), EBADF);
    close(fds[0]);
    close(fds[1]);
}

static void test_wakeup(void)
{
    int data[2], go[2];
    REQUIRE(pipe(data) == 0 && pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte;
        if (read(go[0], &byte, 1) != 1)
            _exit(10);
        _exit(write(data[1], "w", 1) == 1 ? 0 : 11);
    }
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(data[0], &readable);
    FD_SET(go[0], &readable);
    struct timeval zero = {0, 0};
    CHECK_EQ(select(data[0] > go[0] ? data[0] + 1 : go[0] + 1, &readable, NULL, NULL, &zero), 0);
    CHECK_EQ(write(go[1], "g", 1), 1);
    FD_ZERO(&readable);
    FD_SET(data[0], &readable);
    CHECK_EQ(select(data[0] + 1, &readable, NULL, NULL, NULL), 1);
    CHECK(FD_ISSET(data[0], &readable));
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(data[0]);
    close(data[1]);
    close(go[0]);
    close(go[1]);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_sets();
    test_errors_and_timeouts();
    test_wakeup();
    return check_finish("poll_select");
}
