/* Polled UART drivers for the kernel console. The bootloader or firmware
 * has already set the line speed; the kernel writes characters, and reads
 * what has arrived for user mode's console (DebugGetChar). */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stdint.h>
#include "kernel/board.h"

struct uart_driver {
    const char *name;
    void (*init)(uintptr_t registers);
    void (*put_char)(uintptr_t registers, char c);
    int (*get_char)(uintptr_t registers);       /* a received byte, or -1 */
};

extern const struct uart_driver pl011_uart;
extern const struct uart_driver bcm2835_aux_uart;

/* The driver for a console kind, or 0 if there is none. */
const struct uart_driver *uart_driver_for(enum console_kind kind);

#endif
