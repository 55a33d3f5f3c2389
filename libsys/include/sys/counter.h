/*
 * The generic timer's virtual counter (CNTVCT_EL0) and its frequency
 * (CNTFRQ_EL0), which the kernel lets EL0 read: the clock every server
 * and the personality count time with, and the unit of the kernel's
 * timeouts (Notification_SetTimeout).
 */
#ifndef SYS_COUNTER_H
#define SYS_COUNTER_H

#include <stdint.h>

static inline uint64_t tern_counter_now(void)
{
    uint64_t ticks;
    /* isb: not read early, ahead of what the program did before. */
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(ticks) : : "memory");
    return ticks;
}

static inline uint64_t tern_counter_frequency(void)
{
    uint64_t frequency;
    __asm__("mrs %0, cntfrq_el0" : "=r"(frequency));
    return frequency;
}

/* What to add to the counter to count from the epoch instead of boot,
 * from the time of day at boot: realtime_seconds when the counter read
 * realtime_counter (the boot info and the process info page carry both;
 * 0, 0 on a board without a real-time clock). */
static inline uint64_t tern_counter_epoch_offset(uint64_t realtime_seconds,
                                                 uint64_t realtime_counter)
{
    return realtime_seconds * tern_counter_frequency() - realtime_counter;
}

/* The counter value ticks as the time of day: seconds and nanoseconds
 * since the epoch. */
static inline void tern_counter_to_wall_clock(uint64_t ticks, uint64_t realtime_seconds,
                                              uint64_t realtime_counter, int64_t *seconds,
                                              uint64_t *nanoseconds)
{
    uint64_t frequency = tern_counter_frequency();
    ticks += tern_counter_epoch_offset(realtime_seconds, realtime_counter);
    *seconds = (int64_t)(ticks / frequency);
    *nanoseconds = (ticks % frequency) * 1000000000ULL / frequency;
}

#endif
