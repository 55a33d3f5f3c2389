/*
 * A client's buffer for the servers' cores in host tests: bytes[0..size)
 * of plain memory behind a struct client_buffer; a copy outside them is
 * EFAULT, as a window copy beyond a window is.
 */
#ifndef TESTS_HOST_TEST_CLIENT_MEMORY_H
#define TESTS_HOST_TEST_CLIENT_MEMORY_H

#include <stdint.h>
#include <string.h>
#include "sys/client_buffer.h"
#include "sys/linux_abi.h"

struct client {
    uint8_t *bytes;
    size_t size;
    struct client_buffer buffer;
};

static inline int client_copy_to(void *context, uint64_t offset, const void *source,
                                 size_t length)
{
    struct client *client = context;
    if (offset > client->size || length > client->size - offset)
        return -LINUX_EFAULT;
    memcpy(client->bytes + offset, source, length);
    return 0;
}

static inline int client_copy_from(void *context, uint64_t offset, void *destination,
                                   size_t length)
{
    struct client *client = context;
    if (offset > client->size || length > client->size - offset)
        return -LINUX_EFAULT;
    memcpy(destination, client->bytes + offset, length);
    return 0;
}

/* client's buffer of size bytes at bytes (the core may write them). */
static inline const struct client_buffer *client(struct client *client, const void *bytes,
                                                 size_t size)
{
    *client = (struct client){(uint8_t *)bytes, size,
                              {client_copy_to, client_copy_from, client}};
    return &client->buffer;
}

#endif
