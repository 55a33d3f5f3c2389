/* The Arm generic timer: the EL1 physical timer gives every core a tick;
 * the EL1 virtual timer fires for the earliest kernel timeout, so a
 * timeout is not left waiting for the next tick. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

#define TIMER_TICKS_PER_SECOND 1000

/* On every core: start the periodic tick. */
void timer_init_cpu(void);
/* From the interrupt handler: acknowledge the tick and arm the next.
 * Returns the counter ticks since the previous one: a tick taken late
 * (an emulator's timer comes when its host gets to it) still accounts
 * for all the time that passed. */
uint64_t timer_tick(void);
/* Stop this core's tick (an idle secondary core: nothing to preempt, and
 * the boot core's tick keeps time for timeouts), and start it again. */
void timer_stop_tick(void);
void timer_start_tick(void);
/* This core's timeout timer fires at deadline (CNTVCT ticks, as the
 * notification timeouts' deadlines; 0: never). Under the kernel lock;
 * the tick still expires any timeout a core's timer missed. */
void timer_set_timeout(uint64_t deadline);
/* From the interrupt handler: the timeout timer fired, and is off until
 * set again (its interrupt is level: it would fire again at once). */
void timer_timeout_fired(void);
uint64_t timer_frequency(void);
uint64_t timer_now(void);      /* counter value */

#endif
