/*
 * The descriptor table's bookkeeping, without IPC: which descriptors are
 * open and close-on-exec (the two bitmaps of the process info page, which
 * procmgr reads on fork, execve and exit) and which are reserved (being
 * opened, duplicated onto or closed by some thread right now, so no other
 * thread may take or touch them; private to the personality).
 *
 * Descriptor n's capability lives in CSpace slot linux_fd_slot(n); the
 * caller fills or empties the slot while n is reserved, then installs or
 * releases it. Callers serialise these functions (descriptors.c holds a
 * lock around them); host-tested in tests/host/test_personality_fd_table.c.
 */
#ifndef LINUX_FD_TABLE_H
#define LINUX_FD_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_process.h"

#define FD_TABLE_WORDS (LINUX_MAX_FDS / 64)

struct fd_table {
    uint64_t *open;                     /* linux_process_info.fd_open */
    uint64_t *cloexec;                  /* linux_process_info.fd_cloexec */
    uint64_t reserved[FD_TABLE_WORDS];
};

/* The lowest descriptor >= lowest and < limit that is neither open nor
 * reserved, now reserved; -LINUX_EMFILE if there is none. */
int fd_table_reserve_lowest(struct fd_table *table, unsigned lowest, unsigned limit);

/* Reserve exactly fd, which must be free (neither open nor reserved). */
bool fd_table_reserve(struct fd_table *table, unsigned fd);

/* Take an open descriptor out of use (close, or dup3 onto it): it is no
 * longer open but stays reserved until fd_table_release. */
void fd_table_take(struct fd_table *table, unsigned fd);

/* A reserved descriptor becomes open, with close-on-exec as given. */
void fd_table_install(struct fd_table *table, unsigned fd, bool cloexec);

/* A reserved descriptor becomes free again. */
void fd_table_release(struct fd_table *table, unsigned fd);

/* fd is open (false for anything out of range, negative included). */
bool fd_table_is_open(const struct fd_table *table, int64_t fd);
bool fd_table_is_reserved(const struct fd_table *table, int64_t fd);

bool fd_table_cloexec(const struct fd_table *table, unsigned fd);
void fd_table_set_cloexec(struct fd_table *table, unsigned fd, bool cloexec);

#endif
