/* PSCI (Arm Power State Coordination Interface) calls to the firmware, or
 * to QEMU acting as firmware, over the conduit the device tree names. */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

#include <stdint.h>
#include "kernel/board.h"

void psci_init(enum psci_conduit conduit);
int psci_available(void);

/* Start the core with this MPIDR at entry (physical). 0 or a PSCI error. */
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry);

/* Power the machine off. Returns only if PSCI is not available. */
void psci_system_off(void);

#endif
