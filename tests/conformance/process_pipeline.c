/* Chains of processes without pipes: each stage is a child of the one
 * before, passes its result on through a file in /tmp and its exit
 * status, and every other stage execs this program afresh to run its
 * step. A chain of 6 stages by fork, a chain of 5 by fork+exec, and a fan
 * of 6 siblings whose results the parent combines. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

static const char *program;

static long read_number(const char *path)
{
    char text[32] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t length = read(fd, text, sizeof text - 1);
    close(fd);
    return length > 0 ? strtol(text, NULL, 10) : -1;
}

static int write_number(const char *path, long value)
{
    char text[32];
    int length = snprintf(text, sizeof text, "%ld\n", value);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    int written = (int)write(fd, text, (size_t)length);
    close(fd);
    return written == length ? 0 : -1;
}

static void stage_path(char *path, size_t size, int stage)
{
    snprintf(path, size, "/tmp/pipeline-%d", stage);
}

/* Stage `stage` of `stages`: read the previous stage's number, write
 * number * 3 + stage, start the next stage as a child (exec'ing when asked),
 * wait for it, and exit with its status plus one. */
static int run_stage(int stage, int stages, int use_exec)
{
    char input[64], output[64];
    stage_path(input, sizeof input, stage - 1);
    stage_path(output, sizeof output, stage);
    long value = read_number(input);
    if (value < 0 || write_number(output, value * 3 + stage) != 0)
        return 100;
    if (stage == stages)
        return 1;
    pid_t child = fork();
    if (child < 0)
        return 101;
    if (child == 0) {
        if (use_exec) {
            char stage_text[16], stages_text[16];
            snprintf(stage_text, sizeof stage_text, "%d", stage + 1);
            snprintf(stages_text, sizeof stages_text, "%d", stages);
            char *argv[] = {(char *)program, "--stage", stage_text,
                            stages_text, NULL};
            char *envp[] = {NULL};
            execve(program, argv, envp);
            _exit(102);
        }
        _exit(run_stage(stage + 1, stages, 0));
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return 103;
    if (WEXITSTATUS(status) >= 100)
        return WEXITSTATUS(status);
    return WEXITSTATUS(status) + 1;
}

static long expected_final(int stages)
{
    long value = 1;
    for (int stage = 1; stage <= stages; stage++)
        value = value * 3 + stage;
    return value;
}

static int run_chain(int stages, int use_exec)
{
    char path[64];
    stage_path(path, sizeof path, 0);
    REQUIRE(write_number(path, 1) == 0);
    pid_t first = fork();
    if (first == 0)
        _exit(run_stage(1, stages, use_exec));
    int status;
    CHECK_EQ(waitpid(first, &status, 0), first);
    CHECK(WIFEXITED(status));
    stage_path(path, sizeof path, stages);
    CHECK_EQ(read_number(path), expected_final(stages));
    for (int stage = 0; stage <= stages; stage++) {
        stage_path(path, sizeof path, stage);
        unlink(path);
    }
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    program = argv[0];
    if (argc == 4 && strcmp(argv[1], "--stage") == 0) {
        int stage = atoi(argv[2]), stages = atoi(argv[3]);
        /* Every exec'd stage execs the next one too. */
        return run_stage(stage, stages, 1);
    }

    CHECK_EQ(run_chain(6, 0), 6);
    CHECK_EQ(run_chain(5, 1), 5);

    /* A fan of siblings: each squares its index into its own file. */
    enum { siblings = 6 };
    pid_t pids[siblings];
    for (int i = 0; i < siblings; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            char path[64];
            snprintf(path, sizeof path, "/tmp/fan-%d", i);
            _exit(write_number(path, (long)i * i) == 0 ? i : 200);
        }
    }
    long total = 0;
    int statuses_right = 1;
    for (int i = siblings - 1; i >= 0; i--) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i] ||
            !WIFEXITED(status) || WEXITSTATUS(status) != i)
            statuses_right = 0;
        char path[64];
        snprintf(path, sizeof path, "/tmp/fan-%d", i);
        total += read_number(path);
        unlink(path);
    }
    CHECK(statuses_right);
    CHECK_EQ(total, 0 + 1 + 4 + 9 + 16 + 25);

    printf("chain of 6 by fork: %ld\n", expected_final(6));
    printf("chain of 5 by fork+exec: %ld\n", expected_final(5));
    printf("fan of 6: %ld\n", total);
    return check_finish("process_pipeline");
}
