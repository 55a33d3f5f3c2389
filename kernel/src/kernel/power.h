/* Stopping the machine at the end of a run (tests, benchmarks, no init). */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* Say so on the console and power off through PSCI; on boards without
 * PSCI, say "halted" and stop this core. */
void system_power_off(void) __attribute__((noreturn));

#endif
