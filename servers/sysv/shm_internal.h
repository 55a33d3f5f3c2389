/*
 * What the shared memory core's files (shm.h) ask of each other: shm.c
 * keeps the segments, shm_attach.c their grants and attachments.
 */
#ifndef SERVERS_SYSV_SHM_INTERNAL_H
#define SERVERS_SYSV_SHM_INTERNAL_H

#include "shm.h"

/* The segment an id names, or NULL. */
struct shm_segment *shm_find(const struct shm_core *core, int32_t shmid);
/* Called whenever a segment loses an attachment or a grant: a segment
 * removed (SHM_DEST) with none left goes (shm_may_destroy). */
void shm_settle(struct shm_core *core, struct shm_segment *segment);

#endif
