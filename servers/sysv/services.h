/*
 * What the System V cores (ipc_ids.c, shm.c, sem.c, sem_undo.c) take
 * from the server around them: memory and the time of day. main.c gives
 * them the runtime's; the host tests give them malloc and a counter.
 */
#ifndef SERVERS_SYSV_SERVICES_H
#define SERVERS_SYSV_SERVICES_H

#include <stdint.h>

struct sysv_services {
    /* Data pages (4 KiB, page-aligned, contents undefined) and small
     * blocks (zeroed); NULL without memory. */
    void *(*allocate_page)(void *context);
    void (*free_page)(void *context, void *page);
    void *(*allocate)(void *context, uint64_t size);
    /* A block the caller fills in whole (a message and its text). */
    void *(*allocate_unzeroed)(void *context, uint64_t size);
    void (*free)(void *context, void *block);
    /* The time of day in seconds, as Linux's ktime_get_real_seconds. */
    int64_t (*now)(void *context);
    void *context;
};

/* Who asks: the pid and effective ids of the caller's session. */
struct sysv_caller {
    uint32_t pid;
    uint32_t uid, gid;
};

#endif
