/* Shared memory objects: shared_memory.h. */
#include "shared_memory.h"
#include "procmgr.h"
#include "sys/runtime.h"

#define SHARED_OBJECT_LIMIT 1024

struct shared_object {
    uint64_t id;
    uint64_t references;
    uint64_t size;
    struct allotment objects;
    struct page_index pages;            /* offset -> frame slot */
};

static struct shared_object *objects[SHARED_OBJECT_LIMIT];
static uint64_t next_id = 1;

static struct shared_object *find(uint64_t id)
{
    struct shared_object *object = objects[id % SHARED_OBJECT_LIMIT];
    return object && object->id == id ? object : 0;
}

uint64_t shared_object_create(uint64_t size)
{
    for (unsigned tries = 0; tries < SHARED_OBJECT_LIMIT; tries++, next_id++) {
        if (objects[next_id % SHARED_OBJECT_LIMIT])
            continue;
        uint32_t capacity = 64;
        while (capacity < 2 * (size / PAGE_SIZE) && capacity < (1u << 20))
            capacity *= 2;
        struct shared_object *object = heap_allocate(sizeof *object);
        struct page_entry *entries = heap_allocate(capacity * sizeof *entries);
        if (!object || !entries) {
            heap_free(object);
            heap_free(entries);
            return 0;
        }
        object->id = next_id++;
        object->references = 1;
        object->size = size;
        allotment_init(&object->objects);
        page_index_init(&object->pages, entries, capacity);
        objects[object->id % SHARED_OBJECT_LIMIT] = object;
        return object->id;
    }
    return 0;
}

void shared_object_retain(uint64_t id)
{
    struct shared_object *object = find(id);
    if (object)
        object->references++;
}

void shared_object_release(uint64_t id)
{
    struct shared_object *object = find(id);
    if (!object || --object->references)
        return;
    objects[id % SHARED_OBJECT_LIMIT] = 0;
    allotment_release(&object->objects);
    heap_free(object->pages.entries);
    heap_free(object);
}

uint64_t shared_object_frame(uint64_t id, uint64_t offset)
{
    struct shared_object *object = find(id);
    if (!object || offset >= object->size)
        return 0;
    uint64_t page = offset & ~(uint64_t)(PAGE_SIZE - 1);
    struct page_entry *entry = page_index_find(&object->pages, page);
    if (entry)
        return entry->slot;
    uint64_t frame = allotment_new_object(&object->objects, TERN_OBJECT_FRAME_4K, 0);
    if (!frame || page_index_insert(&object->pages, page, (uint32_t)frame, 0) < 0)
        return 0;
    return frame;
}
