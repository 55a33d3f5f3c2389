/*
 * Private frames: the frames behind the pages an address space owns
 * (anonymous memory, the heap, stacks, a private file mapping's copies),
 * and those of shared anonymous memory objects (memory_object.h).
 * They come from a pool of procmgr's own, not from the chunks of the
 * space that first touched them, because fork shares them copy-on-write:
 * a frame may outlive that space in its children (space.c).
 *
 * A frame is named by the procmgr slot of its capability, the one its
 * retype made. A space maps that capability or a copy of its own. The
 * pool counts the spaces that use each frame; with the last, the frame
 * goes back to the pool (its capability unmapped first by the caller) to
 * be handed out again, zeroed; the pool gives a chunk back whole once
 * none of its frames is used (frames.c).
 *
 * procmgr maps every frame of the pool in its own address space once,
 * when it makes it (a copy of its capability, at FRAME_WINDOW): copying
 * and zeroing pages then take no invocations.
 */
#ifndef PROCMGR_FRAMES_H
#define PROCMGR_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

/* The pool is empty; every procmgr slot below slot_limit may name a frame. */
bool frames_init(uint64_t slot_limit);

/* A zeroed frame with one user, or 0 without memory. */
uint64_t frames_new(void);
/* A frame with one user whose contents do not matter (the caller fills
 * every byte), or 0. */
uint64_t frames_new_unzeroed(void);

/* The frame's bytes, as procmgr sees them. */
void *frames_contents(uint64_t frame);

/* One user more (fork shares the frame). */
void frames_share(uint64_t frame);
/* How many spaces use the frame. */
unsigned frames_users(uint64_t frame);
/* One user less. With the last the frame goes back to the pool: its
 * capability must not be mapped anywhere then. */
void frames_release(uint64_t frame);

/* The heap bytes of the tables of the chunks the pool holds, which
 * follow the memory processes use (sysinfo's freeram shows that), not
 * procmgr's own: SERVER_STATISTICS leaves them out. */
uint64_t frames_chunk_table_bytes(void);

#endif
