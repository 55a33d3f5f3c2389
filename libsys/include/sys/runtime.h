/*
 * What a native program gets from libsys besides the system calls: the
 * entry point it provides, and the memory and string functions the
 * compiler may call even in freestanding code.
 *
 * crt0 (`_start`) enters root_main with x0 as the kernel left it (for the
 * root task: the address of its struct tern_boot_info, mapped read-only)
 * on the stack the kernel mapped, and powers the machine off when
 * root_main returns. Nothing else is set up: the loader has already zeroed
 * .bss (PT_LOAD memory beyond the file size) and the IPC buffer is the
 * kernel's.
 */
#ifndef SYS_RUNTIME_H
#define SYS_RUNTIME_H

#include <stddef.h>
#include "tern/boot_info.h"

int root_main(const struct tern_boot_info *boot_info);
/* What crt0 calls with root_main's result: powers the machine off. */
__attribute__((noreturn)) void tern_root_exit(int status);

void *memcpy(void *destination, const void *source, size_t length);
void *memmove(void *destination, const void *source, size_t length);
void *memset(void *destination, int value, size_t length);
int memcmp(const void *a, const void *b, size_t length);
size_t strlen(const char *text);
int strcmp(const char *a, const char *b);

#endif
