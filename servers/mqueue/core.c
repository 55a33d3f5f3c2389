/*
 * The mqueue server's state machine (core.h): queues, their names and
 * permissions, the descriptions that hold them and what each user's
 * queues take. Sending, receiving and waiting: transfer.c.
 */
#include "internal.h"

#include "sys/ipc_namespace.h"
#include "sys/linux_abi.h"

/* The queue's services are the core's allocator. */
static void *queue_allocate(void *context, size_t size)
{
    return mq_allocate(context, size);
}

static void queue_free(void *context, void *block)
{
    mq_release(context, block);
}

void mq_core_init(struct mq_core *core, const struct mq_core_services *services)
{
    *core = (struct mq_core){ .services = *services, .limits = MQ_DEFAULT_LIMITS };
    core->queue_services = (struct mq_services){ queue_allocate, queue_free, core };
    file_table_init(&core->files, services->allocate_page, services->context);
}

const struct mq_limits *mq_core_limits(const struct mq_core *core, uint32_t namespace)
{
    static const struct mq_limits defaults = MQ_DEFAULT_LIMITS;
    if (namespace == IPC_NAMESPACE_INITIAL)
        return &core->limits;
    for (const struct mq_namespace_limits *other = core->other_limits; other; other = other->next)
        if (other->namespace == namespace)
            return &other->limits;
    return &defaults;
}

struct mq_limits *mq_core_limits_to_change(struct mq_core *core, uint32_t namespace)
{
    if (namespace == IPC_NAMESPACE_INITIAL)
        return &core->limits;
    for (struct mq_namespace_limits *other = core->other_limits; other; other = other->next)
        if (other->namespace == namespace)
            return &other->limits;
    struct mq_namespace_limits *made = mq_allocate(core, sizeof *made);
    if (!made)
        return 0;
    *made = (struct mq_namespace_limits){core->other_limits, namespace, MQ_DEFAULT_LIMITS};
    core->other_limits = made;
    return &made->limits;
}

/* ---- Names and permissions ---- */

static bool privileged(const struct mq_caller *caller)
{
    return caller->uid == 0;
}

/* Linux's lookup rules for a name in the mqueue file system's root. */
static int check_name(const char *name, uint64_t length)
{
    if (length > MQ_NAME_MAX)
        return -LINUX_ENAMETOOLONG;
    if (length == 0)
        return -LINUX_ENOENT;   /* the root itself, which is no queue */
    if ((length == 1 && name[0] == '.') ||
        (length == 2 && name[0] == '.' && name[1] == '.'))
        return -LINUX_EACCES;
    for (uint64_t i = 0; i < length; i++)
        if (name[i] == '/' || name[i] == 0)
            return -LINUX_EACCES;
    return 0;
}

static struct mq_object *find_name(struct mq_core *core, uint32_t namespace, const char *name,
                                   uint64_t length)
{
    for (struct mq_object *object = core->objects; object; object = object->next) {
        if (!object->named || object->namespace != namespace)
            continue;
        uint64_t i = 0;
        while (i < length && object->name[i] == name[i])
            i++;
        if (i == length && object->name[i] == 0)
            return object;
    }
    return 0;
}

/* The queues of a namespace, named or only open: queues_max's count. */
static uint32_t queues_in(const struct mq_core *core, uint32_t namespace)
{
    uint32_t count = 0;
    for (const struct mq_object *object = core->objects; object; object = object->next)
        count += object->namespace == namespace;
    return count;
}

/* inode_permission: the owner's, the group's or the others' bits, root
 * always. */
static bool permitted(const struct mq_object *object, const struct mq_caller *caller,
                      uint32_t wanted)
{
    if (privileged(caller))
        return true;
    uint32_t bits = object->mode;
    if (caller->uid == object->uid)
        bits >>= 6;
    else if (caller->gid == object->gid)
        bits >>= 3;
    return (bits & wanted) == wanted;
}

/* The record of uid's charges, made if asked; NULL without memory. */
static struct mq_user *user_of(struct mq_core *core, uint32_t uid, bool make)
{
    struct mq_user *user = core->users;
    while (user && user->uid != uid)
        user = user->next;
    if (!user && make && (user = mq_allocate(core, sizeof *user))) {
        *user = (struct mq_user){ .next = core->users, .uid = uid };
        core->users = user;
    }
    return user;
}

/* Charges a new queue to its creator's user: -EMFILE past the caller's
 * RLIMIT_MSGQUEUE (root's too, as on Linux). */
static int charge(struct mq_core *core, const struct mq_caller *caller, uint64_t bytes)
{
    struct mq_user *user = user_of(core, caller->uid, true);
    if (!user)
        return -LINUX_ENOMEM;
    if (user->bytes + bytes < user->bytes || user->bytes + bytes > caller->queue_limit)
        return -LINUX_EMFILE;
    user->bytes += bytes;
    return 0;
}

static void uncharge(struct mq_core *core, uint32_t uid, uint64_t bytes)
{
    struct mq_user **link = &core->users;
    while ((*link)->uid != uid)
        link = &(*link)->next;
    struct mq_user *user = *link;
    user->bytes -= bytes;
    if (user->bytes == 0) {
        *link = user->next;
        mq_release(core, user);
    }
}

static void free_object(struct mq_core *core, struct mq_object *object)
{
    uncharge(core, object->uid, object->charge);
    if (object->previous)
        object->previous->next = object->next;
    else
        core->objects = object->next;
    if (object->next)
        object->next->previous = object->previous;
    mq_notify_pollers(core, object);
    watch_list_drop(&object->watches);
    mq_queue_destroy(&object->queue);
    core->queue_count--;
    mq_release(core, object);
}

/* A new named queue: -ENOSPC past queues_max (unprivileged), -EINVAL for
 * bad attributes, -ENOMEM. */
static int create(struct mq_core *core, const struct mq_caller *caller, const char *name,
                  uint64_t length, uint32_t mode, const int64_t *attributes,
                  struct mq_object **made)
{
    const struct mq_limits *limits = mq_core_limits(core, caller->namespace);
    if ((int64_t)queues_in(core, caller->namespace) >= limits->queues_max && !privileged(caller))
        return -LINUX_ENOSPC;
    int64_t max_messages, message_size;
    if (attributes) {
        max_messages = attributes[0];
        message_size = attributes[1];
    } else {
        mq_attributes_default(limits, &max_messages, &message_size);
    }
    int error = mq_attributes_check(limits, privileged(caller), max_messages,
                                    message_size);
    if (error < 0)
        return error;
    uint64_t bytes = mq_charge(max_messages, message_size);
    struct mq_object *object = mq_allocate(core, sizeof *object);
    if (!object)
        return -LINUX_ENOMEM;
    if ((error = charge(core, caller, bytes)) < 0) {
        mq_release(core, object);
        return error;
    }
    *object = (struct mq_object){ .namespace = caller->namespace, .named = true,
                                  .uid = caller->uid, .gid = caller->gid,
                                  .mode = mode & 07777, .inode = ++core->next_inode,
                                  .charge = bytes };
    for (uint64_t i = 0; i < length; i++)
        object->name[i] = name[i];
    object->name[length] = 0;
    mq_queue_init(&object->queue, &core->queue_services, max_messages, message_size);
    object->next = core->objects;
    if (core->objects)
        core->objects->previous = object;
    core->objects = object;
    core->queue_count++;
    *made = object;
    return 0;
}

int mq_core_open(struct mq_core *core, const struct mq_caller *caller, const char *name,
                 uint64_t length, uint32_t flags, uint32_t mode, const int64_t *attributes,
                 uint64_t *handle)
{
    int error = check_name(name, length);
    if (error < 0)
        return error;
    struct mq_object *object = find_name(core, caller->namespace, name, length);
    bool made = false;
    if (!object) {
        if (!(flags & LINUX_O_CREAT))
            return -LINUX_ENOENT;
        error = create(core, caller, name, length, mode, attributes, &object);
        if (error < 0)
            return error;
        made = true;
    } else {
        if ((flags & (LINUX_O_CREAT | LINUX_O_EXCL)) == (LINUX_O_CREAT | LINUX_O_EXCL))
            return -LINUX_EEXIST;
        uint32_t access = flags & LINUX_O_ACCMODE;
        if (access == LINUX_O_ACCMODE)
            return -LINUX_EINVAL;
        uint32_t wanted = access == LINUX_O_RDONLY ? 4 : access == LINUX_O_WRONLY ? 2 : 6;
        if (!permitted(object, caller, wanted))
            return -LINUX_EACCES;
    }
    uint32_t kept = flags & (LINUX_O_ACCMODE | LINUX_O_NONBLOCK);
    error = file_table_open(&core->files, object, kept, handle);
    if (error < 0) {
        if (made)
            free_object(core, object);
        return error;
    }
    object->descriptions++;
    return 0;
}

int mq_core_unlink(struct mq_core *core, const struct mq_caller *caller, const char *name,
                   uint64_t length)
{
    int error = check_name(name, length);
    if (error < 0)
        return error;
    struct mq_object *object = find_name(core, caller->namespace, name, length);
    if (!object)
        return -LINUX_ENOENT;
    /* /dev/mqueue is sticky: only the owner (or root) removes a queue. */
    if (!privileged(caller) && caller->uid != object->uid)
        return -LINUX_EPERM;
    object->named = false;
    if (object->descriptions == 0)
        free_object(core, object);
    return 0;
}

int mq_core_lookup(struct mq_core *core, const struct mq_caller *caller, const char *name,
                   uint64_t length, uint32_t wanted, const struct mq_object **found)
{
    int error = check_name(name, length);
    if (error < 0)
        return error;
    const struct mq_object *object = find_name(core, caller->namespace, name, length);
    if (!object)
        return -LINUX_ENOENT;
    /* As for any file, root may execute only what someone may. */
    bool executes = wanted & 1;
    if (!permitted(object, caller, wanted) ||
        (executes && privileged(caller) && !(object->mode & 0111)))
        return -LINUX_EACCES;
    *found = object;
    return 0;
}

const struct mq_object *mq_core_next_named(const struct mq_core *core, uint64_t from)
{
    const struct mq_object *next = 0;
    for (const struct mq_object *object = core->objects; object; object = object->next)
        if (object->named && object->namespace == IPC_NAMESPACE_INITIAL &&
            object->inode >= from && (!next || object->inode < next->inode))
            next = object;
    return next;
}

void mq_core_namespace_ended(struct mq_core *core, uint32_t namespace)
{
    for (struct mq_namespace_limits **link = &core->other_limits; *link; link = &(*link)->next)
        if ((*link)->namespace == namespace) {
            struct mq_namespace_limits *gone = *link;
            *link = gone->next;
            mq_release(core, gone);
            break;
        }
    struct mq_object *next;
    for (struct mq_object *object = core->objects; object; object = next) {
        next = object->next;
        if (object->namespace != namespace || !object->named)
            continue;
        object->named = false;
        if (object->descriptions == 0)
            free_object(core, object);
    }
}

void mq_core_release(struct mq_core *core, struct mq_object *object)
{
    if (--object->descriptions == 0 && !object->named)
        free_object(core, object);
}
