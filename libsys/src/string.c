/*
 * Memory and string functions. Built with -fno-tree-loop-distribute-patterns
 * (see CMakeLists.txt) so that GCC does not turn these loops back into
 * calls to themselves.
 */
#include <stdbool.h>
#include <stdint.h>
#include "sys/runtime.h"

/* Words that may alias anything, as the bytes they are copied from. */
typedef uint64_t __attribute__((may_alias)) word;

static inline bool word_aligned(const void *address)
{
    return ((uintptr_t)address & 7) == 0;
}

void *memcpy(void *destination, const void *source, size_t length)
{
    unsigned char *to = destination;
    const unsigned char *from = source;
    /* Equally misaligned: bytes up to a word boundary, then words (four
     * a turn: the loop's own instructions count too), then the rest. */
    if ((((uintptr_t)to ^ (uintptr_t)from) & 7) == 0) {
        for (; length && !word_aligned(to); length--)
            *to++ = *from++;
        word *to_words = (word *)to;
        const word *from_words = (const word *)from;
        for (; length >= 32; length -= 32, to_words += 4, from_words += 4) {
            to_words[0] = from_words[0];
            to_words[1] = from_words[1];
            to_words[2] = from_words[2];
            to_words[3] = from_words[3];
        }
        for (; length >= 8; length -= 8)
            *to_words++ = *from_words++;
        to = (unsigned char *)to_words;
        from = (const unsigned char *)from_words;
    }
    while (length--)
        *to++ = *from++;
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
    for (; length && !word_aligned(to); length--)
        *to++ = (unsigned char)value;
    word pattern = 0x0101010101010101ULL * (unsigned char)value;
    word *words = (word *)to;
    for (; length >= 32; length -= 32, words += 4) {
        words[0] = pattern;
        words[1] = pattern;
        words[2] = pattern;
        words[3] = pattern;
    }
    for (; length >= 8; length -= 8)
        *words++ = pattern;
    to = (unsigned char *)words;
    while (length--)
        *to++ = (unsigned char)value;
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
