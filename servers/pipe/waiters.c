/*
 * Blocked calls and pollers: the queues, and settling pipes after they
 * change.
 *
 * Each pipe has three queues, oldest first: reads (and splice or tee
 * waiting for input), writes (and splice or tee waiting for room), FIFO
 * opens. When a pipe changes it goes on the server's list; settling runs
 * its queues in order while the pipe can serve them, as Linux wakes one
 * exclusive waiter and each wakes the next. A waiter that now waits for
 * another pipe moves to the back of that pipe's queue. Anything that
 * changes a pipe puts it back on the list, so settling ends when nothing
 * moves.
 */
#include "internal.h"

#include "sys/protocol/file.h"

void pipe_mark_changed(struct pipe_server *server, struct pipe *pipe, uint32_t woken)
{
    pipe->woken |= woken;
    if (pipe->dirty)
        return;
    pipe->dirty = true;
    pipe->next_dirty = server->dirty;
    server->dirty = pipe;
}

/* ---- Queues ---- */

static void enqueue(struct pipe_queue *queue, struct pipe_waiter *waiter)
{
    waiter->queue = queue;
    waiter->next = 0;
    waiter->previous = queue->last;
    if (queue->last)
        queue->last->next = waiter;
    else
        queue->first = waiter;
    queue->last = waiter;
}

static void dequeue(struct pipe_waiter *waiter)
{
    struct pipe_queue *queue = waiter->queue;
    if (waiter->previous)
        waiter->previous->next = waiter->next;
    else
        queue->first = waiter->next;
    if (waiter->next)
        waiter->next->previous = waiter->previous;
    else
        queue->last = waiter->previous;
    waiter->queue = 0;
}

/* ---- Records ----
 *
 * A call that waits is copied into a record. Finished records of the
 * usual size are kept (up to SPARE_WAITERS) for the next call that waits,
 * so blocking and waking cost no allocation; each has room for
 * SPARE_ROOM bytes of a small call. */
#define SPARE_WAITERS 16
#define SPARE_ROOM 64

/* The bytes a record holds after it: a small call's, else none. */
static uint64_t record_room(const struct pipe_waiter *waiter)
{
    return waiter->bytes ? waiter->length : 0;
}

static struct pipe_waiter *new_record(struct pipe_server *server, uint64_t room)
{
    struct pipe_waiter *spare = server->spare_waiters;
    if (spare && room <= SPARE_ROOM) {
        server->spare_waiters = spare->next;
        server->spare_count--;
        return spare;
    }
    const struct pipe_services *services = &server->services;
    return services->allocate(services->context,
                              sizeof(struct pipe_waiter) + (room > SPARE_ROOM ? room : SPARE_ROOM));
}

static void drop_record(struct pipe_server *server, struct pipe_waiter *waiter)
{
    if (server->spare_count < SPARE_WAITERS && record_room(waiter) <= SPARE_ROOM) {
        waiter->next = server->spare_waiters;
        server->spare_waiters = waiter;
        server->spare_count++;
        return;
    }
    server->services.free(server->services.context, waiter);
}

void pipe_free_spare_records(struct pipe_server *server)
{
    while (server->spare_waiters) {
        struct pipe_waiter *spare = server->spare_waiters;
        server->spare_waiters = spare->next;
        server->services.free(server->services.context, spare);
    }
    server->spare_count = 0;
}

/* A waiter leaves: answered (if answer) with result, or dropped. Either
 * way the ends it held go back; a FIFO open's end goes to its caller if
 * the answer reached it. */
static bool finish(struct pipe_server *server, struct pipe_waiter *waiter, bool answer,
                   int64_t result)
{
    const struct pipe_services *services = &server->services;
    dequeue(waiter);
    if (waiter->previous_waiter)
        waiter->previous_waiter->next_waiter = waiter->next_waiter;
    else
        server->waiters = waiter->next_waiter;
    if (waiter->next_waiter)
        waiter->next_waiter->previous_waiter = waiter->previous_waiter;

    bool delivered = false;
    if (answer) {
        struct pipe_answer message = {
            .result = result,
            .sigpipe = waiter->sigpipe,
            .bytes = waiter->kind == WAIT_READ ? waiter->bytes : 0,
        };
        if (waiter->kind == WAIT_OPEN && result == 0)
            message.end = pipe_handle_of(server, waiter->end);
        delivered = services->answer(services->context, waiter->caller, &message);
    } else {
        services->forget(services->context, waiter->caller);
    }
    pipe_settle_change(server, waiter, delivered);
    if (waiter->kind != WAIT_OPEN || !delivered || result != 0)
        pipe_end_release(server, waiter->end);
    if (waiter->out_end)
        pipe_end_release(server, waiter->out_end);
    drop_record(server, waiter);
    return delivered;
}

static bool vanished(struct pipe_server *server, const struct pipe_waiter *waiter)
{
    return !server->services.caller_waits(server->services.context, waiter->caller);
}

/* Runs the oldest waiters of queue while the pipe can serve them. A
 * small call's bytes are in the server, so no failed copy would tell that
 * its caller left (a signal, an exit): it changes the pipe only once its
 * answer was delivered, or a read's bytes would be lost and a write's put
 * in twice when it is restarted. */
static void run_queue(struct pipe_server *server, struct pipe_queue *queue,
                      bool (*can_serve)(const struct pipe *pipe), const struct pipe *pipe)
{
    while (queue->first && can_serve(pipe)) {
        struct pipe_waiter *waiter = queue->first;
        waiter->answer_first = waiter->bytes != 0;
        struct step step = pipe_step(server, waiter);
        if (step.outcome == STEP_WAIT) {
            if (step.queue == queue)
                return;
            dequeue(waiter);
            enqueue(step.queue, waiter);
            continue;
        }
        finish(server, waiter, step.outcome == STEP_DONE, step.result);
    }
}

uint64_t pipe_hand_to_reader(struct pipe_server *server, struct pipe *pipe, const uint8_t *bytes,
                             uint64_t length)
{
    for (;;) {
        struct pipe_waiter *reader = pipe->read_waiters.first;
        if (!reader || reader->kind != WAIT_READ || !reader->bytes || !pipe_is_empty(pipe))
            return 0;
        uint64_t handed = length < reader->length ? length : reader->length;
        __builtin_memcpy(reader->bytes, bytes, handed);
        if (finish(server, reader, true, (int64_t)handed)) {
            pipe->access_time = pipe->modify_time = pipe->change_time = pipe_now(server);
            return handed;
        }
        /* That reader had left: nothing was handed; try the next. */
    }
}

static bool readable(const struct pipe *pipe)
{
    return !pipe_is_empty(pipe) || pipe->writers == 0;
}

static bool writable(const struct pipe *pipe)
{
    return !pipe_is_full(pipe) || pipe->readers == 0;
}

/* FIFO opens do not queue behind each other: each waits for its partner. */
static void run_openers(struct pipe_server *server, struct pipe *pipe)
{
    struct pipe_waiter *waiter = pipe->open_waiters.first;
    while (waiter) {
        struct pipe_waiter *next = waiter->next;
        struct step step = pipe_step(server, waiter);
        if (step.outcome == STEP_DONE)
            finish(server, waiter, true, step.result);
        waiter = next;
    }
}

/* ---- Pollers ---- */

static void forget_poller(struct pipe_server *server, struct pipe_poller **link)
{
    struct pipe_poller *poller = *link;
    *link = poller->next;
    server->services.notify(server->services.context, poller->notification);
    server->services.free(server->services.context, poller);
}

static void notify_ready_pollers(struct pipe_server *server, struct pipe *pipe)
{
    struct pipe_poller **link = &pipe->pollers;
    while (*link) {
        struct pipe_poller *poller = *link;
        if (pipe_end_events(poller->end) & (poller->events | FILE_POLLHUP | FILE_POLLERR))
            forget_poller(server, link);
        else
            link = &poller->next;
    }
}

void pipe_drop_pollers(struct pipe_server *server, struct pipe *pipe, const struct pipe_end *end)
{
    struct pipe_poller **link = &pipe->pollers;
    while (*link) {
        if ((*link)->end == end)
            forget_poller(server, link);
        else
            link = &(*link)->next;
    }
}

/* ---- Settling ---- */

void pipe_settle(struct pipe_server *server)
{
    struct pipe *pipe;
    while ((pipe = server->dirty)) {
        server->dirty = pipe->next_dirty;
        pipe->dirty = false;
        pipe->next_dirty = 0;
        if (pipe->dead) {
            pipe_free(server, pipe);
            continue;
        }
        run_openers(server, pipe);
        run_queue(server, &pipe->read_waiters, readable, pipe);
        run_queue(server, &pipe->write_waiters, writable, pipe);
        notify_ready_pollers(server, pipe);
        watch_list_woken(&pipe->watches, pipe->woken);
        pipe->woken = 0;
    }
}

int64_t pipe_run_call(struct pipe_server *server, struct pipe_waiter *call, bool may_wait)
{
    struct step step = pipe_step(server, call);
    if (step.outcome != STEP_WAIT) {
        pipe_settle(server);
        return step.outcome == STEP_DONE ? step.result : -LINUX_EINTR;
    }
    /* A small call's bytes move into the record: the request's are gone
     * once the server receives the next message. */
    uint64_t kept_bytes = record_room(call);
    struct pipe_waiter *waiter = may_wait ? new_record(server, kept_bytes) : 0;
    if (!waiter) {
        /* Cannot keep the caller: a writer keeps what went in. */
        pipe_settle(server);
        return call->done ? (int64_t)call->done : -LINUX_ENOMEM;
    }
    *waiter = *call;
    if (call->bytes) {
        waiter->bytes = (uint8_t *)(waiter + 1);
        if (call->kind == WAIT_WRITE)
            __builtin_memcpy(waiter->bytes, call->bytes, kept_bytes);
    }
    /* An open's end is the call's already; the others hold theirs. */
    if (waiter->kind != WAIT_OPEN)
        waiter->end->references++;
    if (waiter->out_end)
        waiter->out_end->references++;
    waiter->previous_waiter = 0;
    waiter->next_waiter = server->waiters;
    if (server->waiters)
        server->waiters->previous_waiter = waiter;
    server->waiters = waiter;
    enqueue(step.queue, waiter);
    pipe_settle(server);
    return PIPE_QUEUED;
}

/* ---- Prune ---- */

unsigned pipe_prune(struct pipe_server *server)
{
    unsigned dropped = 0;
    struct pipe_waiter *waiter = server->waiters;
    while (waiter) {
        struct pipe_waiter *next = waiter->next_waiter;
        if (vanished(server, waiter)) {
            finish(server, waiter, false, 0);
            dropped++;
        }
        waiter = next;
    }
    pipe_settle(server);
    return dropped;
}

void pipe_prune_openers(struct pipe_server *server, struct pipe *pipe)
{
    struct pipe_waiter *waiter = pipe->open_waiters.first;
    while (waiter) {
        struct pipe_waiter *next = waiter->next;
        if (vanished(server, waiter))
            finish(server, waiter, false, 0);
        waiter = next;
    }
}

void pipe_prune_end(struct pipe_server *server, const struct pipe_end *end)
{
    struct pipe_waiter *waiter = server->waiters;
    while (waiter) {
        struct pipe_waiter *next = waiter->next_waiter;
        if ((waiter->end == end || waiter->out_end == end) && vanished(server, waiter))
            finish(server, waiter, false, 0);
        waiter = next;
    }
}

unsigned pipe_waiter_count(const struct pipe_server *server)
{
    unsigned count = 0;
    for (const struct pipe_waiter *waiter = server->waiters; waiter; waiter = waiter->next_waiter)
        count++;
    return count;
}
