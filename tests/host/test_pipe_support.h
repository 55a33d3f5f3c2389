/*
 * The world around the pipe core in the host tests: pages and records
 * from malloc (counted, so leaks show), callers with a buffer each (that
 * may fault or vanish), the answers waiters got and the notifications
 * pollers got.
 */
#ifndef TESTS_HOST_TEST_PIPE_SUPPORT_H
#define TESTS_HOST_TEST_PIPE_SUPPORT_H

#include "check.h"
#include "pipe/core.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"

#include <stdbool.h>

#define MAX_CALLERS 32
#define END_CAPACITY 64
/* The process that makes the tests' pipes, as root (no user ceiling). */
#define MAKER_PID 100
#define MAKER_UID 0
#define MAX_NOTIFICATIONS 64

struct caller {
    uint8_t *buffer;
    uint64_t size;
    bool gone;                  /* copies say PIPE_COPY_GONE, answers are not taken */
    unsigned forgotten;         /* times the core gave the handle back unanswered */
    uint64_t fault_after;       /* copies reaching past this offset fault (0: never) */
    unsigned answers;
    struct pipe_answer answer;
    uint64_t progress;          /* what an interrupted wait would return (0: nothing) */
};

static struct {
    struct pipe_server server;
    struct pipe_end ends[END_CAPACITY];
    struct caller callers[MAX_CALLERS + 1];     /* handles 1..MAX_CALLERS */
    long pages, blocks;                         /* live allocations */
    long page_limit;                            /* pages that may be live (0: any) */
    uint64_t notified[MAX_NOTIFICATIONS];
    unsigned notification_count;
    uint64_t clock;
} world;

static inline void *allocate_page(void *context)
{
    (void)context;
    if (world.page_limit && world.pages >= world.page_limit)
        return NULL;
    void *page = aligned_alloc(PIPE_PAGE_SIZE, PIPE_PAGE_SIZE);
    memset(page, 0xa5, PIPE_PAGE_SIZE);
    world.pages++;
    return page;
}

static inline void free_page(void *context, void *page)
{
    (void)context;
    world.pages--;
    free(page);
}

static inline void *allocate(void *context, size_t size)
{
    (void)context;
    world.blocks++;
    return calloc(1, size);
}

static inline void release(void *context, void *block)
{
    (void)context;
    world.blocks--;
    free(block);
}

static inline struct caller *caller_of(uint64_t handle)
{
    if (handle == 0 || handle > MAX_CALLERS) {
        fprintf(stderr, "no caller %" PRIu64 "\n", handle);
        abort();
    }
    return &world.callers[handle];
}

static inline int copy_check(struct caller *caller, uint64_t offset, uint64_t length)
{
    if (caller->gone)
        return PIPE_COPY_GONE;
    if (caller->fault_after && offset + length > caller->fault_after)
        return -LINUX_EFAULT;
    if (offset + length > caller->size) {
        fprintf(stderr, "copy past the caller's buffer\n");
        abort();
    }
    return 0;
}

static inline int copy_from_caller(void *context, uint64_t handle, uint64_t offset, void *destination,
                            uint64_t length)
{
    (void)context;
    struct caller *caller = caller_of(handle);
    int error = copy_check(caller, offset, length);
    if (error == 0)
        memcpy(destination, caller->buffer + offset, length);
    return error;
}

static inline int copy_to_caller(void *context, uint64_t handle, uint64_t offset, const void *source,
                          uint64_t length)
{
    (void)context;
    struct caller *caller = caller_of(handle);
    int error = copy_check(caller, offset, length);
    if (error == 0)
        memcpy(caller->buffer + offset, source, length);
    return error;
}

static inline bool answer(void *context, uint64_t handle, const struct pipe_answer *message)
{
    (void)context;
    struct caller *caller = caller_of(handle);
    if (caller->gone)
        return false;
    caller->answers++;
    caller->answer = *message;
    /* A small read's bytes travel in the answer (its registers): they land
     * in the caller's buffer, and the record they were in goes. */
    if (message->bytes && message->result > 0) {
        if ((uint64_t)message->result > caller->size) {
            fprintf(stderr, "answer larger than the caller's buffer\n");
            abort();
        }
        memcpy(caller->buffer, message->bytes, (size_t)message->result);
        caller->answer.bytes = NULL;
    }
    return true;
}

static inline bool caller_waits(void *context, uint64_t handle)
{
    (void)context;
    return !caller_of(handle)->gone;
}

static inline void forget(void *context, uint64_t handle)
{
    (void)context;
    caller_of(handle)->forgotten++;
}

static inline void progress(void *context, uint64_t handle, uint64_t done)
{
    (void)context;
    caller_of(handle)->progress = done;
}

static inline void notify(void *context, uint64_t notification)
{
    (void)context;
    if (world.notification_count < MAX_NOTIFICATIONS)
        world.notified[world.notification_count++] = notification;
}

static inline uint64_t now(void *context)
{
    (void)context;
    return world.clock;
}

/* Ends and waiters a test left behind go back, so leaks are the core's. */
static inline void drop_everything(void)
{
    if (!world.server.ends)
        return;
    for (uint64_t handle = 1; handle <= MAX_CALLERS; handle++)
        world.callers[handle].gone = true;
    pipe_prune(&world.server);
    for (unsigned i = 0; i < END_CAPACITY; i++) {
        uint64_t end = (uint64_t)world.ends[i].generation << 32 | (i + 1);
        while (world.ends[i].pipe)
            pipe_close(&world.server, end);
    }
}

static inline void world_reset(void)
{
    drop_everything();
    pipe_free_spare_records(&world.server);
    for (unsigned i = 1; i <= MAX_CALLERS; i++)
        free(world.callers[i].buffer);
    memset(&world, 0, sizeof(world));
    const struct pipe_services services = {
        .allocate_page = allocate_page,
        .free_page = free_page,
        .allocate = allocate,
        .free = release,
        .copy_from_caller = copy_from_caller,
        .copy_to_caller = copy_to_caller,
        .answer = answer,
        .caller_waits = caller_waits,
        .forget = forget,
        .progress = progress,
        .notify = notify,
        .now = now,
    };
    pipe_server_init(&world.server, &services, world.ends, END_CAPACITY);
}

/* Gives caller a buffer of size bytes; fill: its first bytes (may be NULL). */
static inline struct caller *prepare_caller(uint64_t handle, const void *fill, uint64_t size)
{
    struct caller *caller = caller_of(handle);
    free(caller->buffer);
    caller->buffer = calloc(1, size ? size : 1);
    caller->size = size;
    caller->answers = 0;
    caller->forgotten = 0;
    caller->gone = false;
    caller->fault_after = 0;
    if (fill)
        memcpy(caller->buffer, fill, size);
    return caller;
}

/* A pattern: byte i of stream `tag`. */
static inline uint8_t pattern(unsigned tag, uint64_t i)
{
    return (uint8_t)(tag * 37 + i * 7 + (i >> 8));
}

static inline void fill_pattern(uint8_t *bytes, unsigned tag, uint64_t start, uint64_t length)
{
    for (uint64_t i = 0; i < length; i++)
        bytes[i] = pattern(tag, start + i);
}

static inline bool has_pattern(const uint8_t *bytes, unsigned tag, uint64_t start, uint64_t length)
{
    for (uint64_t i = 0; i < length; i++)
        if (bytes[i] != pattern(tag, start + i))
            return false;
    return true;
}

/* A pipe as pipe2(flags) makes it. */
static inline void make_pipe(uint32_t flags, uint64_t *read_end, uint64_t *write_end)
{
    CHECK_EQ_U64(pipe_create(&world.server, flags, MAKER_PID, MAKER_UID, read_end), 0);
    CHECK_EQ_U64(pipe_open_writer(&world.server, *read_end, flags, write_end), 0);
}

/* write(end, pattern tag from start, length) by caller. */
static inline int64_t write_pattern(uint64_t end, uint64_t handle, unsigned tag, uint64_t start,
                             uint64_t length)
{
    struct caller *caller = prepare_caller(handle, NULL, length);
    fill_pattern(caller->buffer, tag, start, length);
    struct pipe_request request = {.end = end, .length = length, .caller = handle,
                                   .may_wait = true};
    return pipe_write(&world.server, &request);
}

static inline int64_t write_text(uint64_t end, uint64_t handle, const char *text)
{
    prepare_caller(handle, text, strlen(text));
    struct pipe_request request = {.end = end, .length = strlen(text), .caller = handle,
                                   .may_wait = true};
    return pipe_write(&world.server, &request);
}

/* read(end, length) by caller: the bytes land in its buffer. */
static inline int64_t read_into(uint64_t end, uint64_t handle, uint64_t length)
{
    prepare_caller(handle, NULL, length);
    struct pipe_request request = {.end = end, .length = length, .caller = handle,
                                   .may_wait = true};
    return pipe_read(&world.server, &request);
}

static inline bool caller_holds(uint64_t handle, const char *text)
{
    return memcmp(caller_of(handle)->buffer, text, strlen(text)) == 0;
}

static inline int64_t poll_end(uint64_t end, uint32_t events)
{
    bool kept;
    return pipe_poll(&world.server, end, events, 0, &kept);
}

static inline void close_end(uint64_t end)
{
    CHECK_EQ_U64(pipe_close(&world.server, end), 0);
}

/* Everything the core took came back once every end is closed (and it
 * let go of the waiter records it keeps for reuse). */
static inline void check_nothing_leaked(void)
{
    pipe_free_spare_records(&world.server);
    CHECK_EQ_U64(world.pages, 0);
    CHECK_EQ_U64(world.blocks, 0);
}

#endif
