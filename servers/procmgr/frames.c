/* Private frames: frames.h. */
#include "frames.h"
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

uint64_t frames_new_unzeroed(void)
{
    if (free_count)
        return free_frames[--free_count];
    struct memory view = { server_memory.slots, &untyped };
    uint64_t frame = memory_new_object(&view, TERN_OBJECT_FRAME_4K, 0);
    if (frame >= slot_limit) {          /* cannot happen: slots are below the limit */
        memory_delete(&view, frame);
        return 0;
    }
    return frame;
}

uint64_t frames_new(void)
{
    bool recycled = free_count > 0;     /* a new frame is zeroed by its retype */
    uint64_t frame = frames_new_unzeroed();
    if (!frame || !recycled)
        return frame;
    void *page = scratch_map(0, frame);
    if (!page) {
        frames_release(frame);
        return 0;
    }
    memset(page, 0, PAGE_SIZE);
    scratch_unmap(0);
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
