/*
 * Secondary core bring-up. The device tree gives each core's enable
 * method: PSCI CPU_ON (QEMU virt), or a spin table (the Raspberry Pi
 * firmware and U-Boot park the cores polling a release address).
 */
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/psci.h"
#include "arch/timer.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"

#define NO_CPU (~0ULL)
#define BRING_UP_TIMEOUT_MS 1000

uint64_t cpu_mpidr[MAX_CPUS] = {
    [0 ... MAX_CPUS - 1] = NO_CPU,
};
/* TTBR1 for a starting core; read by head.S with the MMU off. */
uint64_t secondary_boot_ttbr1;
static volatile unsigned online_count = 1;

extern char secondary_entry[];
void secondary_main(unsigned cpu) __attribute__((noreturn));

unsigned cpus_online(void)
{
    return online_count;
}

static int release_from_spin_table(uint64_t release_address, uint64_t entry)
{
    volatile uint64_t *slot = phys_to_virt(release_address);
    *slot = entry;
    /* The core polls with its MMU and caches off: push the write out. */
    dcache_clean_invalidate_range((const void *)slot, sizeof(*slot));
    send_event();
    return 0;
}

static int start_cpu(const struct board_cpu *cpu)
{
    uint64_t entry = virt_to_phys(secondary_entry);
    switch (cpu->enable_method) {
    case CPU_ENABLE_PSCI: {
        int64_t error = psci_cpu_on(cpu->mpidr, entry);
        if (error)
            kprintf("tern: PSCI CPU_ON for mpidr %lx failed: %ld\n", cpu->mpidr, error);
        return error ? -1 : 0;
    }
    case CPU_ENABLE_SPIN_TABLE:
        return release_from_spin_table(cpu->release_address, entry);
    default:
        kprintf("tern: mpidr %lx has no enable method\n", cpu->mpidr);
        return -1;
    }
}

static int wait_until_online(unsigned count)
{
    uint64_t deadline = timer_now() + timer_frequency() * BRING_UP_TIMEOUT_MS / 1000;
    while (online_count < count)
        if (timer_now() > deadline)
            return -1;
    return 0;
}

unsigned smp_start_secondaries(const struct board_facts *facts)
{
    uint64_t ttbr1 = read_sysreg(ttbr1_el1);
    secondary_boot_ttbr1 = ttbr1;
    dcache_clean_invalidate_range(&secondary_boot_ttbr1, sizeof(secondary_boot_ttbr1));

    unsigned next = 1;
    for (int i = 0; i < facts->cpu_count && next < MAX_CPUS; i++) {
        const struct board_cpu *cpu = &facts->cpus[i];
        if (cpu->mpidr == cpu_mpidr[0])
            continue;
        cpu_mpidr[next] = cpu->mpidr;
        dsb_sy();
        if (start_cpu(cpu) == 0 && wait_until_online(next + 1) == 0) {
            next++;
            continue;
        }
        kprintf("tern: cpu with mpidr %lx did not come online\n", cpu->mpidr);
        cpu_mpidr[next] = NO_CPU;
    }
    return online_count;
}

void cpu_set_identity(unsigned cpu)
{
    extern uint8_t cpu_stacks[];    /* head.S: MAX_CPUS stacks, in order */
    write_sysreg(contextidr_el1, cpu);
    write_sysreg(tpidr_el1, (uint64_t)&cpu_stacks[(cpu + 1) * KERNEL_STACK_SIZE]);
}

void secondary_main(unsigned cpu)
{
    cpu_set_identity(cpu);
    mmu_clear_user_space();
    scheduler_init_cpu(cpu);
    irq_init_cpu(cpu);
    __atomic_add_fetch(&online_count, 1, __ATOMIC_RELEASE);
    idle_loop();
}
