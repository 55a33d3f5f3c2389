/* exit vs _exit: exit runs atexit handlers and flushes stdio, _exit does
 * neither; both end the process with the given status. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

static FILE *log_file;

static void at_exit_marker(void)
{
    fputs("atexit ran\n", log_file);
}

static void at_exit_first_registered(void)
{
    fputs("registered first, runs last\n", log_file);
}

/* The child writes through a fully buffered FILE, then leaves by exit or
 * _exit. */
static pid_t spawn_writer(const char *path, int use_exit, int status)
{
    pid_t pid = fork();
    if (pid == 0) {
        log_file = fopen(path, "w");
        if (!log_file)
            _exit(100);
        setvbuf(log_file, NULL, _IOFBF, 4096);
        atexit(at_exit_first_registered);
        atexit(at_exit_marker);
        fputs("buffered line\n", log_file);
        if (use_exit)
            exit(status);
        _exit(status);
    }
    return pid;
}

static int read_file(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t length = read(fd, buffer, size - 1);
    close(fd);
    if (length < 0)
        return -1;
    buffer[length] = '\0';
    return (int)length;
}

int main(void)
{
    char contents[256];
    int status;

    pid_t pid = spawn_writer("/tmp/exit-log", 1, 4);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 4);
    CHECK(read_file("/tmp/exit-log", contents, sizeof contents) > 0);
    CHECK_EQ(strcmp(contents, "buffered line\natexit ran\n"
                              "registered first, runs last\n"), 0);

    pid = spawn_writer("/tmp/underscore-exit-log", 0, 5);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 5);
    CHECK_EQ(read_file("/tmp/underscore-exit-log", contents, sizeof contents), 0);

    /* _Exit behaves as _exit. */
    pid = fork();
    if (pid == 0)
        _Exit(6);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK_EQ(WEXITSTATUS(status), 6);

    /* Returning from main is exit(). */
    pid = fork();
    if (pid == 0) {
        log_file = fopen("/tmp/return-log", "w");
        atexit(at_exit_marker);
        return 8;
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK_EQ(WEXITSTATUS(status), 8);
    CHECK(read_file("/tmp/return-log", contents, sizeof contents) > 0);
    CHECK_EQ(strcmp(contents, "atexit ran\n"), 0);

    /* The raw exit system call from a single-threaded process. */
    pid = fork();
    if (pid == 0)
        syscall(SYS_exit, 12);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK_EQ(WEXITSTATUS(status), 12);

    unlink("/tmp/exit-log");
    unlink("/tmp/underscore-exit-log");
    unlink("/tmp/return-log");
    printf("exit flushes and runs atexit in reverse order; _exit does not\n");
    return check_finish("process_exit");
}
