/* Setting the time of day: clock_settime's errors in Linux's order (a
 * clock that cannot be set EINVAL, a bad pointer EFAULT, a process's
 * CPU-time clock by id EPERM, an invalid time EINVAL, an unprivileged
 * caller EPERM) and
 * settimeofday's; CLOCK_REALTIME moving while CLOCK_MONOTONIC does not,
 * for this process and one started before; timers set for an instant of
 * the realtime clock moving with it (a timerfd with TFD_TIMER_ABSTIME, a
 * POSIX timer with TIMER_ABSTIME) while relative ones do not; and
 * TFD_TIMER_CANCEL_ON_SET: the next read of such a timerfd is ECANCELED
 * (poll says POLLIN first, a blocked reader is woken with it), once, and
 * the flag means nothing without TFD_TIMER_ABSTIME. The clock is put back
 * at the end. */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"
#include "event.h"

#define JUMP 100000             /* seconds forward */

static struct timespec realtime_at_start;
static long long monotonic_at_start;

static long long nanoseconds(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static struct timespec realtime_in(long seconds)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_sec += seconds;
    return now;
}

/* The clock moved forward by seconds from now. */
static int jump(long seconds)
{
    struct timespec then = realtime_in(seconds);
    return clock_settime(CLOCK_REALTIME, &then);
}

static int raw_settime(clockid_t clock, const void *time)
{
    return (int)syscall(SYS_clock_settime, clock, time);
}

static void errors(void)
{
    struct timespec now = realtime_in(0), bad = now;
    CHECK_ERRNO(raw_settime(CLOCK_MONOTONIC, &now), EINVAL);
    CHECK_ERRNO(raw_settime(CLOCK_BOOTTIME, &now), EINVAL);
    CHECK_ERRNO(raw_settime(CLOCK_REALTIME_ALARM, &now), EINVAL);
    CHECK_ERRNO(raw_settime(CLOCK_TAI, &now), EINVAL);
    CHECK_ERRNO(raw_settime(100, &now), EINVAL);
    CHECK_ERRNO(raw_settime(CLOCK_MONOTONIC, NULL), EINVAL);    /* the clock first */
    CHECK_ERRNO(raw_settime(CLOCK_REALTIME, NULL), EFAULT);
    CHECK_ERRNO(raw_settime(CLOCK_PROCESS_CPUTIME_ID, &now), EINVAL);
    CHECK_ERRNO(raw_settime(CLOCK_THREAD_CPUTIME_ID, &now), EINVAL);
    clockid_t cpu;
    CHECK_EQ(clock_getcpuclockid(getpid(), &cpu), 0);
    CHECK_ERRNO(raw_settime(cpu, NULL), EFAULT);
    CHECK_ERRNO(raw_settime(cpu, &now), EPERM);
    bad.tv_nsec = 1000000000;
    CHECK_ERRNO(raw_settime(CLOCK_REALTIME, &bad), EINVAL);
    bad.tv_nsec = -1;
    CHECK_ERRNO(raw_settime(CLOCK_REALTIME, &bad), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERRNO(raw_settime(CLOCK_REALTIME, &bad), EINVAL);
    struct timeval tv = {now.tv_sec, 1000000};
    CHECK_ERRNO(settimeofday(&tv, NULL), EINVAL);

    pid_t child = fork();
    if (child == 0) {
        CHECK_OK(setgid(1000));
        CHECK_OK(setuid(1000));
        struct timespec later = realtime_in(10);
        CHECK_ERRNO(clock_settime(CLOCK_REALTIME, &later), EPERM);
        struct timeval tv_later = {later.tv_sec, 0};
        CHECK_ERRNO(settimeofday(&tv_later, NULL), EPERM);
        bad = later;
        bad.tv_nsec = -1;
        CHECK_ERRNO(clock_settime(CLOCK_REALTIME, &bad), EINVAL);  /* before EPERM */
        check_child_exit();
    }
    check_child_passed(child);
}

static void the_clock_moves(void)
{
    int ready[2], go[2];
    REQUIRE(pipe(ready) == 0 && pipe(go) == 0);
    pid_t child = fork();
    if (child == 0) {
        long long before = nanoseconds(CLOCK_REALTIME);
        char byte = 'r';
        CHECK_EQ(write(ready[1], &byte, 1), 1);
        CHECK_EQ(read(go[0], &byte, 1), 1);
        long long moved = nanoseconds(CLOCK_REALTIME) - before;
        CHECK(moved >= JUMP * 1000000000LL && moved < (JUMP + 30) * 1000000000LL);
        check_child_exit();
    }
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    long long realtime = nanoseconds(CLOCK_REALTIME), monotonic = nanoseconds(CLOCK_MONOTONIC);
    CHECK_OK(jump(JUMP));
    long long moved = nanoseconds(CLOCK_REALTIME) - realtime;
    CHECK(moved >= JUMP * 1000000000LL && moved < (JUMP + 30) * 1000000000LL);
    CHECK(nanoseconds(CLOCK_MONOTONIC) - monotonic < 30 * 1000000000LL);
    struct timeval tv;
    CHECK_OK(gettimeofday(&tv, NULL));
    CHECK(tv.tv_sec >= realtime / 1000000000LL + JUMP);
    CHECK_EQ(write(go[1], "g", 1), 1);
    check_child_passed(child);
    /* settimeofday sets it too: back by a day's worth. */
    struct timeval back = {tv.tv_sec - 86400, 0};
    CHECK_OK(settimeofday(&back, NULL));
    CHECK(nanoseconds(CLOCK_REALTIME) / 1000000000LL < tv.tv_sec - 86000);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
}

static int wall_timer(int flags, long seconds_from_now)
{
    int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    struct itimerspec setting = {{0, 0}, {0, 0}};
    if (flags & TFD_TIMER_ABSTIME)
        setting.it_value = realtime_in(seconds_from_now);
    else
        setting.it_value.tv_sec = seconds_from_now;
    if (fd >= 0 && timerfd_settime(fd, flags, &setting, NULL) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static short readable(int fd)
{
    struct pollfd entry = {fd, POLLIN, 0};
    return poll(&entry, 1, 0) == 1 ? entry.revents : 0;
}

static void timers_follow_the_clock(void)
{
    int absolute = wall_timer(TFD_TIMER_ABSTIME, 50);
    int cancelling = wall_timer(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, 1000);
    int relative = wall_timer(0, 50);
    int ignored = wall_timer(TFD_TIMER_CANCEL_ON_SET, 1000);   /* no ABSTIME: no cancel */
    REQUIRE(absolute >= 0 && cancelling >= 0 && relative >= 0 && ignored >= 0);
    timer_t posix;
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    REQUIRE(timer_create(CLOCK_REALTIME, &none, &posix) == 0);
    struct itimerspec at = {{0, 0}, realtime_in(50)};
    CHECK_OK(timer_settime(posix, TIMER_ABSTIME, &at, NULL));
    timer_t posix_relative;
    REQUIRE(timer_create(CLOCK_REALTIME, &none, &posix_relative) == 0);
    struct itimerspec in = {{0, 0}, {50, 0}};
    CHECK_OK(timer_settime(posix_relative, 0, &in, NULL));

    CHECK_EQ(readable(absolute), 0);
    CHECK_EQ(readable(cancelling), 0);
    uint64_t value = 0;
    CHECK_ERRNO(read(cancelling, &value, sizeof value), EAGAIN);

    CHECK_OK(jump(100));
    /* The instant 50 s ahead has passed: at once. */
    struct pollfd entry = {absolute, POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, 5000), 1);
    CHECK_EQ(read(absolute, &value, sizeof value), (long)sizeof value);
    CHECK_EQ(value, 1);
    /* Cancelled: readable, ECANCELED once, then nothing to read. */
    CHECK_EQ(readable(cancelling), POLLIN);
    CHECK_ERRNO(read(cancelling, &value, sizeof value), ECANCELED);
    CHECK_ERRNO(read(cancelling, &value, sizeof value), EAGAIN);
    struct itimerspec left;
    CHECK_OK(timerfd_gettime(cancelling, &left));
    CHECK(left.it_value.tv_sec > 800 && left.it_value.tv_sec <= 900);   /* moved with it */
    /* Relative ones count time, not the clock. */
    CHECK_EQ(readable(relative), 0);
    CHECK_ERRNO(read(ignored, &value, sizeof value), EAGAIN);
    CHECK_OK(timerfd_gettime(relative, &left));
    CHECK(left.it_value.tv_sec > 40 && left.it_value.tv_sec <= 50);
    struct itimerspec posix_left;
    CHECK_OK(timer_gettime(posix, &posix_left));
    CHECK_EQ(posix_left.it_value.tv_sec, 0);             /* expired */
    CHECK_EQ(posix_left.it_value.tv_nsec, 0);
    CHECK_OK(timer_gettime(posix_relative, &posix_left));
    CHECK(posix_left.it_value.tv_sec > 40 && posix_left.it_value.tv_sec <= 50);

    /* A reader waiting on a cancelling timer is woken with ECANCELED. */
    int waited = timerfd_create(CLOCK_REALTIME, 0);
    REQUIRE(waited >= 0);
    struct itimerspec far = {{0, 0}, realtime_in(1000)};
    CHECK_OK(timerfd_settime(waited, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &far, NULL));
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(300);
        _exit(jump(1) == 0 ? 0 : 1);
    }
    CHECK_ERRNO(read(waited, &value, sizeof value), ECANCELED);
    CHECK(exited_with(child, 0));

    timer_delete(posix);
    timer_delete(posix_relative);
    close(absolute);
    close(cancelling);
    close(relative);
    close(ignored);
    close(waited);
}

/* The clock as it would be had nobody set it. */
static void put_back(void)
{
    long long elapsed = nanoseconds(CLOCK_MONOTONIC) - monotonic_at_start;
    struct timespec back = realtime_at_start;
    back.tv_sec += elapsed / 1000000000LL;
    back.tv_nsec += elapsed % 1000000000LL;
    if (back.tv_nsec >= 1000000000L) {
        back.tv_sec++;
        back.tv_nsec -= 1000000000L;
    }
    CHECK_OK(clock_settime(CLOCK_REALTIME, &back));
}

int main(void)
{
    clock_gettime(CLOCK_REALTIME, &realtime_at_start);
    monotonic_at_start = nanoseconds(CLOCK_MONOTONIC);
    errors();
    the_clock_moves();
    timers_follow_the_clock();
    put_back();
    return check_finish("time_clock_settime");
}
