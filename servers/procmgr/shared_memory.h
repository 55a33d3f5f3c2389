/*
 * Shared memory objects: what MAP_SHARED anonymous mappings map. Each
 * process region that maps one counts a reference (fork adds one per
 * shared region); the object's frames are made on first touch and go with
 * the last reference.
 */
#ifndef PROCMGR_SHARED_MEMORY_H
#define PROCMGR_SHARED_MEMORY_H

#include <stdint.h>

/* A new object of size bytes with one reference: its id, or 0. */
uint64_t shared_object_create(uint64_t size);
void shared_object_retain(uint64_t id);
void shared_object_release(uint64_t id);
/* The procmgr slot of the frame at offset (made now if new), or 0. */
uint64_t shared_object_frame(uint64_t id, uint64_t offset);

#endif
