/*
 * The memfd server's state machine: memory files as Linux's
 * memfd_create(2) makes them (a tmpfs file with no name), with no IPC in
 * it (main.c binds it to sys/protocol/memfd.h, file.h and memory.h;
 * tests/host/test_memfd_core.c tests it).
 *
 * A memfd's bytes are pages (sys/file_pages.h), which the server lends to
 * procmgr for mappings. Its open file descriptions are a file table's
 * (sys/file_table.h): each memfd_create makes one memfd and one OFD, open
 * for reading and writing; dup and fork count references to it. A shared
 * mapping that may write gets an OFD of its own, which procmgr keeps for
 * as long as the mapping lives (MEMORY_MAP_DESCRIPTOR): such OFDs are
 * what the WRITE seal waits for. The memfd goes with its last OFD.
 *
 * Seals (F_ADD_SEALS) are Linux 6.1's: SEAL (no more seals), SHRINK and
 * GROW (the size), WRITE (no writes and no mapping that may write: EBUSY
 * while one exists) and FUTURE_WRITE (mappings that may write keep doing
 * so, nothing new may). A memfd made without MFD_ALLOW_SEALING starts
 * with F_SEAL_SEAL.
 *
 * Every function returns a non-negative result or -errno.
 */
#ifndef SERVERS_MEMFD_CORE_H
#define SERVERS_MEMFD_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/client_buffer.h"
#include "sys/file_pages.h"
#include "sys/client_accounts.h"
#include "sys/file_table.h"
#include "sys/linux_abi.h"

/* st_dev of memfds: an anonymous device of their own, as Linux's
 * internal tmpfs mount is. */
#define MEMFD_DEVICE 14

struct memfd_time {
    int64_t seconds;
    uint64_t nanoseconds;
};

struct memfd_services {
    /* Data pages and small blocks (zeroed), NULL without memory. */
    void *(*allocate_page)(void *context);
    void (*free_page)(void *context, void *page);
    void *(*allocate)(void *context, uint64_t size);
    void (*free)(void *context, void *block);
    struct memfd_time (*now)(void *context);
    void *context;
};

struct memfd {
    uint64_t inode;
    struct file_pages data;
    uint32_t seals;                 /* FILE_SEAL_* (file.h) */
    uint32_t mode;                  /* LINUX_S_IFREG | 0777 */
    uint32_t uid, gid;              /* its maker's */
    struct client_owner owner;      /* its maker's process and user, charged for it */
    struct memfd_core *core;
    /* Where its pages come from: the core's, each charged to its maker's
     * user (the account's amount, against user_page_ceiling). */
    struct page_tree_pages pages;
    uint32_t block_size;            /* st_blksize: a page, or the huge page size */
    uint32_t descriptions;          /* OFDs naming it, mappings' included */
    /* Mappings that may write (shared, not sealed against it when made):
     * the OFDs MEMORY_MAP made for them. */
    uint32_t mappings_that_may_write;
    struct memfd_time modify_time, change_time;
    /* What FILE_PATH shows: "/memfd:NAME (deleted)" (memfd_set_name). */
    char *path;
    uint32_t path_length;
};

struct memfd_core {
    struct memfd_services services;
    struct file_table files;
    uint64_t next_inode;
    struct client_accounts accounts;    /* what each client holds: memfds */
    uint64_t user_page_ceiling;         /* MEMFD_USER_PAGES; tests make it smaller */
    bool user_refused;                  /* the last page asked for was over it */
};

/* What a client may hold (sys/client_accounts.h): a process as many
 * memfds as it could hold descriptors (RLIMIT_NOFILE's highest,
 * LINUX_MAX_FDS), then -EMFILE; a user but root half the descriptions
 * the table has, then -ENFILE. A memfd is its maker's until it goes,
 * whoever holds it. (Its pages are the lending policy's: memory.md.) */
#define MEMFD_PROCESS_FILES 4096u
#define MEMFD_USER_FILES (FILE_TABLE_CAPACITY / 2)
/* The pages (data and index) the memfds a user but root made may hold
 * at once: half of the 65,536 the server can lend (its CNode), so that
 * one user cannot take them all (-ENOMEM, docs/limits.md). */
#define MEMFD_USER_PAGES 32768u

void memfd_core_init(struct memfd_core *core, const struct memfd_services *services);

/* memfd_create: flags (MEMFD_* of memfd.h without MFD_CLOEXEC) checked as
 * Linux 6.1 does (EINVAL), the maker's pid and ids; *handle gets the OFD.
 * EMFILE, ENFILE (the ceilings above, or a full table), ENOMEM. */
int memfd_create(struct memfd_core *core, uint32_t flags, uint32_t pid, uint32_t uid,
                 uint32_t gid, uint64_t *handle);
/* Process pid ended: the memfds it made that others still hold stay
 * charged to it alone (sys/client_accounts.h). */
void memfd_process_ended(struct memfd_core *core, uint32_t pid);
/* Names the new memfd behind handle for FILE_PATH: "/memfd:" name
 * " (deleted)", as Linux shows a memfd, or the name as it is (as_path).
 * -ENOMEM (it then shows "/memfd: (deleted)"). */
int memfd_set_name(struct memfd_core *core, uint64_t handle, const char *name, uint64_t length,
                   bool as_path);
/* FILE_PATH: its name into path (room for FILE_PATH_MAX bytes), the
 * length; -EBADF. */
int64_t memfd_path(struct memfd_core *core, uint64_t handle, char *path);
/* The last reference to an OFD went (file_table_close gave object): a
 * mapping's no longer counts, and the memfd goes with its last OFD. */
void memfd_release(struct memfd_core *core, void *object);

/* The file protocol on an OFD (-EBADF for an unknown one). A write that
 * finds no page writes nothing: -ENOSPC when the server has none (it
 * borrows and the write comes again), -ENOMEM when the memfd's maker's
 * user holds its ceiling of pages. */
int64_t memfd_read(struct memfd_core *core, uint64_t handle, const struct client_buffer *buffer,
                   uint64_t length);
int64_t memfd_write(struct memfd_core *core, uint64_t handle, const struct client_buffer *buffer,
                    uint64_t length);
/* -EINVAL for a negative offset. */
int64_t memfd_pread(struct memfd_core *core, uint64_t handle, const struct client_buffer *buffer,
                    uint64_t length, int64_t offset);
int64_t memfd_pwrite(struct memfd_core *core, uint64_t handle,
                     const struct client_buffer *buffer, uint64_t length, int64_t offset);
/* SEEK_SET, SEEK_CUR, SEEK_END; -EINVAL for another whence or a negative
 * result. */
int64_t memfd_seek(struct memfd_core *core, uint64_t handle, int64_t offset, uint64_t whence);
int memfd_stat(struct memfd_core *core, uint64_t handle, struct linux_stat *stat);
/* ftruncate: EPERM against SHRINK or GROW seals, EFBIG, EINVAL. */
int memfd_truncate(struct memfd_core *core, uint64_t handle, int64_t length);
/* FIONREAD: the bytes from the offset to the end, at most INT_MAX. */
int64_t memfd_bytes_left(struct memfd_core *core, uint64_t handle);
int64_t memfd_get_seals(struct memfd_core *core, uint64_t handle);
/* F_ADD_SEALS, in Linux's order: EINVAL above 32 bits, EPERM through an
 * OFD not open for writing, EINVAL for an unknown seal, EPERM once
 * sealed, EBUSY for WRITE while a mapping may write. */
int memfd_add_seals(struct memfd_core *core, uint64_t handle, uint64_t seals);

/* The memory-object protocol (sys/protocol/memory.h). */
/* MEMORY_MAP: MEMORY_MAP_* answer flags, the identity in *identity;
 * EPERM for a shared writable mapping against WRITE or FUTURE_WRITE,
 * EACCES for an OFD not open for reading, ENOMEM for huge pages. A
 * shared mapping that may write gets an OFD of its own in *mapping
 * (MEMORY_MAP_DESCRIPTOR; ENFILE, ENOMEM). */
int memfd_map(struct memfd_core *core, uint64_t handle, uint32_t prot, bool shared,
              uint64_t *identity, uint64_t *mapping);
/* MEMORY_PAGE: the page at offset, made (zeroed) if new; access is
 * MEMORY_PAGE_* (sys/protocol/memory.h). -ENXIO past the end, -EPERM
 * for a writable one against the WRITE seal, -EINVAL for an unaligned
 * offset, -ENOENT for a hole with MEMORY_PAGE_EXISTING; -ENOSPC without
 * a page (the server borrows), -ENOMEM for a user at its ceiling. */
int memfd_map_page(struct memfd_core *core, uint64_t handle, uint64_t offset, unsigned access,
                   void **page);

#endif
