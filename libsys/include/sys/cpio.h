/*
 * Reading the boot archive: a CPIO "newc" archive (070701 headers), as
 * the kernel, init and vfs all see it. Names come without a leading "./"
 * or "/".
 */
#ifndef SYS_CPIO_H
#define SYS_CPIO_H

#include <stdbool.h>
#include <stdint.h>

struct cpio_entry {
    const char *name;           /* NUL-terminated, inside the archive */
    uint64_t mode;              /* st_mode: type and permission bits */
    uint64_t uid, gid;
    const void *data;
    uint64_t size;
};

/* Read the entry at *offset and advance *offset past it. False at the
 * trailer, at the end, or at anything malformed (never reads past
 * length). */
bool cpio_next(const void *archive, uint64_t length, uint64_t *offset, struct cpio_entry *entry);

/* The regular file called name, or false. */
bool cpio_find_file(const void *archive, uint64_t length, const char *name,
                    struct cpio_entry *entry);

#endif
