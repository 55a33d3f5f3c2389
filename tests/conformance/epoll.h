/*
 * What the epoll tests (epoll_*.c) share: registering with an event's
 * data, waiting into got[] (cleared first), and draining a pipe.
 */
#ifndef CONFORMANCE_EPOLL_H
#define CONFORMANCE_EPOLL_H

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static struct epoll_event got[16];

/* CLOCK_MONOTONIC in nanoseconds. */
static inline long long now(void)
{
    struct timespec time = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec * 1000000000ll + time.tv_nsec;
}

static inline int ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event event = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, op, fd, &event);
}

static inline int add(int ep, int fd, uint32_t events, uint64_t data)
{
    return ctl(ep, EPOLL_CTL_ADD, fd, events, data);
}

static inline int mod(int ep, int fd, uint32_t events, uint64_t data)
{
    return ctl(ep, EPOLL_CTL_MOD, fd, events, data);
}

static inline int del(int ep, int fd)
{
    return epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
}

static inline int wait_for(int ep, int timeout)
{
    memset(got, 0, sizeof got);
    return epoll_wait(ep, got, 16, timeout);
}

/* epoll_wait without waiting. */
static inline int ready(int ep)
{
    return wait_for(ep, 0);
}

/* The events of the only ready registration, or -1 if not exactly one is
 * ready or its data is not this. */
static inline long long only(int ep, uint64_t data)
{
    if (ready(ep) != 1 || got[0].data.u64 != data)
        return -1;
    return got[0].events;
}

/* Reads without waiting until nothing is left. */
static inline void drain(int fd)
{
    char buffer[4096];
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    while (read(fd, buffer, sizeof buffer) > 0)
        continue;
    fcntl(fd, F_SETFL, flags);
}

#endif
