/* The kernel console: one UART chosen from the device tree, and printf. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include "kernel/board.h"

/* Map and start the UART that facts->console names. Until this is called
 * output is dropped. Returns 0, or -1 if the console kind is unknown. */
int console_init(const struct board_facts *facts);

void console_write(const char *text, unsigned long length);
/* A byte the console has received, or -1 if none is waiting. */
int console_read_char(void);

/* printf with %s %c %d %i %u %x %p %%, widths, zero padding and l/ll/z.
 * Lines from different cores are not interleaved. */
void kprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *format, va_list arguments);

#endif
