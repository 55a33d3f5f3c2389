/*
 * What the System V cores' host tests share: the services a core takes
 * (malloc'd pages and blocks, counted so a test can see everything given
 * back; a clock the test moves), and clients' buffers in plain memory.
 */
#ifndef TESTS_HOST_TEST_SYSV_SUPPORT_H
#define TESTS_HOST_TEST_SYSV_SUPPORT_H

#include <stdlib.h>
#include "check.h"
#include "sys/client_buffer.h"
#include "sys/linux_abi.h"
#include "sysv/services.h"

static long pages_live, blocks_live;
static int64_t clock_seconds = 1000;

static void *allocate_page(void *context)
{
    (void)context;
    pages_live++;
    return aligned_alloc(4096, 4096);
}

static void free_page(void *context, void *page)
{
    (void)context;
    pages_live--;
    free(page);
}

static void *allocate(void *context, uint64_t size)
{
    (void)context;
    blocks_live++;
    return calloc(1, size);
}

static void release(void *context, void *block)
{
    (void)context;
    blocks_live--;
    free(block);
}

static int64_t now(void *context)
{
    (void)context;
    return clock_seconds;
}

static const struct sysv_services services = {allocate_page, free_page, allocate, release, now,
                                              NULL};

/* Callers: root, and two unprivileged users of different groups. */
static const struct sysv_caller root = {10, 0, 0};
static const struct sysv_caller user = {20, 1000, 1000};
static const struct sysv_caller stranger = {30, 2000, 2000};

/* A client's buffer: bytes in plain memory; copies beyond them fail. */
struct client {
    void *bytes;
    size_t size;
    struct client_buffer buffer;
};

static int copy_to(void *context, uint64_t offset, const void *source, size_t length)
{
    struct client *client = context;
    if (offset > client->size || length > client->size - offset)
        return -LINUX_EFAULT;
    memcpy((uint8_t *)client->bytes + offset, source, length);
    return 0;
}

static int copy_from(void *context, uint64_t offset, void *destination, size_t length)
{
    struct client *client = context;
    if (offset > client->size || length > client->size - offset)
        return -LINUX_EFAULT;
    memcpy(destination, (uint8_t *)client->bytes + offset, length);
    return 0;
}

static inline const struct client_buffer *client(struct client *client, void *bytes,
                                                 size_t size)
{
    *client = (struct client){bytes, size, {copy_to, copy_from, client}};
    return &client->buffer;
}

#endif
