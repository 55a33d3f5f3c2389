/*
 * What core.c (names, permissions, charges) and transfer.c (sending,
 * receiving, waiting, deadlines) share: core.h's state machine inside.
 */
#ifndef SERVERS_MQUEUE_INTERNAL_H
#define SERVERS_MQUEUE_INTERNAL_H

#include "core.h"

struct mq_waiter {
    struct mq_waiter *next;
    uint64_t caller;
    uint64_t handle;            /* the OFD it waits through, retained meanwhile */
    uint64_t deadline;          /* 0: none */
    struct mq_message *message; /* a sender's, loaded */
    uint64_t length;            /* a receiver's buffer */
};

struct mq_poller {
    struct mq_poller *next;
    uint64_t notification;
};

static inline void *mq_allocate(struct mq_core *core, size_t size)
{
    return core->services.allocate(core->services.context, size);
}

static inline void mq_release(struct mq_core *core, void *block)
{
    core->services.free(core->services.context, block);
}

/* Signals every poller of the queue once, and forgets them (its state
 * changed, or it goes). */
void mq_notify_pollers(struct mq_core *core, struct mq_object *object);

#endif
