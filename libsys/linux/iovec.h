/*
 * readv/writev/preadv/pwritev as a walk over the iovec array, without
 * IPC: the caller gives the transfer of one buffer. Host-tested in
 * tests/host/test_personality_iovec.c.
 */
#ifndef LINUX_IOVEC_H
#define LINUX_IOVEC_H

#include <stdint.h>

struct linux_iovec {
    uint64_t base;
    uint64_t length;
};

#define LINUX_UIO_MAXIOV    1024
/* Linux's MAX_RW_COUNT: no single read or write moves more. */
#define LINUX_MAX_RW_COUNT  0x7ffff000ULL

/* Transfers up to length bytes at base (and advances its own offset if
 * it has one): bytes moved, or -errno. */
typedef int64_t iovec_transfer_function(void *context, uint64_t base, uint64_t length);

/* Linux's checks on an iovec array: count in [0, UIO_MAXIOV] and no
 * length (or running total) beyond SSIZE_MAX, else -EINVAL. Returns the
 * total length, clamped to LINUX_MAX_RW_COUNT. */
int64_t iovec_total_length(const struct linux_iovec *iov, int64_t count);

/* Transfers the buffers in order until one comes back short (Linux stops
 * there too) or LINUX_MAX_RW_COUNT bytes have moved. Returns the bytes
 * moved, or the first error if nothing moved. Empty buffers are skipped.
 * The array must have passed iovec_total_length. */
int64_t iovec_transfer_each(const struct linux_iovec *iov, int count,
                            iovec_transfer_function *transfer, void *context);

/* Copies the buffers one after the other into buffer (which holds at
 * least their total length): writev of a small total is one write, as
 * atomic as Linux makes it. */
void iovec_gather(const struct linux_iovec *iov, int count, uint8_t *buffer);
/* The other way: the first length bytes of buffer into the buffers, in
 * order: readv of a small total is one read, as Linux's read_iter takes
 * it (a pipe gives what it has, an eventfd its 8 bytes across them). */
void iovec_scatter(const struct linux_iovec *iov, int count, const uint8_t *buffer,
                   uint64_t length);

#endif
