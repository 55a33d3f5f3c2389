/*
 * What the event descriptors' tests (event_*.c) share: reading the
 * 8-byte value an eventfd or a timerfd gives, with and without waiting,
 * and waiting until waiters are blocked.
 */
#ifndef CONFORMANCE_EVENT_H
#define CONFORMANCE_EVENT_H

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "signals.h"

/* A read's 8-byte value: 0 if the read fails. */
static inline uint64_t get(int fd)
{
    uint64_t value = 0;
    return read(fd, &value, sizeof value) == sizeof value ? value : 0;
}

/* The value without waiting: 0 for none. */
static inline uint64_t take(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    uint64_t value = get(fd);
    fcntl(fd, F_SETFL, flags);
    return value;
}

/* Waits until count waiters (processes or threads) have said, through
 * the eventfd ready, that they are about to wait, then gives them time
 * to: only the coverage, never a result, depends on the pause. */
static inline void until_waiting(int ready, uint64_t count)
{
    uint64_t said = 0;
    while (said < count)
        said += get(ready);
    sleep_milliseconds(200);
}

#endif
