/*
 * Interrupt dispatch. Acknowledging and the parts that must not wait for
 * the kernel lock (membarrier's barrier, counting) run first; then, under
 * the lock, what changes kernel state: time slices, timeouts, and device
 * interrupts delivered to their IRQHandler's notification.
 */
#include "arch/timer.h"
#include "arch/trap_frame.h"
#include "drivers/irq_controller.h"
#include "kernel/console.h"
#include "kernel/ipc.h"
#include "kernel/irq.h"
#include "kernel/membarrier.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"

#define MAX_PENDING_DEVICE_IRQS 8

static const struct irq_controller *controller;
static uint32_t timer_irq;
static uint32_t timeout_irq;        /* the virtual timer's: timeouts (arch/timer.h) */
static volatile uint64_t timer_ticks[MAX_CPUS];
static volatile uint64_t ipis_received[MAX_CPUS];

struct interrupt_events {
    bool tick;
    uint64_t tick_elapsed;      /* counter ticks since this core's previous tick */
    bool timeout;
    unsigned device_count;
    uint32_t device[MAX_PENDING_DEVICE_IRQS];
};

int irq_init(const struct board_facts *facts)
{
    controller = irq_controller_for(facts->irq_controller);
    if (!controller)
        return -1;
    timer_irq = facts->timer_irq_phys;
    timeout_irq = facts->timer_irq_virt;
    controller->init(facts);
    return 0;
}

void irq_init_cpu(unsigned cpu)
{
    controller->init_cpu(cpu);
    controller->enable(timer_irq);
    controller->enable(timeout_irq);
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

void irq_enable_line(uint32_t irq)
{
    controller->enable(irq);
}

void irq_disable_line(uint32_t irq)
{
    controller->disable(irq);
}

bool irq_is_reserved(uint32_t irq)
{
    return irq == timer_irq || irq == timeout_irq || irq == controller->ipi_irq;
}

uint64_t irq_timer_ticks(unsigned cpu)
{
    return timer_ticks[cpu];
}

uint64_t irq_ipis_received(unsigned cpu)
{
    return ipis_received[cpu];
}

static void acknowledge_all(struct interrupt_events *events)
{
    unsigned cpu = this_cpu_index();
    events->tick = events->timeout = false;
    events->device_count = 0;
    for (;;) {
        uint32_t irq = controller->acknowledge();
        if (irq == IRQ_SPURIOUS)
            break;
        if (irq == timer_irq) {
            events->tick_elapsed = timer_tick();
            timer_ticks[cpu]++;
            events->tick = true;
        } else if (irq == timeout_irq) {
            timer_timeout_fired();
            events->timeout = true;
        } else if (irq == controller->ipi_irq) {
            ipis_received[cpu]++;
            membarrier_answer_ipi(cpu);     /* a reschedule needs nothing more */
            fpu_answer_flush_request(cpu);
        } else if (events->device_count < MAX_PENDING_DEVICE_IRQS) {
            /* Masked until the driver acknowledges it (IRQHandler_Ack). */
            controller->disable(irq);
            events->device[events->device_count++] = irq;
        } else {
            controller->disable(irq);
            kprintf("tern: cpu%u: interrupt %u lost\n", cpu, irq);
        }
        controller->end_of_interrupt(irq);
    }
}

/* What a core acknowledged but could not process (handle_irq gave way to
 * a stop request), for the next time it holds the kernel lock. */
static struct interrupt_events deferred[MAX_CPUS];

static void defer(const struct interrupt_events *events)
{
    struct interrupt_events *kept = &deferred[this_cpu_index()];
    kept->tick_elapsed += events->tick ? events->tick_elapsed : 0;
    kept->tick |= events->tick;
    kept->timeout |= events->timeout;
    for (unsigned i = 0; i < events->device_count; i++) {
        if (kept->device_count < MAX_PENDING_DEVICE_IRQS)
            kept->device[kept->device_count++] = events->device[i];
        else
            kprintf("tern: cpu%u: interrupt %u lost\n", this_cpu_index(), events->device[i]);
    }
}

static void process_events(const struct interrupt_events *events)
{
    if (events->tick)
        scheduler_tick(events->tick_elapsed);
    if (events->tick || events->timeout)
        notification_timeouts_expire(timer_now());
    for (unsigned i = 0; i < events->device_count; i++)
        irq_handler_deliver(events->device[i]);
}

void irq_process_deferred(void)
{
    struct interrupt_events *kept = &deferred[this_cpu_index()];
    if (!kept->tick && !kept->timeout && !kept->device_count)
        return;
    struct interrupt_events events = *kept;
    *kept = (struct interrupt_events){0};
    process_events(&events);
}

static void process_locked(const struct interrupt_events *events)
{
    irq_process_deferred();
    process_events(events);
}

/* An interrupt while the kernel ran (the idle loop, or a boot wait). */
void handle_irq(struct trap_frame *frame, unsigned long vector)
{
    (void)frame;
    (void)vector;
    struct interrupt_events events;
    acknowledge_all(&events);
    if (events.tick || events.timeout || events.device_count) {
        /* Interrupted in membarrier's wait: a core holding the lock may be
         * waiting for this one to stop its thread, which happens once the
         * wait ends; so never block on the lock here. */
        while (!spin_trylock(&kernel_lock)) {
            fpu_answer_flush_request(this_cpu_index());
            if (scheduler_stop_requested()) {
                defer(&events);
                return;
            }
            spin_wait_hint();
        }
        process_locked(&events);
        spin_unlock(&kernel_lock);
    }
}

/* An interrupt while a thread ran: maybe another thread runs next. */
void handle_user_irq(void)
{
    struct interrupt_events events;
    acknowledge_all(&events);
    if (!spin_trylock(&kernel_lock))
        kernel_lock_for_thread(false);
    process_locked(&events);
    kernel_exit();
}
