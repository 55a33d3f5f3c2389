/* The mqueue server's state machine: core.h. */
#include "core.h"

#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

enum waiter_kind { SENDER, RECEIVER };

struct mq_waiter {
    struct mq_waiter *next;
    uint64_t caller;
    uint64_t handle;            /* the OFD it waits through, retained meanwhile */
    uint64_t deadline;          /* 0: none */
    struct mq_message *message; /* a sender's, loaded */
    uint64_t length;            /* a receiver's buffer */
};

struct mq_poller {
    struct mq_poller *next;
    uint64_t notification;
};

static void *allocate(struct mq_core *core, size_t size)
{
    return core->services.allocate(core->services.context, size);
}

static void release(struct mq_core *core, void *block)
{
    core->services.free(core->services.context, block);
}

/* The queue's services are the core's allocator. */
static void *queue_allocate(void *context, size_t size)
{
    return allocate(context, size);
}

static void queue_free(void *context, void *block)
{
    release(context, block);
}

void mq_core_init(struct mq_core *core, const struct mq_core_services *services)
{
    *core = (struct mq_core){ .services = *services, .limits = MQ_DEFAULT_LIMITS };
    core->queue_services = (struct mq_services){ queue_allocate, queue_free, core };
    file_table_init(&core->files, services->allocate_page, services->context);
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

static struct mq_object *find_name(struct mq_core *core, const char *name, uint64_t length)
{
    for (struct mq_object *object = core->objects; object; object = object->next) {
        uint64_t i = 0;
        while (i < length && object->name[i] == name[i])
            i++;
        if (object->named && i == length && object->name[i] == 0)
            return object;
    }
    return 0;
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
    if (!user && make && (user = allocate(core, sizeof *user))) {
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
        release(core, user);
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
    mq_queue_destroy(&object->queue);
    core->queue_count--;
    release(core, object);
}

/* A new named queue: -ENOSPC past queues_max (unprivileged), -EINVAL for
 * bad attributes, -ENOMEM. */
static int create(struct mq_core *core, const struct mq_caller *caller, const char *name,
                  uint64_t length, uint32_t mode, const int64_t *attributes,
                  struct mq_object **made)
{
    if (core->queue_count >= core->limits.queues_max && !privileged(caller))
        return -LINUX_ENOSPC;
    int64_t max_messages, message_size;
    if (attributes) {
        max_messages = attributes[0];
        message_size = attributes[1];
    } else {
        mq_attributes_default(&core->limits, &max_messages, &message_size);
    }
    int error = mq_attributes_check(&core->limits, privileged(caller), max_messages,
                                    message_size);
    if (error < 0)
        return error;
    uint64_t bytes = mq_charge(max_messages, message_size);
    struct mq_object *object = allocate(core, sizeof *object);
    if (!object)
        return -LINUX_ENOMEM;
    if ((error = charge(core, caller, bytes)) < 0) {
        release(core, object);
        return error;
    }
    *object = (struct mq_object){ .named = true, .uid = caller->uid, .gid = caller->gid,
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
    struct mq_object *object = find_name(core, name, length);
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
    struct mq_object *object = find_name(core, name, length);
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

void mq_core_release(struct mq_core *core, struct mq_object *object)
{
    if (--object->descriptions == 0 && !object->named)
        free_object(core, object);
}

/* ---- Waiters ---- */

static struct mq_waiter *new_waiter(struct mq_core *core)
{
    struct mq_waiter *waiter = core->spare_waiters;
    if (waiter)
        core->spare_waiters = waiter->next;
    else
        waiter = allocate(core, sizeof *waiter);
    return waiter;
}

/* A finished waiter: its OFD reference goes (perhaps the last), the
 * record is kept for reuse. */
static void finish_waiter(struct mq_core *core, struct mq_waiter *waiter)
{
    void *last;
    file_table_close(&core->files, waiter->handle, &last);
    if (last)
        mq_core_release(core, last);
    waiter->next = core->spare_waiters;
    core->spare_waiters = waiter;
}

/* Queues the caller at the end of list, holding its OFD. */
static int64_t wait_on(struct mq_core *core, struct mq_waiter **list, uint64_t handle,
                       uint64_t caller, uint64_t deadline, struct mq_message *message,
                       uint64_t length)
{
    struct mq_waiter *waiter = new_waiter(core);
    if (!waiter || file_table_retain(&core->files, handle) < 0) {
        if (waiter) {
            waiter->next = core->spare_waiters;
            core->spare_waiters = waiter;
        }
        return -LINUX_ENOMEM;
    }
    *waiter = (struct mq_waiter){ .caller = caller, .handle = handle, .deadline = deadline,
                                  .message = message, .length = length };
    while (*list)
        list = &(*list)->next;
    *list = waiter;
    return MQ_QUEUED;
}

static struct mq_waiter *take_first(struct mq_waiter **list)
{
    struct mq_waiter *waiter = *list;
    if (waiter)
        *list = waiter->next;
    return waiter;
}

static void notify_pollers(struct mq_core *core, struct mq_object *object)
{
    while (object->pollers) {
        struct mq_poller *poller = object->pollers;
        object->pollers = poller->next;
        core->services.notify(core->services.context, poller->notification);
        release(core, poller);
    }
}

/* A message for the oldest receiver still there: copied into its buffer
 * and answered (a copy that faults answers -EFAULT and the message is
 * lost, as Linux's store_msg). False if no receiver was left. */
static bool hand_to_receiver(struct mq_core *core, struct mq_object *object,
                             const struct mq_message *message)
{
    struct mq_waiter *receiver;
    while ((receiver = take_first(&object->receivers))) {
        if (message->length <= MQ_SMALL_MAX) {
            /* In the answer itself: the Reply says whether it was taken. */
            bool taken = core->services.answer(core->services.context, receiver->caller,
                                               message->length, message->priority,
                                               message->bytes, message->length);
            finish_waiter(core, receiver);
            if (taken)
                return true;
            continue;
        }
        int copied = core->services.copy_to_caller(core->services.context, receiver->caller,
                                                   message->bytes, message->length);
        if (copied == MQ_COPY_GONE) {
            core->services.forget(core->services.context, receiver->caller);
            finish_waiter(core, receiver);
            continue;
        }
        int64_t result = copied < 0 ? copied : (int64_t)message->length;
        core->services.answer(core->services.context, receiver->caller, result,
                              message->priority, NULL, 0);
        finish_waiter(core, receiver);
        return true;
    }
    return false;
}

/* Room was made: the oldest sender still there puts its message in. Its
 * answer goes first; the message goes in only if it was taken. */
static void admit_sender(struct mq_core *core, struct mq_object *object)
{
    struct mq_waiter *sender;
    while ((sender = take_first(&object->senders))) {
        struct mq_message *message = sender->message;
        bool taken = core->services.answer(core->services.context, sender->caller, 0, 0, NULL, 0);
        if (!taken || mq_queue_put(&object->queue, message) < 0)
            mq_message_free(&object->queue, message);
        finish_waiter(core, sender);
        if (taken)
            return;
    }
}

/* ---- Sending and receiving ---- */

static struct file_description *description(struct mq_core *core, uint64_t handle)
{
    return file_table_find(&core->files, handle);
}

static bool passed(const struct mq_core *core, uint64_t deadline)
{
    return deadline && core->services.now(core->services.context) >= deadline;
}

/* A message went into the queue: a registration due fires (a signal's
 * is kept for procmgr to take; SIGEV_NONE and signal 0 only go). */
static bool fire_registration(struct mq_core *core, struct mq_object *object)
{
    struct mq_notification fired;
    if (!mq_notify_due(&object->queue, &fired) || fired.kind != LINUX_SIGEV_SIGNAL ||
        fired.signal == 0)
        return false;
    struct mq_notice *notice = allocate(core, sizeof *notice);
    if (!notice)
        return false;   /* as a signal Linux could not queue */
    *notice = (struct mq_notice){ .fired = fired };
    if (core->last_notice)
        core->last_notice->next = notice;
    else
        core->notices = notice;
    core->last_notice = notice;
    return true;
}

bool mq_core_take_notice(struct mq_core *core, struct mq_notification *notice)
{
    struct mq_notice *first = core->notices;
    if (!first)
        return false;
    core->notices = first->next;
    if (!core->notices)
        core->last_notice = 0;
    *notice = first->fired;
    release(core, first);
    return true;
}

int mq_core_notify(struct mq_core *core, uint64_t handle, int32_t owner, bool registering,
                   int32_t kind, int32_t signal, uint64_t value)
{
    struct file_description *file = description(core, handle);
    if (!file)
        return -LINUX_EBADF;
    struct mq_queue *queue = &((struct mq_object *)file->object)->queue;
    if (!registering) {
        mq_notify_unregister(queue, owner);
        return 0;
    }
    return mq_notify_register(queue, owner, kind, signal, value);
}

void mq_core_process_ended(struct mq_core *core, int32_t pid)
{
    for (struct mq_object *object = core->objects; object; object = object->next)
        mq_notify_unregister(&object->queue, pid);
}

int64_t mq_core_send(struct mq_core *core, uint64_t handle, uint64_t caller, uint64_t length,
                     uint32_t priority, uint64_t deadline, bool may_wait, const void *bytes,
                     bool *notified)
{
    *notified = false;
    if (priority >= MQ_PRIORITIES)
        return -LINUX_EINVAL;
    struct file_description *file = description(core, handle);
    if (!file || !file_flags_writable(file->flags))
        return -LINUX_EBADF;
    struct mq_object *object = file->object;
    if (length > (uint64_t)object->queue.message_size)
        return -LINUX_EMSGSIZE;
    struct mq_message *message = mq_message_new(&object->queue, priority, (uint32_t)length);
    if (!message)
        return -LINUX_ENOMEM;
    int copied = 0;
    if (bytes)
        __builtin_memcpy(message->bytes, bytes, length);
    else
        copied = core->services.copy_from_caller(core->services.context, caller, message->bytes,
                                                 length);
    if (copied != 0) {
        mq_message_free(&object->queue, message);
        return copied < 0 ? copied : -LINUX_EFAULT;
    }
    int64_t result = 0;
    if (mq_queue_full(&object->queue)) {
        if (file->flags & LINUX_O_NONBLOCK)
            result = -LINUX_EAGAIN;
        else if (passed(core, deadline))
            result = -LINUX_ETIMEDOUT;
        else if (!may_wait)
            result = -LINUX_ENOMEM;
        else
            return wait_on(core, &object->senders, handle, caller, deadline, message, 0);
    } else if (hand_to_receiver(core, object, message)) {
        /* Straight to a waiting receiver: the queue never held it. */
    } else if ((result = mq_queue_put(&object->queue, message)) == 0) {
        notify_pollers(core, object);
        *notified = fire_registration(core, object);
        return 0;
    }
    mq_message_free(&object->queue, message);
    return result;
}

int64_t mq_core_receive(struct mq_core *core, uint64_t handle, uint64_t caller, uint64_t length,
                        uint64_t deadline, bool may_wait, uint32_t *priority, uint8_t *small)
{
    struct file_description *file = description(core, handle);
    if (!file || !file_flags_readable(file->flags))
        return -LINUX_EBADF;
    struct mq_object *object = file->object;
    if (length < (uint64_t)object->queue.message_size)
        return -LINUX_EMSGSIZE;
    if (mq_queue_empty(&object->queue)) {
        if (file->flags & LINUX_O_NONBLOCK)
            return -LINUX_EAGAIN;
        if (passed(core, deadline))
            return -LINUX_ETIMEDOUT;
        if (!may_wait)
            return -LINUX_ENOMEM;
        return wait_on(core, &object->receivers, handle, caller, deadline, 0, length);
    }
    struct mq_message *message = mq_queue_take(&object->queue);
    admit_sender(core, object);
    notify_pollers(core, object);
    int copied = 0;
    if (message->length <= MQ_SMALL_MAX)
        __builtin_memcpy(small, message->bytes, message->length);
    else
        copied = core->services.copy_to_caller(core->services.context, caller, message->bytes,
                                               message->length);
    int64_t result = copied == 0 ? (int64_t)message->length : -LINUX_EFAULT;
    *priority = message->priority;
    mq_message_free(&object->queue, message);
    return result;
}

int mq_core_attributes(struct mq_core *core, uint64_t handle, bool set, int64_t flags,
                       struct mq_attributes *old)
{
    if (set && (flags & ~(int64_t)LINUX_O_NONBLOCK))
        return -LINUX_EINVAL;
    struct file_description *file = description(core, handle);
    if (!file)
        return -LINUX_EBADF;
    const struct mq_queue *queue = &((struct mq_object *)file->object)->queue;
    *old = (struct mq_attributes){ .flags = file->flags & LINUX_O_NONBLOCK,
                                   .max_messages = queue->max_messages,
                                   .message_size = queue->message_size,
                                   .messages = queue->messages };
    if (set)
        file->flags = (file->flags & ~(uint32_t)LINUX_O_NONBLOCK) | (uint32_t)flags;
    return 0;
}

int64_t mq_core_poll(struct mq_core *core, uint64_t handle, uint32_t events,
                     uint64_t notification, bool *kept)
{
    *kept = false;
    struct file_description *file = description(core, handle);
    if (!file)
        return -LINUX_EBADF;
    struct mq_object *object = file->object;
    uint32_t ready = mq_queue_poll(&object->queue) & (events | FILE_POLLERR | FILE_POLLHUP);
    if (ready || !notification)
        return ready;
    struct mq_poller *poller = allocate(core, sizeof *poller);
    if (!poller) {
        core->services.notify(core->services.context, notification);
        *kept = true;
        return 0;
    }
    *poller = (struct mq_poller){ .next = object->pollers, .notification = notification };
    object->pollers = poller;
    *kept = true;
    return 0;
}

int64_t mq_core_status(struct mq_core *core, uint64_t handle, char *line)
{
    struct file_description *file = description(core, handle);
    if (!file)
        return -LINUX_EBADF;
    return (int64_t)mq_queue_status(&((struct mq_object *)file->object)->queue, line);
}

/* ---- Deadlines and vanished callers ---- */

/* Takes out (and finishes) every waiter drop says to. */
static void sweep(struct mq_core *core, bool (*drop)(struct mq_core *, struct mq_waiter *))
{
    for (struct mq_object *object = core->objects; object;) {
        /* A finished waiter may release the last OFD and free its queue. */
        struct mq_object *next = object->next;
        object->descriptions++;
        struct mq_waiter **lists[2] = { &object->senders, &object->receivers };
        for (int i = 0; i < 2; i++) {
            struct mq_waiter **link = lists[i];
            while (*link) {
                struct mq_waiter *waiter = *link;
                if (!drop(core, waiter)) {
                    link = &waiter->next;
                    continue;
                }
                *link = waiter->next;
                if (waiter->message)
                    mq_message_free(&object->queue, waiter->message);
                finish_waiter(core, waiter);
            }
        }
        mq_core_release(core, object);
        object = next;
    }
}

static bool expired(struct mq_core *core, struct mq_waiter *waiter)
{
    if (!passed(core, waiter->deadline))
        return false;
    core->services.answer(core->services.context, waiter->caller, -LINUX_ETIMEDOUT, 0, NULL, 0);
    return true;
}

void mq_core_expire(struct mq_core *core)
{
    sweep(core, expired);
}

static bool gone(struct mq_core *core, struct mq_waiter *waiter)
{
    if (core->services.caller_waits(core->services.context, waiter->caller))
        return false;
    core->services.forget(core->services.context, waiter->caller);
    return true;
}

void mq_core_prune(struct mq_core *core)
{
    sweep(core, gone);
}

uint64_t mq_core_earliest_deadline(const struct mq_core *core)
{
    uint64_t earliest = 0;
    for (const struct mq_object *object = core->objects; object; object = object->next) {
        const struct mq_waiter *lists[2] = { object->senders, object->receivers };
        for (int i = 0; i < 2; i++)
            for (const struct mq_waiter *waiter = lists[i]; waiter; waiter = waiter->next)
                if (waiter->deadline && (!earliest || waiter->deadline < earliest))
                    earliest = waiter->deadline;
    }
    return earliest;
}
