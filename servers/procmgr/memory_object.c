/* Memory objects: memory_object.h. */
#include "memory_object.h"
#include "frames.h"
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memory.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

/* The table of live objects starts with this many entries (in procmgr's
 * image), doubles while it is at least half full, up to the limit, and
 * halves again once an eighth full, where the live objects fit. */
#define INITIAL_OBJECTS 1024
#define OBJECT_LIMIT (1u << 20)

struct memory_object {
    uint64_t id;
    uint64_t references;            /* address spaces that map it */
    uint64_t key;                   /* memory_object_key */
    bool lent;
    /* Anonymous: its frames (frames.h: each holds one use), by offset,
     * in an index that grows as pages are touched. */
    uint64_t size;
    struct page_index pages;
    /* Lent: the descriptor procmgr keeps (the caller's, retained, or one
     * the server made for the mapping), the references to its open file
     * description procmgr holds (one per address space: the server can
     * count attachments), and the file's identity as its server names
     * it. */
    uint64_t descriptor;
    uint64_t held;
    uint64_t identity;
    bool no_userfault;              /* MEMORY_MAP_NO_USERFAULT */
};

/* Each live object at its id modulo the capacity. Ids only grow, and ids
 * that differ modulo the capacity differ modulo twice it, so the table
 * can double with every object keeping an entry of its own. */
static struct memory_object *first_table[INITIAL_OBJECTS];
static struct memory_object **objects = first_table;
static uint32_t capacity = INITIAL_OBJECTS, object_count;
static uint64_t next_id = 1;

static struct memory_object *find(uint64_t id)
{
    struct memory_object *object = objects[id % capacity];
    return object && object->id == id ? object : 0;
}

/* A table twice as big: false without memory or at the limit. */
static bool grow_table(void)
{
    uint32_t grown = 2 * capacity;
    struct memory_object **table = grown <= OBJECT_LIMIT ? heap_allocate(grown * sizeof *table) : 0;
    if (!table)
        return false;
    for (uint32_t i = 0; i < capacity; i++)
        if (objects[i])
            table[objects[i]->id % grown] = objects[i];
    if (objects != first_table)
        heap_free(objects);
    objects = table;
    capacity = grown;
    return true;
}

/* The table half the size when every live object has an entry of its
 * own there; else, not tried again until half of them are gone. */
static void shrink_table(void)
{
    static uint32_t try_below = UINT32_MAX;
    if (object_count >= try_below)
        return;
    uint32_t half = capacity / 2;
    struct memory_object **table = half == INITIAL_OBJECTS ? first_table
                                                           : heap_allocate(half * sizeof *table);
    if (!table)
        return;
    memset(table, 0, half * sizeof *table);
    for (uint32_t i = 0; i < capacity; i++) {
        struct memory_object *object = objects[i];
        if (object && table[object->id % half]) {
            if (table != first_table)
                heap_free(table);
            try_below = object_count / 2;
            return;
        }
        if (object)
            table[object->id % half] = object;
    }
    heap_free(objects);
    objects = table;
    capacity = half;
    try_below = UINT32_MAX;
}

static void forget(struct memory_object *object)
{
    objects[object->id % capacity] = 0;
    object_count--;
    if (capacity > INITIAL_OBJECTS && 8 * object_count < capacity)
        shrink_table();
}

/* A new object with one reference, in the table; 0 without memory or at
 * the limit. An id (and so a key) is never another object's later. */
static struct memory_object *create(void)
{
    if (2 * (object_count + 1) > capacity && !grow_table() && object_count == capacity)
        return 0;
    while (objects[next_id % capacity])
        next_id++;
    struct memory_object *object = heap_allocate(sizeof *object);
    if (!object)
        return 0;
    object->id = object->key = next_id++;
    object->references = 1;
    objects[object->id % capacity] = object;
    object_count++;
    return object;
}

uint64_t memory_copy_frame(uint64_t frame)
{
    uint64_t slot = slot_allocate(server_memory.slots);
    if (slot && tern_cnode_copy(TERN_SLOT_CNODE, slot, CNODE_DEPTH, TERN_SLOT_CNODE, frame,
                                CNODE_DEPTH, TERN_RIGHTS_ALL) != TERN_OK) {
        slot_free(server_memory.slots, slot);
        return 0;
    }
    return slot;
}

uint64_t memory_object_create_anonymous(uint64_t size)
{
    struct page_index pages;
    struct memory_object *object = index_create(&pages, 16) ? create() : 0;
    if (!object) {
        heap_free(pages.entries);
        return 0;
    }
    object->size = size;
    object->pages = pages;
    return object->id;
}

/* The key of a live lent object of the same file, if there is one. */
static uint64_t key_of_file(uint64_t identity)
{
    for (uint32_t i = 0; i < capacity; i++)
        if (objects[i] && objects[i]->lent && objects[i]->identity == identity)
            return objects[i]->key;
    return 0;
}

/* MEMORY_MAP through descriptor; mr gets the answer. With
 * MEMORY_MAP_DESCRIPTOR, the mapping's own descriptor lands in a fresh
 * slot, *own (else 0). 0 or -errno. */
static int ask_to_map(uint64_t descriptor, uint64_t mr[TERN_MSG_REGISTERS], uint64_t *own)
{
    *own = slot_allocate(server_memory.slots);
    if (!*own)
        return -LINUX_ENOMEM;
    tern_message_info info = server_call_receiving(descriptor, tern_message(MEMORY_MAP, 0, 4),
                                                   mr, TERN_SLOT_CNODE, *own);
    int64_t result = tern_message_label(info) ? -LINUX_EBADF : (int64_t)mr[0];
    if (result == 0 && tern_message_length(info) < 3)
        result = -LINUX_ENODEV;
    bool has_own = result == 0 && (mr[2] & MEMORY_MAP_DESCRIPTOR);
    if (has_own && tern_message_caps(info) != 1)
        result = -LINUX_EIO;
    if (result < 0 || !has_own) {
        memory_delete(&server_memory, *own);
        *own = 0;
    }
    if (result == -LINUX_ENOSYS)
        return -LINUX_ENODEV;       /* a file its server cannot map */
    return (int)result;
}

/* A descriptor kept for a mapping that went: closed, its slot freed. */
static void let_go(uint64_t descriptor)
{
    file_call(TERN_SLOT_CNODE, descriptor, FILE_CLOSE);
    memory_delete(&server_memory, descriptor);
}

int memory_object_map_file(uint64_t descriptor, unsigned prot, bool shared, uint64_t offset,
                           uint64_t length, uint64_t *id, bool *writable)
{
    uint64_t mr[TERN_MSG_REGISTERS] = { offset, length, prot,
                                        shared ? LINUX_MAP_SHARED : LINUX_MAP_PRIVATE };
    uint64_t own;
    int result = ask_to_map(descriptor, mr, &own);
    if (result < 0)
        return result;
    uint64_t identity = mr[1], flags = mr[2];
    if (flags & MEMORY_MAP_ANONYMOUS) {
        if (own)
            let_go(own);
        return MEMORY_OBJECT_ANONYMOUS;
    }
    /* The descriptor the object keeps: the mapping's own, or the
     * caller's, retained. */
    struct memory_object *object = create();
    bool kept = object && (own || file_call(TERN_SLOT_CNODE, descriptor, FILE_RETAIN) == 0);
    if (!kept) {
        if (own)
            let_go(own);
        if (object) {
            forget(object);
            heap_free(object);
        }
        return object ? -LINUX_EBADF : -LINUX_ENOMEM;
    }
    if (own)
        memory_delete(&server_memory, descriptor);
    uint64_t key = key_of_file(identity);
    if (key)
        object->key = key;
    object->lent = true;
    object->descriptor = own ? own : descriptor;
    object->held = 1;
    object->identity = identity;
    object->no_userfault = flags & MEMORY_MAP_NO_USERFAULT;
    *writable = flags & MEMORY_MAP_WRITABLE;
    *id = object->id;
    return 0;
}

bool memory_object_takes_userfault(uint64_t id)
{
    struct memory_object *object = find(id);
    return object && !object->no_userfault;
}

void memory_object_retain(uint64_t id)
{
    struct memory_object *object = find(id);
    if (!object)
        return;
    object->references++;
    if (object->lent && file_call(TERN_SLOT_CNODE, object->descriptor, FILE_RETAIN) == 0)
        object->held++;
}

void memory_object_release(uint64_t id)
{
    struct memory_object *object = find(id);
    if (!object)
        return;
    object->references--;
    /* One reference to the description less, but never the last while
     * an address space maps it (a retain that failed is not given back). */
    if (object->lent && object->held > 1 && object->held > object->references) {
        file_call(TERN_SLOT_CNODE, object->descriptor, FILE_CLOSE);
        object->held--;
    }
    if (object->references)
        return;
    forget(object);
    if (object->lent) {
        let_go(object->descriptor);
    } else {
        for (uint32_t i = 0; i < object->pages.capacity; i++)
            if (object->pages.entries[i].page != PAGE_INDEX_EMPTY)
                frames_release(object->pages.entries[i].frame);
        heap_free(object->pages.entries);
    }
    heap_free(object);
}

/* An anonymous object's frame at page (frames.h), made zeroed if new;
 * 0 without memory. */
static uint64_t anonymous_frame(struct memory_object *object, uint64_t page)
{
    struct page_entry *entry = page_index_find(&object->pages, page);
    if (entry)
        return entry->frame;
    uint64_t frame = frames_new();
    struct page_entry added = { .page = page, .frame = (uint32_t)frame };
    if (frame && index_insert(&object->pages, added) < 0) {
        frames_release(frame);
        return 0;
    }
    return frame;
}

/* Whether a server's answer asks for memory to be lent to it. */
static bool wants_memory(tern_message_info info, const uint64_t mr[TERN_MSG_REGISTERS])
{
    return tern_message_label(info) == 0 && tern_message_length(info) >= 2 &&
           (int64_t)mr[0] == -LINUX_ENOMEM && (mr[1] & SERVER_WANTS_MEMORY);
}

/* MEMORY_PAGE through the file's descriptor, the frame landing in a
 * fresh procmgr slot; existing: only a page the object has already. */
static int lent_frame(struct memory_object *object, uint64_t offset, bool write, bool existing,
                      uint64_t *frame)
{
    uint64_t slot = slot_allocate(server_memory.slots);
    if (!slot)
        return -LINUX_ENOMEM;
    uint64_t mr[TERN_MSG_REGISTERS];
    tern_message_info info;
    int64_t result;
    /* A server out of pages is lent memory and asked again, for as long
     * as the lending policy allows (SERVER_WANTS_MEMORY). */
    do {
        mr[0] = offset;
        mr[1] = (write ? MEMORY_PAGE_WRITE : 0) | (existing ? MEMORY_PAGE_EXISTING : 0);
        info = server_call_receiving(object->descriptor, tern_message(MEMORY_PAGE, 0, 2), mr,
                                     TERN_SLOT_CNODE, slot);
        result = tern_message_label(info) ? -LINUX_EIO : (int64_t)mr[0];
    } while (wants_memory(info, mr) && lend_memory(SERVER_WANTS_MEMORY_ID(mr[1])) == 0);
    if (result == 0 && tern_message_caps(info) != 1)
        result = -LINUX_EIO;
    if (result < 0) {
        memory_delete(&server_memory, slot);
        return (int)result;
    }
    *frame = slot;
    return 0;
}

int memory_object_page(uint64_t id, uint64_t offset, bool write, uint64_t *frame)
{
    struct memory_object *object = find(id);
    if (!object)
        return -LINUX_ENXIO;
    if (object->lent)
        return lent_frame(object, offset, write, false, frame);
    if (offset >= object->size)
        return -LINUX_ENXIO;
    uint64_t own = anonymous_frame(object, offset & ~(uint64_t)(PAGE_SIZE - 1));
    *frame = own ? memory_copy_frame(own) : 0;
    return *frame ? 0 : -LINUX_ENOMEM;
}

int memory_object_existing_page(uint64_t id, uint64_t offset, bool write, uint64_t *frame)
{
    struct memory_object *object = find(id);
    if (!object)
        return -LINUX_ENXIO;
    if (object->lent)
        return lent_frame(object, offset, write, true, frame);
    if (offset >= object->size)
        return -LINUX_ENXIO;
    struct page_entry *entry = page_index_find(&object->pages, offset & ~(uint64_t)(PAGE_SIZE - 1));
    if (!entry)
        return -LINUX_ENOENT;
    *frame = memory_copy_frame(entry->frame);
    return *frame ? 0 : -LINUX_ENOMEM;
}

int64_t memory_object_describe(uint64_t id, char *name, uint64_t room, uint64_t *identity)
{
    struct memory_object *object = find(id);
    if (!object)
        return -LINUX_ENOENT;
    if (object->lent) {
        *identity = object->identity;
        return file_path_of(object->descriptor, name, room);
    }
    static const char shared_anonymous[] = "/dev/zero (deleted)";
    uint64_t length = sizeof shared_anonymous - 1;
    memcpy(name, shared_anonymous, length < room ? length : room);
    *identity = 1ULL << 32 | object->id;
    return (int64_t)length;
}

uint64_t memory_object_sole_pages(uint64_t id)
{
    struct memory_object *object = find(id);
    return object && !object->lent && object->references == 1 ? object->pages.count : 0;
}

bool memory_object_is_anonymous(uint64_t id)
{
    struct memory_object *object = find(id);
    return object && !object->lent;
}

uint64_t memory_object_key(uint64_t id)
{
    struct memory_object *object = find(id);
    return object ? object->key : 0;
}
