/*
 * Blocked calls and pollers: the queues, and settling sockets after they
 * change.
 *
 * A call that must wait goes to the back of the queue of the socket it
 * waits on. A socket that changes goes on the core's list; settling runs
 * its whole queue in order (each call looks again, as Linux wakes its
 * sleepers), notifies its pollers that became ready and wakes its epoll
 * watches. A call that now waits on another socket moves there.
 * Whatever changes a socket puts it back on the list, so settling ends
 * when nothing moves.
 */
#include "internal.h"
#include "sys/protocol/file.h"

void unix_mark_changed(struct unix_core *core, struct unix_socket *socket, uint32_t woken)
{
    socket->woken |= woken;
    if (socket->dirty)
        return;
    socket->dirty = true;
    socket->next_dirty = core->dirty;
    core->dirty = socket;
}

/* ---- Queues ---- */

static void enqueue(struct unix_socket *socket, struct unix_waiter *waiter)
{
    struct unix_queue *queue = &socket->waiters;
    waiter->waits_on = socket;
    waiter->next = 0;
    waiter->previous = queue->last;
    if (queue->last)
        queue->last->next = waiter;
    else
        queue->first = waiter;
    queue->last = waiter;
}

static void dequeue(struct unix_waiter *waiter)
{
    struct unix_queue *queue = &waiter->waits_on->waiters;
    if (waiter->previous)
        waiter->previous->next = waiter->next;
    else
        queue->first = waiter->next;
    if (waiter->next)
        waiter->next->previous = waiter->previous;
    else
        queue->last = waiter->previous;
    waiter->waits_on = 0;
}

/* What the caller gets, in its call's registers. */
static struct unix_answer answer_of(const struct unix_waiter *waiter, int64_t result)
{
    const struct unix_call *call = &waiter->call;
    struct unix_answer answer = {.result = result, .registers = 1};
    if (call->kind == UNIX_CALL_SEND) {
        answer.registers = 2;
        answer.values[0] = call->sigpipe;
    } else if (call->kind == UNIX_CALL_RECEIVE && call->bytes) {
        answer.bytes = call->bytes;
    } else if (call->kind == UNIX_CALL_RECEIVE && call->message_answer) {
        answer.registers = 4;
        answer.values[0] = call->message_flags;
        answer.values[1] = call->address_length;
        answer.values[2] = call->rights_received;
        if (result >= 0 && call->credentials_answer) {
            answer.registers = 7;
            answer.values[0] |= UNIX_RECEIVED_CREDENTIALS;
            answer.values[3] = call->credentials.pid;
            answer.values[4] = call->credentials.uid;
            answer.values[5] = call->credentials.gid;
        }
    } else if (call->kind == UNIX_CALL_ACCEPT && result == 0) {
        answer.descriptor = call->new_handle;
    }
    return answer;
}

bool unix_answers_first(const struct unix_waiter *call)
{
    return call->waits_on && call->call.bytes && call->call.kind == UNIX_CALL_RECEIVE;
}

bool unix_answer_first(struct unix_core *core, struct unix_waiter *call, int64_t result)
{
    struct unix_answer answer = answer_of(call, result);
    call->answered = true;
    return core->services.answer(core->services.context, call->call.caller, &answer);
}

/* Puts an accepted socket back at the head of its listener's queue: its
 * caller was gone, and the connection waits for the next accept. */
static void unaccept(struct unix_core *core, struct unix_waiter *waiter)
{
    void *last;
    file_table_close(core->files, waiter->call.new_handle, &last);
    struct unix_socket *listener = waiter->socket;
    struct unix_message *entry = core->services.allocate(core->services.context, sizeof *entry);
    struct unix_socket *child = last;
    if (!entry || listener->released) {
        core->services.free(core->services.context, entry);
        unix_release_socket(core, child, true);
        unix_put(core, child);
        return;
    }
    entry->embryo = child;
    child->listener = listener;
    entry->next = listener->first;
    listener->first = entry;
    if (!listener->last)
        listener->last = entry;
    listener->queue_length++;
    unix_mark_changed(core, listener, UNIX_WAKE_IN);
}

/* A waiter leaves, answered or not; what it held goes back. */
static void finish(struct unix_core *core, struct unix_waiter *waiter, bool answer,
                   int64_t result)
{
    const struct unix_services *services = &core->services;
    if (waiter->waits_on)
        dequeue(waiter);
    if (waiter->previous_waiter)
        waiter->previous_waiter->next_waiter = waiter->next_waiter;
    else
        core->waiters = waiter->next_waiter;
    if (waiter->next_waiter)
        waiter->next_waiter->previous_waiter = waiter->previous_waiter;
    if (waiter->answered) {
        /* Answered by its step, or its caller went then: the reply
         * object is the server's again either way. */
    } else if (answer) {
        struct unix_answer message = answer_of(waiter, result);
        if (!services->answer(services->context, waiter->call.caller, &message) &&
            message.descriptor)
            unaccept(core, waiter);
    } else {
        services->forget(services->context, waiter->call.caller);
    }
    if (waiter->message)
        unix_free_message(core, waiter->message);
    unix_rights_free(core, waiter->call.rights);
    if (waiter->target)
        unix_put(core, waiter->target);
    unix_close_description(core, waiter->call.handle);
    services->free(services->context, waiter);
}

static bool vanished(struct unix_core *core, const struct unix_waiter *waiter)
{
    return !core->services.caller_waits(core->services.context, waiter->call.caller);
}

static void run_queue(struct unix_core *core, struct unix_socket *socket)
{
    /* Calls that wait again go back in order: only the ones queued now run. */
    struct unix_waiter *stop = socket->waiters.last;
    struct unix_waiter *waiter = socket->waiters.first;
    while (waiter) {
        struct unix_waiter *next = waiter == stop ? 0 : waiter->next;
        uint64_t done = waiter->done;
        struct step step = unix_step(core, waiter);
        if (step.outcome == STEP_WAIT) {
            dequeue(waiter);
            enqueue(step.waits_on, waiter);
            if (waiter->done != done)
                core->services.progress(core->services.context, waiter->call.caller,
                                        waiter->done);
        } else {
            finish(core, waiter, step.outcome == STEP_DONE, step.result);
        }
        waiter = next;
    }
}

/* ---- Pollers ---- */

struct unix_poller {
    struct unix_poller *next;
    uint32_t events;
    uint64_t notification;
};

static void forget_poller(struct unix_core *core, struct unix_poller **link)
{
    struct unix_poller *poller = *link;
    *link = poller->next;
    core->services.notify(core->services.context, poller->notification);
    core->services.free(core->services.context, poller);
}

static void notify_ready_pollers(struct unix_core *core, struct unix_socket *socket)
{
    if (!socket->pollers)
        return;
    uint32_t ready = unix_events(socket);
    struct unix_poller **link = &socket->pollers;
    while (*link) {
        if (ready & ((*link)->events | FILE_POLLHUP | FILE_POLLERR))
            forget_poller(core, link);
        else
            link = &(*link)->next;
    }
}

void unix_drop_pollers(struct unix_core *core, struct unix_socket *socket)
{
    while (socket->pollers)
        forget_poller(core, &socket->pollers);
}

int64_t unix_poll(struct unix_core *core, uint64_t handle, uint32_t events,
                  uint64_t notification, bool *kept)
{
    *kept = false;
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    uint32_t ready = unix_events(socket) & (events | FILE_POLLHUP | FILE_POLLERR);
    if (ready || !notification)
        return ready;
    struct unix_poller *poller = core->services.allocate(core->services.context, sizeof *poller);
    if (!poller)
        return -LINUX_ENOMEM;
    *poller = (struct unix_poller){socket->pollers, events, notification};
    socket->pollers = poller;
    *kept = true;
    return 0;
}

/* ---- Settling ---- */

/* Datagram sockets connected to one whose full queue shrank may write
 * again (Linux relays the wake-up through peer_wait). */
static void wake_writers_to(struct unix_core *core, struct unix_socket *receiver)
{
    for (struct unix_socket *socket = core->sockets; socket; socket = socket->next_socket)
        if (socket->peer == receiver && socket != receiver && (socket->pollers ||
                                                               socket->watches.first))
            unix_mark_changed(core, socket, UNIX_WAKE_OUT);
}

void unix_settle(struct unix_core *core)
{
    struct unix_socket *socket;
again:
    while (unix_close_dropped(core), (socket = core->dirty)) {
        /* Off the list first: a change made while its calls run puts it
         * back; held meanwhile. */
        core->dirty = socket->next_dirty;
        socket->dirty = false;
        socket->next_dirty = 0;
        uint32_t woken = socket->woken;
        socket->woken = 0;
        unix_hold(socket);
        run_queue(core, socket);
        if (woken & UNIX_WAKE_ROOM)
            wake_writers_to(core, socket);
        notify_ready_pollers(core, socket);
        if (!socket->released)
            watch_list_woken(&socket->watches, woken & ~UNIX_WAKE_ROOM);
        unix_put(core, socket);
    }
    /* The collector, once nothing is in the middle of a queue: what it
     * finds unreachable is released by the closes it leaves, which may
     * want it again (then finding nothing more). */
    if (core->collect) {
        core->collect = false;
        unix_gc(core);
        goto again;
    }
}

int64_t unix_run_call(struct unix_core *core, struct unix_waiter *call)
{
    struct step step = unix_step(core, call);
    if (step.outcome != STEP_WAIT) {
        if (call->message)
            unix_free_message(core, call->message);
        unix_rights_free(core, call->call.rights);
        if (call->target)
            unix_put(core, call->target);
        unix_settle(core);
        return step.outcome == STEP_DONE ? step.result : -LINUX_EINTR;
    }
    struct unix_waiter *waiter = 0;
    if (call->call.may_wait && file_table_retain(core->files, call->call.handle) == 0) {
        /* A small call's bytes go after the record: the request's are
         * gone once it waits. */
        uint64_t room = call->call.bytes ? call->call.length : 0;
        uint64_t named = call->call.address ? sizeof *call->call.address : 0;
        waiter = core->services.allocate_unzeroed(core->services.context,
                                                  sizeof *waiter + named + room);
        if (waiter && named) {
            struct unix_address *address = (struct unix_address *)(waiter + 1);
            *address = *call->call.address;
            call->call.address = address;
        }
        if (waiter && room) {
            uint8_t *bytes = (uint8_t *)(waiter + 1) + named;
            if (call->call.kind == UNIX_CALL_SEND)
                __builtin_memcpy(bytes, call->call.bytes, room);
            call->call.bytes = bytes;
        }
        if (!waiter)
            unix_close_description(core, call->call.handle);
    }
    if (!waiter) {
        if (call->message)
            unix_free_message(core, call->message);
        unix_rights_free(core, call->call.rights);
        if (call->target)
            unix_put(core, call->target);
        unix_settle(core);
        return call->done ? (int64_t)call->done : -LINUX_ENOMEM;
    }
    *waiter = *call;
    waiter->previous_waiter = 0;
    waiter->next_waiter = core->waiters;
    if (core->waiters)
        core->waiters->previous_waiter = waiter;
    core->waiters = waiter;
    enqueue(step.waits_on, waiter);
    if (waiter->done)
        core->services.progress(core->services.context, waiter->call.caller, waiter->done);
    unix_settle(core);
    return UNIX_QUEUED;
}

unsigned unix_prune(struct unix_core *core)
{
    unsigned dropped = 0;
    struct unix_waiter *waiter = core->waiters;
    while (waiter) {
        struct unix_waiter *next = waiter->next_waiter;
        if (vanished(core, waiter)) {
            finish(core, waiter, false, 0);
            dropped++;
        }
        waiter = next;
    }
    unix_settle(core);
    return dropped;
}

unsigned unix_waiter_count(const struct unix_core *core)
{
    unsigned count = 0;
    for (const struct unix_waiter *waiter = core->waiters; waiter; waiter = waiter->next_waiter)
        count++;
    return count;
}
