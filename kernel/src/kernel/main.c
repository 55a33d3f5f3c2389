/*
 * The boot core's path from head.S to a running system: learn the board
 * from its device tree, build the kernel's page tables, start the console,
 * the interrupt controller, the timer and the other cores.
 */
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/psci.h"
#include "arch/timer.h"
#include "kernel/board.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/panic.h"
#include "kernel/physical_memory.h"
#include "kernel/power.h"
#include "kernel/root_task.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"

#define SELF_TEST_TICKS 3
#define SELF_TEST_TIMEOUT_MS 2000

extern char _start_image[], _end[];

static struct board_facts facts;
static struct free_memory free_memory;

static uint32_t device_tree_size(const void *dtb)
{
    const uint8_t *header = dtb;    /* totalsize: big-endian word at 4 */
    return (uint32_t)header[4] << 24 | (uint32_t)header[5] << 16 |
           (uint32_t)header[6] << 8 | header[7];
}

static void find_free_memory(uint64_t dtb_physical, uint32_t dtb_size, uint64_t image_base)
{
    struct phys_range excluded[BOARD_MAX_RESERVED_RANGES + 3];
    int count = 0;
    for (int i = 0; i < facts.reserved_count; i++)
        excluded[count++] = facts.reserved[i];
    excluded[count++] = (struct phys_range){ image_base, (uint64_t)(_end - _start_image) + KERNEL_TEXT_OFFSET };
    excluded[count++] = (struct phys_range){ dtb_physical, dtb_size };
    excluded[count++] = (struct phys_range){ facts.initrd_start, facts.initrd_end - facts.initrd_start };
    if (free_memory_compute(facts.memory, facts.memory_count, excluded, count, &free_memory))
        panic("physical memory map too fragmented");
}

static uint64_t ram_total(void)
{
    uint64_t total = 0;
    for (int i = 0; i < facts.memory_count; i++)
        total += facts.memory[i].size;
    return total;
}

/* Every core takes timer ticks and answers an IPI, or the boot fails. */
static void self_test_interrupts(unsigned cores)
{
    for (unsigned cpu = 1; cpu < cores; cpu++)
        irq_send_ipi(cpu);
    uint64_t deadline = timer_now() + timer_frequency() * SELF_TEST_TIMEOUT_MS / 1000;
    for (unsigned cpu = 0; cpu < cores; cpu++) {
        while (irq_timer_ticks(cpu) < SELF_TEST_TICKS || (cpu && !irq_ipis_received(cpu)))
            if (timer_now() > deadline)
                panic("cpu%u: %lu timer ticks, %lu IPIs: interrupts are not working",
                      cpu, irq_timer_ticks(cpu), irq_ipis_received(cpu));
    }
    kprintf("tern: timer ticking and IPIs answered on all %u cores\n", cores);
}

void kernel_main(const void *dtb, uint64_t dtb_physical, uint64_t image_base, uint64_t entry_el)
{
    cpu_set_identity(0);
    cpu_mpidr[0] = mpidr_affinity();

    uint32_t dtb_size = device_tree_size(dtb);
    enum board_error error = board_discover(dtb, BOOT_DTB_MAX_SIZE, &facts);
    mmu_init(&facts, image_base);       /* the device tree window is gone after this */
    mmu_clear_user_space();
    if (console_init(&facts))
        for (;;)
            wait_for_event();           /* nothing to tell it with */
    kprintf("\ntern: booting on %s (entered at EL%lu)\n", facts.name, entry_el);
    if (error != BOARD_OK)
        panic("device tree: %s", board_error_name(error));

    find_free_memory(dtb_physical, dtb_size, image_base);
    kprintf("tern: RAM %lu MiB in %d ranges, %lu MiB free, console at %lx\n",
            ram_total() >> 20, facts.memory_count,
            free_memory_total(&free_memory) >> 20, facts.console_base);

    if (irq_init(&facts))
        panic("no driver for this board's interrupt controller");
    psci_init(facts.psci);
    scheduler_init_cpu(0);
    irq_init_cpu(0);
    irq_enable();
    kprintf("tern: %s, timer %lu Hz on interrupt %u\n",
            irq_controller_name(), timer_frequency(), facts.timer_irq_phys);

    unsigned cores = smp_start_secondaries(&facts);
    kprintf("tern: board \"%s\", %u cores online, %lu MiB RAM, %s\n",
            facts.name, cores, ram_total() >> 20, irq_controller_name());
    self_test_interrupts(cores);
    scheduler_allow_idle_without_tick();

    irq_disable();
    spin_lock(&kernel_lock);
    if (root_task_create(&facts, &free_memory))
        kernel_exit();
    spin_unlock(&kernel_lock);
    system_power_off();
}
