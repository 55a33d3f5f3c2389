/*
 * Descriptor bitmaps (fd_table.h): lowest free first, as POSIX requires.
 */
#include "fd_table.h"
#include "sys/linux_abi.h"

static bool bit_is_set(const uint64_t *bitmap, unsigned index)
{
    return (bitmap[index / 64] >> (index % 64)) & 1;
}

static void set_bit(uint64_t *bitmap, unsigned index, bool value)
{
    uint64_t mask = 1ULL << (index % 64);
    if (value)
        bitmap[index / 64] |= mask;
    else
        bitmap[index / 64] &= ~mask;
}

int fd_table_reserve_lowest(struct fd_table *table, unsigned lowest, unsigned limit)
{
    if (limit > LINUX_MAX_FDS)
        limit = LINUX_MAX_FDS;
    for (unsigned fd = lowest; fd < limit; fd++) {
        if (fd % 64 == 0 && (table->open[fd / 64] | table->reserved[fd / 64]) == ~0ULL) {
            fd += 63;       /* a full word: skip it whole */
            continue;
        }
        if (!bit_is_set(table->open, fd) && !bit_is_set(table->reserved, fd)) {
            set_bit(table->reserved, fd, true);
            return (int)fd;
        }
    }
    return -LINUX_EMFILE;
}

bool fd_table_reserve(struct fd_table *table, unsigned fd)
{
    if (fd >= LINUX_MAX_FDS || bit_is_set(table->open, fd) || bit_is_set(table->reserved, fd))
        return false;
    set_bit(table->reserved, fd, true);
    return true;
}

void fd_table_take(struct fd_table *table, unsigned fd)
{
    set_bit(table->open, fd, false);
    set_bit(table->cloexec, fd, false);
    set_bit(table->reserved, fd, true);
}

void fd_table_install(struct fd_table *table, unsigned fd, bool cloexec)
{
    set_bit(table->cloexec, fd, cloexec);
    set_bit(table->open, fd, true);
    set_bit(table->reserved, fd, false);
}

void fd_table_release(struct fd_table *table, unsigned fd)
{
    set_bit(table->reserved, fd, false);
}

bool fd_table_is_open(const struct fd_table *table, int64_t fd)
{
    return fd >= 0 && fd < LINUX_MAX_FDS && bit_is_set(table->open, (unsigned)fd);
}

bool fd_table_is_reserved(const struct fd_table *table, int64_t fd)
{
    return fd >= 0 && fd < LINUX_MAX_FDS && bit_is_set(table->reserved, (unsigned)fd);
}

bool fd_table_cloexec(const struct fd_table *table, unsigned fd)
{
    return bit_is_set(table->cloexec, fd);
}

void fd_table_set_cloexec(struct fd_table *table, unsigned fd, bool cloexec)
{
    set_bit(table->cloexec, fd, cloexec);
}
