/* The System V semaphore benchmark: one static musl program, run
 * unchanged on Linux and on tern under qemu-system-aarch64 -icount
 * shift=0, where the monotonic clock advances one nanosecond per guest
 * instruction, so every number below is an instruction count.
 *
 * Cases:
 *   - ping-pong between two processes made by fork, on two semaphores of
 *     one set: the first raises the second's semaphore and waits on its
 *     own, the second waits on its own and raises the first's, so each
 *     round trip is four semops, two of them waiting;
 *   - to split that cost, single calls in one process (nobody waits,
 *     nothing switches): getpid, semop raising a semaphore and semop
 *     lowering it again, semctl GETVAL.
 * Each case warms up first, then times a fixed number of rounds, and
 * prints one line (kept until the end, bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   pingpong iterations=N round_trip_ns=X
 *   step NAME iterations=N ns=X
 *
 * then "sem_bench done".
 *
 * "sem_bench pingpong N" runs only the ping-pong, for N round trips
 * (bench/run-profile compares two such runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "report.h"

#define WARM_UP 200
#define ITERATIONS 5000

enum { PARENT_TURN, CHILD_TURN };

static void operate(int set, unsigned short num, short value)
{
    struct sembuf operation = {num, value, 0};
    if (semop(set, &operation, 1) != 0)
        bench_fail("semop");
}

static int make_set(void)
{
    int set = semget(IPC_PRIVATE, 2, 0600);
    if (set < 0)
        bench_fail("semget");
    return set;
}

static void remove_set(int set)
{
    if (semctl(set, 0, IPC_RMID) != 0)
        bench_fail("semctl IPC_RMID");
}

/* The parent's side: its turn given to the child, then waited back. */
static void serve(int set, int rounds)
{
    for (int i = 0; i < rounds; i++) {
        operate(set, CHILD_TURN, 1);
        operate(set, PARENT_TURN, -1);
    }
}

static void answer(int set, int rounds)
{
    for (int i = 0; i < rounds; i++) {
        operate(set, CHILD_TURN, -1);
        operate(set, PARENT_TURN, 1);
    }
}

static int round_trips = ITERATIONS;

static void run_pingpong(void)
{
    int set = make_set();
    pid_t child = bench_fork();
    if (child == 0) {
        answer(set, WARM_UP + round_trips);
        exit(0);
    }
    serve(set, WARM_UP);
    uint64_t start = bench_now_ns();
    serve(set, round_trips);
    uint64_t elapsed = bench_now_ns() - start;
    bench_wait_for_success(child);
    remove_set(set);
    bench_report("pingpong iterations=%d round_trip_ns=%llu\n", round_trips,
                 (unsigned long long)(elapsed / (uint64_t)round_trips));
}

/* --- Steps: what one semaphore call costs, in one process ------------- */

enum step {
    STEP_GETPID,        /* a system call that goes nowhere else */
    STEP_RAISE_LOWER,   /* semop +1, then semop -1: nobody waits */
    STEP_GETVAL,        /* semctl GETVAL */
};

static const char *const step_names[] = {
    [STEP_GETPID] = "getpid",
    [STEP_RAISE_LOWER] = "raise-lower",
    [STEP_GETVAL] = "getval",
};

static void do_step(enum step step, int set)
{
    switch (step) {
    case STEP_GETPID:
        if (getpid() <= 0)
            bench_fail_because("getpid", "not positive");
        break;
    case STEP_RAISE_LOWER:
        operate(set, PARENT_TURN, 1);
        operate(set, PARENT_TURN, -1);
        break;
    case STEP_GETVAL:
        if (semctl(set, PARENT_TURN, GETVAL) != 0)
            bench_fail("semctl GETVAL");
        break;
    }
}

static void run_steps(void)
{
    int set = make_set();
    for (enum step step = STEP_GETPID; step <= STEP_GETVAL; step++) {
        for (int i = 0; i < WARM_UP; i++)
            do_step(step, set);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < ITERATIONS; i++)
            do_step(step, set);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], ITERATIONS,
                     (unsigned long long)(elapsed / ITERATIONS));
    }
    remove_set(set);
}

int main(int argc, char **argv)
{
    bench_start("sem_bench");
    if (argc == 3 && strcmp(argv[1], "pingpong") == 0 && atoi(argv[2]) > 0) {
        round_trips = atoi(argv[2]);
        run_pingpong();
        bench_print_report();
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: sem_bench [pingpong ROUND_TRIPS]\n");
        return 2;
    }
    bench_calibrate();
    run_pingpong();
    run_steps();
    bench_report("sem_bench done\n");
    bench_print_report();
    return 0;
}
