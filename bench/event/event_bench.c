/* The eventfd benchmark: one static musl program, run unchanged on Linux
 * and on tern under qemu-system-aarch64 -icount shift=0, where the
 * monotonic clock advances one nanosecond per guest instruction, so every
 * number it prints is an instruction count (summed over all cores).
 *
 * Cases:
 *   - ping-pong between two processes made by fork, on two blocking
 *     eventfds made before the fork: the parent writes 1 to the first and
 *     reads the second, the child reads the first and writes 1 to the
 *     second, so each round trip is two 8-byte writes and two 8-byte
 *     reads, both reads waiting (each read takes the counter, 1, back to
 *     0);
 *   - to split that cost, single calls in one process (nobody waits,
 *     nothing switches): getpid, and a write of 1 then a read of one
 *     eventfd;
 *   - epoll, one process: a byte written into the one active pipe of an
 *     epoll that also watches 10 (then 1,000) idle descriptors (both ends
 *     of 5, then 500, pipes, for EPOLLIN), epoll_wait reporting it, the
 *     byte read back; the two costs should be the same;
 *   - a timerfd of CLOCK_MONOTONIC with a 1 ms interval, read in a loop
 *     for one second of the monotonic clock: the expirations counted and
 *     the reads that returned (each one a wake-up), which show the
 *     timer's resolution.
 * Each case warms up first, then times a fixed number of rounds, and
 * prints one line (kept until the end, bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   pingpong kind=eventfd iterations=N round_trip_ns=X
 *   step NAME iterations=N ns=X
 *   timerfd interval_ns=1000000 expirations=E reads=R
 *   epoll idle=I iterations=N ns=X
 *
 * then "event_bench done".
 *
 *   event_bench                  everything, with the defaults
 *   event_bench pingpong [N]     the ping-pong alone, N round trips
 *                                (default 20,000)
 *   event_bench steps            the steps alone (5,000 each)
 *   event_bench timerfd          the timerfd's second alone
 *   event_bench epoll            the epoll rounds alone (5,000 each)
 *   event_bench quick            every case, small: to check the runner
 *
 * Where eventfd() fails (a system without it answers ENOSYS), the program
 * says so on stderr and exits 1. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define PINGPONG_WARM_UP 200
#define PINGPONG_ITERATIONS 20000

#define STEP_WARM_UP 200
#define STEP_ITERATIONS 5000

/* A new blocking eventfd with a counter of 0; failing loudly, and saying
 * plainly when the system has no eventfd at all. */
static int make_eventfd(void)
{
    int fd = eventfd(0, 0);
    if (fd < 0) {
        if (errno == ENOSYS)
            bench_fail_because("eventfd",
                               "Function not implemented (ENOSYS): this system has no eventfd");
        bench_fail("eventfd");
    }
    return fd;
}

static void close_eventfd(int fd)
{
    if (close(fd) != 0)
        bench_fail("close");
}

/* Adds 1 to the eventfd's counter. */
static void signal_event(int fd)
{
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    if (written < 0)
        bench_fail("eventfd write");
    if (written != sizeof one)
        bench_fail_because("eventfd write", "not 8 bytes");
}

/* Waits for the counter to be non-zero and takes it, which must be 1. */
static void wait_for_event(int fd)
{
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    if (got < 0)
        bench_fail("eventfd read");
    if (got != sizeof value)
        bench_fail_because("eventfd read", "not 8 bytes");
    if (value != 1)
        bench_fail_because("eventfd read", "the counter was not 1");
}

/* --- Ping-pong ---------------------------------------------------------- */

/* The parent's side: the child's turn given, then its own waited back. */
static void serve(int to_child, int to_parent, int rounds)
{
    for (int i = 0; i < rounds; i++) {
        signal_event(to_child);
        wait_for_event(to_parent);
    }
}

static void answer(int to_child, int to_parent, int rounds)
{
    for (int i = 0; i < rounds; i++) {
        wait_for_event(to_child);
        signal_event(to_parent);
    }
}

static void run_pingpong(int round_trips)
{
    int to_child = make_eventfd();
    int to_parent = make_eventfd();
    pid_t child = bench_fork();
    if (child == 0) {
        answer(to_child, to_parent, PINGPONG_WARM_UP + round_trips);
        exit(0);
    }
    serve(to_child, to_parent, PINGPONG_WARM_UP);
    uint64_t start = bench_now_ns();
    serve(to_child, to_parent, round_trips);
    uint64_t elapsed = bench_now_ns() - start;
    bench_wait_for_success(child);
    close_eventfd(to_child);
    close_eventfd(to_parent);
    bench_report("pingpong kind=eventfd iterations=%d round_trip_ns=%llu\n", round_trips,
                 (unsigned long long)(elapsed / (uint64_t)round_trips));
}

/* --- Steps: what one call costs, in one process ------------------------- */

enum step {
    STEP_GETPID,        /* a system call that goes nowhere else */
    STEP_WRITE_READ,    /* write 1, then read it back: nobody waits */
};

static const char *const step_names[] = {
    [STEP_GETPID] = "getpid",
    [STEP_WRITE_READ] = "write-read",
};

static void do_step(enum step step, int fd)
{
    switch (step) {
    case STEP_GETPID:
        if (getpid() <= 0)
            bench_fail_because("getpid", "not positive");
        break;
    case STEP_WRITE_READ:
        signal_event(fd);
        wait_for_event(fd);
        break;
    }
}

static void run_steps(int iterations)
{
    int fd = make_eventfd();
    for (enum step step = STEP_GETPID; step <= STEP_WRITE_READ; step++) {
        for (int i = 0; i < STEP_WARM_UP; i++)
            do_step(step, fd);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < iterations; i++)
            do_step(step, fd);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], iterations,
                     (unsigned long long)(elapsed / (uint64_t)iterations));
    }
    close_eventfd(fd);
}

/* --- A timerfd's second ---------------------------------------------------- */

#define TIMER_INTERVAL_NS 1000000L
#define TIMER_SPAN_NS 1000000000ULL

static void run_timerfd(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    if (fd < 0)
        bench_fail("timerfd_create");
    struct itimerspec every = {{0, TIMER_INTERVAL_NS}, {0, TIMER_INTERVAL_NS}};
    uint64_t start = bench_now_ns();
    if (timerfd_settime(fd, 0, &every, NULL) != 0)
        bench_fail("timerfd_settime");
    uint64_t expirations = 0, reads = 0;
    while (bench_now_ns() - start < TIMER_SPAN_NS) {
        uint64_t count;
        if (read(fd, &count, sizeof count) != sizeof count)
            bench_fail("timerfd read");
        expirations += count;
        reads++;
    }
    bench_report("timerfd interval_ns=%ld expirations=%llu reads=%llu\n", TIMER_INTERVAL_NS,
                 (unsigned long long)expirations, (unsigned long long)reads);
    if (close(fd) != 0)
        bench_fail("close");
}

/* --- epoll: one active pipe among idle registrations -------------------- */

#define EPOLL_IDLE_FEW 10
#define EPOLL_IDLE_MANY 1000

/* One round: a byte into the active pipe, epoll_wait reporting it (and
 * nothing else), the byte read back. */
static void epoll_round(int epoll_fd, const int active[2])
{
    char byte = 'x';
    if (write(active[1], &byte, 1) != 1)
        bench_fail("pipe write");
    struct epoll_event events[8];
    int ready = epoll_wait(epoll_fd, events, 8, -1);
    if (ready < 0)
        bench_fail("epoll_wait");
    if (ready != 1 || events[0].data.fd != active[0])
        bench_fail_because("epoll_wait", "not the one active pipe");
    if (read(active[0], &byte, 1) != 1)
        bench_fail("pipe read");
}

static void watch(int epoll_fd, int fd)
{
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0)
        bench_fail("epoll_ctl");
}

/* idle registered descriptors: both ends of idle / 2 pipes, watched for
 * EPOLLIN (an empty read end and a write end are never readable). */
static void run_epoll(int idle, int iterations)
{
    int epoll_fd = epoll_create1(0);
    if (epoll_fd < 0) {
        if (errno == ENOSYS)
            bench_fail_because("epoll_create1",
                               "Function not implemented (ENOSYS): this system has no epoll");
        bench_fail("epoll_create1");
    }
    int idle_pipes[EPOLL_IDLE_MANY / 2][2];
    for (int i = 0; i < idle / 2; i++) {
        if (pipe(idle_pipes[i]) != 0)
            bench_fail("pipe");
        watch(epoll_fd, idle_pipes[i][0]);
        watch(epoll_fd, idle_pipes[i][1]);
    }
    int active[2];
    if (pipe(active) != 0)
        bench_fail("pipe");
    watch(epoll_fd, active[0]);
    for (int i = 0; i < STEP_WARM_UP; i++)
        epoll_round(epoll_fd, active);
    uint64_t start = bench_now_ns();
    for (int i = 0; i < iterations; i++)
        epoll_round(epoll_fd, active);
    uint64_t elapsed = bench_now_ns() - start;
    bench_report("epoll idle=%d iterations=%d ns=%llu\n", idle, iterations,
                 (unsigned long long)(elapsed / (uint64_t)iterations));
    for (int i = 0; i < idle / 2; i++) {
        close(idle_pipes[i][0]);
        close(idle_pipes[i][1]);
    }
    close(active[0]);
    close(active[1]);
    close(epoll_fd);
}

/* --- Main --------------------------------------------------------------- */

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: event_bench [quick | steps | timerfd | epoll]\n"
                    "       event_bench pingpong [ROUND_TRIPS]\n");
    exit(2);
}

/* A positive number, or usage. */
static long positive(const char *text)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value <= 0 || value > 1000000000)
        usage();
    return value;
}

int main(int argc, char **argv)
{
    bench_start("event_bench");
    bool quick = argc == 2 && strcmp(argv[1], "quick") == 0;
    if (argc == 1 || quick) {
        bench_calibrate();
        run_pingpong(quick ? 100 : PINGPONG_ITERATIONS);
        run_steps(quick ? 100 : STEP_ITERATIONS);
        run_epoll(EPOLL_IDLE_FEW, quick ? 100 : STEP_ITERATIONS);
        run_epoll(EPOLL_IDLE_MANY, quick ? 100 : STEP_ITERATIONS);
        run_timerfd();
        bench_report("event_bench done\n");
    } else if ((argc == 2 || argc == 3) && strcmp(argv[1], "pingpong") == 0) {
        run_pingpong(argc == 3 ? (int)positive(argv[2]) : PINGPONG_ITERATIONS);
    } else if (argc == 2 && strcmp(argv[1], "steps") == 0) {
        run_steps(STEP_ITERATIONS);
    } else if (argc == 2 && strcmp(argv[1], "timerfd") == 0) {
        run_timerfd();
    } else if (argc == 2 && strcmp(argv[1], "epoll") == 0) {
        run_epoll(EPOLL_IDLE_FEW, STEP_ITERATIONS);
        run_epoll(EPOLL_IDLE_MANY, STEP_ITERATIONS);
    } else {
        usage();
    }
    bench_print_report();
    return 0;
}
