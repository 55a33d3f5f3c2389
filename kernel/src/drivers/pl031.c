/*
 * The Arm PL031 real-time clock: read once at boot, so user mode can tell
 * the time of day (boot info's realtime_seconds). Its data register holds
 * seconds since the Unix epoch on QEMU virt.
 */
#include "drivers/pl031.h"
#include "arch/mmu.h"

#define RTC_DATA 0x000      /* RTCDR: the current count, seconds */

uint64_t pl031_read_seconds(uint64_t physical_base)
{
    volatile uint32_t *registers = (volatile uint32_t *)ioremap(physical_base, 0x1000);
    return registers[RTC_DATA / 4];
}
