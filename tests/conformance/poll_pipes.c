/* poll and ppoll on pipe ends: POLLOUT on an empty pipe's write end,
 * POLLIN once data is in, none of either when empty or full, POLLHUP at
 * the read end when the writers are gone (with POLLIN while data is left),
 * POLLERR at the write end when the readers are gone, POLLNVAL for a
 * closed descriptor, negative descriptors skipped, a timeout that passes
 * (0 returned, no time printed), a wait that a child's write ends, and
 * regular files always ready. EINVAL for more descriptors than
 * RLIMIT_NOFILE, EINVAL for a bad ppoll timeout. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static int poll_one(int fd, short events, int timeout)
{
    struct pollfd entry = {fd, events, 0};
    int result = poll(&entry, 1, timeout);
    return result < 0 ? -1 : entry.revents;
}

static void test_readiness(void)
{
    int fds[2];
    REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
    CHECK_EQ(poll_one(fds[0], POLLIN, 0), 0);
    CHECK_EQ(poll_one(fds[1], POLLOUT, 0), POLLOUT);
    CHECK_EQ(poll_one(fds[1], POLLOUT | POLLWRNORM, 0), POLLOUT | POLLWRNORM);
    CHECK_EQ(poll_one(fds[1], POLLIN, 0), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(poll_one(fds[0], POLLIN, 0), POLLIN);
    CHECK_EQ(poll_one(fds[0], POLLIN | POLLRDNORM | POLLOUT, 0), POLLIN | POLLRDNORM);
    /* Asking for nothing still reports nothing but errors and hangups. */
    CHECK_EQ(poll_one(fds[0], 0, 0), 0);

    /* Both at once, with a negative descriptor skipped. */
    struct pollfd entries[3] = {{fds[0], POLLIN, 77}, {-1, POLLIN, 77}, {fds[1], POLLOUT, 77}};
    CHECK_EQ(poll(entries, 3, 0), 2);
    CHECK_EQ(entries[0].revents, POLLIN);
    CHECK_EQ(entries[1].revents, 0);
    CHECK_EQ(entries[2].revents, POLLOUT);

    /* Full: no POLLOUT. */
    static char fill[65536];
    while (write(fds[1], fill, sizeof fill) > 0) {
    }
    CHECK_EQ(poll_one(fds[1], POLLOUT, 0), 0);
    CHECK_EQ(poll_one(fds[1], POLLOUT, 30), 0);
    close(fds[0]);
    close(fds[1]);
}

static void test_hangup_and_error(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(write(fds[1], "data", 4), 4);
    close(fds[1]);
    CHECK_EQ(poll_one(fds[0], POLLIN, 0), POLLIN | POLLHUP);
    CHECK_EQ(poll_one(fds[0], 0, 0), POLLHUP);
    char buffer[8];
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 4);
    CHECK_EQ(poll_one(fds[0], POLLIN, 0), POLLHUP);
    close(fds[0]);

    REQUIRE(pipe(fds) == 0);
    close(fds[0]);
    CHECK_EQ(poll_one(fds[1], POLLOUT, 0), POLLOUT | POLLERR);
    CHECK_EQ(poll_one(fds[1], 0, 0), POLLERR);
    close(fds[1]);

    /* Closed: POLLNVAL, whatever was asked. */
    CHECK_EQ(poll_one(fds[1], POLLIN, 0), POLLNVAL);
    CHECK_EQ(poll_one(fds[1], 0, 0), POLLNVAL);
}

static void test_timeouts(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    struct pollfd entry = {fds[0], POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, 50), 0);
    CHECK_EQ(entry.revents, 0);
    struct timespec timeout = {0, 20 * 1000 * 1000};
    CHECK_EQ(ppoll(&entry, 1, &timeout, NULL), 0);
    /* No descriptors at all: a plain sleep. */
    CHECK_EQ(poll(NULL, 0, 20), 0);
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(ppoll(&entry, 1, &bad, NULL), EINVAL);
    struct timespec negative = {-1, 0};
    CHECK_ERRNO(ppoll(&entry, 1, &negative, NULL), EINVAL);
    sigset_t mask;
    sigemptyset(&mask);
    CHECK_EQ(ppoll(&entry, 1, &timeout, &mask), 0);
    close(fds[0]);
    close(fds[1]);
}

/* A blocked poll that a child's write ends; and one on several pipes
 * where only one becomes ready. */
static void test_wakeup(void)
{
    int first[2], second[2], go[2];
    REQUIRE(pipe(first) == 0 && pipe(second) == 0 && pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte;
        if (read(go[0], &byte, 1) != 1)
            _exit(10);
        _exit(write(second[1], "!", 1) == 1 ? 0 : 11);
    }
    struct pollfd entries[2] = {{first[0], POLLIN, 0}, {second[0], POLLIN, 0}};
    CHECK_EQ(poll(entries, 2, 0), 0);
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK_EQ(poll(entries, 2, -1), 1);
    CHECK_EQ(entries[0].revents, 0);
    CHECK_EQ(entries[1].revents, POLLIN);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* The last writer's exit is a hangup that ends a wait too. */
    close(first[1]);
    close(second[1]);
    int waiter[2];
    REQUIRE(pipe(waiter) == 0);
    pid_t holder = fork();
    REQUIRE(holder >= 0);
    if (holder == 0) {
        /* Holds waiter's write end until released, then exits. */
        close(waiter[0]);
        char byte;
        _exit(read(go[0], &byte, 1) == 1 ? 0 : 10);
    }
    close(waiter[1]);
    CHECK_EQ(write(go[1], "g", 1), 1);
    struct pollfd hang = {waiter[0], POLLIN, 0};
    CHECK_EQ(poll(&hang, 1, -1), 1);
    CHECK_EQ(hang.revents, POLLHUP);
    CHECK_EQ(waitpid(holder, &status, 0), holder);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(waiter[0]);
    close(first[0]);
    close(second[0]);
    close(go[0]);
    close(go[1]);
}

static void test_files_and_limits(void)
{
    int file = open("/tmp/poll_pipes", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(file >= 0);
    CHECK_EQ(poll_one(file, POLLIN | POLLOUT, -1), POLLIN | POLLOUT);
    CHECK_EQ(poll_one(file, POLLIN | POLLRDNORM, 0), POLLIN | POLLRDNORM);
    close(file);
    unlink("/tmp/poll_pipes");

    struct rlimit limit;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &limit));
    static struct pollfd many[2048];
    for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
        many[i].fd = -1;
    CHECK_EQ(poll(many, limit.rlim_cur, 0), 0);
    CHECK_ERRNO(poll(many, limit.rlim_cur + 1, 0), EINVAL);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_readiness();
    test_hangup_and_error();
    test_timeouts();
    test_wakeup();
    test_files_and_limits();
    return check_finish("poll_pipes");
}
