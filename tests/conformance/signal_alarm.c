/* SIGALRM from the real-time interval timer: alarm(1) delivers SIGALRM to
 * its handler while the process waits in pause(); alarm() returns the
 * seconds left of the previous alarm (rounded to nearest) and alarm(0)
 * cancels it; setitimer(ITIMER_REAL) with an interval fires again and
 * again, and getitimer reports it; a child does not inherit its parent's
 * timer; SIGALRM's default action kills.
 *
 * Timing is only ever checked as a bound ("at least 3 in 300 ms"), never
 * as an exact count. */
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static volatile sig_atomic_t alarm_count;

static void alarm_handler(int signo)
{
    (void)signo;
    alarm_count++;
}

static void install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = alarm_handler;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGALRM, &action, NULL) == 0);
    alarm_count = 0;
}

static long long now_milliseconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Sleep this long in total, whatever signals cut the sleeps short. */
static void sleep_through(long milliseconds)
{
    long long end = now_milliseconds() + milliseconds;
    for (;;) {
        long long left = end - now_milliseconds();
        if (left <= 0)
            return;
        struct timespec delay = {left / 1000, (left % 1000) * 1000000};
        nanosleep(&delay, NULL);
    }
}

static void test_alarm_in_pause(void)
{
    install();
    CHECK_EQ(alarm(1), 0);
    CHECK_ERRNO(pause(), EINTR);
    CHECK_EQ(alarm_count, 1);
    /* Fired: nothing left. */
    CHECK_EQ(alarm(0), 0);
}

static void test_alarm_returns_left(void)
{
    install();
    CHECK_EQ(alarm(10), 0);
    CHECK_EQ(alarm(5), 10);     /* 9.99... s left, rounded */
    CHECK_EQ(alarm(0), 5);
    CHECK_EQ(alarm(0), 0);
    struct itimerval current;
    CHECK_EQ(getitimer(ITIMER_REAL, &current), 0);
    CHECK(current.it_value.tv_sec == 0 && current.it_value.tv_usec == 0);
    CHECK_EQ(alarm_count, 0);
}

static void test_interval_timer(void)
{
    install();
    struct itimerval every_50ms = {{0, 50000}, {0, 50000}}, old;
    memset(&old, 0x55, sizeof old);
    CHECK_EQ(setitimer(ITIMER_REAL, &every_50ms, &old), 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0);
    CHECK(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 0);
    sleep_through(300);

    struct itimerval current;
    CHECK_EQ(getitimer(ITIMER_REAL, &current), 0);
    CHECK(current.it_interval.tv_sec == 0 && current.it_interval.tv_usec == 50000);
    CHECK(current.it_value.tv_sec == 0 && current.it_value.tv_usec <= 50000);

    struct itimerval stop = {{0, 0}, {0, 0}};
    CHECK_EQ(setitimer(ITIMER_REAL, &stop, &old), 0);
    CHECK(old.it_interval.tv_usec == 50000);
    CHECK(alarm_count >= 3);
    int count_when_stopped = alarm_count;
    CHECK_EQ(getitimer(ITIMER_REAL, &current), 0);
    CHECK(current.it_value.tv_sec == 0 && current.it_value.tv_usec == 0);
    CHECK(current.it_interval.tv_sec == 0 && current.it_interval.tv_usec == 0);
    sleep_through(120);
    CHECK_EQ(alarm_count, count_when_stopped);

    /* A one-shot timer (no interval) fires once. */
    install();
    struct itimerval once = {{0, 0}, {0, 20000}};
    CHECK_EQ(setitimer(ITIMER_REAL, &once, NULL), 0);
    sleep_through(150);
    CHECK_EQ(alarm_count, 1);

    /* Bad arguments. */
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    CHECK_ERRNO(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    CHECK_ERRNO(setitimer(99, &every_50ms, NULL), EINVAL);
    CHECK_ERRNO(getitimer(99, &current), EINVAL);
}

static void test_fork_and_default(void)
{
    install();
    CHECK_EQ(alarm(30), 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        /* No timer inherited. */
        CHECK_EQ(alarm(0), 0);
        check_child_exit();
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(alarm(0) > 0);

    /* The default action of SIGALRM terminates. */
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        for (;;)
            pause();
    }
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM);
}

int main(void)
{
    test_alarm_in_pause();
    test_alarm_returns_left();
    test_interval_timer();
    test_fork_and_default();
    printf("alarm and setitimer deliver SIGALRM; alarm reports what was left\n");
    return check_finish("signal_alarm");
}
