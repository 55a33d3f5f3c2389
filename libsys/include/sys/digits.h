/*
 * A number's digits, for the servers and the personality that write
 * numbers as text (/proc files, settings, descriptor names): no printf in
 * freestanding code.
 */
#ifndef SYS_DIGITS_H
#define SYS_DIGITS_H

#include <stdint.h>

/* The most digits digits_of writes: 2^64 - 1 in base 8. */
#define DIGITS_MAX 22

/* value's digits in base (8 or 10), most significant first, at out (room
 * for DIGITS_MAX): their count. */
static inline unsigned digits_of(uint64_t value, unsigned base, char *out)
{
    char reversed[DIGITS_MAX];
    unsigned count = 0;
    do {
        reversed[count++] = (char)('0' + value % base);
        value /= base;
    } while (value);
    for (unsigned i = 0; i < count; i++)
        out[i] = reversed[count - 1 - i];
    return count;
}

#endif
