#include "arch/cpu.h"
#include "arch/psci.h"
#include "kernel/console.h"
#include "kernel/power.h"

void system_power_off(void)
{
    kprintf("tern: powering off\n");
    psci_system_off();
    kprintf("tern: no PSCI to power off with; halted\n");
    for (;;)
        wait_for_interrupt();
}
