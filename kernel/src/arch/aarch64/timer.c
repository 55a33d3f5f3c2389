#include "arch/cpu.h"
#include "arch/memory_layout.h"
#include "arch/timer.h"
#include "kernel/smp.h"

#define TIMER_ENABLE 1
#define CNTKCTL_EL0_VIRTUAL_COUNTER (1 << 1)    /* EL0 may read CNTVCT_EL0 */

uint64_t timer_frequency(void)
{
    return read_sysreg(cntfrq_el0);
}

uint64_t timer_now(void)
{
    isb();
    return read_sysreg(cntpct_el0);
}

/* When each core's last tick came (or its tick started). */
static uint64_t last_tick[MAX_CPUS];

static void arm_next_tick(void)
{
    write_sysreg(cntp_tval_el0, timer_frequency() / TIMER_TICKS_PER_SECOND);
    last_tick[this_cpu_index()] = timer_now();
}

void timer_init_cpu(void)
{
    /* User mode reads time from the virtual counter, as Linux's vDSO
     * does; the physical timer stays the kernel's. */
    write_sysreg(cntkctl_el1, CNTKCTL_EL0_VIRTUAL_COUNTER);
    arm_next_tick();
    write_sysreg(cntp_ctl_el0, TIMER_ENABLE);
    isb();
}

uint64_t timer_tick(void)
{
    uint64_t previous = last_tick[this_cpu_index()];
    arm_next_tick();
    return last_tick[this_cpu_index()] - previous;
}

void timer_set_timeout(uint64_t deadline)
{
    if (deadline) {
        write_sysreg(cntv_cval_el0, deadline);
        write_sysreg(cntv_ctl_el0, TIMER_ENABLE);
    } else {
        write_sysreg(cntv_ctl_el0, 0);
    }
    isb();
}

void timer_timeout_fired(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    isb();
}

void timer_stop_tick(void)
{
    write_sysreg(cntp_ctl_el0, 0);
    isb();
}

void timer_start_tick(void)
{
    arm_next_tick();
    write_sysreg(cntp_ctl_el0, TIMER_ENABLE);
    isb();
}
