#include "drivers/irq_controller.h"

const struct irq_controller *irq_controller_for(enum irq_controller_kind kind)
{
    switch (kind) {
    case IRQ_CONTROLLER_GICV2:
        return &gic_v2;
    case IRQ_CONTROLLER_GICV3:
        return &gic_v3;
    case IRQ_CONTROLLER_BCM2836_LOCAL:
        return &bcm2836_local_intc;
    default:
        return 0;
    }
}
