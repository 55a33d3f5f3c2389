/* Clocks and sleeping: CLOCK_MONOTONIC never goes back, CLOCK_REALTIME
 * is a plausible date, nanosleep and clock_nanosleep (relative and
 * absolute) sleep at least as long as asked, resolution is reported;
 * EINVAL for a bad clock or nanosecond field. No time is printed. */
#include <sys/time.h>
#include <time.h>

#include "check.h"

static long long to_ns(struct timespec time)
{
    return time.tv_sec * 1000000000LL + time.tv_nsec;
}

static long long now_ns(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return to_ns(now);
}

int main(void)
{
    struct timespec previous, current;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &previous), 0);
    int never_back = 1, fields_valid = 1;
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &current);
        if (to_ns(current) < to_ns(previous))
            never_back = 0;
        if (current.tv_nsec < 0 || current.tv_nsec >= 1000000000)
            fields_valid = 0;
        previous = current;
    }
    CHECK(never_back);
    CHECK(fields_valid);
    /* After 2020-01-01. */
    struct timespec real;
    CHECK_EQ(clock_gettime(CLOCK_REALTIME, &real), 0);
    CHECK(real.tv_sec > 1577836800);
    struct timeval day_time;
    CHECK_EQ(gettimeofday(&day_time, NULL), 0);
    CHECK(day_time.tv_sec >= real.tv_sec && day_time.tv_usec < 1000000);
    CHECK(time(NULL) >= real.tv_sec);
    CHECK_EQ(clock_gettime(CLOCK_BOOTTIME, &current), 0);
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC_RAW, &current), 0);
    CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &current), 0);
    CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &current), 0);

    struct timespec resolution;
    CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &resolution), 0);
    CHECK(to_ns(resolution) > 0 && to_ns(resolution) <= 1000000);
    CHECK_EQ(clock_getres(CLOCK_REALTIME, &resolution), 0);
    CHECK(to_ns(resolution) > 0);

    /* Sleeping. */
    static const long sleeps_ms[] = {1, 10, 50, 120};
    for (int i = 0; i < 4; i++) {
        struct timespec request = {0, sleeps_ms[i] * 1000000L};
        long long start = now_ns(CLOCK_MONOTONIC);
        CHECK_EQ(nanosleep(&request, NULL), 0);
        CHECK(now_ns(CLOCK_MONOTONIC) - start >= sleeps_ms[i] * 1000000LL);
    }
    struct timespec zero = {0, 0};
    CHECK_EQ(nanosleep(&zero, NULL), 0);
    long long start = now_ns(CLOCK_MONOTONIC);
    struct timespec request = {0, 30000000};
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &request, NULL), 0);
    CHECK(now_ns(CLOCK_MONOTONIC) - start >= 30000000LL);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 40000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
    CHECK(now_ns(CLOCK_MONOTONIC) >= to_ns(deadline));
    /* An absolute time in the past returns at once. */
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &zero, NULL), 0);
    CHECK_EQ(usleep(2000), 0);
    CHECK_EQ(sleep(0), 0);

    /* Errors. */
    CHECK_ERRNO(clock_gettime((clockid_t)12345, &current), EINVAL);
    CHECK_ERRNO(clock_getres((clockid_t)12345, &current), EINVAL);
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(nanosleep(&bad, NULL), EINVAL);
    struct timespec negative = {-1, 0};
    CHECK_ERRNO(nanosleep(&negative, NULL), EINVAL);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
    CHECK_EQ(clock_nanosleep((clockid_t)12345, 0, &request, NULL), EINVAL);

    printf("monotonic never goes back; sleeps of 1-120 ms last at least that long\n");
    return check_finish("misc_clock");
}
