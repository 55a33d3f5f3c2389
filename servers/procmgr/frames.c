/*
 * Private frames: frames.h.
 *
 * The pool makes its frames from chunks of its own, one chunk at a time
 * (the carving chunk), and keeps each chunk's unused frames with it. A
 * chunk none of whose frames is used any more is given back whole
 * (chunk_put), its frames deleted: memory a process took is free again
 * for anything once the last space using it goes, and sysinfo's freeram
 * comes back to what it was. Only the carving chunk is kept when unused,
 * so a process that comes and goes does not take and give back a chunk
 * each time.
 */
#include "frames.h"
#include "memory_object.h"
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/runtime.h"

#define FRAMES_PER_CHUNK    (1u << (CHUNK_BITS - 12))
#define NO_CHUNK            UINT32_MAX

struct frame_chunk {
    uint64_t untyped;           /* the chunk's capability; 0: this entry is unused */
    uint32_t *unused;           /* frames made from it that no space uses */
    uint32_t unused_count;
    uint32_t made;              /* frames retyped from it so far */
};

static struct frame_chunk *chunks;
static uint32_t chunk_entries;
static uint32_t carving = NO_CHUNK;
/* Chunks with unused frames, the last one's handed out first. */
static uint32_t *with_unused;
static uint32_t with_unused_count;
/* Per procmgr slot holding a frame: its chunk, the slot of procmgr's
 * view of it (the copy mapped in the window), and its users less one
 * (so a fresh table says "one user"). */
static uint16_t *chunk_of;
static uint32_t *view_of;
static uint16_t *extra_users;
static uint64_t slot_limit;

bool frames_init(uint64_t limit)
{
    uint64_t total, free;
    chunks_count(&total, &free);
    chunk_entries = (uint32_t)(total >> CHUNK_BITS);
    if (chunk_entries > UINT16_MAX + 1u)
        chunk_entries = UINT16_MAX + 1u;    /* chunk_of holds an entry's index */
    slot_limit = limit;
    chunks = heap_allocate(chunk_entries * sizeof *chunks);
    with_unused = heap_allocate(chunk_entries * sizeof *with_unused);
    chunk_of = heap_allocate(limit * sizeof *chunk_of);
    view_of = heap_allocate(limit * sizeof *view_of);
    extra_users = heap_allocate(limit * sizeof *extra_users);
    return chunks && with_unused && chunk_of && view_of && extra_users;
}

void *frames_contents(uint64_t frame)
{
    return (void *)(FRAME_WINDOW + frame * PAGE_SIZE);
}

static void give_back(uint32_t entry);

/* A new carving chunk (false: no chunk is free). */
static bool take_chunk(void)
{
    uint32_t entry = 0;
    while (entry < chunk_entries && chunks[entry].untyped)
        entry++;
    uint32_t *unused = entry < chunk_entries
                     ? heap_allocate(FRAMES_PER_CHUNK * sizeof *unused) : 0;
    uint64_t untyped = unused ? chunk_take() : 0;
    if (!untyped) {
        heap_free(unused);
        return false;
    }
    chunks[entry] = (struct frame_chunk){untyped, unused, 0, 0};
    carving = entry;
    return true;
}

/* The next frame of the carving chunk, seen by procmgr at its place in
 * the window through a copy of its capability (the frame's own is the
 * spaces'). The window's page tables come from procmgr's own memory, so
 * that they never hold a chunk of the pool. */
static uint64_t make_frame(void)
{
    if ((carving == NO_CHUNK || chunks[carving].made == FRAMES_PER_CHUNK) && !take_chunk())
        return 0;
    uint32_t entry = carving;
    struct frame_chunk *chunk = &chunks[entry];
    uint64_t frame = slot_allocate(server_memory.slots);
    if (!frame)
        return 0;
    if (tern_untyped_retype(chunk->untyped, TERN_OBJECT_FRAME_4K, 0, TERN_SLOT_CNODE, frame,
                            CNODE_DEPTH, 1) != TERN_OK) {
        /* The chunk has no room left after all: carve the next one, and
         * give this one back if nothing of it is used. */
        slot_free(server_memory.slots, frame);
        carving = NO_CHUNK;
        if (chunk->unused_count == chunk->made)
            give_back(entry);
        return 0;
    }
    uint64_t seen = memory_copy_frame(frame);
    if (!seen || memory_map_frame(&server_memory, TERN_SLOT_VSPACE, seen,
                                  (uint64_t)frames_contents(frame),
                                  TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK) {
        if (seen)
            memory_delete(&server_memory, seen);
        memory_delete(&server_memory, frame);   /* the chunk's room for it stays used */
        return 0;
    }
    chunk->made++;
    chunk_of[frame] = (uint16_t)entry;
    view_of[frame] = (uint32_t)seen;
    extra_users[frame] = 0;
    return frame;
}

/* An unused frame, or a new one (*recycled says which). */
static uint64_t take_frame(bool *recycled)
{
    *recycled = with_unused_count > 0;
    if (!*recycled)
        return make_frame();
    struct frame_chunk *chunk = &chunks[with_unused[with_unused_count - 1]];
    uint64_t frame = chunk->unused[--chunk->unused_count];
    if (chunk->unused_count == 0)
        with_unused_count--;
    extra_users[frame] = 0;
    return frame;
}

uint64_t frames_new_unzeroed(void)
{
    bool recycled;
    return take_frame(&recycled);
}

uint64_t frames_new(void)
{
    bool recycled;      /* a new frame is zeroed by its retype */
    uint64_t frame = take_frame(&recycled);
    if (frame && recycled)
        memset(frames_contents(frame), 0, PAGE_SIZE);
    return frame;
}

void frames_share(uint64_t frame)
{
    extra_users[frame]++;
}

unsigned frames_users(uint64_t frame)
{
    return extra_users[frame] + 1u;
}

/* Every frame of the chunk is unused: delete them and give it back. */
static void give_back(uint32_t entry)
{
    struct frame_chunk *chunk = &chunks[entry];
    for (uint32_t i = 0; i < with_unused_count; i++)
        if (with_unused[i] == entry) {
            with_unused[i] = with_unused[--with_unused_count];
            break;
        }
    for (uint32_t i = 0; i < chunk->unused_count; i++) {
        uint64_t frame = chunk->unused[i];
        memory_delete(&server_memory, view_of[frame]);      /* unmaps it from the window */
        memory_delete(&server_memory, frame);
    }
    tern_cnode_revoke(TERN_SLOT_CNODE, chunk->untyped, CNODE_DEPTH);
    chunk_put(chunk->untyped);
    heap_free(chunk->unused);
    *chunk = (struct frame_chunk){0, 0, 0, 0};
}

void frames_release(uint64_t frame)
{
    if (extra_users[frame]) {
        extra_users[frame]--;
        return;
    }
    uint32_t entry = chunk_of[frame];
    struct frame_chunk *chunk = &chunks[entry];
    if (chunk->unused_count == 0)
        with_unused[with_unused_count++] = entry;
    chunk->unused[chunk->unused_count++] = (uint32_t)frame;
    if (chunk->unused_count == chunk->made && entry != carving)
        give_back(entry);
}

uint64_t frames_chunk_table_bytes(void)
{
    uint64_t bytes = 0;
    for (uint32_t entry = 0; entry < chunk_entries; entry++)
        bytes += heap_block_bytes(chunks[entry].unused);
    return bytes;
}
