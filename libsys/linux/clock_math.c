/*
 * Counter ticks and timespecs (clock_math.h). No 128-bit arithmetic: the
 * seconds and the remainder are converted apart, so nothing overflows for
 * any 64-bit tick count and any frequency below 2^32 Hz.
 */
#include "clock_math.h"

bool timespec_is_valid(const struct linux_timespec *time)
{
    return time->seconds >= 0 && time->nanoseconds >= 0 &&
           (uint64_t)time->nanoseconds < NANOSECONDS_PER_SECOND;
}

struct linux_timespec ticks_to_timespec(uint64_t ticks, uint64_t frequency)
{
    struct linux_timespec time = {
        .seconds = (int64_t)(ticks / frequency),
        .nanoseconds = (int64_t)((ticks % frequency) * NANOSECONDS_PER_SECOND / frequency),
    };
    return time;
}

uint64_t timespec_to_ticks(const struct linux_timespec *time, uint64_t frequency)
{
    uint64_t seconds = (uint64_t)time->seconds;
    if (seconds > UINT64_MAX / frequency)
        return UINT64_MAX;
    uint64_t ticks = seconds * frequency;
    uint64_t fraction = ((uint64_t)time->nanoseconds * frequency + NANOSECONDS_PER_SECOND - 1) /
                        NANOSECONDS_PER_SECOND;
    return deadline_after(ticks, fraction);
}

uint64_t deadline_after(uint64_t now, uint64_t ticks)
{
    return ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
}
