/*
 * The EL1 physical timer of each core: its compare value is the sooner of
 * the core's next tick (TIMER_TICKS_PER_SECOND, which drives time
 * slices) and the earliest kernel timeout (notification timeouts), so a
 * timeout fires when it is due, not at the tick after.
 */
#include "arch/cpu.h"
#include "arch/timer.h"
#include "kernel/smp.h"

#define TIMER_ENABLE 1
#define CNTKCTL_EL0_VIRTUAL_COUNTER (1 << 1)    /* EL0 may read CNTVCT_EL0 */

/* When each core's next tick is due (counter ticks). */
static uint64_t next_tick[MAX_CPUS];
/* The earliest timeout (0: none), which the kernel lock guards. */
static uint64_t next_timeout;

uint64_t timer_frequency(void)
{
    return read_sysreg(cntfrq_el0);
}

uint64_t timer_now(void)
{
    isb();
    return read_sysreg(cntpct_el0);
}

static uint64_t tick_period(void)
{
    return timer_frequency() / TIMER_TICKS_PER_SECOND;
}

/* The compare value: the next tick, or a timeout due before it. One due
 * already is left to the tick's caller to expire (programming the past
 * would raise the interrupt again at once). */
static void program(unsigned cpu, uint64_t now)
{
    uint64_t due = next_tick[cpu];
    if (next_timeout > now && next_timeout < due)
        due = next_timeout;
    write_sysreg(cntp_cval_el0, due);
    isb();
}

void timer_init_cpu(void)
{
    /* User mode reads time from the virtual counter, as Linux's vDSO
     * does; the physical timer stays the kernel's. */
    write_sysreg(cntkctl_el1, CNTKCTL_EL0_VIRTUAL_COUNTER);
    timer_start_tick();
}

unsigned timer_interrupt(void)
{
    unsigned cpu = this_cpu_index();
    uint64_t now = timer_now();
    unsigned ticks = 0;
    if (now >= next_tick[cpu]) {
        /* An interrupt taken late stands for every period that passed. */
        uint64_t periods = 1 + (now - next_tick[cpu]) / tick_period();
        next_tick[cpu] += periods * tick_period();
        ticks = periods > UINT32_MAX ? UINT32_MAX : (unsigned)periods;
    }
    program(cpu, now);
    return ticks;
}

void timer_set_next_timeout(uint64_t deadline)
{
    next_timeout = deadline;
    program(this_cpu_index(), timer_now());
}

void timer_stop_tick(void)
{
    write_sysreg(cntp_ctl_el0, 0);
    isb();
}

void timer_start_tick(void)
{
    unsigned cpu = this_cpu_index();
    uint64_t now = timer_now();
    next_tick[cpu] = now + tick_period();
    program(cpu, now);
    write_sysreg(cntp_ctl_el0, TIMER_ENABLE);
    isb();
}
