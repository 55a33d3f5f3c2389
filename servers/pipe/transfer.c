/*
 * Moving bytes: read, write, splice and tee as Linux's anon_pipe_read,
 * anon_pipe_write, splice_pipe_to_pipe and link_pipe do them, each as a
 * step that either finishes or names the queue it waits on. A waiter runs
 * its step again each time its pipe changes.
 *
 * Copies to and from the caller happen before the ring changes: a read
 * consumes only what reached the caller, a write adds only what it could
 * copy in, so a caller that vanished (PIPE_COPY_GONE) leaves the pipe as
 * it was in this round.
 */
#include "internal.h"
#include "sys/protocol/file.h"

static uint64_t minimum(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static struct step done(int64_t result)
{
    return (struct step){.outcome = STEP_DONE, .result = result};
}

static struct step wait_on(struct pipe_queue *queue)
{
    return (struct step){.outcome = STEP_WAIT, .queue = queue};
}

static const struct step gone = {.outcome = STEP_GONE};

/* A byte at a time is common (a shell reads its input so): no call. */
static inline void copy_bytes(uint8_t *to, const uint8_t *from, uint64_t length)
{
    if (length == 1)
        *to = *from;
    else
        __builtin_memcpy(to, from, length);
}

/* Bytes to and from the caller: its buffer, or a small call's bytes. */
static int copy_to_caller(struct pipe_server *server, const struct pipe_waiter *call,
                          uint64_t offset, const void *source, uint64_t length)
{
    if (call->bytes) {
        copy_bytes(call->bytes + offset, source, length);
        return 0;
    }
    return server->services.copy_to_caller(server->services.context, call->caller, offset,
                                           source, length);
}

static int copy_from_caller(struct pipe_server *server, const struct pipe_waiter *call,
                            uint64_t offset, void *destination, uint64_t length)
{
    if (call->bytes) {
        copy_bytes(destination, call->bytes + offset, length);
        return 0;
    }
    return server->services.copy_from_caller(server->services.context, call->caller, offset,
                                             destination, length);
}

/* ---- read ---- */

/* The bytes a read copied leave the pipe: buffers up to counter, and
 * partial bytes of the one there. */
static void take_read(struct pipe_server *server, struct pipe *pipe, unsigned counter,
                      uint64_t partial)
{
    const struct pipe_services *services = &server->services;
    /* Linux wakes writers only when the read began with the pipe full. */
    bool was_full = pipe_is_full(pipe);
    for (; pipe->tail != counter; pipe->tail++)
        services->free_page(services->context, pipe_slot(pipe, pipe->tail)->page);
    if (partial) {
        struct pipe_buffer *buffer = pipe_slot(pipe, pipe->tail);
        buffer->offset += partial;
        buffer->length -= partial;
    }
    pipe->access_time = pipe_now(server);
    pipe_mark_changed(server, pipe, was_full ? FILE_POLLOUT | FILE_POLLWRNORM : 0);
}

static struct step read_step(struct pipe_server *server, struct pipe_waiter *call)
{
    struct pipe *pipe = call->end->pipe;
    if (pipe_is_empty(pipe)) {
        if (pipe->writers == 0)
            return done(0);
        if (call->end->flags & LINUX_O_NONBLOCK)
            return done(-LINUX_EAGAIN);
        return wait_on(&pipe->read_waiters);
    }
    /* Copy out first; the buffers read whole and the bytes taken from
     * the last one are settled afterwards. */
    uint64_t wanted = call->length, copied = 0, partial = 0;
    unsigned counter = pipe->tail;
    int64_t result = 0;
    while (counter != pipe->head && wanted > 0) {
        struct pipe_buffer *buffer = pipe_slot(pipe, counter);
        uint64_t chars = minimum(buffer->length, wanted);
        int error = copy_to_caller(server, call, copied, buffer->page + buffer->offset, chars);
        if (error == PIPE_COPY_GONE)
            return gone;
        if (error != 0) {
            result = error;
            break;
        }
        copied += chars;
        wanted -= chars;
        if (buffer->flags & PIPE_BUFFER_PACKET) {
            /* One packet per read; what did not fit is dropped. */
            counter++;
            break;
        }
        if (chars < buffer->length) {
            partial = chars;
            break;
        }
        counter++;
    }
    if (copied == 0)
        return done(result);
    if (call->answer_first)
        call->change = (struct pending_change){.pending = true, .read_counter = counter,
                                               .read_partial = partial};
    else
        take_read(server, pipe, counter, partial);
    return done((int64_t)copied);
}

/* ---- write ---- */

static void commit_write(struct pipe_server *server, struct pipe_waiter *call,
                         const struct staged_write *staged)
{
    struct pipe *pipe = call->end->pipe;
    if (staged->merged)
        pipe_slot(pipe, pipe->head - 1)->length += (uint16_t)staged->merged;
    pipe->head += staged->buffers;
    call->done += staged->bytes;
    if (staged->bytes) {
        pipe->modify_time = pipe->change_time = pipe_now(server);
        pipe_mark_changed(server, pipe, FILE_POLLIN | FILE_POLLRDNORM);
    }
}

static void discard_write(struct pipe_server *server, struct pipe *pipe,
                          const struct staged_write *staged)
{
    for (unsigned i = 0; i < staged->buffers; i++)
        server->services.free_page(server->services.context, pipe_slot(pipe, pipe->head + i)->page);
}

/* The result of a write that stops: its bytes so far, else error. */
static struct step finish_write(struct pipe_server *server, struct pipe_waiter *call,
                                const struct staged_write *staged, int64_t error)
{
    if (call->answer_first && staged->bytes) {
        /* A small write is whole or nothing: call->done is 0 here. */
        call->change = (struct pending_change){.pending = true, .write = *staged};
        return done((int64_t)staged->bytes);
    }
    commit_write(server, call, staged);
    return done(call->done ? (int64_t)call->done : error);
}

/* The first round tops up the last buffer with the length's remainder
 * modulo a page, if it fits whole and the buffer can merge. Returns 0 or
 * the copy's error. */
static int merge_into_last(struct pipe_server *server, struct pipe_waiter *call,
                           struct staged_write *staged)
{
    struct pipe *pipe = call->end->pipe;
    uint64_t chars = call->length & (PIPE_PAGE_SIZE - 1);
    if (chars == 0 || pipe_is_empty(pipe))
        return 0;
    struct pipe_buffer *last = pipe_slot(pipe, pipe->head - 1);
    uint64_t offset = (uint64_t)last->offset + last->length;
    if (!(last->flags & PIPE_BUFFER_CAN_MERGE) || offset + chars > PIPE_PAGE_SIZE)
        return 0;
    int error = copy_from_caller(server, call, 0, last->page + offset, chars);
    if (error == 0) {
        staged->merged = chars;
        staged->bytes = chars;
    }
    return error;
}

static struct step write_step(struct pipe_server *server, struct pipe_waiter *call)
{
    const struct pipe_services *services = &server->services;
    struct pipe *pipe = call->end->pipe;
    struct staged_write staged = {0};
    if (!call->started) {
        call->started = true;
        if (pipe->readers == 0) {
            call->sigpipe = true;
            return done(-LINUX_EPIPE);
        }
        /* A small write answered now (not one from its queue, whose own
         * answer must come first) in byte-stream mode. */
        if (call->bytes && !call->answer_first && !(call->end->flags & LINUX_O_DIRECT))
            call->done = pipe_hand_to_reader(server, pipe, call->bytes, call->length);
        int error = merge_into_last(server, call, &staged);
        if (error == PIPE_COPY_GONE)
            return gone;
        if (error != 0)
            return done(error);
    }
    for (;;) {
        uint64_t remaining = call->length - call->done - staged.bytes;
        if (remaining == 0)
            return finish_write(server, call, &staged, 0);
        if (pipe->readers == 0) {
            call->sigpipe = true;
            return finish_write(server, call, &staged, -LINUX_EPIPE);
        }
        if (pipe_occupancy(pipe) + staged.buffers < pipe->max_usage) {
            uint8_t *page = services->allocate_page(services->context);
            if (!page)
                return finish_write(server, call, &staged, -LINUX_ENOMEM);
            uint64_t chars = minimum(remaining, PIPE_PAGE_SIZE);
            int error = copy_from_caller(server, call, call->done + staged.bytes, page, chars);
            if (error != 0) {
                services->free_page(services->context, page);
                if (error == PIPE_COPY_GONE) {
                    discard_write(server, pipe, &staged);
                    return gone;
                }
                return finish_write(server, call, &staged, error);
            }
            *pipe_slot(pipe, pipe->head + staged.buffers) = (struct pipe_buffer){
                .page = page,
                .length = (uint16_t)chars,
                .flags = (call->end->flags & LINUX_O_DIRECT) ? PIPE_BUFFER_PACKET
                                                             : PIPE_BUFFER_CAN_MERGE,
            };
            staged.buffers++;
            staged.bytes += chars;
            continue;
        }
        if (call->end->flags & LINUX_O_NONBLOCK)
            return finish_write(server, call, &staged, -LINUX_EAGAIN);
        /* Full: what went in so far is the readers' now. */
        commit_write(server, call, &staged);
        if (call->done && services->progress)
            services->progress(services->context, call->caller, call->done);
        return wait_on(&pipe->write_waiters);
    }
}

/* ---- splice and tee between two pipes ---- */

/* Linux's ipipe_prep and opipe_prep: wait for input (unless the input
 * has no writers) and for room in the output. Returns true to go on. */
static bool prepare_pipes(struct pipe_waiter *call, struct step *step)
{
    struct pipe *in = call->end->pipe, *out = call->out_end->pipe;
    bool nonblocking = (call->flags & PIPE_SPLICE_NONBLOCK) ||
                       ((call->end->flags | call->out_end->flags) & LINUX_O_NONBLOCK);
    if (pipe_is_empty(in) && in->writers != 0) {
        *step = nonblocking ? done(-LINUX_EAGAIN) : wait_on(&in->read_waiters);
        return false;
    }
    if (pipe_is_full(out)) {
        if (out->readers == 0) {
            call->sigpipe = true;
            *step = done(-LINUX_EPIPE);
        } else {
            *step = nonblocking ? done(-LINUX_EAGAIN) : wait_on(&out->write_waiters);
        }
        return false;
    }
    return true;
}

static void transferred(struct pipe_server *server, struct pipe *pipe)
{
    pipe->modify_time = pipe->change_time = pipe_now(server);
    pipe_mark_changed(server, pipe, WATCH_WAKE_ALL);
}

/* A copy of the first length bytes of buffer in a fresh page, which no
 * later write may append to (Linux shares the page instead; the bytes
 * read the same). */
static bool copy_buffer(struct pipe_server *server, const struct pipe_buffer *buffer,
                        uint64_t length, struct pipe_buffer *copy)
{
    uint8_t *page = server->services.allocate_page(server->services.context);
    if (!page)
        return false;
    const uint8_t *source = buffer->page + buffer->offset;
    for (uint64_t i = 0; i < length; i++)
        page[i] = source[i];
    *copy = (struct pipe_buffer){
        .page = page,
        .length = (uint16_t)length,
        .flags = buffer->flags & ~PIPE_BUFFER_CAN_MERGE,
    };
    return true;
}

static struct step splice_step(struct pipe_server *server, struct pipe_waiter *call)
{
    struct step step;
    if (!prepare_pipes(call, &step))
        return step;
    struct pipe *in = call->end->pipe, *out = call->out_end->pipe;
    uint64_t length = call->length;
    int64_t moved = 0;
    bool input_changed = false;
    do {
        if (out->readers == 0) {
            call->sigpipe = true;
            if (!moved)
                moved = -LINUX_EPIPE;
            break;
        }
        if (pipe_is_empty(in) || pipe_is_full(out))
            break;
        struct pipe_buffer *from = pipe_slot(in, in->tail);
        struct pipe_buffer *to = pipe_slot(out, out->head);
        uint64_t chars;
        if (length >= from->length) {
            /* The whole buffer changes pipes, page and all. */
            *to = *from;
            chars = from->length;
            in->tail++;
        } else {
            if (!copy_buffer(server, from, length, to)) {
                if (!moved)
                    moved = -LINUX_ENOMEM;
                break;
            }
            chars = length;
            from->offset += (uint16_t)length;
            from->length -= (uint16_t)length;
        }
        input_changed = true;
        out->head++;
        moved += (int64_t)chars;
        length -= chars;
    } while (length);
    if (input_changed)
        transferred(server, in);
    if (moved > 0)
        transferred(server, out);
    return done(moved);
}

static struct step tee_step(struct pipe_server *server, struct pipe_waiter *call)
{
    struct step step;
    if (!prepare_pipes(call, &step))
        return step;
    struct pipe *in = call->end->pipe, *out = call->out_end->pipe;
    uint64_t length = call->length;
    int64_t copied = 0;
    unsigned counter = in->tail;
    do {
        if (out->readers == 0) {
            call->sigpipe = true;
            if (!copied)
                copied = -LINUX_EPIPE;
            break;
        }
        if (counter == in->head || pipe_is_full(out))
            break;
        const struct pipe_buffer *from = pipe_slot(in, counter);
        uint64_t chars = minimum(from->length, length);
        if (!copy_buffer(server, from, chars, pipe_slot(out, out->head))) {
            if (!copied)
                copied = -LINUX_ENOMEM;
            break;
        }
        out->head++;
        counter++;
        copied += (int64_t)chars;
        length -= chars;
    } while (length);
    if (copied > 0)
        transferred(server, out);
    return done(copied);
}

/* ---- FIFO opens ---- */

/* A blocked open goes on once the other side has opened since it began
 * (Linux's wait_for_partner watches the counter, not the count). */
static struct step open_step(struct pipe_waiter *call)
{
    struct pipe *pipe = call->end->pipe;
    unsigned now = (call->end->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY ? pipe->writer_opens
                                                                         : pipe->reader_opens;
    return now != call->opens_seen ? done(0) : wait_on(&pipe->open_waiters);
}

void pipe_settle_change(struct pipe_server *server, struct pipe_waiter *call, bool delivered)
{
    struct pending_change *change = &call->change;
    if (!change->pending)
        return;
    change->pending = false;
    struct pipe *pipe = call->end->pipe;
    if (call->kind == WAIT_READ) {
        if (delivered)
            take_read(server, pipe, change->read_counter, change->read_partial);
    } else if (delivered) {
        commit_write(server, call, &change->write);
    } else {
        discard_write(server, pipe, &change->write);
    }
}

struct step pipe_step(struct pipe_server *server, struct pipe_waiter *call)
{
    switch (call->kind) {
    case WAIT_READ:
        return read_step(server, call);
    case WAIT_WRITE:
        return write_step(server, call);
    case WAIT_SPLICE:
        return splice_step(server, call);
    case WAIT_TEE:
        return tee_step(server, call);
    case WAIT_OPEN:
        return open_step(call);
    }
    return done(-LINUX_EINVAL);
}

/* ---- The entry points ---- */

/* Checks a request's end(s) and fills call; returns 0 or the error. */
static int64_t prepare_call(struct pipe_server *server, struct pipe_request *request,
                            enum waiter_kind kind, struct pipe_waiter *call)
{
    /* Field by field: zeroing the whole record (queue links, a pending
     * change) costs more than the call itself. The links are set when it
     * waits (pipe_run_call), the change only when change.pending is. */
    call->kind = kind;
    call->caller = request->caller;
    call->bytes = kind == WAIT_READ || kind == WAIT_WRITE ? request->bytes : 0;
    call->end = pipe_end_of(server, request->end);
    call->out_end = 0;
    call->length = minimum(request->length, PIPE_MAX_TRANSFER);
    call->done = 0;
    call->flags = request->flags;
    call->opens_seen = 0;
    call->started = false;
    call->sigpipe = false;
    call->answer_first = false;
    call->change.pending = false;
    if (!call->end)
        return -LINUX_EBADF;
    if ((kind == WAIT_WRITE) ? !pipe_end_writes(call->end) : !pipe_end_reads(call->end))
        return -LINUX_EBADF;
    if (kind == WAIT_SPLICE || kind == WAIT_TEE) {
        call->out_end = pipe_end_of(server, request->out_end);
        if (!call->out_end || !pipe_end_writes(call->out_end))
            return -LINUX_EBADF;
        if (call->out_end->pipe == call->end->pipe)
            return -LINUX_EINVAL;
    }
    return 0;
}

static int64_t run_request(struct pipe_server *server, struct pipe_request *request,
                           enum waiter_kind kind)
{
    request->sigpipe = false;
    /* Linux's order: splice looks at the length before the flags, tee
     * the other way round, both before the descriptors; read and write
     * check the descriptor first. */
    bool between_pipes = kind == WAIT_SPLICE || kind == WAIT_TEE;
    bool bad_flags = between_pipes && (request->flags & ~PIPE_SPLICE_ALL_FLAGS);
    if (kind == WAIT_TEE && bad_flags)
        return -LINUX_EINVAL;
    if (between_pipes && request->length == 0)
        return 0;
    if (bad_flags)
        return -LINUX_EINVAL;
    struct pipe_waiter call;
    int64_t result = prepare_call(server, request, kind, &call);
    if (result != 0 || request->length == 0)
        return result;
    result = pipe_run_call(server, &call, request->may_wait);
    request->sigpipe = call.sigpipe;
    return result;
}

int64_t pipe_read(struct pipe_server *server, struct pipe_request *request)
{
    return run_request(server, request, WAIT_READ);
}

int64_t pipe_write(struct pipe_server *server, struct pipe_request *request)
{
    return run_request(server, request, WAIT_WRITE);
}

int64_t pipe_splice(struct pipe_server *server, struct pipe_request *request)
{
    return run_request(server, request, WAIT_SPLICE);
}

int64_t pipe_tee(struct pipe_server *server, struct pipe_request *request)
{
    return run_request(server, request, WAIT_TEE);
}
