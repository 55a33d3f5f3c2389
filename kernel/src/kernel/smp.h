/* Cores: bring-up, identity, and inter-core interrupts. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>
#include "arch/memory_layout.h"
#include "kernel/board.h"

/* MPIDR affinity of each core, by kernel cpu index (0 = the boot core).
 * head.S finds a starting secondary's index here. */
extern uint64_t cpu_mpidr[MAX_CPUS];

/* Start every core the device tree lists, by its enable method; returns
 * the number of cores online, the boot core included. */
unsigned smp_start_secondaries(const struct board_facts *facts);

unsigned cpus_online(void);

/* The calling core's index, from TPIDR_EL1 (set at entry). */
static inline unsigned this_cpu_index(void)
{
    uint64_t index;
    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(index));
    return (unsigned)index;
}

#endif
