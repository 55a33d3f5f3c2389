/*
 * What the System V cores' host tests share: the services a core takes
 * (malloc'd pages and blocks, counted so a test can see everything given
 * back; a clock the test moves), and callers of each kind.
 */
#ifndef TESTS_HOST_TEST_SYSV_SUPPORT_H
#define TESTS_HOST_TEST_SYSV_SUPPORT_H

#include <stdlib.h>
#include "check.h"
#include "test_client_memory.h"
#include "test_core_blocks.h"
#include "sysv/services.h"

static long pages_live;
static int64_t clock_seconds = 1000;

static void *allocate_page(void *context)
{
    (void)context;
    pages_live++;
    return aligned_alloc(4096, 4096);
}

static void free_page(void *context, void *page)
{
    (void)context;
    pages_live--;
    free(page);
}

static int64_t now(void *context)
{
    (void)context;
    return clock_seconds;
}

static const struct sysv_services services = {allocate_page, free_page, allocate, allocate,
                                              release, now, NULL};

/* Callers: root, and two unprivileged users of different groups. */
static const struct sysv_caller root = {10, 0, 0};
static const struct sysv_caller user = {20, 1000, 1000};
static const struct sysv_caller stranger = {30, 2000, 2000};

#endif
