/*
 * Reading the boot archive: a CPIO "newc" archive, as init, vfs and the
 * kernel see it. Each entry is a 110-byte header ("070701", or "070702"
 * with a checksum nobody checks, then 13 fields of 8 hex digits), the
 * name with its NUL, padding to 4 bytes, the data, padding to 4 bytes;
 * "TRAILER!!!" ends it. Names come without a leading "./" or "/".
 */
#ifndef SYS_CPIO_H
#define SYS_CPIO_H

#include <stdbool.h>
#include <stdint.h>

struct cpio_entry {
    const char *name;           /* NUL-terminated, inside the archive */
    uint64_t mode;              /* st_mode: type and permission bits */
    uint64_t uid, gid;
    /* Hard links share an inode number; cpio writes the data once, with
     * the last of them (the others have size 0). */
    uint64_t inode, links;
    uint64_t modify_time;       /* seconds since the epoch */
    const void *data;
    uint64_t size;
};

enum cpio_status {
    CPIO_ENTRY,                 /* *entry is the next one */
    CPIO_END,                   /* the trailer, or the end of the bytes */
    CPIO_MALFORMED,             /* a header or size that does not fit */
};

/* Read the entry at *offset and advance *offset past it; never reads past
 * length. */
enum cpio_status cpio_read_entry(const void *archive, uint64_t length, uint64_t *offset,
                                 struct cpio_entry *entry);

/* The regular file called name, or false. */
bool cpio_find_file(const void *archive, uint64_t length, const char *name,
                    struct cpio_entry *entry);

#endif
