/* RLIMIT_NOFILE raised to 4096 (Linux's default hard limit): pipes, open
 * and dup hand out every number up to 4095, the next is EMFILE, and
 * F_DUPFD or dup2 at 4096 is EINVAL or EBADF; a pipe far above 1024
 * carries data; a fork's child has every descriptor and the limit; an
 * execve keeps the limit and the descriptors, closing only the
 * close-on-exec ones. The test execs itself (argv[0]) for that role. */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

enum { limit = 4096, pipes = 300 };

static int is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

/* After execve: argv = self --after-exec kept closed. */
static int after_exec(char **argv)
{
    struct rlimit now;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    CHECK_EQ(now.rlim_cur, limit);
    int kept = atoi(argv[2]), closed = atoi(argv[3]);
    CHECK(is_open(kept));
    CHECK_ERRNO(fcntl(closed, F_GETFD), EBADF);
    /* The close-on-exec one's number is free again, and the only one. */
    CHECK_EQ(open("/", O_RDONLY), closed);
    CHECK_ERRNO(open("/", O_RDONLY), EMFILE);
    return check_failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 3 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argv);

    struct rlimit raised = {limit, limit};
    REQUIRE(setrlimit(RLIMIT_NOFILE, &raised) == 0);

    /* Pipes first, then files, then duplicates: every number, in order. */
    int expected = 3, out_of_order = 0;
    int fds[2];
    for (int i = 0; i < pipes; i++) {
        REQUIRE(pipe(fds) == 0);
        out_of_order += fds[0] != expected || fds[1] != expected + 1;
        expected += 2;
    }
    for (; expected < 2000; expected++)
        out_of_order += open("/", O_RDONLY) != expected;
    for (; expected < limit; expected++)
        out_of_order += dup(0) != expected;
    CHECK_EQ(out_of_order, 0);
    CHECK_ERRNO(open("/", O_RDONLY), EMFILE);
    CHECK_ERRNO(dup(0), EMFILE);
    CHECK_ERRNO(fcntl(0, F_DUPFD, 100), EMFILE);
    CHECK_ERRNO(fcntl(0, F_DUPFD, limit), EINVAL);
    CHECK_ERRNO(dup2(0, limit), EBADF);
    CHECK_ERRNO(dup3(0, limit + 1, 0), EBADF);

    /* A pipe with both ends far above 1024 carries data. */
    CHECK_EQ(close(4000), 0);
    CHECK_EQ(close(4001), 0);
    CHECK_EQ(pipe(fds), 0);
    CHECK(fds[0] == 4000 && fds[1] == 4001);
    char byte = 0;
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_EQ(byte, 'x');
    /* One number left: a pipe, which needs two, is EMFILE. */
    CHECK_EQ(close(3500), 0);
    CHECK_ERRNO(pipe(fds), EMFILE);
    CHECK_EQ(dup2(0, 3500), 3500);
    /* dup2 onto the last number works, as onto any open one. */
    CHECK_EQ(dup2(0, limit - 1), limit - 1);

    /* The child has every descriptor and the limit. */
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit inherited;
        CHECK_EQ(getrlimit(RLIMIT_NOFILE, &inherited), 0);
        CHECK_EQ(inherited.rlim_cur, limit);
        CHECK(is_open(4000) && is_open(limit - 1));
        CHECK_EQ(write(4001, "y", 1), 1);
        CHECK_ERRNO(open("/", O_RDONLY), EMFILE);
        check_child_exit();
    }
    check_child_passed(pid);
    CHECK_EQ(read(4000, &byte, 1), 1);
    CHECK_EQ(byte, 'y');

    /* execve keeps the limit; a close-on-exec descriptor above 1024 goes. */
    CHECK_EQ(fcntl(3000, F_SETFD, FD_CLOEXEC), 0);
    pid = fork();
    if (pid == 0) {
        char *child_argv[] = {argv[0], "--after-exec", "2999", "3000", NULL};
        execv(argv[0], child_argv);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    printf("RLIMIT_NOFILE %d: descriptors 3 to %d, then EMFILE; fork and execve keep them\n",
           limit, limit - 1);
    return check_finish("fd_limits_large");
}
