/* A shell-style pipeline of four processes: generate | square | filter |
 * sum, each stage a fork of this program that dup2s its pipe ends onto
 * stdin and stdout, closes the rest and execs itself in its role (as a
 * shell runs `a | b | c | d`); the parent reads the last stage's output
 * through a fifth pipe and checks it, and every stage exits 0. */
#include <sys/wait.h>

#include "check.h"

#define STAGES 4
static const char *roles[STAGES] = {"generate", "square", "filter", "sum"};

static int run_role(const char *role)
{
    char line[64];
    if (strcmp(role, "generate") == 0) {
        for (int i = 1; i <= 2000; i++)
            printf("%d\n", i);
        return 0;
    }
    if (strcmp(role, "square") == 0) {
        while (fgets(line, sizeof line, stdin))
            printf("%ld\n", strtol(line, NULL, 10) * strtol(line, NULL, 10));
        return 0;
    }
    if (strcmp(role, "filter") == 0) {
        /* Odd squares only. */
        while (fgets(line, sizeof line, stdin)) {
            if (strtol(line, NULL, 10) % 2 == 1)
                fputs(line, stdout);
        }
        return 0;
    }
    if (strcmp(role, "sum") == 0) {
        long sum = 0, count = 0;
        while (fgets(line, sizeof line, stdin)) {
            sum += strtol(line, NULL, 10);
            count++;
        }
        printf("count %ld sum %ld\n", count, sum);
        return 0;
    }
    return 3;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--role") == 0) {
        setvbuf(stdout, NULL, _IOFBF, 4096);    /* a filter's usual buffering */
        int status = run_role(argv[2]);
        fflush(stdout);
        return status;
    }

    int pipes[STAGES][2];       /* pipes[i]: stage i's stdout; the last one to us */
    for (int i = 0; i < STAGES; i++)
        REQUIRE(pipe(pipes[i]) == 0);
    pid_t children[STAGES];
    for (int i = 0; i < STAGES; i++) {
        children[i] = fork();
        REQUIRE(children[i] >= 0);
        if (children[i] == 0) {
            if (i > 0 && dup2(pipes[i - 1][0], 0) != 0)
                _exit(20);
            if (dup2(pipes[i][1], 1) != 1)
                _exit(21);
            for (int j = 0; j < STAGES; j++) {
                close(pipes[j][0]);
                close(pipes[j][1]);
            }
            char *child_argv[] = {argv[0], "--role", (char *)roles[i], NULL};
            char *envp[] = {NULL};
            execve(argv[0], child_argv, envp);
            _exit(22);
        }
    }
    for (int i = 0; i < STAGES; i++) {
        close(pipes[i][1]);
        if (i < STAGES - 1)
            close(pipes[i][0]);
    }
    char output[128] = {0};
    size_t total = 0;
    ssize_t got;
    while ((got = read(pipes[STAGES - 1][0], output + total, sizeof output - 1 - total)) > 0)
        total += (size_t)got;
    close(pipes[STAGES - 1][0]);
    /* Odd n in 1..2000: 1000 of them; the sum of (2k-1)^2 for k = 1..1000
     * is 1000 * (4 * 1000^2 - 1) / 3. */
    CHECK(strcmp(output, "count 1000 sum 1333333000\n") == 0);
    printf("%s", output);
    int clean = 0;
    for (int i = 0; i < STAGES; i++) {
        int status;
        if (waitpid(children[i], &status, 0) == children[i] && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0)
            clean++;
    }
    CHECK_EQ(clean, STAGES);
    return check_finish("pipe_pipeline");
}
