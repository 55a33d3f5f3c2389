/*
 * The callers waiting on a socket with SO_RCVTIMEO or SO_SNDTIMEO, and
 * their deadlines (main.c keeps the server's timer on the earliest and
 * answers one whose time ran out). Pure: host-tested in
 * tests/host/test_unix_core.c.
 */
#ifndef UNIX_TIMED_CALLERS_H
#define UNIX_TIMED_CALLERS_H

#include <stdbool.h>
#include <stdint.h>

#define TIMED_CALLERS_CAPACITY 256

struct timed_caller {
    uint64_t reply;             /* 0: a free entry */
    uint64_t deadline;          /* counter ticks */
    uint64_t done;              /* what the call moved (the core's progress) */
    unsigned registers;         /* its answer's */
    bool expired;
};

struct timed_callers {
    struct timed_caller entry[TIMED_CALLERS_CAPACITY];
    unsigned count;
};

/* The entry of a caller (its reply object), or NULL. */
struct timed_caller *timed_callers_find(struct timed_callers *callers, uint64_t reply);
/* A new entry, or NULL when every one is taken (the caller then waits
 * without its timeout). */
struct timed_caller *timed_callers_add(struct timed_callers *callers, uint64_t reply,
                                       uint64_t deadline, unsigned registers);
void timed_callers_remove(struct timed_callers *callers, struct timed_caller *entry);
/* The earliest deadline not yet found expired, 0 if none. */
uint64_t timed_callers_earliest(const struct timed_callers *callers);

/* A timeout in the protocol's jiffies (HZ 250, unix.h) as a deadline in
 * counter ticks from now; the end of time when it does not fit. */
uint64_t timed_deadline(uint64_t now, uint64_t frequency, uint64_t jiffies);

#endif
