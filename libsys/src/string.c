/*
 * Memory and string functions. Built with -fno-tree-loop-distribute-patterns
 * (see CMakeLists.txt) so that GCC does not turn these loops back into
 * calls to themselves.
 */
#include <stdint.h>
#include "sys/runtime.h"

void *memcpy(void *destination, const void *source, size_t length)
{
    unsigned char *to = destination;
    const unsigned char *from = source;
    if ((((uintptr_t)to | (uintptr_t)from | length) & 7) == 0) {
        uint64_t *to_words = destination;
        const uint64_t *from_words = source;
        for (size_t i = 0; i < length / 8; i++)
            to_words[i] = from_words[i];
        return destination;
    }
    for (size_t i = 0; i < length; i++)
        to[i] = from[i];
    return destination;
}

void *memmove(void *destination, const void *source, size_t length)
{
    unsigned char *to = destination;
    const unsigned char *from = source;
    if (to == from || length == 0)
        return destination;
    if (to < from || to >= from + length)
        return memcpy(destination, source, length);
    while (length--)
        to[length] = from[length];
    return destination;
}

void *memset(void *destination, int value, size_t length)
{
    unsigned char *to = destination;
    for (size_t i = 0; i < length; i++)
        to[i] = (unsigned char)value;
    return destination;
}

int memcmp(const void *a, const void *b, size_t length)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < length; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *text)
{
    size_t length = 0;
    while (text[length])
        length++;
    return length;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}
