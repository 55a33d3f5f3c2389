/*
 * Open file descriptions (OFDs) as a server keeps them: what one open
 * made, shared by every descriptor (capability) copied from it, and
 * counted by FILE_RETAIN / FILE_CLOSE (sys/protocol/file.h). An OFD
 * names the server's object, and holds the status flags F_GETFL shows
 * and the file position.
 *
 * Clients name an OFD by a handle, the badge of their descriptors: the
 * slot index in bits 0-23 and the slot's generation above, so a handle
 * that outlives its OFD matches nothing, and no handle is 0. Slots live
 * in pages the table allocates as it needs them.
 *
 * Plain C with no IPC in it (tests/host/test_libsys_file_table.c);
 * every function returns a non-negative result or -errno.
 */
#ifndef SYS_FILE_TABLE_H
#define SYS_FILE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_abi.h"

#define FILE_TABLE_INDEX_BITS   24
#define FILE_TABLE_PAGE_SIZE    4096
#define FILE_TABLE_PER_PAGE     (FILE_TABLE_PAGE_SIZE / 32)
#define FILE_TABLE_PAGES        128
#define FILE_TABLE_CAPACITY     (FILE_TABLE_PER_PAGE * FILE_TABLE_PAGES)

/* F_SETFL changes only these status flags (Linux's SETFL_MASK). */
#define FILE_TABLE_SETTABLE_FLAGS \
    (LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_DIRECT | LINUX_O_NOATIME)

/* Whether flags' access mode (O_RDONLY, O_WRONLY, O_RDWR) lets the OFD
 * read, or write. */
static inline bool file_flags_readable(uint32_t flags)
{
    uint32_t mode = flags & LINUX_O_ACCMODE;
    return mode == LINUX_O_RDONLY || mode == LINUX_O_RDWR;
}

static inline bool file_flags_writable(uint32_t flags)
{
    uint32_t mode = flags & LINUX_O_ACCMODE;
    return mode == LINUX_O_WRONLY || mode == LINUX_O_RDWR;
}

struct file_description {
    void *object;               /* what was opened; NULL: the slot is free */
    uint64_t position;          /* the file offset, for servers that have one */
    uint32_t flags;             /* access mode and status flags, as F_GETFL shows them */
    uint32_t references;        /* descriptors naming it */
    uint32_t generation;
    uint32_t next_free;         /* free slots: index + 1 of the next, 0 ends */
};

struct file_table {
    /* A zeroed or not page of FILE_TABLE_PAGE_SIZE bytes, page-aligned;
     * NULL when memory is exhausted. */
    void *(*allocate_page)(void *context);
    void *context;
    /* Told of each OFD whose last reference went, however it went
     * (FILE_CLOSE, or a reference the server held itself: a waiting
     * caller's, a descriptor in flight), once its slot is free and
     * before the server lets go of object; NULL (file_table_init): nobody
     * is told. The file server runtime's locks follow OFDs this way. */
    void (*description_ended)(const struct file_table *table, uint64_t handle,
                              const void *object);
    struct file_description *pages[FILE_TABLE_PAGES];
    uint32_t slots_made;
    uint32_t free_head;         /* index + 1 of a free slot, 0: none */
};

void file_table_init(struct file_table *table, void *(*allocate_page)(void *context),
                     void *context);
/* A new OFD of object with one reference; *handle gets its handle.
 * -ENFILE when the table is full, -ENOMEM without memory for it. */
int file_table_open(struct file_table *table, void *object, uint32_t flags, uint64_t *handle);
/* The live OFD with this handle, or NULL. */
struct file_description *file_table_find(const struct file_table *table, uint64_t handle);
/* Whether a live OFD names object (a walk of every slot). */
bool file_table_names(const struct file_table *table, const void *object);
/* One more reference (FILE_RETAIN): 0, -EBADF, or -ENFILE at the count's limit. */
int file_table_retain(struct file_table *table, uint64_t handle);
/* One reference less (FILE_CLOSE): 0 or -EBADF. When that was the last,
 * the OFD is gone (description_ended is told) and *last_object gets its
 * object, which the server now lets go of; else *last_object is NULL. */
int file_table_close(struct file_table *table, uint64_t handle, void **last_object);
/* The pages the table has made, which it keeps for good. */
uint32_t file_table_pages(const struct file_table *table);
/* F_GETFL: the OFD's flags, or -EBADF. */
int64_t file_table_get_flags(const struct file_table *table, uint64_t handle);
/* F_SETFL: the settable status flags become those of flags, the others
 * stay; -EBADF, also for an O_PATH OFD (as Linux's fcntl). */
int file_table_set_flags(struct file_table *table, uint64_t handle, uint64_t flags);

#endif
