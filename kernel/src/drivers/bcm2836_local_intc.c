/*
 * The BCM2836 per-core local interrupt controller (Raspberry Pi 2/3; QEMU
 * raspi3b). It has no GIC: each core has its own timer interrupt enables,
 * four mailboxes for inter-core interrupts, and a pending-source register.
 * Interrupt numbers are source bits: 0-3 the core's timers (the device
 * tree's numbering), 4-7 its mailboxes.
 */
#include "arch/cpu.h"
#include "arch/mmio.h"
#include "arch/mmu.h"
#include "drivers/irq_controller.h"
#include "kernel/smp.h"

#define LOCAL_TIMER_CONTROL(core)       (0x40 + 4 * (core))
#define LOCAL_MAILBOX_CONTROL(core)     (0x50 + 4 * (core))
#define LOCAL_IRQ_SOURCE(core)          (0x60 + 4 * (core))
#define LOCAL_MAILBOX_SET(core, box)    (0x80 + 16 * (core) + 4 * (box))
#define LOCAL_MAILBOX_CLEAR(core, box)  (0xc0 + 16 * (core) + 4 * (box))

#define FIRST_TIMER_SOURCE  0
#define LAST_TIMER_SOURCE   3
#define MAILBOX0_SOURCE     4
#define SOURCE_COUNT        8

static uintptr_t registers;

/* The core number this controller uses is MPIDR Aff0 on these SoCs. */
static unsigned local_core(void)
{
    return mpidr_affinity() & 3;
}

static void local_intc_init(const struct board_facts *facts)
{
    registers = ioremap(facts->local_intc_base, 0x1000);
}

static void local_intc_init_cpu(unsigned cpu)
{
    (void)cpu;
    mmio_write32(registers + LOCAL_MAILBOX_CONTROL(local_core()), 1u << 0);
}

static void local_intc_enable(uint32_t irq)
{
    if (irq <= LAST_TIMER_SOURCE) {
        uintptr_t control = registers + LOCAL_TIMER_CONTROL(local_core());
        mmio_write32(control, mmio_read32(control) | (1u << irq));
    }
}

static void local_intc_disable(uint32_t irq)
{
    if (irq <= LAST_TIMER_SOURCE) {
        uintptr_t control = registers + LOCAL_TIMER_CONTROL(local_core());
        mmio_write32(control, mmio_read32(control) & ~(1u << irq));
    }
}

static uint32_t local_intc_acknowledge(void)
{
    uint32_t pending = mmio_read32(registers + LOCAL_IRQ_SOURCE(local_core()));
    for (uint32_t source = FIRST_TIMER_SOURCE; source < SOURCE_COUNT; source++) {
        if (!(pending & (1u << source)))
            continue;
        /* Clear a mailbox now, so an IPI sent while this one is handled
         * raises the interrupt again rather than being lost. */
        if (source == MAILBOX0_SOURCE)
            mmio_write32(registers + LOCAL_MAILBOX_CLEAR(local_core(), 0), 0xffffffff);
        return source;
    }
    return IRQ_SPURIOUS;
}

static void local_intc_end_of_interrupt(uint32_t irq)
{
    (void)irq;  /* a timer source clears when the timer is reprogrammed */
}

static void local_intc_send_ipi(unsigned cpu)
{
    dsb_ish();
    mmio_write32(registers + LOCAL_MAILBOX_SET(cpu_mpidr[cpu] & 3, 0), 1);
}

const struct irq_controller bcm2836_local_intc = {
    .name = "BCM2836 local",
    .init = local_intc_init,
    .init_cpu = local_intc_init_cpu,
    .enable = local_intc_enable,
    .disable = local_intc_disable,
    .acknowledge = local_intc_acknowledge,
    .end_of_interrupt = local_intc_end_of_interrupt,
    .send_ipi = local_intc_send_ipi,
    .ipi_irq = MAILBOX0_SOURCE,
};
