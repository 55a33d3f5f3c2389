/*
 * The C string functions the kernel uses. The kernel is freestanding, so
 * lib/string.c provides them; on the host the C library does, which is what
 * lets kernel code that includes this header run in host unit tests.
 */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *destination, const void *source, size_t count);
void *memmove(void *destination, const void *source, size_t count);
void *memset(void *destination, int value, size_t count);
int memcmp(const void *a, const void *b, size_t count);
size_t strlen(const char *string);
size_t strnlen(const char *string, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t count);

#endif
