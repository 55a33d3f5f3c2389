/* POSIX timers through musl (timer_t is the kernel's id but for
 * SIGEV_THREAD): a process's first timers are 0 and 1; a NULL sigevent is
 * SIGALRM with the id as value. Bad clock, signal 0 or 65, sigev_notify 99
 * (musl and raw), SIGEV_THREAD_ID to no thread or with signal 0: EINVAL;
 * CLOCK_MONOTONIC_RAW: EOPNOTSUPP; SIGEV_NONE ignores its signal number.
 * timer_settime: tv_nsec 1e9 (value or interval), tv_sec < 0, no new value
 * EINVAL; unknown flags ignored; the old setting returned; a zero value
 * disarms, interval and all. timer_gettime: zeros when disarmed, else the
 * time left and the exact interval. A bad or deleted id is EINVAL for
 * every call (musl's timer_delete returns -EINVAL, errno untouched). A past
 * absolute instant fires at once. Signals carry SI_TIMER, the value, the
 * id in si_timerid, si_overrun 0; a blocked 1 ms interval timer's signal
 * is queued once with the expiries missed in si_overrun (Linux: ~100 after
 * 100 ms, ~50 after 50 more; here >= 50 and >= 10, and at most one per ms
 * that passed), as timer_getoverrun gives after the take (0 before).
 * SIGEV_NONE sends nothing, reads 0 once expired, keeps an interval
 * running. SIGEV_THREAD_ID: another thread waiting does not get it. musl's
 * SIGEV_THREAD calls the function with the value in another thread per
 * expiry (>= 5 in 200 ms at 10 ms). A forked child has no timers and
 * starts at id 0; execve deletes them (an armed one sends nothing). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"
#include "signals.h"

#define NS 1000000000ll
#define MS 1000000ll
#define SIGRT1 (SIGRTMIN + 1)

static long long nanoseconds(struct timespec time)
{
    return time.tv_sec * NS + time.tv_nsec;
}

static long long now(void)
{
    struct timespec time = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return nanoseconds(time);
}

/* timer_gettime's value and interval in ns (-1 s if it failed). */
static struct itimerspec get(timer_t timer)
{
    struct itimerspec current = {{-1, 0}, {-1, 0}};
    timer_gettime(timer, &current);
    return current;
}
#define remaining(timer) nanoseconds(get(timer).it_value)
#define interval(timer) nanoseconds(get(timer).it_interval)

/* The kernel's id in musl's timer_t (but for SIGEV_THREAD timers). */
#define ID(timer) ((int)(intptr_t)(timer))

/* timer_create's result, for the calls that should fail. */
static int create(clockid_t clock, int notify, int signo, pid_t thread)
{
    struct sigevent event = {.sigev_notify = notify, .sigev_signo = signo};
    event.sigev_notify_thread_id = thread;
    timer_t timer = 0;
    return timer_create(clock, &event, &timer);
}

static timer_t make(clockid_t clock, int notify, int signo, int value)
{
    struct sigevent event = {.sigev_notify = notify, .sigev_signo = signo,
                             .sigev_value.sival_int = value};
    timer_t timer = 0;
    REQUIRE(timer_create(clock, &event, &timer) == 0);
    return timer;
}

static int arm(timer_t timer, int flags, long long value_ns, long long interval_ns)
{
    struct itimerspec setting = {{interval_ns / NS, interval_ns % NS},
                                 {value_ns / NS, value_ns % NS}};
    return timer_settime(timer, flags, &setting, NULL);
}

/* The signal's number, or -1 (EAGAIN) when none came in time. */
static int take(int signo, long long timeout_ns, siginfo_t *info)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    struct timespec timeout = {timeout_ns / NS, timeout_ns % NS};
    memset(info, 0, sizeof *info);
    return sigtimedwait(&set, info, &timeout);
}

static void check_timer_signal(const siginfo_t *info, int signo, timer_t timer,
                               int value)
{
    CHECK_EQ(info->si_signo, signo);
    CHECK_EQ(info->si_code, SI_TIMER);
    CHECK_EQ(info->si_value.sival_int, value);
    CHECK_EQ(info->si_timerid, ID(timer));
}

static void creation(void)
{
    timer_t first = 0, second = 0;
    CHECK_EQ(timer_create(CLOCK_MONOTONIC, NULL, &first), 0);
    CHECK_EQ(timer_create(CLOCK_REALTIME, NULL, &second), 0);
    CHECK_EQ(ID(first), 0);
    CHECK_EQ(ID(second), 1);
    siginfo_t info;
    CHECK_EQ(arm(second, 0, 10 * MS, 0), 0);
    CHECK_EQ(take(SIGALRM, 5 * NS, &info), SIGALRM);
    check_timer_signal(&info, SIGALRM, second, 1);
    CHECK_EQ(info.si_overrun, 0);

    CHECK_EQ(create(CLOCK_BOOTTIME, SIGEV_SIGNAL, SIGUSR1, 0), 0);
    CHECK_EQ(create(CLOCK_MONOTONIC, SIGEV_NONE, 65, 0), 0);
    CHECK_ERRNO(create(12345, SIGEV_SIGNAL, SIGUSR1, 0), EINVAL);
    CHECK_ERRNO(create(CLOCK_MONOTONIC_RAW, SIGEV_SIGNAL, SIGUSR1, 0), EOPNOTSUPP);
    CHECK_ERRNO(create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 0), EINVAL);
    CHECK_ERRNO(create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 65, 0), EINVAL);
    CHECK_ERRNO(create(CLOCK_MONOTONIC, 99, SIGUSR1, 0), EINVAL);
    struct sigevent event = {.sigev_notify = 99, .sigev_signo = SIGUSR1};
    int raw_id = -1;
    CHECK_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, &event, &raw_id), EINVAL);
    /* A thread that cannot exist (above any pid_max), or no signal. */
    CHECK_ERRNO(create(CLOCK_MONOTONIC, SIGEV_THREAD_ID, SIGUSR1, 0x3fffffff), EINVAL);
    CHECK_ERRNO(create(CLOCK_MONOTONIC, SIGEV_THREAD_ID, 0, gettid()), EINVAL);
}

static void setting(void)
{
    timer_t timer = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
    CHECK(remaining(timer) == 0 && interval(timer) == 0);
    struct itimerspec bad_value = {{0, 0}, {0, NS}}, bad_interval = {{0, NS}, {1, 0}};
    struct itimerspec negative = {{0, 0}, {-1, 0}}, current;
    CHECK_ERRNO(timer_settime(timer, 0, &bad_value, NULL), EINVAL);
    CHECK_ERRNO(timer_settime(timer, 0, &bad_interval, NULL), EINVAL);
    CHECK_ERRNO(timer_settime(timer, 0, &negative, NULL), EINVAL);
    CHECK_ERRNO(timer_settime(timer, 0, NULL, NULL), EINVAL);

    CHECK_EQ(arm(timer, 0x100, 10 * NS, 2 * NS), 0);    /* unknown flag */
    CHECK(remaining(timer) > 5 * NS && remaining(timer) <= 10 * NS);
    CHECK_EQ(interval(timer), 2 * NS);
    struct itimerspec disarm = {{1, 0}, {0, 0}}, old;
    CHECK_EQ(timer_settime(timer, 0, &disarm, &old), 0);
    CHECK(nanoseconds(old.it_value) > 5 * NS && nanoseconds(old.it_value) <= 10 * NS);
    CHECK_EQ(nanoseconds(old.it_interval), 2 * NS);
    CHECK(remaining(timer) == 0 && interval(timer) == 0);

    timer_t bad = (timer_t)1234;
    CHECK_ERRNO(arm(bad, 0, NS, 0), EINVAL);
    CHECK_ERRNO(timer_gettime(bad, &current), EINVAL);
    CHECK_ERRNO(timer_getoverrun(bad), EINVAL);
    CHECK_EQ(timer_delete(bad), -EINVAL);
    CHECK_EQ(timer_delete(timer), 0);
    CHECK_ERRNO(timer_gettime(timer, &current), EINVAL);
    CHECK_EQ(timer_delete(timer), -EINVAL);

    /* An absolute instant already past, on the realtime clock. */
    timer = make(CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR1, 5);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    long long start = now();
    CHECK_EQ(arm(timer, TIMER_ABSTIME, nanoseconds(wall) - NS, 0), 0);
    siginfo_t info;
    CHECK_EQ(take(SIGUSR1, 5 * NS, &info), SIGUSR1);
    CHECK(now() - start < NS);
    check_timer_signal(&info, SIGUSR1, timer, 5);
    CHECK_EQ(timer_delete(timer), 0);
}

static void delivery(void)
{
    timer_t timer = make(CLOCK_BOOTTIME, SIGEV_SIGNAL, SIGRT1, 42);
    long long start = now();
    CHECK_EQ(arm(timer, 0, 50 * MS, 0), 0);
    siginfo_t info;
    CHECK_EQ(take(SIGRT1, 5 * NS, &info), SIGRT1);
    CHECK(now() - start >= 45 * MS);
    check_timer_signal(&info, SIGRT1, timer, 42);
    CHECK_EQ(info.si_overrun, 0);
    CHECK(remaining(timer) == 0 && interval(timer) == 0);
    CHECK_EQ(timer_delete(timer), 0);
}

static void overruns(void)
{
    timer_t timer = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRT1, 43);
    long long start = now();
    CHECK_EQ(arm(timer, 0, MS, MS), 0);
    sleep_milliseconds(100);
    CHECK_EQ(timer_getoverrun(timer), 0);
    siginfo_t info;
    CHECK_EQ(take(SIGRT1, 5 * NS, &info), SIGRT1);
    long long passed = now() - start;
    check_timer_signal(&info, SIGRT1, timer, 43);
    CHECK(info.si_overrun >= 50 && info.si_overrun <= passed / MS);
    CHECK_EQ(timer_getoverrun(timer), info.si_overrun);

    /* Rearmed at the take: the next signal counts from there. */
    start = now();
    sleep_milliseconds(50);
    CHECK_EQ(take(SIGRT1, 5 * NS, &info), SIGRT1);
    passed = now() - start;
    CHECK(info.si_overrun >= 10 && info.si_overrun <= passed / MS + 1);
    CHECK_EQ(timer_getoverrun(timer), info.si_overrun);
    CHECK_EQ(arm(timer, 0, 0, 0), 0);
    while (take(SIGRT1, 0, &info) == SIGRT1)   /* one may be pending */
        continue;
    CHECK_EQ(timer_delete(timer), 0);
}

static void no_signal(void)
{
    timer_t running = make(CLOCK_MONOTONIC, SIGEV_NONE, SIGUSR2, 0);
    timer_t expiring = make(CLOCK_MONOTONIC, SIGEV_NONE, SIGUSR2, 0);
    timer_t periodic = make(CLOCK_MONOTONIC, SIGEV_NONE, SIGUSR2, 0);
    CHECK_EQ(arm(running, 0, 10 * NS, 0), 0);
    CHECK_EQ(arm(expiring, 0, 20 * MS, 0), 0);
    CHECK_EQ(arm(periodic, 0, 10 * MS, 10 * MS), 0);
    sleep_milliseconds(100);
    CHECK(remaining(running) > 5 * NS && remaining(running) <= 10 * NS);
    CHECK(remaining(expiring) == 0 && interval(expiring) == 0);
    CHECK(remaining(periodic) > 0 && remaining(periodic) <= 10 * MS);
    CHECK_EQ(interval(periodic), 10 * MS);
    sigset_t pending;
    sigemptyset(&pending);
    CHECK_EQ(sigpending(&pending), 0);
    CHECK_EQ(signal_bits(&pending), 0);
    CHECK_EQ(timer_delete(running) | timer_delete(expiring) | timer_delete(periodic), 0);
}

/* Waits for the signal that is meant for the main thread only. */
static void *other_waiter(void *unused)
{
    siginfo_t info;
    (void)unused;
    return (void *)(intptr_t)take(SIGRT1, 500 * MS, &info);
}

static void thread_id(void)
{
    struct sigevent event = {.sigev_notify = SIGEV_THREAD_ID,
                             .sigev_signo = SIGRT1,
                             .sigev_value.sival_int = 44};
    event.sigev_notify_thread_id = gettid();
    timer_t timer = 0;
    REQUIRE(timer_create(CLOCK_MONOTONIC, &event, &timer) == 0);
    pthread_t other;
    REQUIRE(pthread_create(&other, NULL, other_waiter, NULL) == 0);
    CHECK_EQ(arm(timer, 0, 50 * MS, 0), 0);
    void *result = NULL;
    CHECK_EQ(pthread_join(other, &result), 0);
    CHECK_EQ((intptr_t)result, -1);
    siginfo_t info;
    CHECK_EQ(take(SIGRT1, 5 * NS, &info), SIGRT1);
    check_timer_signal(&info, SIGRT1, timer, 44);
    CHECK_EQ(timer_delete(timer), 0);
}

static volatile int notify_calls, notify_value, notify_thread;

static void notified(union sigval value)
{
    notify_value = value.sival_int;
    notify_thread = gettid();
    notify_calls++;
}

static void thread_notify(void)
{
    struct sigevent event = {.sigev_notify = SIGEV_THREAD,
                             .sigev_value.sival_int = 7};
    event.sigev_notify_function = notified;
    timer_t timer = 0;
    REQUIRE(timer_create(CLOCK_MONOTONIC, &event, &timer) == 0);
    long long start = now();
    CHECK_EQ(arm(timer, 0, 10 * MS, 10 * MS), 0);
    CHECK_EQ(interval(timer), 10 * MS);
    sleep_milliseconds(200);
    CHECK_EQ(timer_delete(timer), 0);
    int calls = notify_calls;
    long long passed = now() - start;
    CHECK(calls >= 5 && calls <= passed / (10 * MS));
    CHECK_EQ(notify_value, 7);
    CHECK(notify_thread != 0 && notify_thread != gettid());
}

/* The second role: no timers, and the SIGTERM due 300 ms after the
 * fork's child armed it does not come. */
static int after_exec(void)
{
    struct itimerspec current;
    CHECK_ERRNO(timer_gettime((timer_t)0, &current), EINVAL);
    sleep_milliseconds(600);
    return check_failures == 0 ? 0 : 1;
}

static void fork_and_exec(char *self)
{
    timer_t parents = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
    CHECK_EQ(arm(parents, 0, 10 * NS, 0), 0);
    pid_t child = fork();
    if (child == 0) {
        struct itimerspec current;
        CHECK_ERRNO(timer_gettime(parents, &current), EINVAL);
        CHECK_ERRNO(timer_gettime((timer_t)0, &current), EINVAL);
        timer_t own = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGTERM, 0);
        CHECK_EQ(ID(own), 0);
        CHECK_EQ(arm(own, 0, 300 * MS, 0), 0);
        if (check_failures == 0)
            execl(self, self, "--after-exec", (char *)NULL);
        _exit(1);
    }
    CHECK(exited_with(child, 0));
    CHECK_EQ(timer_delete(parents), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec();
    sigset_t blocked;
    sigemptyset(&blocked);
    int signals[] = {SIGALRM, SIGUSR1, SIGUSR2, SIGRT1};
    for (int i = 0; i < 4; i++)
        sigaddset(&blocked, signals[i]);
    REQUIRE(sigprocmask(SIG_BLOCK, &blocked, NULL) == 0);
    creation();
    setting();
    delivery();
    overruns();
    no_signal();
    thread_id();
    thread_notify();
    fork_and_exec(argv[0]);
    return check_finish("signal_posix_timers");
}
