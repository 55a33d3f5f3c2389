/* RLIMIT_NOFILE: once lowered, opening, dup and F_DUPFD beyond it fail
 * with EMFILE or EINVAL/EBADF as Linux says; closing makes room again;
 * the limit is inherited across fork; raising the hard limit needs root. */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

enum { limit = 16 };

int main(void)
{
    struct rlimit original;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
    CHECK(original.rlim_cur >= 64);
    CHECK(original.rlim_max >= original.rlim_cur);

    struct rlimit lowered = {limit, limit};
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    struct rlimit now;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    CHECK_EQ(now.rlim_cur, limit);
    CHECK_EQ(now.rlim_max, limit);

    /* Fill every number below the limit. */
    int opened = 0, last = -1;
    for (;;) {
        int fd = open("/", O_RDONLY);
        if (fd < 0)
            break;
        opened++;
        last = fd;
    }
    CHECK_EQ(errno, EMFILE);
    CHECK_EQ(last, limit - 1);
    CHECK_ERRNO(open("/", O_RDONLY), EMFILE);
    CHECK_ERRNO(dup(0), EMFILE);
    CHECK_ERRNO(fcntl(0, F_DUPFD, 0), EMFILE);
    CHECK_ERRNO(fcntl(0, F_DUPFD, limit), EINVAL);
    CHECK_ERRNO(dup2(0, limit), EBADF);
    CHECK_ERRNO(dup3(0, limit + 5, 0), EBADF);
    /* dup2 onto a number below the limit still works when all are used. */
    CHECK_EQ(dup2(0, limit - 1), limit - 1);

    /* Closing one makes room for exactly one. */
    CHECK_EQ(close(5), 0);
    CHECK_EQ(open("/", O_RDONLY), 5);
    CHECK_ERRNO(open("/", O_RDONLY), EMFILE);

    /* A child inherits the limit. */
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit inherited;
        int ok = getrlimit(RLIMIT_NOFILE, &inherited) == 0 &&
                 inherited.rlim_cur == limit;
        ok &= open("/", O_RDONLY) == -1 && errno == EMFILE;
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Lowering the soft limit below open descriptors is allowed: they
     * stay open, new ones are refused. */
    struct rlimit tiny = {8, limit};
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &tiny), 0);
    CHECK(fcntl(limit - 1, F_GETFD) != -1);
    CHECK_EQ(close(3), 0);
    CHECK_EQ(open("/", O_RDONLY), 3);
    CHECK_EQ(close(10), 0);
    CHECK_ERRNO(open("/", O_RDONLY), EMFILE);

    /* Soft above hard is EINVAL. */
    struct rlimit inverted = {limit + 1, limit};
    CHECK_ERRNO(setrlimit(RLIMIT_NOFILE, &inverted), EINVAL);

    /* An unprivileged process may not raise its hard limit. */
    pid = fork();
    if (pid == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        struct rlimit higher = {limit, limit * 2};
        int ok = setrlimit(RLIMIT_NOFILE, &higher) == -1 && errno == EPERM;
        struct rlimit lower = {4, limit};
        ok &= setrlimit(RLIMIT_NOFILE, &lower) == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Root may raise it back. */
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);
    CHECK_EQ(open("/", O_RDONLY), 10);
    CHECK_EQ(open("/", O_RDONLY), limit);

    printf("RLIMIT_NOFILE %d: EMFILE when full, EINVAL/EBADF beyond, inherited\n", limit);
    return check_finish("fd_limits");
}
