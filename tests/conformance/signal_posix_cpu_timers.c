/* POSIX timers on CPU-time clocks: timer_create on CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID and clock_getcpuclockid's clock of the process
 * (and pthread_getcpuclockid's of a thread); a timer of 50 ms of CPU time
 * does not fire while the process sleeps, fires once it has used that
 * much (SI_TIMER, the value, the id), and timer_gettime counts CPU time
 * down; an interval keeps firing as CPU time goes on; TIMER_ABSTIME is an
 * instant of CPU time (one already past fires at once); a thread's timer
 * counts only that thread's time (another thread spinning does not fire
 * it); SIGEV_NONE reads 0 once expired; timer_delete. Times are checked
 * within generous bounds. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "signals.h"

#define MS 1000000ll
#define NS 1000000000ll

static volatile sig_atomic_t fired;
static volatile int fired_value, fired_code;

static void on_timer(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)context;
    fired++;
    fired_value = info->si_value.sival_int;
    fired_code = info->si_code;
}

static long long cpu_ns(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec * NS + now.tv_nsec;
}

static long long wall_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * NS + now.tv_nsec;
}

/* Spins until the handler ran count times, or 5 s of wall time passed. */
static void spin_until_fired(int count)
{
    long long give_up = wall_ns() + 5 * NS;
    while (fired < count && wall_ns() < give_up)
        continue;
}

static timer_t make(clockid_t clock, int notify, int value)
{
    struct sigevent event = {.sigev_notify = notify, .sigev_signo = SIGUSR1,
                             .sigev_value.sival_int = value};
    timer_t timer = 0;
    CHECK_OK(timer_create(clock, &event, &timer));
    return timer;
}

static void arm(timer_t timer, int flags, long long value, long long interval)
{
    struct itimerspec setting = {{interval / NS, interval % NS}, {value / NS, value % NS}};
    CHECK_OK(timer_settime(timer, flags, &setting, NULL));
}

static long long left(timer_t timer)
{
    struct itimerspec now;
    if (timer_gettime(timer, &now) != 0)
        return -1;
    return now.it_value.tv_sec * NS + now.it_value.tv_nsec;
}

static void process_timer(clockid_t clock, int value)
{
    fired = 0;
    timer_t timer = make(clock, SIGEV_SIGNAL, value);
    arm(timer, 0, 50 * MS, 0);
    sleep_milliseconds(300);             /* sleeping uses no CPU time */
    CHECK_EQ(fired, 0);
    long long remaining = left(timer);
    CHECK(remaining > 20 * MS && remaining <= 50 * MS);
    long long before = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    spin_until_fired(1);
    CHECK_EQ(fired, 1);
    CHECK_EQ(fired_value, value);
    CHECK_EQ(fired_code, SI_TIMER);
    CHECK(cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - before >= 20 * MS);
    CHECK_EQ(left(timer), 0);
    CHECK_OK(timer_delete(timer));
}

static void intervals_and_instants(void)
{
    fired = 0;
    timer_t timer = make(CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, 7);
    arm(timer, 0, 20 * MS, 20 * MS);
    spin_until_fired(3);
    CHECK(fired >= 3);
    struct itimerspec now;
    CHECK_OK(timer_gettime(timer, &now));
    CHECK_EQ(now.it_interval.tv_nsec, 20 * MS);
    CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec <= 20 * MS);
    arm(timer, 0, 0, 0);                 /* disarmed */
    CHECK_EQ(left(timer), 0);

    /* An instant of CPU time already past: at once. */
    fired = 0;
    arm(timer, TIMER_ABSTIME, 1, 0);
    spin_until_fired(1);
    CHECK_EQ(fired, 1);
    /* One 40 ms ahead of the CPU time used so far. */
    fired = 0;
    arm(timer, TIMER_ABSTIME, cpu_ns(CLOCK_PROCESS_CPUTIME_ID) + 40 * MS, 0);
    CHECK(left(timer) > 0 && left(timer) <= 40 * MS);
    spin_until_fired(1);
    CHECK_EQ(fired, 1);
    CHECK_OK(timer_delete(timer));

    /* SIGEV_NONE: nothing sent, 0 left once expired. */
    fired = 0;
    timer_t quiet = make(CLOCK_PROCESS_CPUTIME_ID, SIGEV_NONE, 0);
    arm(quiet, 0, 20 * MS, 0);
    long long give_up = wall_ns() + 5 * NS;
    while (left(quiet) > 0 && wall_ns() < give_up)
        continue;
    CHECK_EQ(left(quiet), 0);
    CHECK_EQ(fired, 0);
    CHECK_OK(timer_delete(quiet));
}

static volatile int spinner_stop;

static void *spinner(void *argument)
{
    (void)argument;
    while (!spinner_stop)
        continue;
    return NULL;
}

static void thread_timers(void)
{
    /* The main thread's clock: another thread spinning does not move it. */
    fired = 0;
    spinner_stop = 0;
    pthread_t other;
    REQUIRE(pthread_create(&other, NULL, spinner, NULL) == 0);
    clockid_t other_clock;
    CHECK_EQ(pthread_getcpuclockid(other, &other_clock), 0);
    timer_t mine = make(CLOCK_THREAD_CPUTIME_ID, SIGEV_SIGNAL, 3);
    arm(mine, 0, 50 * MS, 0);
    sleep_milliseconds(300);
    CHECK_EQ(fired, 0);
    /* The spinning thread's clock: its timer fires while this one sleeps. */
    timer_t theirs = make(other_clock, SIGEV_SIGNAL, 4);
    arm(theirs, 0, 30 * MS, 0);
    long long give_up = wall_ns() + 5 * NS;
    while (fired < 1 && wall_ns() < give_up)
        sleep_milliseconds(10);
    CHECK_EQ(fired, 1);
    CHECK_EQ(fired_value, 4);
    spinner_stop = 1;
    pthread_join(other, NULL);
    /* Now this thread's own time fires its timer. */
    spin_until_fired(2);
    CHECK_EQ(fired, 2);
    CHECK_EQ(fired_value, 3);
    CHECK_OK(timer_delete(mine));
    CHECK_OK(timer_delete(theirs));
}

int main(void)
{
    struct sigaction action = {.sa_sigaction = on_timer, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
    process_timer(CLOCK_PROCESS_CPUTIME_ID, 11);
    clockid_t own;
    CHECK_EQ(clock_getcpuclockid(0, &own), 0);
    process_timer(own, 12);
    intervals_and_instants();
    thread_timers();
    return check_finish("signal_posix_cpu_timers");
}
