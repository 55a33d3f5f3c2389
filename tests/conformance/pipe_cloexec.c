/* Close-on-exec of pipe ends: a child execs this program with a pipe
 * made by pipe2(O_CLOEXEC) and one by pipe(); after the exec the first
 * pipe's ends are closed (the parent, reading the first pipe, sees EOF
 * while the child still lives) and the second's are open and work. A
 * flag set by F_SETFD behaves the same; F_SETFD cleared keeps the end. */
#include <fcntl.h>
#include <sys/wait.h>

#include "check.h"

/* After exec: argv = self --after closed_read closed_write kept_read kept_write */
static int after_exec(char **argv)
{
    int closed_read = atoi(argv[2]), closed_write = atoi(argv[3]);
    int kept_read = atoi(argv[4]), kept_write = atoi(argv[5]);
    CHECK_ERRNO(fcntl(closed_read, F_GETFD), EBADF);
    CHECK_ERRNO(fcntl(closed_write, F_GETFD), EBADF);
    CHECK_EQ(fcntl(kept_read, F_GETFD), 0);
    CHECK_EQ(fcntl(kept_write, F_GETFD), 0);
    /* Wait for the parent's go on the kept pipe, then answer on it. */
    char go;
    CHECK_EQ(read(kept_read, &go, 1), 1);
    CHECK_EQ(go, 'g');
    CHECK_EQ(write(kept_write, "done", 4), 4);
    return check_failures == 0 ? 0 : 1;
}

static void run(int mark_with_setfd)
{
    int closing[2], kept[2], back[2];
    if (mark_with_setfd) {
        REQUIRE(pipe(closing) == 0);
        CHECK_OK(fcntl(closing[0], F_SETFD, FD_CLOEXEC));
        CHECK_OK(fcntl(closing[1], F_SETFD, FD_CLOEXEC));
        REQUIRE(pipe2(kept, O_CLOEXEC) == 0);
        CHECK_OK(fcntl(kept[0], F_SETFD, 0));
        CHECK_OK(fcntl(kept[1], F_SETFD, 0));
    } else {
        REQUIRE(pipe2(closing, O_CLOEXEC) == 0);
        REQUIRE(pipe(kept) == 0);
    }
    REQUIRE(pipe(back) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        /* The child reads "go" from kept[0] and answers on back[1]. */
        char numbers[4][12];
        snprintf(numbers[0], sizeof numbers[0], "%d", closing[0]);
        snprintf(numbers[1], sizeof numbers[1], "%d", closing[1]);
        snprintf(numbers[2], sizeof numbers[2], "%d", kept[0]);
        snprintf(numbers[3], sizeof numbers[3], "%d", back[1]);
        close(kept[1]);
        close(back[0]);
        char *program = getenv("CLOEXEC_PROGRAM");
        char *child_argv[] = {program, "--after", numbers[0], numbers[1], numbers[2],
                              numbers[3], NULL};
        char *envp[] = {NULL};
        execve(program, child_argv, envp);
        _exit(30);
    }
    close(closing[1]);
    close(kept[0]);
    close(back[1]);
    /* The child's copy of closing[1] went at its exec: EOF now, while the
     * child is still waiting for us. */
    char buffer[8];
    CHECK_EQ(read(closing[0], buffer, sizeof buffer), 0);
    CHECK_EQ(write(kept[1], "g", 1), 1);
    CHECK_EQ(read(back[0], buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "done", 4) == 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(closing[0]);
    close(kept[1]);
    close(back[0]);
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--after") == 0)
        return after_exec(argv);
    setenv("CLOEXEC_PROGRAM", argv[0], 1);
    run(0);
    run(1);
    return check_finish("pipe_cloexec");
}
