/* timerfd without long waits: timerfd_create's clocks (REALTIME, MONOTONIC,
 * BOOTTIME; the alarm clocks for root, EPERM for others; CPU-time, raw,
 * coarse, TAI and bogus ids EINVAL) and flags (F_GETFL shows O_RDWR, plus
 * O_NONBLOCK for TFD_NONBLOCK; TFD_CLOEXEC as FD_CLOEXEC; others EINVAL);
 * timerfd_settime's errors (bad flags or timespecs EINVAL before the fd is
 * looked at, NULL EFAULT, a pipe or an eventfd EINVAL, a closed fd EBADF)
 * and old value; timerfd_gettime (zeros disarmed or spent, the time left
 * within bounds and the interval exactly, the interval kept when a zero
 * it_value disarms); a 1 ms one-shot reads 1 then EAGAIN, a 1 ms interval
 * counts at most the milliseconds passed; TFD_TIMER_ABSTIME in the past
 * (MONOTONIC 1 ns, REALTIME 1 s) expires at once and once, in the future
 * counts from now; a settime clears the count; reads under 8 bytes and
 * writes EINVAL, lseek returns 0, pread and pwrite ESPIPE, FIONREAD ENOTTY;
 * poll and select (POLLIN only, after the expiry); TFD_IOC_SET_TICKS
 * replaces the count (0 EINVAL, NULL EFAULT); fstat (mode 0600); dup and
 * fork share the timer and O_NONBLOCK; close-on-exec across execve of
 * argv[0], a kept timer still armed after it. */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"
#include "event.h"

#define TFD_IOC_SET_TICKS 0x40085400   /* _IOW('T', 0, uint64_t) */
#define NS 1000000000ll
#define MS 1000000ll

static struct itimerspec spec(long long value_ns, long long interval_ns)
{
    struct itimerspec result = {{interval_ns / NS, interval_ns % NS},
                                {value_ns / NS, value_ns % NS}};
    return result;
}

static long long ns(struct timespec time)
{
    return time.tv_sec * NS + time.tv_nsec;
}

static long long now(clockid_t clock)
{
    struct timespec time = {0, 0};
    clock_gettime(clock, &time);
    return ns(time);
}

static int arm(int fd, int flags, long long value_ns, long long interval_ns)
{
    struct itimerspec new_value = spec(value_ns, interval_ns);
    return timerfd_settime(fd, flags, &new_value, NULL);
}

/* Whether a timer's value lies in [low, high] and its interval is exact. */
static int within(struct itimerspec timer, long long low, long long high,
                  long long interval_ns)
{
    long long value = ns(timer.it_value);
    return value >= low && value <= high && ns(timer.it_interval) == interval_ns;
}

/* timerfd_gettime's answer (-1 s and -1 s if it fails). */
static struct itimerspec current(int fd)
{
    struct itimerspec timer = spec(-NS, -NS);
    timerfd_gettime(fd, &timer);
    return timer;
}

static long set_ticks(int fd, uint64_t ticks)
{
    return ioctl(fd, TFD_IOC_SET_TICKS, &ticks);
}

static int created(clockid_t clock)
{
    int fd = timerfd_create(clock, 0);
    return fd >= 0 && close(fd) == 0;
}

static void test_clocks_and_flags(void)
{
    const clockid_t good[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                              CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM};
    for (int i = 0; i < 5; i++)
        CHECK(created(good[i]));
    const clockid_t bad[] = {CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                             CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                             CLOCK_MONOTONIC_COARSE, CLOCK_TAI, 12, -1};
    for (int i = 0; i < 8; i++)
        CHECK_ERRNO(timerfd_create(bad[i], 0), EINVAL);
    pid_t child = fork();
    if (child == 0) {
        REQUIRE(setgid(65534) == 0 && setuid(65534) == 0);
        CHECK_ERRNO(timerfd_create(CLOCK_REALTIME_ALARM, 0), EPERM);
        CHECK_ERRNO(timerfd_create(CLOCK_BOOTTIME_ALARM, 0), EPERM);
        CHECK_ERRNO(timerfd_create(CLOCK_BOOTTIME_ALARM, O_APPEND), EINVAL);
        CHECK(created(CLOCK_MONOTONIC));
        check_child_exit();
    }
    check_child_passed(child);

    int plain = timerfd_create(CLOCK_MONOTONIC, 0);
    REQUIRE(plain >= 0);
    CHECK_EQ(fcntl(plain, F_GETFD), 0);
    CHECK_EQ(fcntl(plain, F_GETFL), O_RDWR);
    int both = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK_EQ(fcntl(both, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(both, F_GETFL), O_RDWR | O_NONBLOCK);
    close(both);
    CHECK_ERRNO(timerfd_create(CLOCK_MONOTONIC, O_APPEND), EINVAL);
    CHECK_ERRNO(timerfd_create(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME), EINVAL);
    CHECK_ERRNO(timerfd_create(-1, O_APPEND), EINVAL);
    int next = dup(0);
    CHECK_EQ(next, both);                /* nothing leaked */
    close(next);
    close(plain);
}

static void test_settime_errors(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec zero = spec(0, 0), old;
    CHECK_ERRNO(timerfd_settime(fd, 4, &zero, NULL), EINVAL);
    CHECK_OK(timerfd_settime(fd, TFD_TIMER_CANCEL_ON_SET, &zero, NULL));
    const struct itimerspec invalid[] = {
        {{0, 0}, {-1, 0}}, {{0, 0}, {0, -1}}, {{0, 0}, {0, NS}},
        {{-1, 0}, {1, 0}}, {{0, NS}, {1, 0}},
    };
    for (int i = 0; i < 5; i++)
        CHECK_ERRNO(timerfd_settime(fd, 0, &invalid[i], NULL), EINVAL);
    CHECK_ERRNO(timerfd_settime(fd, 0, NULL, NULL), EFAULT);
    CHECK_ERRNO(timerfd_settime(fd, 0, &zero, (struct itimerspec *)8), EFAULT);
    CHECK_ERRNO(timerfd_gettime(fd, NULL), EFAULT);

    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    int counter = eventfd(0, 0);
    CHECK_ERRNO(timerfd_settime(pipe_ends[0], 0, &zero, NULL), EINVAL);
    CHECK_ERRNO(timerfd_gettime(pipe_ends[0], &old), EINVAL);
    CHECK_ERRNO(timerfd_settime(counter, 0, &zero, NULL), EINVAL);
    CHECK_ERRNO(timerfd_gettime(counter, &old), EINVAL);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    close(counter);
    CHECK_ERRNO(timerfd_settime(counter, 0, &zero, NULL), EBADF);
    CHECK_ERRNO(timerfd_gettime(counter, &old), EBADF);
    CHECK_ERRNO(timerfd_settime(counter, 0, &invalid[0], NULL), EINVAL);
    CHECK_ERRNO(timerfd_settime(counter, 4, &zero, NULL), EINVAL);
    close(fd);
}

static void test_gettime_and_old_value(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK(within(current(fd), 0, 0, 0));
    struct itimerspec new_value = spec(10 * NS, 3 * NS), old = spec(1, 1);
    CHECK_EQ(timerfd_settime(fd, 0, &new_value, &old), 0);
    CHECK(within(old, 0, 0, 0));
    CHECK(within(current(fd), 9 * NS, 10 * NS, 3 * NS));
    new_value = spec(20 * NS, 0);
    CHECK_EQ(timerfd_settime(fd, 0, &new_value, &old), 0);
    CHECK(within(old, 9 * NS, 10 * NS, 3 * NS));
    /* A zero it_value disarms; the interval given is still reported. */
    new_value = spec(0, 5 * NS);
    CHECK_EQ(timerfd_settime(fd, 0, &new_value, &old), 0);
    CHECK(within(old, 19 * NS, 20 * NS, 0));
    CHECK(within(current(fd), 0, 0, 5 * NS));
    CHECK_EQ(arm(fd, 0, 0, 0), 0);
    CHECK(within(current(fd), 0, 0, 0));
    close(fd);
}

static void test_expirations(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK_EQ(arm(fd, 0, MS, 0), 0);
    CHECK_EQ(get(fd), 1);                /* waits */
    CHECK_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    uint64_t count = 0;
    CHECK_ERRNO(read(fd, &count, sizeof count), EAGAIN);
    CHECK(within(current(fd), 0, 0, 0));  /* a spent one-shot */

    /* About 50 ms of a 1 ms interval: at least 20 expirations, at most
     * one per millisecond that really passed (TCG may oversleep). */
    long long start = now(CLOCK_MONOTONIC);
    CHECK_EQ(arm(fd, 0, MS, MS), 0);
    struct timespec pause = {0, 50 * MS};
    nanosleep(&pause, NULL);
    count = get(fd);
    long long passed = now(CLOCK_MONOTONIC) - start;
    CHECK(count >= 20 && (long long)count <= passed / MS + 1);
    CHECK(within(current(fd), 0, MS, MS));  /* 0 if due, not yet run */

    /* Absolute instants in the past expire at once, and only once; poll
     * gives them half a second. */
    struct pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(arm(fd, TFD_TIMER_ABSTIME, 1, 0), 0);
    CHECK_EQ(poll(&entry, 1, 500), 1);
    CHECK_EQ(get(fd), 1);
    int realtime = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    CHECK_EQ(arm(realtime, TFD_TIMER_ABSTIME, NS, 0), 0);
    entry.fd = realtime;
    CHECK_EQ(poll(&entry, 1, 500), 1);
    CHECK_EQ(get(realtime), 1);
    CHECK_ERRNO(read(realtime, &count, sizeof count), EAGAIN);

    /* Expired, then set again: the count is gone. And an absolute instant
     * 10 s ahead on the timer's clock is 10 s away. */
    CHECK_EQ(arm(realtime, TFD_TIMER_ABSTIME, NS, 0), 0);
    CHECK_EQ(poll(&entry, 1, 500), 1);
    CHECK_EQ(arm(realtime, TFD_TIMER_ABSTIME, now(CLOCK_REALTIME) + 10 * NS, 0), 0);
    CHECK_ERRNO(read(realtime, &count, sizeof count), EAGAIN);
    CHECK(within(current(realtime), 9 * NS, 10 * NS, 0));
    CHECK_EQ(arm(fd, TFD_TIMER_ABSTIME, now(CLOCK_MONOTONIC) + 10 * NS, 0), 0);
    CHECK(within(current(fd), 9 * NS, 10 * NS, 0));
    close(realtime);
    close(fd);
}

static void test_io_and_poll(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);  /* blocking: EINVAL first */
    char buffer[16];
    CHECK_ERRNO(read(fd, buffer, 7), EINVAL);
    CHECK_ERRNO(read(fd, buffer, 0), EINVAL);
    uint64_t count = 1;
    CHECK_ERRNO(write(fd, &count, sizeof count), EINVAL);
    CHECK_EQ(lseek(fd, 5, SEEK_SET), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 0);
    CHECK_ERRNO(pread(fd, &count, sizeof count, 0), ESPIPE);
    CHECK_ERRNO(pwrite(fd, &count, sizeof count, 0), ESPIPE);
    CHECK_ERRNO(ioctl(fd, FIONREAD, &count), ENOTTY);
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    CHECK_EQ(status.st_mode, 0600);      /* no S_IFMT bits */
    CHECK_EQ(status.st_nlink, 1);
    CHECK_EQ(status.st_size, 0);

    /* Armed 10 s ahead: neither readable nor writable. */
    struct pollfd entry = {fd, POLLIN | POLLOUT | POLLPRI, 0};
    CHECK_EQ(arm(fd, 0, 10 * NS, 0), 0);
    CHECK_EQ(poll(&entry, 1, 0), 0);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    struct timeval zero = {0, 0};
    CHECK_EQ(select(fd + 1, &readable, NULL, NULL, &zero), 0);
    CHECK_EQ(arm(fd, 0, 50 * MS, 0), 0);
    CHECK_EQ(poll(&entry, 1, 5000), 1);
    CHECK_EQ(entry.revents, POLLIN);
    FD_SET(fd, &readable);
    CHECK_EQ(select(fd + 1, &readable, NULL, NULL, &zero), 1);
    CHECK(FD_ISSET(fd, &readable));
    CHECK_EQ(read(fd, buffer, sizeof buffer), 8);  /* 8 of 16 */
    memcpy(&count, buffer, sizeof count);
    CHECK_EQ(count, 1);
    CHECK_EQ(poll(&entry, 1, 0), 0);
    close(fd);
}

static void test_set_ticks(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHECK_ERRNO(set_ticks(fd, 0), EINVAL);
    CHECK_ERRNO(ioctl(fd, TFD_IOC_SET_TICKS, NULL), EFAULT);
    CHECK_EQ(set_ticks(fd, 5), 0);       /* disarmed, yet readable */
    struct pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, 0), 1);
    CHECK_EQ(set_ticks(fd, 2), 0);       /* replaces the 5 */
    CHECK_EQ(get(fd), 2);
    uint64_t count;
    CHECK_ERRNO(read(fd, &count, sizeof count), EAGAIN);
    CHECK_EQ(set_ticks(fd, 3), 0);
    CHECK_EQ(arm(fd, 0, 10 * NS, 0), 0);  /* a settime clears them */
    CHECK_ERRNO(read(fd, &count, sizeof count), EAGAIN);
    close(fd);
}

static void test_sharing(void)
{
    int fd = timerfd_create(CLOCK_BOOTTIME, 0);
    int copy = dup(fd);
    CHECK_EQ(arm(copy, 0, 10 * NS, 7 * NS), 0);
    CHECK(within(current(fd), 9 * NS, 10 * NS, 7 * NS));
    CHECK_EQ(fcntl(copy, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK);
    CHECK_EQ(set_ticks(fd, 4), 0);
    CHECK_EQ(get(copy), 4);
    CHECK_EQ(get(fd), 0);
    CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);
    close(copy);

    CHECK_EQ(arm(fd, 0, MS, 0), 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(get(fd), 1);            /* waits for the parent's timer */
        CHECK_EQ(arm(fd, 0, 10 * NS, 6 * NS), 0);
        CHECK_EQ(set_ticks(fd, 8), 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(get(fd), 8);
    CHECK(within(current(fd), 9 * NS, 10 * NS, 6 * NS));
    close(fd);
}

/* The second role: argv = self --after-exec CLOSED KEPT. */
static int after_exec(char **argv)
{
    int closed = atoi(argv[2]), kept = atoi(argv[3]);
    CHECK_ERRNO(fcntl(closed, F_GETFD), EBADF);
    CHECK_EQ(fcntl(kept, F_GETFD), 0);
    CHECK(within(current(kept), 5 * NS, 10 * NS, 3 * NS));
    CHECK_EQ(set_ticks(kept, 6), 0);
    return check_failures == 0 ? 0 : 1;
}

static void test_close_on_exec(const char *self)
{
    int closed = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    int kept = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHECK_EQ(arm(kept, 0, 10 * NS, 3 * NS), 0);
    char closed_number[12], kept_number[12];
    snprintf(closed_number, sizeof closed_number, "%d", closed);
    snprintf(kept_number, sizeof kept_number, "%d", kept);
    char *arguments[] = {(char *)self, "--after-exec", closed_number, kept_number, NULL};
    pid_t child = fork();
    if (child == 0) {
        execv(self, arguments);
        _exit(99);
    }
    check_child_passed(child);
    CHECK_EQ(get(kept), 6);
    CHECK_EQ(fcntl(closed, F_GETFD), FD_CLOEXEC);
    close(closed);
    close(kept);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argv);
    test_clocks_and_flags();
    test_settime_errors();
    test_gettime_and_old_value();
    test_expirations();
    test_io_and_poll();
    test_set_ticks();
    test_sharing();
    test_close_on_exec(argv[0]);
    return check_finish("event_timerfd");
}
