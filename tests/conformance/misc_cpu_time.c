/* CPU time: CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID advance
 * by about the time spent spinning, not the time spent asleep, and report
 * a 1 ns resolution; clock_getcpuclockid (the caller, a live child, a pid
 * that does not exist: EINVAL) and pthread_getcpuclockid give clocks that
 * read the same; a CPU clock of an invalid kind is EINVAL. times(): its
 * return value follows wall time at _SC_CLK_TCK = 100, tms_utime+tms_stime
 * follow the spinning, tms_cutime+tms_cstime count a child only once it is
 * reaped (on top of what the process inherited across exec). getrusage:
 * RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD in a second thread, EINVAL
 * for an unknown who. setitimer's ITIMER_VIRTUAL and ITIMER_PROF count
 * CPU time: 20 ms timers over 300 ms of spinning deliver SIGVTALRM and
 * SIGPROF about 15 times each, none while asleep. Bounds are generous (CPU time may be sampled at a
 * 100 Hz tick); only user + system sums are checked, never system time
 * alone. No time is printed. */
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include "check.h"

#define MS 1000LL /* all times here are in microseconds */

/* A value within [low, high], showing it when not. */
#define CHECK_WITHIN(value, low, high)                                      \
    do {                                                                    \
        long long within_ = (value);                                        \
        if (!check_record(within_ >= (low) && within_ <= (high),            \
                          #value " within [" #low ", " #high "]",           \
                          __FILE__, __LINE__))                              \
            fprintf(stderr, "    got %lld\n", within_);                     \
    } while (0)

static long long clock_us(clockid_t clock)
{
    struct timespec time;
    if (clock_gettime(clock, &time) != 0)
        return -1;
    return time.tv_sec * 1000000LL + time.tv_nsec / 1000;
}

/* User + system time of getrusage(who), -1 if it fails. */
static long long usage_us(int who)
{
    struct rusage usage;
    if (getrusage(who, &usage) != 0)
        return -1;
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL +
           usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

/* times()'s user + system ticks, of the process or of its reaped
 * children. */
static long tms_self(void)
{
    struct tms counts;
    times(&counts);
    return counts.tms_utime + counts.tms_stime;
}

static long tms_children(void)
{
    struct tms counts;
    times(&counts);
    return counts.tms_cutime + counts.tms_cstime;
}

static void spin_ms(long long ms)
{
    long long end = clock_us(CLOCK_MONOTONIC) + ms * MS;
    while (clock_us(CLOCK_MONOTONIC) < end)
        ;
}

static void sleep_ms(long ms)
{
    struct timespec request = {0, ms * 1000000L};
    nanosleep(&request, NULL);
}

static volatile sig_atomic_t virtual_alarms, profiling_alarms;

static void count_alarm(int signal)
{
    if (signal == SIGVTALRM)
        virtual_alarms++;
    else
        profiling_alarms++;
}

/* ITIMER_VIRTUAL and ITIMER_PROF, 20 ms apart: about 15 each over 300 ms
 * of spinning, none over 200 ms of sleep. */
static void cpu_time_timers(void)
{
    struct sigaction action = {.sa_handler = count_alarm, .sa_flags = SA_RESTART};
    REQUIRE(sigaction(SIGVTALRM, &action, NULL) == 0 && sigaction(SIGPROF, &action, NULL) == 0);
    struct itimerval every = {{0, 20000}, {0, 20000}};
    CHECK_EQ(setitimer(ITIMER_VIRTUAL, &every, NULL), 0);
    CHECK_EQ(setitimer(ITIMER_PROF, &every, NULL), 0);
    spin_ms(300);
    int virtual_count = virtual_alarms, profiling_count = profiling_alarms;
    CHECK_WITHIN(virtual_count, 8, 20);
    CHECK_WITHIN(profiling_count, 8, 20);
    struct itimerval current;
    CHECK_EQ(getitimer(ITIMER_VIRTUAL, &current), 0);
    CHECK(current.it_interval.tv_sec == 0 && current.it_interval.tv_usec == 20000);
    sleep_ms(200);
    CHECK_WITHIN(virtual_alarms - virtual_count, 0, 2);
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_EQ(setitimer(ITIMER_VIRTUAL, &off, NULL), 0);
    CHECK_EQ(setitimer(ITIMER_PROF, &off, NULL), 0);
    CHECK_EQ(getitimer(ITIMER_PROF, &current), 0);
    CHECK(current.it_value.tv_sec == 0 && current.it_value.tv_usec == 0);
}

static long long thread_usage;

static void *spinning_thread(void *unused)
{
    (void)unused;
    spin_ms(200);
    thread_usage = usage_us(RUSAGE_THREAD);
    return NULL;
}

int main(void)
{
    CHECK_EQ(sysconf(_SC_CLK_TCK), 100);
    /* What the children reaped before exec (Linux keeps it) counts. */
    long children_ticks = tms_children();
    long long children = usage_us(RUSAGE_CHILDREN);

    struct timespec resolution;
    CHECK_EQ(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &resolution), 0);
    CHECK(resolution.tv_sec == 0 && resolution.tv_nsec == 1);
    CHECK_EQ(clock_getres(CLOCK_THREAD_CPUTIME_ID, &resolution), 0);
    CHECK(resolution.tv_sec == 0 && resolution.tv_nsec == 1);

    /* Spinning 300 ms: every measure advances by at least 200 ms, and by
     * at most the wall time that passed plus 50 ms. */
    long long wall = clock_us(CLOCK_MONOTONIC);
    long long process = clock_us(CLOCK_PROCESS_CPUTIME_ID);
    long long thread = clock_us(CLOCK_THREAD_CPUTIME_ID);
    long long self = usage_us(RUSAGE_SELF);
    long ticks = tms_self();
    spin_ms(300);
    process = clock_us(CLOCK_PROCESS_CPUTIME_ID) - process;
    thread = clock_us(CLOCK_THREAD_CPUTIME_ID) - thread;
    self = usage_us(RUSAGE_SELF) - self;
    ticks = tms_self() - ticks;
    wall = clock_us(CLOCK_MONOTONIC) - wall;
    CHECK_WITHIN(process, 200 * MS, wall + 50 * MS);
    CHECK_WITHIN(thread, 200 * MS, wall + 50 * MS);
    CHECK_WITHIN(self, 200 * MS, wall + 50 * MS);
    CHECK_WITHIN(ticks, 20, wall / (10 * MS) + 5);

    /* Sleeping 200 ms costs (almost) no CPU time. */
    process = clock_us(CLOCK_PROCESS_CPUTIME_ID);
    thread = clock_us(CLOCK_THREAD_CPUTIME_ID);
    sleep_ms(200);
    CHECK_WITHIN(clock_us(CLOCK_PROCESS_CPUTIME_ID) - process, 0, 50 * MS);
    CHECK_WITHIN(clock_us(CLOCK_THREAD_CPUTIME_ID) - thread, 0, 50 * MS);

    /* times() returns clock ticks of wall time. */
    clock_t start = times(NULL);
    sleep_ms(100);
    CHECK_WITHIN(times(NULL) - start, 5, 50);

    /* The clocks of the caller read like the CPU-time clocks. */
    clockid_t clock;
    CHECK_EQ(clock_getcpuclockid(getpid(), &clock), 0);
    CHECK_EQ(clock_getres(clock, &resolution), 0);
    CHECK_WITHIN(clock_us(clock) - clock_us(CLOCK_PROCESS_CPUTIME_ID),
                 -50 * MS, 50 * MS);
    CHECK_EQ(pthread_getcpuclockid(pthread_self(), &clock), 0);
    CHECK_WITHIN(clock_us(clock) - clock_us(CLOCK_THREAD_CPUTIME_ID),
                 -50 * MS, 50 * MS);
    /* Kind 3 is no CPU clock (0 PROF, 1 VIRT, 2 SCHED). */
    clockid_t invalid = (clockid_t)(((unsigned)~getpid() << 3) | 3);
    CHECK_ERRNO(clock_gettime(invalid, &resolution), EINVAL);
    CHECK_ERRNO(clock_getres(invalid, &resolution), EINVAL);

    /* A child spins 200 ms, says so, and waits for the pipe to close. */
    int ready[2], release[2];
    REQUIRE(pipe(ready) == 0 && pipe(release) == 0);
    long long forked = clock_us(CLOCK_MONOTONIC);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte = 'r';
        close(ready[0]);
        close(release[1]);
        spin_ms(200);
        if (write(ready[1], &byte, 1) != 1 || read(release[0], &byte, 1) != 0)
            _exit(1);
        _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(clock_getcpuclockid(child, &clock), 0);
    long long child_time = clock_us(clock);
    CHECK_WITHIN(child_time, 150 * MS,
                 clock_us(CLOCK_MONOTONIC) - forked + 50 * MS);
    /* Ended but not reaped: not yet the children's time. */
    close(release[1]);
    siginfo_t info;
    CHECK_EQ(waitid(P_PID, child, &info, WEXITED | WNOWAIT), 0);
    CHECK_EQ(tms_children(), children_ticks);
    CHECK_EQ(usage_us(RUSAGE_CHILDREN), children);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_WITHIN(tms_children() - children_ticks, 15, 100);
    CHECK_WITHIN(usage_us(RUSAGE_CHILDREN) - children, 150 * MS, 1000 * MS);
    close(ready[0]);

    /* A second thread's own time, part of the process's. */
    pthread_t second;
    REQUIRE(pthread_create(&second, NULL, spinning_thread, NULL) == 0);
    CHECK_EQ(pthread_join(second, NULL), 0);
    self = usage_us(RUSAGE_SELF);
    CHECK_WITHIN(thread_usage, 150 * MS, self - 1);
    CHECK(self >= 350 * MS);
    CHECK_ERRNO(getrusage(5, &(struct rusage){0}), EINVAL);

    /* A pid that no longer exists: its clock is EINVAL, which musl 1.2.3's
     * clock_getcpuclockid returns as it is (POSIX says ESRCH). */
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(0);
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(clock_getcpuclockid(child, &clock), EINVAL);
    clockid_t gone = (clockid_t)(((unsigned)~child << 3) | 2);
    CHECK_ERRNO(clock_gettime(gone, &resolution), EINVAL);

    cpu_time_timers();
    printf("CPU-time clocks, times() and getrusage follow spinning, not sleeping\n");
    return check_finish("misc_cpu_time");
}
