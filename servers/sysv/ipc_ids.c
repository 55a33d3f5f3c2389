/* System V identifiers, keys and permissions: ipc_ids.h. */
#include "ipc_ids.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* Linux's ipc_min_cycle (RADIX_TREE_MAP_SIZE): indexes cycle through at
 * least this many before they wrap. */
#define MIN_CYCLE 64
/* ipcid_seq_max(): INT_MAX >> the index bits. */
#define SEQ_LIMIT (INT32_MAX >> SYSV_ID_INDEX_BITS)

void ipc_ids_init(struct ipc_ids *ids, uint32_t limit, const struct sysv_services *services)
{
    *ids = (struct ipc_ids){.limit = limit, .max_index = -1, .last_index = -1,
                            .services = services};
}

/* Room in the table for index. */
static bool make_room(struct ipc_ids *ids, uint32_t index)
{
    if (index < ids->capacity)
        return true;
    uint32_t capacity = ids->capacity ? ids->capacity : MIN_CYCLE;
    while (capacity <= index)
        capacity *= 2;
    const struct sysv_services *services = ids->services;
    struct ipc_object **objects = services->allocate(services->context,
                                                     capacity * sizeof *objects);
    if (!objects)
        return false;
    if (ids->objects) {
        memcpy(objects, ids->objects, ids->capacity * sizeof *objects);
        services->free(services->context, ids->objects);
    }
    ids->objects = objects;
    ids->capacity = capacity;
    return true;
}

static bool index_free(const struct ipc_ids *ids, uint32_t index)
{
    return index >= ids->capacity || !ids->objects[index];
}

/* idr_alloc_cyclic(0, end): the lowest free index from the one after the
 * last given, else from 0; -1 if none is free below end. */
static int32_t free_index(const struct ipc_ids *ids, uint32_t end)
{
    uint32_t from = (uint32_t)(ids->last_index + 1);
    for (uint32_t index = from; index < end; index++)
        if (index_free(ids, index))
            return (int32_t)index;
    for (uint32_t index = 0; index < from && index < end; index++)
        if (index_free(ids, index))
            return (int32_t)index;
    return -1;
}

int32_t ipc_ids_add(struct ipc_ids *ids, struct ipc_object *object, int32_t key, uint32_t mode,
                    const struct sysv_caller *caller)
{
    if (ids->in_use >= ids->limit)
        return -LINUX_ENOSPC;
    uint32_t end = ids->in_use * 3 / 2;
    end = end < MIN_CYCLE ? MIN_CYCLE : end > IPC_IDS_INDEXES ? IPC_IDS_INDEXES : end;
    int32_t index = free_index(ids, end);
    if (index < 0)
        return -LINUX_ENOSPC;
    if (!make_room(ids, (uint32_t)index))
        return -LINUX_ENOMEM;
    if (index <= ids->last_index && ++ids->seq >= SEQ_LIMIT)
        ids->seq = 0;
    ids->last_index = index;
    *object = (struct ipc_object){
        .key = key,
        .uid = caller->uid, .cuid = caller->uid,
        .gid = caller->gid, .cgid = caller->gid,
        .mode = mode & SYSV_MODE_PERMISSIONS,
        .seq = ids->seq,
        .id = (int32_t)((uint32_t)ids->seq << SYSV_ID_INDEX_BITS | (uint32_t)index),
    };
    ids->objects[index] = object;
    ids->in_use++;
    if (index > ids->max_index)
        ids->max_index = index;
    return object->id;
}

struct ipc_object *ipc_ids_at(const struct ipc_ids *ids, int32_t index)
{
    if (index < 0 || (uint32_t)index >= ids->capacity)
        return NULL;
    return ids->objects[index];
}

struct ipc_object *ipc_ids_find(const struct ipc_ids *ids, int32_t id)
{
    if (id < 0)
        return NULL;
    struct ipc_object *object = ipc_ids_at(ids, id & (int32_t)(IPC_IDS_INDEXES - 1));
    return object && object->id == id ? object : NULL;
}

/* The object with a key (not IPC_PRIVATE), or NULL. */
static struct ipc_object *find_key(const struct ipc_ids *ids, int32_t key)
{
    if (key == SYSV_IPC_PRIVATE)
        return NULL;
    for (int32_t index = 0; index <= ids->max_index; index++) {
        struct ipc_object *object = ids->objects[index];
        if (object && object->key == key)
            return object;
    }
    return NULL;
}

/* What a burst of objects grew goes back once they go: an empty table is
 * freed, one used up to a quarter of it (by its highest index) or less
 * halves, down to MIN_CYCLE. Without memory for the smaller one it stays. */
static void shrink(struct ipc_ids *ids)
{
    const struct sysv_services *services = ids->services;
    uint32_t used = (uint32_t)(ids->max_index + 1);
    uint32_t capacity = ids->capacity;
    while (capacity > MIN_CYCLE && used <= capacity / 4)
        capacity /= 2;
    if (used == 0) {
        services->free(services->context, ids->objects);
        ids->objects = NULL;
        ids->capacity = 0;
        return;
    }
    if (capacity == ids->capacity)
        return;
    struct ipc_object **objects = services->allocate(services->context,
                                                     capacity * sizeof *objects);
    if (!objects)
        return;
    memcpy(objects, ids->objects, used * sizeof *objects);
    services->free(services->context, ids->objects);
    ids->objects = objects;
    ids->capacity = capacity;
}

void ipc_ids_remove(struct ipc_ids *ids, struct ipc_object *object)
{
    int32_t index = object->id & (int32_t)(IPC_IDS_INDEXES - 1);
    ids->objects[index] = NULL;
    ids->in_use--;
    while (ids->max_index >= 0 && !ids->objects[ids->max_index])
        ids->max_index--;
    shrink(ids);
}

int32_t ipc_ids_highest_index(const struct ipc_ids *ids)
{
    return ids->max_index < 0 ? 0 : ids->max_index;
}

int ipc_ids_lookup(const struct ipc_ids *ids, int32_t key, int32_t flags,
                   struct ipc_object **found)
{
    *found = NULL;
    if (key == SYSV_IPC_PRIVATE)
        return IPC_GET_CREATE;
    *found = find_key(ids, key);
    if (!*found)
        return (flags & SYSV_IPC_CREAT) ? IPC_GET_CREATE : -LINUX_ENOENT;
    if ((flags & SYSV_IPC_CREAT) && (flags & SYSV_IPC_EXCL))
        return -LINUX_EEXIST;
    return 0;
}

bool ipc_privileged(const struct sysv_caller *caller)
{
    return caller->uid == 0;
}

bool ipc_permitted(const struct ipc_object *object, const struct sysv_caller *caller,
                   int32_t flag)
{
    /* Linux takes the flag as a short: bits above 15 never count. */
    int32_t asked = (int16_t)flag;
    uint32_t requested = (uint32_t)((asked >> 6) | (asked >> 3) | asked) & 7;
    uint32_t granted = object->mode;
    if (caller->uid == object->cuid || caller->uid == object->uid)
        granted >>= 6;
    else if (caller->gid == object->cgid || caller->gid == object->gid)
        granted >>= 3;
    return (requested & ~granted & 7) == 0 || ipc_privileged(caller);
}

bool ipc_may_control(const struct ipc_object *object, const struct sysv_caller *caller)
{
    return caller->uid == object->cuid || caller->uid == object->uid || ipc_privileged(caller);
}

struct ipc_object *ipc_ids_control(const struct ipc_ids *ids, const struct sysv_caller *caller,
                                   int32_t id, int32_t cmd, const struct client_buffer *buffer,
                                   struct sysv_ipc64_perm *wanted, int *error)
{
    *error = -LINUX_EFAULT;
    if (cmd == SYSV_IPC_SET &&
        buffer->copy_from_client(buffer->context, 0, wanted, sizeof *wanted) != 0)
        return NULL;
    struct ipc_object *object = ipc_ids_find(ids, id);
    *error = !object ? -LINUX_EINVAL : !ipc_may_control(object, caller) ? -LINUX_EPERM : 0;
    return *error == 0 ? object : NULL;
}

int ipc_object_set(struct ipc_object *object, const struct sysv_ipc64_perm *perm, int64_t now)
{
    if (perm->uid == UINT32_MAX || perm->gid == UINT32_MAX)
        return -LINUX_EINVAL;
    object->uid = perm->uid;
    object->gid = perm->gid;
    object->mode = (object->mode & ~(uint32_t)SYSV_MODE_PERMISSIONS) |
                   (perm->mode & SYSV_MODE_PERMISSIONS);
    object->ctime = now;
    return 0;
}

void ipc_object_get(const struct ipc_object *object, struct sysv_ipc64_perm *perm)
{
    *perm = (struct sysv_ipc64_perm){
        .key = object->key,
        .uid = object->uid, .gid = object->gid,
        .cuid = object->cuid, .cgid = object->cgid,
        .mode = object->mode,
        .seq = object->seq,
    };
}
