/* Interrupt handling: the controller the device tree names, the timer
 * tick and inter-processor interrupts. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/board.h"

/* On the boot core: pick and start the controller. 0, or -1 if the board's
 * controller has no driver. */
int irq_init(const struct board_facts *facts);
/* On every core: its controller interface, its timer tick. */
void irq_init_cpu(unsigned cpu);

const char *irq_controller_name(void);

void irq_send_ipi(unsigned cpu);

/* Device interrupts handed to user mode (irq_handler.c). */
void irq_enable_line(uint32_t irq);
void irq_disable_line(uint32_t irq);
bool irq_is_reserved(uint32_t irq);     /* the timer's and the IPI's */
void irq_handler_deliver(uint32_t irq);
/* With the kernel lock: what this core's interrupt handler acknowledged
 * but gave way before processing (a stop request while it waited for the
 * lock): ticks, timeouts and device interrupts. */
void irq_process_deferred(void);

/* Interrupts taken so far by a core, for the boot self-test. */
uint64_t irq_timer_ticks(unsigned cpu);
uint64_t irq_ipis_received(unsigned cpu);

#endif
