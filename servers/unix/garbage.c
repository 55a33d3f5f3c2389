/*
 * The garbage collector of sockets in flight, as Linux 6.1's unix_gc
 * (net/unix/garbage.c) finds them: a socket passed with SCM_RIGHTS and
 * closed by everyone may be held only by messages in queues that no
 * process can read anymore (its own queue, or a cycle of sockets each in
 * another's queue), and then nothing would ever release it.
 *
 * References: a socket's are its description's (sys/file_table.h: the
 * descriptors, a waiter's hold, a right the server holds), and those of
 * them that rights in messages own are its inflight count (rights.c).
 *
 * 1. Candidates: sockets all of whose references are in flight.
 * 2. Each right to a candidate found in a candidate's queue (a
 *    listener's: its embryos' queues) takes one off the candidate's
 *    count; a candidate with some left is held from elsewhere (a queue a
 *    process can read, a message not queued yet), so it is reachable.
 * 3. What a reachable candidate's queues hold is reachable, transitively.
 * 4. The other candidates are garbage: the messages of their queues that
 *    carry rights to candidates are taken off and freed. Their rights go
 *    to core->dropped, whose closes at settling release the sockets (the
 *    last references were those), which purge the rest of their queues
 *    as any release does.
 *
 * Run by unix_settle after a socket was released while some were in
 * flight (Linux: at unix_release_sock when unix_tot_inflight is not 0),
 * at once rather than in a work queue.
 */
#include "internal.h"

/* Calls visit(core, target, message) for every right to a candidate in
 * the socket's queue, or its embryos' queues for a listener. */
static void scan_queue(struct unix_core *core, struct unix_socket *socket,
                       void (*visit)(struct unix_core *, struct unix_socket *, void *),
                       void *context)
{
    for (struct unix_message *message = socket->first; message; message = message->next) {
        const struct unix_rights *rights = message->rights;
        if (!rights)
            continue;
        for (uint32_t i = rights->taken; i < rights->count; i++) {
            if (!rights->right[i].socket)
                continue;
            struct unix_socket *target = unix_socket_of(core, rights->right[i].value);
            if (target && target->gc_candidate)
                visit(core, target, context);
        }
    }
}

static void scan_children(struct unix_core *core, struct unix_socket *socket,
                          void (*visit)(struct unix_core *, struct unix_socket *, void *),
                          void *context)
{
    if (socket->state != UNIX_LISTENING) {
        scan_queue(core, socket, visit, context);
        return;
    }
    for (struct unix_message *entry = socket->first; entry; entry = entry->next)
        if (entry->embryo)
            scan_queue(core, entry->embryo, visit, context);
}

static void uncount(struct unix_core *core, struct unix_socket *target, void *context)
{
    (void)core;
    (void)context;
    target->gc_count--;
}

/* A candidate reached from a reachable socket: reachable, and its queues
 * to be looked at (the stack in *context). */
static void reach(struct unix_core *core, struct unix_socket *target, void *context)
{
    (void)core;
    struct unix_socket **stack = context;
    target->gc_candidate = false;
    target->gc_stack = *stack;
    *stack = target;
}

static bool carries_candidate(struct unix_core *core, const struct unix_message *message)
{
    const struct unix_rights *rights = message->rights;
    if (!rights)
        return false;
    for (uint32_t i = rights->taken; i < rights->count; i++) {
        if (!rights->right[i].socket)
            continue;
        struct unix_socket *target = unix_socket_of(core, rights->right[i].value);
        if (target && target->gc_candidate)
            return true;
    }
    return false;
}

/* Moves the queue's messages that carry rights to candidates onto *hit. */
static void take_hits(struct unix_core *core, struct unix_socket *socket,
                      struct unix_message **hit)
{
    struct unix_message *previous = 0;
    struct unix_message *message = socket->first;
    while (message) {
        struct unix_message *next = message->next;
        if (carries_candidate(core, message)) {
            if (previous)
                previous->next = next;
            else
                socket->first = next;
            if (socket->last == message)
                socket->last = previous;
            socket->queue_length--;
            message->next = *hit;
            *hit = message;
        } else {
            previous = message;
        }
        message = next;
    }
}

unsigned unix_gc(struct unix_core *core)
{
    if (!core->inflight)
        return 0;
    /* 1. Candidates. */
    struct unix_socket *candidates = 0;
    for (struct unix_socket *socket = core->sockets; socket; socket = socket->next_socket) {
        socket->gc_candidate = false;
        if (!socket->inflight || !socket->handle)
            continue;
        struct file_description *file = file_table_find(core->files, socket->handle);
        if (!file || file->references != socket->inflight)
            continue;
        socket->gc_candidate = true;
        socket->gc_count = socket->inflight;
        socket->gc_next = candidates;
        candidates = socket;
    }
    if (!candidates)
        return 0;
    /* 2. What candidates' queues hold of each other. */
    for (struct unix_socket *socket = candidates; socket; socket = socket->gc_next)
        scan_children(core, socket, uncount, 0);
    /* 3. Reachable: held from outside, and what those hold. */
    struct unix_socket *stack = 0;
    for (struct unix_socket *socket = candidates; socket; socket = socket->gc_next)
        if (socket->gc_count)
            reach(core, socket, &stack);
    while (stack) {
        struct unix_socket *socket = stack;
        stack = socket->gc_stack;
        scan_children(core, socket, reach, &stack);
    }
    /* 4. Garbage: the candidates left. */
    struct unix_message *hit = 0;
    unsigned found = 0;
    for (struct unix_socket *socket = candidates; socket; socket = socket->gc_next) {
        if (!socket->gc_candidate)
            continue;
        found++;
        if (socket->state != UNIX_LISTENING) {
            take_hits(core, socket, &hit);
        } else {
            for (struct unix_message *entry = socket->first; entry; entry = entry->next)
                if (entry->embryo)
                    take_hits(core, entry->embryo, &hit);
        }
    }
    for (struct unix_socket *socket = candidates; socket; socket = socket->gc_next)
        socket->gc_candidate = false;
    /* Freed: the senders' charges go, and the rights to our sockets are
     * closed when settling, which releases the garbage. */
    while (hit) {
        struct unix_message *message = hit;
        hit = message->next;
        unix_free_message(core, message);
    }
    return found;
}

unsigned unix_collect(struct unix_core *core)
{
    unsigned found = unix_gc(core);
    unix_settle(core);
    return found;
}
