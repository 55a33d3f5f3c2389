/* FIOCLEX and FIONCLEX: the ioctls that set and clear a descriptor's
 * close-on-exec flag, as F_SETFD does, on a pipe, a regular file and
 * /dev/null alike; EBADF on a closed descriptor and on an O_PATH one (no
 * ioctl takes those). execve closes a descriptor FIOCLEX marked and keeps
 * one FIONCLEX cleared: the test execs itself (argv[0]) with the
 * descriptor numbers as arguments to take the second role. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "check.h"

#define FILE_PATH "/tmp/fd_ioctl_cloexec"

/* Each request sets or clears the flag whatever it was before. */
static void set_and_clear(int fd)
{
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(ioctl(fd, FIOCLEX), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(ioctl(fd, FIOCLEX), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(ioctl(fd, FIONCLEX), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(ioctl(fd, FIONCLEX), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
}

static void every_kind_of_file(void)
{
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    set_and_clear(pipe_ends[0]);
    set_and_clear(pipe_ends[1]);

    int file = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    set_and_clear(file);

    int null = open("/dev/null", O_WRONLY);
    REQUIRE(null >= 0);
    set_and_clear(null);

    CHECK_OK(close(pipe_ends[0]));
    CHECK_OK(close(pipe_ends[1]));
    CHECK_OK(close(file));
    CHECK_OK(close(null));
}

/* The flag belongs to the descriptor, not to the open file: a dup of a
 * marked descriptor is not marked, nor is the original by marking the dup. */
static void flag_is_per_descriptor(void)
{
    int file = open(FILE_PATH, O_RDONLY);
    REQUIRE(file >= 0);
    int copy = dup(file);
    REQUIRE(copy >= 0);
    CHECK_EQ(ioctl(file, FIOCLEX), 0);
    CHECK_EQ(fcntl(copy, F_GETFD), 0);
    CHECK_EQ(ioctl(file, FIONCLEX), 0);
    CHECK_EQ(ioctl(copy, FIOCLEX), 0);
    CHECK_EQ(fcntl(file, F_GETFD), 0);
    CHECK_OK(close(file));
    CHECK_OK(close(copy));
}

static void closed_descriptors(void)
{
    int file = open(FILE_PATH, O_RDONLY);
    REQUIRE(file >= 0);
    CHECK_OK(close(file));
    CHECK_ERRNO(ioctl(file, FIOCLEX), EBADF);
    CHECK_ERRNO(ioctl(file, FIONCLEX), EBADF);
    CHECK_ERRNO(ioctl(-1, FIOCLEX), EBADF);
    CHECK_ERRNO(ioctl(100000, FIONCLEX), EBADF);
}

/* An O_PATH descriptor takes no ioctl at all, these two included, although
 * F_SETFD changes its flag. */
static void path_descriptors(void)
{
    int path = open(FILE_PATH, O_PATH);
    REQUIRE(path >= 0);
    CHECK_ERRNO(ioctl(path, FIOCLEX), EBADF);
    CHECK_EQ(fcntl(path, F_GETFD), 0);
    CHECK_EQ(fcntl(path, F_SETFD, FD_CLOEXEC), 0);
    CHECK_ERRNO(ioctl(path, FIONCLEX), EBADF);
    CHECK_EQ(fcntl(path, F_GETFD), FD_CLOEXEC);
    CHECK_OK(close(path));
}

/* The second role: argv = self --after-exec kept... -- closed... The first
 * kept descriptor is the pipe's write end: "exec" through it tells the
 * parent that the kept pipe is still the same pipe. */
static int after_exec(int argc, char **argv)
{
    int i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++)
        CHECK_EQ(fcntl(atoi(argv[i]), F_GETFD), 0);
    for (i++; i < argc; i++)
        CHECK_ERRNO(fcntl(atoi(argv[i]), F_GETFD), EBADF);
    CHECK_EQ(write(atoi(argv[2]), "exec", 4), 4);
    return check_failures == 0 ? 0 : 1;
}

static void execve_closes_what_fioclex_marked(char *self)
{
    int pipe_ends[2];
    REQUIRE(pipe2(pipe_ends, O_CLOEXEC) == 0);
    int file = open(FILE_PATH, O_RDONLY);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(file >= 0 && null >= 0);
    /* Marked: the read end and the file. Cleared: the write end and
     * /dev/null. */
    CHECK_EQ(ioctl(pipe_ends[0], FIOCLEX), 0);
    CHECK_EQ(ioctl(file, FIOCLEX), 0);
    CHECK_EQ(ioctl(pipe_ends[1], FIONCLEX), 0);
    CHECK_EQ(ioctl(null, FIONCLEX), 0);

    char numbers[4][12];
    int descriptors[4] = {pipe_ends[1], null, pipe_ends[0], file};
    for (int i = 0; i < 4; i++)
        snprintf(numbers[i], sizeof numbers[i], "%d", descriptors[i]);
    char *child_argv[] = {self, "--after-exec", numbers[0], numbers[1], "--",
                          numbers[2], numbers[3], NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execv(self, child_argv);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    /* With its own write end closed, the parent reads end of file
     * rather than waiting if the child wrote nothing. */
    CHECK_OK(close(pipe_ends[1]));
    char message[4] = {0};
    CHECK_EQ(read(pipe_ends[0], message, sizeof message), 4);
    CHECK(memcmp(message, "exec", 4) == 0);

    for (int i = 1; i < 4; i++)
        CHECK_OK(close(descriptors[i]));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argc, argv);

    every_kind_of_file();
    flag_is_per_descriptor();
    closed_descriptors();
    path_descriptors();
    execve_closes_what_fioclex_marked(argv[0]);
    CHECK_OK(unlink(FILE_PATH));
    printf("FIOCLEX and FIONCLEX on a pipe, a file and /dev/null; execve closed 2 of 4\n");
    return check_finish("fd_ioctl_cloexec");
}
