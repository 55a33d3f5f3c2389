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

#endif
