/*
 * What the event server's host tests share: callers that are indexes
 * into callers[], blocks counted as they are allocated, a clock the test
 * moves, and the descriptors' table and services. A test defines
 * release_object (its cores' release).
 */
#ifndef TESTS_HOST_TEST_EVENT_SUPPORT_H
#define TESTS_HOST_TEST_EVENT_SUPPORT_H

#include <stdlib.h>
#include "check.h"
#include "waiters.h"
#include "sys/linux_abi.h"

#define CALLERS 8
#define POLLIN 0x001
#define POLLOUT 0x004
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

struct fake_caller {
    bool gone;                  /* its call ended (a signal) */
    bool answered;
    bool small;
    uint64_t value;             /* what it read */
    int64_t error;              /* or the error it got */
};

static struct fake_caller callers[CALLERS];
static long blocks_live;
static int notified;

static void *allocate(void *context, size_t size)
{
    (void)context;
    blocks_live++;
    return malloc(size);
}

static void release(void *context, void *block)
{
    (void)context;
    blocks_live--;
    free(block);
}

static void *allocate_page(void *context)
{
    (void)context;
    return aligned_alloc(4096, 4096);   /* the OFD table's: kept until the next fresh core */
}

static bool answer_reader(void *context, uint64_t caller, bool small, uint64_t value)
{
    (void)context;
    if (callers[caller].gone)
        return false;
    callers[caller] = (struct fake_caller){.answered = true, .small = small, .value = value};
    return true;
}

static bool answer_writer(void *context, uint64_t caller)
{
    (void)context;
    if (callers[caller].gone)
        return false;
    callers[caller].answered = true;
    return true;
}

static bool answer_error(void *context, uint64_t caller, int64_t error)
{
    (void)context;
    if (callers[caller].gone)
        return false;
    callers[caller] = (struct fake_caller){.answered = true, .error = error};
    return true;
}

static bool caller_waits(void *context, uint64_t caller)
{
    (void)context;
    return !callers[caller].gone;
}

static void forget(void *context, uint64_t caller)
{
    (void)context, (void)caller;
}

static void notify(void *context, uint64_t notification)
{
    (void)context, (void)notification;
    notified++;
}

static uint64_t clock_now;

static uint64_t counter_now(void *context)
{
    (void)context;
    return clock_now;
}

static void release_object(void *context, void *object);

static struct file_table files;
static struct event_descriptors descriptors = {
    .services = {allocate, release, answer_reader, answer_writer, answer_error, caller_waits,
                 forget, notify, release_object, counter_now, NULL},
    .files = &files,
};

static void free_table(void)
{
    for (unsigned i = 0; i < FILE_TABLE_PAGES; i++)
        free(files.pages[i]);
}

/* Blocks the cores hold but their spare waiters, which they keep for good. */
static long blocks_in_use(void)
{
    long spares = 0;
    for (struct event_waiter *waiter = descriptors.spare_waiters; waiter; waiter = waiter->next)
        spares++;
    return blocks_live - spares;
}

static void free_spares(void)
{
    while (descriptors.spare_waiters) {
        struct event_waiter *waiter = descriptors.spare_waiters;
        descriptors.spare_waiters = waiter->next;
        release(NULL, waiter);
    }
}

/* Everything the last test's cores had goes; then a fresh table. */
static void fresh_descriptors(void)
{
    free_spares();
    CHECK_EQ_U64(blocks_live, 0);
    free_table();
    memset(callers, 0, sizeof callers);
    notified = 0;
    clock_now = 0;
    file_table_init(&files, allocate_page, NULL);
    event_accounts_init(&descriptors);
}

#endif
