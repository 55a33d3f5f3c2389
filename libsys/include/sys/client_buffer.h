/*
 * A client's buffer as a server's core reaches it: through copies only,
 * which the server binds to the call's message window (or to the bytes a
 * small call carries in its registers), so a core never holds a client
 * pointer and is tested on the host with plain memory.
 */
#ifndef SYS_CLIENT_BUFFER_H
#define SYS_CLIENT_BUFFER_H

#include <stddef.h>
#include <stdint.h>

/* Linux never moves more than this in one read or write (MAX_RW_COUNT). */
#define CLIENT_BUFFER_MAX_TRANSFER 0x7ffff000ULL

/* Copies at offset (from the start of the buffer): 0, or -EFAULT. */
struct client_buffer {
    int (*copy_to_client)(void *context, uint64_t offset, const void *source, size_t length);
    int (*copy_from_client)(void *context, uint64_t offset, void *destination, size_t length);
    void *context;
};

/* Copies in pieces of at most 64 KiB, so that no one copy keeps the
 * kernel busy for long; returns how many bytes reached the client:
 * length, or fewer if a copy failed. */
uint64_t client_buffer_copy_to(const struct client_buffer *buffer, uint64_t offset,
                               const void *source, uint64_t length);
/* The same with zeros. */
uint64_t client_buffer_zero(const struct client_buffer *buffer, uint64_t offset,
                            uint64_t length);

/* The result of a transfer that moved `done` bytes and then stopped on
 * `error`: what was done, or the error if nothing was. */
static inline int64_t client_buffer_result(uint64_t done, int error)
{
    return done > 0 ? (int64_t)done : error;
}

#endif
