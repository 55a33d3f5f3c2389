/* GICv2: the Pi 4's GIC-400 and QEMU virt's gic-version=2. Memory-mapped
 * distributor (GICD) and per-core banked CPU interface (GICC). */
#include "arch/cpu.h"
#include "arch/mmio.h"
#include "arch/mmu.h"
#include "drivers/irq_controller.h"
#include "kernel/smp.h"

#define GICD_CTLR           0x000
#define GICD_TYPER          0x004
#define GICD_ISENABLER      0x100
#define GICD_ICENABLER      0x180
#define GICD_IPRIORITYR     0x400
#define GICD_ITARGETSR      0x800
#define GICD_SGIR           0xf00
#define GICD_ENABLE         1

#define GICC_CTLR           0x000
#define GICC_PMR            0x004
#define GICC_IAR            0x00c
#define GICC_EOIR           0x010
#define GICC_ENABLE         1
#define GICC_LOWEST_PRIORITY 0xff
#define INTID_MASK          0x3ff
#define FIRST_SPECIAL_INTID 1020

#define DEFAULT_PRIORITY    0xa0
#define IPI_SGI             0

static uintptr_t distributor;
static uintptr_t cpu_interface;
/* Each core's CPU interface bit, as GICD_SGIR's target list wants it. */
static uint8_t cpu_interface_mask[MAX_CPUS];
/* The IAR value being handled on each core: an SGI's EOI must repeat the
 * source-core bits that only the IAR carries. */
static uint32_t active_iar[MAX_CPUS];

static void gic_v2_init(const struct board_facts *facts)
{
    distributor = ioremap(facts->gic_distributor, 0x1000);
    cpu_interface = ioremap(facts->gic_cpu_interface, 0x2000);

    mmio_write32(distributor + GICD_CTLR, 0);
    unsigned lines = 32 * ((mmio_read32(distributor + GICD_TYPER) & 0x1f) + 1);
    for (unsigned irq = 32; irq < lines; irq += 32)
        mmio_write32(distributor + GICD_ICENABLER + irq / 8, 0xffffffff);
    for (unsigned irq = 32; irq < lines; irq += 4)
        mmio_write32(distributor + GICD_IPRIORITYR + irq, DEFAULT_PRIORITY * 0x01010101u);
    mmio_write32(distributor + GICD_CTLR, GICD_ENABLE);
}

static void gic_v2_init_cpu(unsigned cpu)
{
    /* ITARGETSR0..7 are banked: their bytes read as this core's own bit. */
    cpu_interface_mask[cpu] = (uint8_t)mmio_read32(distributor + GICD_ITARGETSR);
    for (unsigned irq = 0; irq < 32; irq += 4)
        mmio_write32(distributor + GICD_IPRIORITYR + irq, DEFAULT_PRIORITY * 0x01010101u);
    mmio_write32(cpu_interface + GICC_PMR, GICC_LOWEST_PRIORITY);
    mmio_write32(cpu_interface + GICC_CTLR, GICC_ENABLE);
    mmio_write32(distributor + GICD_ISENABLER, 1u << IPI_SGI);
}

static void gic_v2_enable(uint32_t irq)
{
    if (irq >= 32)
        mmio_write8(distributor + GICD_ITARGETSR + irq, cpu_interface_mask[this_cpu_index()]);
    mmio_write32(distributor + GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

static void gic_v2_disable(uint32_t irq)
{
    mmio_write32(distributor + GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

static uint32_t gic_v2_acknowledge(void)
{
    uint32_t iar = mmio_read32(cpu_interface + GICC_IAR);
    if ((iar & INTID_MASK) >= FIRST_SPECIAL_INTID)
        return IRQ_SPURIOUS;
    active_iar[this_cpu_index()] = iar;
    return iar & INTID_MASK;
}

static void gic_v2_end_of_interrupt(uint32_t irq)
{
    (void)irq;
    mmio_write32(cpu_interface + GICC_EOIR, active_iar[this_cpu_index()]);
}

static void gic_v2_send_ipi(unsigned cpu)
{
    dsb_ish();     /* our stores are visible before the target wakes */
    mmio_write32(distributor + GICD_SGIR, ((uint32_t)cpu_interface_mask[cpu] << 16) | IPI_SGI);
}

const struct irq_controller gic_v2 = {
    .name = "GICv2",
    .init = gic_v2_init,
    .init_cpu = gic_v2_init_cpu,
    .enable = gic_v2_enable,
    .disable = gic_v2_disable,
    .acknowledge = gic_v2_acknowledge,
    .end_of_interrupt = gic_v2_end_of_interrupt,
    .send_ipi = gic_v2_send_ipi,
    .ipi_irq = IPI_SGI,
};
