/*
 * Conversions between struct timespec and ticks of the generic timer's
 * virtual counter (CNTVCT_EL0 at CNTFRQ_EL0 Hz), without IPC. Host-tested
 * in tests/host/test_personality_clock_math.c.
 */
#ifndef LINUX_CLOCK_MATH_H
#define LINUX_CLOCK_MATH_H

#include <stdbool.h>
#include <stdint.h>

#define NANOSECONDS_PER_SECOND 1000000000ULL

/* struct timespec on arm64. */
struct linux_timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

/* struct itimerspec: the interval, then the value. */
struct linux_itimerspec {
    struct linux_timespec interval;
    struct linux_timespec value;
};

/* Linux's timespec64_valid: seconds >= 0, nanoseconds in [0, 1e9). */
bool timespec_is_valid(const struct linux_timespec *time);

struct linux_timespec ticks_to_timespec(uint64_t ticks, uint64_t frequency);

/* The ticks a (valid) timespec spans, rounded up so a sleep is never
 * short; saturates at UINT64_MAX. */
uint64_t timespec_to_ticks(const struct linux_timespec *time, uint64_t frequency);

/* now + ticks, saturating: a deadline that never comes, not one that
 * wrapped into the past. */
uint64_t deadline_after(uint64_t now, uint64_t ticks);

#endif
