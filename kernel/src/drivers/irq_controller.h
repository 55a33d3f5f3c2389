/*
 * Interrupt controller drivers. The kernel uses one controller, the one the
 * device tree wires the architected timer to, through these operations.
 * Interrupt numbers are the controller's own (GIC INTIDs, or BCM2836 local
 * source numbers).
 */
#ifndef DRIVERS_IRQ_CONTROLLER_H
#define DRIVERS_IRQ_CONTROLLER_H

#include <stdint.h>
#include "kernel/board.h"

#define IRQ_SPURIOUS 0xffffffffu

struct irq_controller {
    const char *name;
    /* Once, on the boot core: map registers, set up global state. */
    void (*init)(const struct board_facts *facts);
    /* On every core (the boot core too), before it takes interrupts. */
    void (*init_cpu)(unsigned cpu);
    /* Enable an interrupt for the calling core (per-core sources) or route
     * it to the calling core (shared ones). */
    void (*enable)(uint32_t irq);
    /* Mask an interrupt (a device's, until its handler acknowledges). */
    void (*disable)(uint32_t irq);
    /* The pending interrupt with the highest priority, or IRQ_SPURIOUS. */
    uint32_t (*acknowledge)(void);
    void (*end_of_interrupt)(uint32_t irq);
    /* Interrupt another core with ipi_irq. */
    void (*send_ipi)(unsigned cpu);
    uint32_t ipi_irq;
};

extern const struct irq_controller gic_v2;
extern const struct irq_controller gic_v3;
extern const struct irq_controller bcm2836_local_intc;

/* The driver for a controller kind, or 0 if there is none. */
const struct irq_controller *irq_controller_for(enum irq_controller_kind kind);

#endif
