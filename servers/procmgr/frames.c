/* Private frames: frames.h. */
#include "frames.h"
#include "memory_object.h"
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/runtime.h"

/* Chunks the pool's frames are made from: never revoked. */
static struct untyped_pool untyped;
/* Per procmgr slot, the users of the frame whose capability it holds,
 * less one (so a fresh table says "one user"). */
static uint16_t *extra_users;
static uint64_t slot_limit;
/* Frames no space uses, their capabilities unmapped. */
static uint32_t *free_frames;
static uint32_t free_count, free_capacity;

bool frames_init(uint64_t limit)
{
    allotment_init_pool(&untyped);
    slot_limit = limit;
    extra_users = heap_allocate(limit * sizeof *extra_users);
    if (extra_users)
        memset(extra_users, 0, limit * sizeof *extra_users);
    return extra_users != 0;
}

void *frames_contents(uint64_t frame)
{
    return (void *)(FRAME_WINDOW + frame * PAGE_SIZE);
}

/* A new frame of the pool, seen by procmgr at its place in the window
 * (through a copy of its capability: the frame's own is the spaces'). */
static uint64_t make_frame(void)
{
    struct memory view = { server_memory.slots, &untyped };
    uint64_t frame = memory_new_object(&view, TERN_OBJECT_FRAME_4K, 0);
    if (!frame)
        return 0;
    uint64_t seen = frame < slot_limit ? memory_copy_frame(frame) : 0;
    if (!seen || memory_map_frame(&view, TERN_SLOT_VSPACE, seen, (uint64_t)frames_contents(frame),
                                  TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK) {
        if (seen)
            memory_delete(&view, seen);
        memory_delete(&view, frame);
        return 0;
    }
    return frame;
}

uint64_t frames_new_unzeroed(void)
{
    return free_count ? free_frames[--free_count] : make_frame();
}

uint64_t frames_new(void)
{
    bool recycled = free_count > 0;     /* a new frame is zeroed by its retype */
    uint64_t frame = frames_new_unzeroed();
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

void frames_release(uint64_t frame)
{
    if (extra_users[frame]) {
        extra_users[frame]--;
        return;
    }
    if (free_count == free_capacity) {
        uint32_t capacity = free_capacity ? 2 * free_capacity : 1024;
        uint32_t *grown = heap_allocate(capacity * sizeof *grown);
        if (!grown) {
            /* Without room to keep it the frame is lost to the pool, not
             * to the system: its chunk stays procmgr's. */
            memory_delete(&server_memory, frame);
            return;
        }
        memcpy(grown, free_frames, free_count * sizeof *grown);
        heap_free(free_frames);
        free_frames = grown;
        free_capacity = capacity;
    }
    free_frames[free_count++] = (uint32_t)frame;
}
