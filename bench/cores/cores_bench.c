/*
 * The several-cores benchmark (bench/run-cores-bench): PROCESSES
 * independent processes, each doing CALLS rounds of a fixed piece of CPU
 * work (WORK iterations of a dependent multiply-add, about 10 us of a
 * host's TCG) followed by one system call that a server answers on tern
 * (getppid: procmgr). The parent forks them all, waits for them all, and
 * prints the wall time, which on a system that spreads the processes
 * over its cores falls with the cores' number:
 *
 *   cores_bench [PROCESSES [CALLS [WORK]]]
 *   -> cores processes=P calls=C work=W wall_ns=T
 *
 * A static musl program: the same binary on Linux and on tern.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The work between two system calls: the compiler may not drop it. */
static uint64_t work(uint64_t iterations, uint64_t seed)
{
    volatile uint64_t x = seed;
    for (uint64_t i = 0; i < iterations; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

static int run_one(long calls, long iterations)
{
    uint64_t sum = 0;
    for (long i = 0; i < calls; i++) {
        sum += work((uint64_t)iterations, sum);
        if (getppid() <= 0)
            return 1;
    }
    return sum == 1;    /* never, but the work counts */
}

int main(int argc, char **argv)
{
    long processes = argc > 1 ? atol(argv[1]) : 4;
    long calls = argc > 2 ? atol(argv[2]) : 20000;
    long iterations = argc > 3 ? atol(argv[3]) : 200;
    if (processes < 1 || processes > 64 || calls < 1 || iterations < 0) {
        fprintf(stderr, "usage: cores_bench [PROCESSES [CALLS [WORK]]]\n");
        return 2;
    }
    uint64_t start = now_ns();
    for (long p = 0; p < processes; p++) {
        pid_t child = fork();
        if (child < 0) {
            perror("fork");
            return 1;
        }
        if (child == 0)
            _exit(run_one(calls, iterations));
    }
    int failures = 0;
    for (long p = 0; p < processes; p++) {
        int status;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failures++;
    }
    uint64_t wall = now_ns() - start;
    printf("cores processes=%ld calls=%ld work=%ld wall_ns=%llu\n", processes, calls, iterations,
           (unsigned long long)wall);
    if (failures)
        fprintf(stderr, "cores_bench: %d process(es) failed\n", failures);
    return failures != 0;
}
