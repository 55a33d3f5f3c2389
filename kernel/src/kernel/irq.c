#include "arch/timer.h"
#include "arch/trap_frame.h"
#include "drivers/irq_controller.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/smp.h"

static const struct irq_controller *controller;
static uint32_t timer_irq;
static volatile uint64_t timer_ticks[MAX_CPUS];
static volatile uint64_t ipis_received[MAX_CPUS];

int irq_init(const struct board_facts *facts)
{
    controller = irq_controller_for(facts->irq_controller);
    if (!controller)
        return -1;
    timer_irq = facts->timer_irq_phys;
    controller->init(facts);
    return 0;
}

void irq_init_cpu(unsigned cpu)
{
    controller->init_cpu(cpu);
    controller->enable(timer_irq);
    timer_init_cpu();
}

const char *irq_controller_name(void)
{
    return controller ? controller->name : "none";
}

void irq_send_ipi(unsigned cpu)
{
    controller->send_ipi(cpu);
}

uint64_t irq_timer_ticks(unsigned cpu)
{
    return timer_ticks[cpu];
}

uint64_t irq_ipis_received(unsigned cpu)
{
    return ipis_received[cpu];
}

/* Called by vectors.S for an IRQ from the kernel or from user mode. */
void handle_irq(struct trap_frame *frame, unsigned long vector)
{
    (void)frame;
    (void)vector;
    unsigned cpu = this_cpu_index();
    for (;;) {
        uint32_t irq = controller->acknowledge();
        if (irq == IRQ_SPURIOUS)
            break;
        if (irq == timer_irq) {
            timer_tick();
            timer_ticks[cpu]++;
        } else if (irq == controller->ipi_irq) {
            ipis_received[cpu]++;
        } else {
            kprintf("tern: cpu%u: unexpected interrupt %u\n", cpu, irq);
        }
        controller->end_of_interrupt(irq);
    }
}
