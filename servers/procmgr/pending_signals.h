/*
 * The signals pending for a process or for one of its threads, each with
 * its siginfo: a standard signal sent again while pending merges with
 * the first; a real-time one queues every instance, taken in the order
 * sent. Plain C, host-tested (tests/host/test_procmgr_pending_signals.c);
 * the memory for queued instances comes from the caller.
 */
#ifndef PROCMGR_PENDING_SIGNALS_H
#define PROCMGR_PENDING_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "signal_info.h"
#include "sys/linux_abi.h"

/* Real-time instances one set holds beyond each signal's first (Linux
 * limits them per user, RLIMIT_SIGPENDING). */
#define PENDING_QUEUE_LIMIT 256

/* A real-time signal's instance after its first. */
struct queued_signal {
    struct queued_signal *next;
    unsigned signal;
    struct signal_info info;
};

struct pending_signals {
    uint64_t set;                               /* LINUX_SIGNAL_BIT of each one pending */
    struct signal_info first[LINUX_NSIG + 1];   /* each one's first instance */
    struct queued_signal *queue;                /* the later instances, oldest first */
    unsigned queue_length;
};

/* Where queued instances come from (allocate: NULL when out of memory)
 * and go back to. */
struct pending_memory {
    void *(*allocate)(size_t size);
    void (*free)(void *block);
};

/* Whether pending_add would take signal: not if it is a real-time one
 * already pending and the queue holds PENDING_QUEUE_LIMIT instances. */
bool pending_has_room(const struct pending_signals *pending, unsigned signal);

/* Make signal (1 .. LINUX_NSIG) pending with info: 0, or -LINUX_EAGAIN
 * if it is real-time and could not queue (no room, or no memory). */
int pending_add(struct pending_signals *pending, unsigned signal, const struct signal_info *info,
                const struct pending_memory *memory);

/* Take a pending signal's first instance: the next queued one, if any,
 * takes its place; else it is pending no more. */
struct signal_info pending_take(struct pending_signals *pending, unsigned signal,
                                const struct pending_memory *memory);

/* Every instance of signal goes; signal 0: of every signal. */
void pending_discard(struct pending_signals *pending, unsigned signal,
                     const struct pending_memory *memory);

/* Everything pending in from goes to to, which must have nothing pending;
 * from is left empty. */
void pending_move(struct pending_signals *to, struct pending_signals *from);

#endif
