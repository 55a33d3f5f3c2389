/*
 * Formatted output for native programs, through the kernel's debug console
 * (tern_debug_put_char). Conversions: %d %i %u %x %X %p %s %c %%, with the
 * flags '-' and '0', a field width, and the length modifiers l, ll and z
 * (%lx, %lu, %ld, %zu ...). No floating point.
 */
#ifndef SYS_PRINT_H
#define SYS_PRINT_H

#include <stdarg.h>
#include <stddef.h>

int tern_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int tern_vprintf(const char *format, va_list arguments);
/* As snprintf: at most size - 1 characters and a NUL; returns the length
 * the whole output would have had. */
int tern_snprintf(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
int tern_vsnprintf(char *buffer, size_t size, const char *format, va_list arguments);
/* A string and a newline. */
void tern_puts(const char *text);

#endif
