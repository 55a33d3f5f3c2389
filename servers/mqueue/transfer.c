/*
 * Sending and receiving (core.h): waiters in arrival order, a message
 * handed straight to the oldest waiting receiver, waiting senders let in
 * as room is made, mq_notify's registrations and notices, poll, and the
 * deadlines and vanished callers of waiters.
 */
#include "internal.h"

#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

/* A finished waiter: its OFD reference goes (perhaps the last), and so
 * does its record. */
static void finish_waiter(struct mq_core *core, struct mq_waiter *waiter)
{
    void *last;
    file_table_close(&core->files, waiter->handle, &last);
    if (last)
        mq_core_release(core, last);
    mq_release(core, waiter);
}

/* Queues the caller at the end of list, holding its OFD. */
static int64_t wait_on(struct mq_core *core, struct mq_waiter **list, uint64_t handle,
                       uint64_t caller, uint64_t deadline, struct mq_message *message,
                       uint64_t length)
{
    struct mq_waiter *waiter = mq_allocate(core, sizeof *waiter);
    if (!waiter || file_table_retain(&core->files, handle) < 0) {
        mq_release(core, waiter);
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

void mq_notify_pollers(struct mq_core *core, struct mq_object *object)
{
    while (object->pollers) {
        struct mq_poller *poller = object->pollers;
        object->pollers = poller->next;
        core->services.notify(core->services.context, poller->notification);
        mq_release(core, poller);
    }
    watch_list_changed(&object->watches);
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
    struct mq_notice *notice = mq_allocate(core, sizeof *notice);
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
    mq_release(core, first);
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
        else if ((result = wait_on(core, &object->senders, handle, caller, deadline, message,
                                   0)) == MQ_QUEUED)
            return result;      /* the message is the waiter's now */
    } else if (hand_to_receiver(core, object, message)) {
        /* Straight to a waiting receiver: the queue never held it. */
    } else if ((result = mq_queue_put(&object->queue, message)) == 0) {
        mq_notify_pollers(core, object);
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
    mq_notify_pollers(core, object);
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

static uint32_t queue_events(const void *object)
{
    return mq_queue_poll(&((const struct mq_object *)object)->queue);
}

bool mq_core_watch(struct mq_core *core, uint64_t handle, struct watch_target *target)
{
    struct file_description *file = description(core, handle);
    if (!file)
        return false;
    struct mq_object *object = file->object;
    *target = (struct watch_target){&object->watches, object, queue_events};
    return true;
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
    struct mq_poller *poller = mq_allocate(core, sizeof *poller);
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
