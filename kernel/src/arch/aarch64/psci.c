#include "arch/psci.h"

#define PSCI_CPU_ON_64      0xc4000003
#define PSCI_SYSTEM_OFF     0x84000008
#define PSCI_NOT_SUPPORTED  (-1)

static enum psci_conduit psci_conduit;

void psci_init(enum psci_conduit conduit)
{
    psci_conduit = conduit;
}

int psci_available(void)
{
    return psci_conduit != PSCI_CONDUIT_NONE;
}

static int64_t psci_call(uint64_t function, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = function;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    if (psci_conduit == PSCI_CONDUIT_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    else if (psci_conduit == PSCI_CONDUIT_SMC)
        __asm__ volatile("smc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    else
        return PSCI_NOT_SUPPORTED;
    return (int64_t)x0;
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry)
{
    return psci_call(PSCI_CPU_ON_64, mpidr, entry, 0);
}

void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
