/* Pipe capacity: F_GETPIPE_SZ is 65536 at first; F_SETPIPE_SZ rounds up
 * to a power-of-two number of pages and returns the new size; shrinking
 * below what the pipe holds is EBUSY; above /proc/sys/fs/pipe-max-size
 * (1 MiB) only a privileged process may go (EPERM otherwise); the data
 * survives a resize; the capacity bounds a nonblocking write; descriptors
 * that are no pipe are EBADF. */
#include <fcntl.h>
#include <sys/wait.h>

#include "check.h"

static char big[1 << 21];

static void test_sizes(void)
{
    int fds[2];
    REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
    CHECK_EQ(fcntl(fds[0], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fcntl(fds[1], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 4096), 4096);
    CHECK_EQ(fcntl(fds[0], F_GETPIPE_SZ), 4096);
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 5000), 8192);
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 12288), 16384);
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 1), 4096);
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 0), 4096);
    CHECK_EQ(fcntl(fds[0], F_SETPIPE_SZ, 1 << 20), 1 << 20);
    CHECK_EQ(fcntl(fds[1], F_GETPIPE_SZ), 1 << 20);

    /* The capacity is what a nonblocking write can put in. */
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 8192), 8192);
    CHECK_EQ(write(fds[1], big, 100000), 8192);
    CHECK_ERRNO(write(fds[1], big, 1), EAGAIN);

    /* Holding 8192 bytes: not below two pages. */
    CHECK_ERRNO(fcntl(fds[1], F_SETPIPE_SZ, 4096), EBUSY);
    CHECK_EQ(fcntl(fds[1], F_GETPIPE_SZ), 8192);
    /* Growing keeps the data, in order. */
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 65536), 65536);
    static char back[8192];
    CHECK_EQ(read(fds[0], back, sizeof back), 8192);
    CHECK(memcmp(back, big, sizeof back) == 0);
    CHECK_ERRNO(read(fds[0], back, 1), EAGAIN);

    /* Privileged: beyond pipe-max-size. */
    CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 1 << 21), 1 << 21);
    CHECK_EQ(write(fds[1], big, sizeof big), 1 << 21);
    close(fds[0]);
    close(fds[1]);
}

static void test_unprivileged(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int fds[2];
        if (setgid(1000) != 0 || setuid(1000) != 0 || pipe(fds) != 0)
            _exit(10);
        CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
        CHECK_ERRNO(fcntl(fds[1], F_SETPIPE_SZ, (1 << 20) + 1), EPERM);
        CHECK_ERRNO(fcntl(fds[1], F_SETPIPE_SZ, 1 << 21), EPERM);
        CHECK_EQ(fcntl(fds[1], F_GETPIPE_SZ), 1 << 20);
        /* Shrinking is always allowed. */
        CHECK_EQ(fcntl(fds[1], F_SETPIPE_SZ, 4096), 4096);
        check_child_exit();
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

static void test_not_a_pipe(void)
{
    int file = open("/tmp/pipe_capacity", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(file >= 0);
    CHECK_ERRNO(fcntl(file, F_GETPIPE_SZ), EBADF);
    CHECK_ERRNO(fcntl(file, F_SETPIPE_SZ, 65536), EBADF);
    close(file);
    unlink("/tmp/pipe_capacity");
    CHECK_ERRNO(fcntl(file, F_GETPIPE_SZ), EBADF);
    CHECK_ERRNO(fcntl(99, F_SETPIPE_SZ, 4096), EBADF);
}

int main(void)
{
    test_sizes();
    test_unprivileged();
    test_not_a_pipe();
    return check_finish("pipe_capacity");
}
