#include "lib/string.h"

#include <stdint.h>

/* A 64-bit word at any address: the kernel runs with SCTLR_EL1.A clear
 * and copies only normal memory, where unaligned accesses are allowed. */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_word;

/* Eight words a turn, then words, then bytes: message windows and
 * VSpace_Read/Write copy through here, a byte loop cost ten times more. */
void *memcpy(void *destination, const void *source, size_t count)
{
    unsigned char *d = destination;
    const unsigned char *s = source;
    for (; count >= 64; d += 64, s += 64, count -= 64) {
        unaligned_word *to = (unaligned_word *)d;
        const unaligned_word *from = (const unaligned_word *)s;
        uint64_t a = from[0], b = from[1], c = from[2], e = from[3];
        uint64_t f = from[4], g = from[5], h = from[6], i = from[7];
        to[0] = a, to[1] = b, to[2] = c, to[3] = e;
        to[4] = f, to[5] = g, to[6] = h, to[7] = i;
    }
    for (; count >= 8; d += 8, s += 8, count -= 8)
        *(unaligned_word *)d = *(const unaligned_word *)s;
    while (count--)
        *d++ = *s++;
    return destination;
}

void *memmove(void *destination, const void *source, size_t count)
{
    unsigned char *d = destination;
    const unsigned char *s = source;
    if (d <= s || d >= s + count)
        return memcpy(destination, source, count);
    while (count--)
        d[count] = s[count];
    return destination;
}

/* Words too: every new object and page is zeroed through here. */
void *memset(void *destination, int value, size_t count)
{
    unsigned char *d = destination;
    uint64_t word = (unsigned char)value * 0x0101010101010101ULL;
    for (; count >= 64; d += 64, count -= 64) {
        unaligned_word *to = (unaligned_word *)d;
        to[0] = word, to[1] = word, to[2] = word, to[3] = word;
        to[4] = word, to[5] = word, to[6] = word, to[7] = word;
    }
    for (; count >= 8; d += 8, count -= 8)
        *(unaligned_word *)d = word;
    while (count--)
        *d++ = (unsigned char)value;
    return destination;
}

int memcmp(const void *a, const void *b, size_t count)
{
    const unsigned char *x = a, *y = b;
    for (; count; count--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *string)
{
    size_t n = 0;
    while (string[n])
        n++;
    return n;
}

size_t strnlen(const char *string, size_t max)
{
    size_t n = 0;
    while (n < max && string[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t count)
{
    for (; count; count--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}
