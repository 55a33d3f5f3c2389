/*
 * Pipes and their ends: creation, FIFO opens with Linux's blocking rules
 * (fs/pipe.c fifo_open), references, flags, size, poll and status.
 * Reading and writing are in transfer.c, the queues in waiters.c.
 */
#include "internal.h"

#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"

#define DEFAULT_SLOTS (PIPE_DEFAULT_CAPACITY / PIPE_PAGE_SIZE)
/* The largest ring the server makes (256 MiB of capacity): above it a
 * privileged F_SETPIPE_SZ is -ENOMEM, as Linux's allocation fails for
 * huge rings. */
#define MAX_SLOTS 65536u
/* Generations stay below the badge flags of pipe.h. */
#define GENERATION_MASK 0x0fffffffu
#define INDEX_MASK 0xffffffffull
#define NO_END UINT32_MAX

/* Status flags an open FIFO keeps from its open flags (Linux drops the
 * open-only ones). */
#define OPEN_ONLY_FLAGS (LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOCTTY | LINUX_O_TRUNC | \
                         LINUX_O_CLOEXEC)
#define CHANGEABLE_FLAGS (LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_DIRECT | LINUX_O_NOATIME)

void pipe_server_init(struct pipe_server *server, const struct pipe_services *services,
                      struct pipe_end *ends, unsigned end_capacity)
{
    *server = (struct pipe_server){
        .services = *services,
        .ends = ends,
        .end_capacity = end_capacity,
        .free_end = end_capacity ? 0 : NO_END,
        .next_inode = 1,
    };
    client_accounts_init(&server->accounts, services->allocate, services->free,
                         services->context, PIPE_PROCESS_ENDS, end_capacity / 2);
    for (unsigned i = 0; i < end_capacity; i++)
        ends[i] = (struct pipe_end){.next_free = i + 1 < end_capacity ? i + 1 : NO_END};
}

uint64_t pipe_now(struct pipe_server *server)
{
    return server->services.now ? server->services.now(server->services.context) : 0;
}

/* ---- Ends ---- */

struct pipe_end *pipe_end_of(struct pipe_server *server, uint64_t handle)
{
    uint64_t index = (handle & INDEX_MASK) - 1;
    if ((handle & INDEX_MASK) == 0 || index >= server->end_capacity)
        return 0;
    struct pipe_end *end = &server->ends[index];
    if (!end->pipe || end->generation != handle >> 32)
        return 0;
    return end;
}

uint64_t pipe_handle_of(const struct pipe_server *server, const struct pipe_end *end)
{
    return (uint64_t)end->generation << 32 | (uint64_t)(end - server->ends + 1);
}

bool pipe_end_reads(const struct pipe_end *end)
{
    uint32_t mode = end->flags & LINUX_O_ACCMODE;
    return mode == LINUX_O_RDONLY || mode == LINUX_O_RDWR;
}

bool pipe_end_writes(const struct pipe_end *end)
{
    uint32_t mode = end->flags & LINUX_O_ACCMODE;
    return mode == LINUX_O_WRONLY || mode == LINUX_O_RDWR;
}

/* A new end of pipe holding one reference; NULL when the table is full. */
static struct pipe_end *new_end(struct pipe_server *server, struct pipe *pipe, uint32_t flags)
{
    if (server->free_end == NO_END)
        return 0;
    struct pipe_end *end = &server->ends[server->free_end];
    server->free_end = end->next_free;
    end->pipe = pipe;
    end->flags = flags;
    end->references = 1;
    end->generation = (end->generation + 1) & GENERATION_MASK;
    end->writers_seen = 0;
    pipe->files++;
    if (pipe_end_reads(end))
        pipe->readers++;
    if (pipe_end_writes(end))
        pipe->writers++;
    pipe_mark_changed(server, pipe, WATCH_WAKE_ALL);
    return end;
}

static void unlink_fifo(struct pipe_server *server, struct pipe *pipe)
{
    if (pipe->previous_fifo)
        pipe->previous_fifo->next_fifo = pipe->next_fifo;
    else if (server->fifos == pipe)
        server->fifos = pipe->next_fifo;
    if (pipe->next_fifo)
        pipe->next_fifo->previous_fifo = pipe->previous_fifo;
    pipe->next_fifo = pipe->previous_fifo = 0;
}

/* Drops one reference; the last one closes the end (Linux's
 * pipe_release): its side's count falls, its pollers are told, and the
 * pipe goes with its last end (freed when settled). */
void pipe_end_release(struct pipe_server *server, struct pipe_end *end)
{
    if (--end->references > 0)
        return;
    struct pipe *pipe = end->pipe;
    if (pipe_end_reads(end))
        pipe->readers--;
    if (pipe_end_writes(end))
        pipe->writers--;
    pipe_drop_pollers(server, pipe, end);
    watch_list_forget(&pipe->watches, pipe_handle_of(server, end));
    if (pipe->charged) {
        /* The last end: the pages go back before the charge that keeps
         * the user's account. */
        if (pipe->files == 1)
            client_user_amount_add(&pipe->owner, -(int64_t)pipe->accounted);
        client_uncharge(&server->accounts, &pipe->owner);
    }
    end->pipe = 0;
    end->next_free = server->free_end;
    server->free_end = (unsigned)(end - server->ends);
    pipe_mark_changed(server, pipe, WATCH_WAKE_ALL);
    if (--pipe->files == 0) {
        pipe->dead = true;
        if (pipe->fifo)
            unlink_fifo(server, pipe);
    }
}

/* ---- Pipes ---- */

static struct pipe *new_pipe(struct pipe_server *server, unsigned slots)
{
    const struct pipe_services *services = &server->services;
    struct pipe *pipe = services->allocate(services->context, sizeof(*pipe));
    if (!pipe)
        return 0;
    *pipe = (struct pipe){
        .ring = services->allocate(services->context, slots * sizeof(struct pipe_buffer)),
        .ring_size = slots,
        .max_usage = slots,
        /* Linux starts both counters at 1, so an end that saw 0 (every
         * end but a non-blocking FIFO reader's) reports POLLHUP. */
        .reader_opens = 1,
        .writer_opens = 1,
    };
    if (!pipe->ring) {
        services->free(services->context, pipe);
        return 0;
    }
    pipe->access_time = pipe->modify_time = pipe->change_time = pipe_now(server);
    return pipe;
}

/* Frees a pipe no end names: its pages, its ring, itself. */
void pipe_free(struct pipe_server *server, struct pipe *pipe)
{
    const struct pipe_services *services = &server->services;
    watch_list_drop(&pipe->watches);
    for (unsigned counter = pipe->tail; counter != pipe->head; counter++)
        services->free_page(services->context, pipe_slot(pipe, counter)->page);
    services->free(services->context, pipe->ring);
    services->free(services->context, pipe);
}

/* Linux's alloc_pipe_info: a new pipe's slots, counted to its maker's
 * user: DEFAULT_SLOTS, PIPE_MIN_SLOTS past the soft limit, 0 (nothing
 * counted) past the hard one. */
static unsigned count_new_pipe(const struct client_owner *owner)
{
    uint64_t held = client_user_amount(owner);
    unsigned slots = DEFAULT_SLOTS;
    if (owner->user && held + slots > PIPE_USER_PAGES_SOFT)
        slots = PIPE_MIN_SLOTS;
    if (owner->user && held + slots > PIPE_USER_PAGES_HARD)
        return 0;
    client_user_amount_add(owner, slots);
    return slots;
}

int64_t pipe_create(struct pipe_server *server, uint32_t flags, uint32_t pid, uint32_t uid,
                    uint64_t *end)
{
    if (flags & ~(uint32_t)(LINUX_O_NONBLOCK | LINUX_O_DIRECT | LINUX_O_CLOEXEC))
        return -LINUX_EINVAL;
    struct client_owner owner;
    int refused = client_charge(&server->accounts, pid, uid, &owner);
    if (refused < 0)
        return refused;
    unsigned slots = count_new_pipe(&owner);
    struct pipe *pipe = slots ? new_pipe(server, slots) : 0;
    if (!pipe) {
        client_user_amount_add(&owner, -(int64_t)slots);
        client_uncharge(&server->accounts, &owner);
        return slots ? -LINUX_ENOMEM : -LINUX_ENFILE;
    }
    pipe->charged = true;
    pipe->owner = owner;
    pipe->accounted = slots;
    pipe->inode = server->next_inode++;
    struct pipe_end *reader = new_end(server, pipe, LINUX_O_RDONLY | (flags & LINUX_O_NONBLOCK));
    if (!reader) {
        client_user_amount_add(&owner, -(int64_t)slots);
        client_uncharge(&server->accounts, &owner);
        pipe_free(server, pipe);
        return -LINUX_ENFILE;
    }
    *end = pipe_handle_of(server, reader);
    pipe_settle(server);
    return 0;
}

int64_t pipe_open_writer(struct pipe_server *server, uint64_t handle, uint32_t flags,
                         uint64_t *new_end_handle)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    struct pipe *pipe = end->pipe;
    if (pipe->charged) {
        int refused = client_charge_owner(&server->accounts, &pipe->owner);
        if (refused < 0)
            return refused;
    }
    struct pipe_end *writer =
        new_end(server, pipe, LINUX_O_WRONLY | (flags & (LINUX_O_NONBLOCK | LINUX_O_DIRECT)));
    if (!writer) {
        if (pipe->charged)
            client_uncharge(&server->accounts, &pipe->owner);
        return -LINUX_ENFILE;
    }
    pipe->writer_opens++;
    *new_end_handle = pipe_handle_of(server, writer);
    pipe_settle(server);
    return 0;
}

void pipe_process_ended(struct pipe_server *server, uint32_t pid)
{
    client_process_ended(&server->accounts, pid);
}

static struct pipe *find_fifo(struct pipe_server *server, uint64_t node)
{
    for (struct pipe *pipe = server->fifos; pipe; pipe = pipe->next_fifo)
        if (pipe->node == node)
            return pipe;
    return 0;
}

/* The FIFO's pipe, made on its first open. */
static struct pipe *fifo_pipe(struct pipe_server *server, uint64_t node)
{
    struct pipe *pipe = find_fifo(server, node);
    if (pipe)
        return pipe;
    pipe = new_pipe(server, DEFAULT_SLOTS);
    if (!pipe)
        return 0;
    pipe->fifo = true;
    pipe->node = node;
    pipe->next_fifo = server->fifos;
    if (server->fifos)
        server->fifos->previous_fifo = pipe;
    server->fifos = pipe;
    return pipe;
}

/* A pipe that got no end after all (a refused open) goes at once. */
static void forget_if_unused(struct pipe_server *server, struct pipe *pipe)
{
    if (pipe->files != 0)
        return;
    unlink_fifo(server, pipe);
    pipe->dead = true;
    pipe_mark_changed(server, pipe, WATCH_WAKE_ALL);
}

int64_t pipe_open_fifo(struct pipe_server *server, uint64_t node, uint32_t flags,
                       uint64_t caller, bool may_wait, uint64_t *handle)
{
    uint32_t mode = flags & LINUX_O_ACCMODE;
    if (mode == LINUX_O_ACCMODE)
        return -LINUX_EINVAL;
    /* The other side's opens still blocked count (a reader waiting for a
     * writer is a reader): make sure those callers are still there, as a
     * signal may have ended their open. If theirs were the FIFO's only
     * ends, its pipe goes, and this open starts a new one. */
    struct pipe *pipe = find_fifo(server, node);
    if (pipe)
        pipe_prune_openers(server, pipe);
    pipe = fifo_pipe(server, node);
    if (!pipe)
        return -LINUX_ENOMEM;
    bool nonblocking = flags & LINUX_O_NONBLOCK;
    if (mode == LINUX_O_WRONLY && nonblocking) {
        if (pipe->readers == 0) {
            forget_if_unused(server, pipe);
            pipe_settle(server);
            return -LINUX_ENXIO;
        }
    }
    struct pipe_end *end = new_end(server, pipe, (flags & ~(uint32_t)OPEN_ONLY_FLAGS) |
                                                     LINUX_O_LARGEFILE);
    if (!end) {
        forget_if_unused(server, pipe);
        pipe_settle(server);
        return -LINUX_ENFILE;
    }
    struct pipe_waiter call = {.kind = WAIT_OPEN, .caller = caller, .end = end};
    if (mode != LINUX_O_WRONLY)
        pipe->reader_opens++;
    if (mode != LINUX_O_RDONLY)
        pipe->writer_opens++;
    bool waits = false;
    if (mode == LINUX_O_RDONLY && pipe->writers == 0) {
        if (nonblocking)
            end->writers_seen = pipe->writer_opens;     /* no POLLHUP before a writer came */
        else
            waits = true;
        call.opens_seen = pipe->writer_opens;
    } else if (mode == LINUX_O_WRONLY && pipe->readers == 0) {
        waits = true;
        call.opens_seen = pipe->reader_opens;
    }
    *handle = pipe_handle_of(server, end);
    if (!waits) {
        pipe_settle(server);
        return 0;
    }
    /* The call holds the end's only reference until it is answered. */
    int64_t result = pipe_run_call(server, &call, may_wait);
    if (result != PIPE_QUEUED) {
        pipe_end_release(server, end);
        pipe_settle(server);
    }
    return result;
}

/* ---- Attributes ---- */

int64_t pipe_get_flags(struct pipe_server *server, uint64_t handle)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    return end ? (int64_t)end->flags : -LINUX_EBADF;
}

int64_t pipe_set_flags(struct pipe_server *server, uint64_t handle, uint32_t flags)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    end->flags = (end->flags & ~(uint32_t)CHANGEABLE_FLAGS) | (flags & CHANGEABLE_FLAGS);
    return 0;
}

int64_t pipe_get_size(struct pipe_server *server, uint64_t handle)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    return end ? (int64_t)end->pipe->max_usage * PIPE_PAGE_SIZE : -LINUX_EBADF;
}

/* Linux's round_pipe_size: 0 for too big. */
static uint64_t rounded_size(uint32_t size)
{
    if (size > 1u << 31)
        return 0;
    uint64_t rounded = PIPE_PAGE_SIZE;
    while (rounded < size)
        rounded <<= 1;
    return rounded;
}

int64_t pipe_set_size(struct pipe_server *server, uint64_t handle, uint32_t size,
                      bool privileged)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    struct pipe *pipe = end->pipe;
    uint64_t bytes = rounded_size(size);
    unsigned slots = (unsigned)(bytes / PIPE_PAGE_SIZE);
    if (slots == 0)
        return -LINUX_EINVAL;
    if (slots > pipe->max_usage && bytes > PIPE_MAX_CAPACITY && !privileged)
        return -LINUX_EPERM;
    /* Linux's too_many_pipe_buffers_soft, with the new size counted
     * instead of the old (never for root's, or a FIFO's). */
    uint64_t user_pages = client_user_amount(&pipe->owner) - pipe->accounted + slots;
    if (slots > pipe->max_usage && pipe->charged && pipe->owner.user && !privileged &&
        user_pages > PIPE_USER_PAGES_SOFT)
        return -LINUX_EPERM;
    unsigned held = pipe_occupancy(pipe);
    if (slots < held)
        return -LINUX_EBUSY;
    if (slots > MAX_SLOTS)
        return -LINUX_ENOMEM;
    const struct pipe_services *services = &server->services;
    struct pipe_buffer *ring = services->allocate(services->context, slots * sizeof(*ring));
    if (!ring)
        return -LINUX_ENOMEM;
    /* The held buffers move to the start of the new ring, as Linux's
     * pipe_resize_ring does. */
    for (unsigned i = 0; i < held; i++)
        ring[i] = *pipe_slot(pipe, pipe->tail + i);
    services->free(services->context, pipe->ring);
    pipe->ring = ring;
    pipe->ring_size = pipe->max_usage = slots;
    if (pipe->charged) {
        client_user_amount_add(&pipe->owner, (int64_t)slots - (int64_t)pipe->accounted);
        pipe->accounted = slots;
    }
    pipe->tail = 0;
    pipe->head = held;
    pipe_mark_changed(server, pipe, WATCH_WAKE_ALL);
    pipe_settle(server);
    return (int64_t)bytes;
}

int64_t pipe_bytes_held(struct pipe_server *server, uint64_t handle)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    const struct pipe *pipe = end->pipe;
    int64_t bytes = 0;
    for (unsigned counter = pipe->tail; counter != pipe->head; counter++)
        bytes += pipe_slot(pipe, counter)->length;
    return bytes;
}

/* Linux's pipe_poll for one end. */
uint32_t pipe_end_events(const struct pipe_end *end)
{
    const struct pipe *pipe = end->pipe;
    uint32_t events = 0;
    if (pipe_end_reads(end)) {
        if (!pipe_is_empty(pipe))
            events |= FILE_POLLIN | FILE_POLLRDNORM;
        if (pipe->writers == 0 && end->writers_seen != pipe->writer_opens)
            events |= FILE_POLLHUP;
    }
    if (pipe_end_writes(end)) {
        if (!pipe_is_full(pipe))
            events |= FILE_POLLOUT | FILE_POLLWRNORM;
        if (pipe->readers == 0)
            events |= FILE_POLLERR;
    }
    return events;
}

static uint32_t watched_end_events(const void *end)
{
    return pipe_end_events(end);
}

bool pipe_watch_target(struct pipe_server *server, uint64_t handle, struct watch_target *target)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return false;
    *target = (struct watch_target){&end->pipe->watches, end, watched_end_events};
    return true;
}

int64_t pipe_poll(struct pipe_server *server, uint64_t handle, uint32_t events,
                  uint64_t notification, bool *kept)
{
    *kept = false;
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    uint32_t ready = pipe_end_events(end) & (events | FILE_POLLHUP | FILE_POLLERR);
    if (ready != 0 || notification == 0)
        return ready;
    *kept = true;
    const struct pipe_services *services = &server->services;
    struct pipe_poller *poller = services->allocate(services->context, sizeof(*poller));
    if (!poller) {
        /* Cannot keep it: a wake-up now makes the poller ask again. */
        services->notify(services->context, notification);
        return 0;
    }
    *poller = (struct pipe_poller){
        .next = end->pipe->pollers,
        .end = end,
        .events = events,
        .notification = notification,
    };
    end->pipe->pollers = poller;
    return 0;
}

int64_t pipe_retain(struct pipe_server *server, uint64_t handle)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    end->references++;
    return 0;
}

int64_t pipe_close(struct pipe_server *server, uint64_t handle)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    pipe_end_release(server, end);
    /* What is left may be only blocked calls of callers that died: they
     * would keep the end open for nobody. */
    if (end->pipe)
        pipe_prune_end(server, end);
    pipe_settle(server);
    return 0;
}

int64_t pipe_status(struct pipe_server *server, uint64_t handle, struct pipe_status *status)
{
    struct pipe_end *end = pipe_end_of(server, handle);
    if (!end)
        return -LINUX_EBADF;
    const struct pipe *pipe = end->pipe;
    *status = (struct pipe_status){
        .fifo = pipe->fifo,
        .identity = pipe->fifo ? pipe->node : pipe->inode,
        .access_time = pipe->access_time,
        .modify_time = pipe->modify_time,
        .change_time = pipe->change_time,
    };
    return 0;
}
