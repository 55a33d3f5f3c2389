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

/* The calling core's index, from CONTEXTIDR_EL1 (set at entry, with
 * TPIDR_EL1: see cpu_set_identity). */
static inline unsigned this_cpu_index(void)
{
    uint64_t index;
    __asm__ volatile("mrs %0, contextidr_el1" : "=r"(index));
    return (unsigned)index;
}

/* What a core knows of itself, in two system registers that only the
 * kernel reads: its index (CONTEXTIDR_EL1, which holds nothing else here)
 * and the top of its kernel stack (TPIDR_EL1), which every entry from
 * user mode moves to in two instructions. */
void cpu_set_identity(unsigned cpu);

#endif
