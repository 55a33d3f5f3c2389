/* GICv3: QEMU virt's gic-version=3. Memory-mapped distributor (GICD) and
 * per-core redistributors (GICR); the CPU interface is system registers. */
#include "arch/cpu.h"
#include "arch/mmio.h"
#include "arch/mmu.h"
#include "drivers/irq_controller.h"
#include "kernel/panic.h"
#include "kernel/smp.h"

#define GICD_CTLR               0x0000
#define GICD_CTLR_RWP           (1u << 31)
#define GICD_CTLR_ARE           (1u << 4)
#define GICD_CTLR_ENABLE_GROUP1 (1u << 1)
#define GICD_TYPER              0x0004
#define GICD_IGROUPR            0x0080
#define GICD_ISENABLER          0x0100
#define GICD_ICENABLER          0x0180
#define GICD_IPRIORITYR         0x0400
#define GICD_IROUTER            0x6000

#define GICR_FRAME_SIZE         0x20000     /* RD_base + SGI_base */
#define GICR_WAKER              0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_TYPER              0x0008
#define GICR_TYPER_LAST         (1u << 4)
#define GICR_SGI_BASE           0x10000
#define GICR_IGROUPR0           (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0         (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0         (GICR_SGI_BASE + 0x0180)
#define GICR_IPRIORITYR         (GICR_SGI_BASE + 0x0400)

#define ICC_SRE_SRE             1
#define INTID_MASK              0xffffff
#define FIRST_SPECIAL_INTID     1020
#define DEFAULT_PRIORITY        0xa0
#define IPI_SGI                 0

static uintptr_t distributor;
static uintptr_t redistributors;
static uint64_t redistributors_size;
static uintptr_t cpu_redistributor[MAX_CPUS];

static void wait_for_distributor(void)
{
    while (mmio_read32(distributor + GICD_CTLR) & GICD_CTLR_RWP)
        ;
}

static void gic_v3_init(const struct board_facts *facts)
{
    distributor = ioremap(facts->gic_distributor, 0x10000);
    redistributors_size = facts->gic_redistributor_size;
    redistributors = ioremap(facts->gic_redistributor, redistributors_size);

    mmio_write32(distributor + GICD_CTLR, 0);
    wait_for_distributor();
    unsigned lines = 32 * ((mmio_read32(distributor + GICD_TYPER) & 0x1f) + 1);
    for (unsigned irq = 32; irq < lines; irq += 32) {
        mmio_write32(distributor + GICD_ICENABLER + irq / 8, 0xffffffff);
        mmio_write32(distributor + GICD_IGROUPR + irq / 8, 0xffffffff);
    }
    for (unsigned irq = 32; irq < lines; irq += 4)
        mmio_write32(distributor + GICD_IPRIORITYR + irq, DEFAULT_PRIORITY * 0x01010101u);
    mmio_write32(distributor + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GROUP1);
    wait_for_distributor();
}

/* GICR_TYPER's affinity field is Aff3.Aff2.Aff1.Aff0, MPIDR's is not. */
static uint32_t packed_affinity(uint64_t mpidr)
{
    return (uint32_t)(((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff));
}

static uintptr_t find_redistributor(uint64_t mpidr)
{
    for (uint64_t offset = 0; offset + GICR_FRAME_SIZE <= redistributors_size;
         offset += GICR_FRAME_SIZE) {
        uint64_t typer = mmio_read64(redistributors + offset + GICR_TYPER);
        if ((uint32_t)(typer >> 32) == packed_affinity(mpidr))
            return redistributors + offset;
        if (typer & GICR_TYPER_LAST)
            break;
    }
    return 0;
}

static void gic_v3_init_cpu(unsigned cpu)
{
    uintptr_t redistributor = find_redistributor(mpidr_affinity());
    if (!redistributor)
        panic("GICv3: no redistributor for mpidr %lx", mpidr_affinity());
    cpu_redistributor[cpu] = redistributor;

    uint32_t waker = mmio_read32(redistributor + GICR_WAKER);
    mmio_write32(redistributor + GICR_WAKER, waker & ~GICR_WAKER_PROCESSOR_SLEEP);
    while (mmio_read32(redistributor + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
        ;
    mmio_write32(redistributor + GICR_IGROUPR0, 0xffffffff);
    for (unsigned irq = 0; irq < 32; irq += 4)
        mmio_write32(redistributor + GICR_IPRIORITYR + irq, DEFAULT_PRIORITY * 0x01010101u);
    mmio_write32(redistributor + GICR_ISENABLER0, 1u << IPI_SGI);

    write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | ICC_SRE_SRE);
    isb();
    write_sysreg(icc_pmr_el1, 0xff);
    write_sysreg(icc_bpr1_el1, 0);
    write_sysreg(icc_igrpen1_el1, 1);
    isb();
}

static void gic_v3_enable(uint32_t irq)
{
    if (irq < 32) {
        uintptr_t redistributor = cpu_redistributor[this_cpu_index()];
        mmio_write32(redistributor + GICR_ISENABLER0, 1u << irq);
        return;
    }
    mmio_write64(distributor + GICD_IROUTER + irq * 8, mpidr_affinity());
    mmio_write32(distributor + GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

static void gic_v3_disable(uint32_t irq)
{
    if (irq < 32)
        mmio_write32(cpu_redistributor[this_cpu_index()] + GICR_ICENABLER0, 1u << irq);
    else
        mmio_write32(distributor + GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

static uint32_t gic_v3_acknowledge(void)
{
    uint32_t intid = read_sysreg(icc_iar1_el1) & INTID_MASK;
    return intid >= FIRST_SPECIAL_INTID ? IRQ_SPURIOUS : intid;
}

static void gic_v3_end_of_interrupt(uint32_t irq)
{
    write_sysreg(icc_eoir1_el1, irq);
}

static void gic_v3_send_ipi(unsigned cpu)
{
    uint64_t mpidr = cpu_mpidr[cpu];
    uint64_t sgi = ((mpidr >> 32) & 0xff) << 48 |   /* Aff3 */
                   ((mpidr >> 16) & 0xff) << 32 |   /* Aff2 */
                   (uint64_t)IPI_SGI << 24 |
                   ((mpidr >> 8) & 0xff) << 16 |    /* Aff1 */
                   (1u << (mpidr & 0xf));           /* target list: Aff0 */
    dsb_ish();
    write_sysreg(icc_sgi1r_el1, sgi);
    isb();
}

const struct irq_controller gic_v3 = {
    .name = "GICv3",
    .init = gic_v3_init,
    .init_cpu = gic_v3_init_cpu,
    .enable = gic_v3_enable,
    .disable = gic_v3_disable,
    .acknowledge = gic_v3_acknowledge,
    .end_of_interrupt = gic_v3_end_of_interrupt,
    .send_ipi = gic_v3_send_ipi,
    .ipi_irq = IPI_SGI,
};
