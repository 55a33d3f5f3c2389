/* The Arm generic timer: the EL1 physical timer gives every core a tick,
 * and fires between ticks for a kernel timeout that is due sooner. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_TICKS_PER_SECOND 100

/* On every core: start the periodic tick. */
void timer_init_cpu(void);
/* From the interrupt handler: how many of this core's tick periods
 * passed since the last (0: it fired for a timeout; more than 1: the
 * interrupt came late); the timer is armed again either way. */
unsigned timer_interrupt(void);
/* The earliest kernel timeout changed (0: none): this core's timer fires
 * for it, if it comes before the next tick. Under the kernel lock. */
void timer_set_next_timeout(uint64_t deadline);
/* Stop this core's tick (an idle secondary core: nothing to preempt, and
 * the boot core's tick keeps time for timeouts), and start it again. */
void timer_stop_tick(void);
void timer_start_tick(void);
uint64_t timer_frequency(void);
uint64_t timer_now(void);      /* counter value */

#endif
