/* Reading the boot archive: a CPIO "newc" archive (cpio -H newc). */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stdint.h>

/* Find the regular file called name (a leading "./" in the archive is
 * ignored). Returns its contents and sets *size, or 0 if absent or if the
 * archive is malformed. Never reads outside [archive, archive + length). */
const void *cpio_find(const void *archive, uint64_t length, const char *name, uint64_t *size);

#endif
