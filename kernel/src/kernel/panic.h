#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

struct trap_frame;

/* Print the message and stop this core for good. Only for kernel bugs and
 * impossible hardware states, never for anything a user can cause. */
void panic(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Same, with the exception registers (ESR, ELR, FAR) and the saved
 * general-purpose registers. */
void panic_with_frame(const char *why, const struct trap_frame *frame) __attribute__((noreturn));

#endif
