/*
 * System V message queues (msg.h), each check in Linux 6.1's order
 * (ipc/msg.c: ksys_msgget, do_msgsnd, do_msgrcv, msgctl_stat,
 * msgctl_info, msgctl_down).
 */
#include "msg.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define READ_PERMISSION  0444
#define WRITE_PERMISSION 0222

/* How a receiver picks a message (Linux's convert_mode). */
enum search { SEARCH_ANY, SEARCH_EQUAL, SEARCH_NOT_EQUAL, SEARCH_AT_MOST, SEARCH_NUMBER };

void msg_senders_init(struct client_accounts *senders, const struct sysv_services *services)
{
    client_accounts_init(senders, services->allocate, services->free, services->context,
                         UINT32_MAX, UINT32_MAX);
}

void msg_core_init(struct msg_core *core, const struct sysv_services *services,
                   const struct msg_replies *replies, struct client_accounts *senders)
{
    memset(core, 0, sizeof *core);
    core->services = *services;
    core->senders = senders;
    core->replies = *replies;
    ipc_ids_init(&core->ids, SYSV_MSGMNI, &core->services);
    core->max_message_size = SYSV_MSGMAX;
    core->max_queue_bytes = SYSV_MSGMNB;
}

static int64_t now(struct msg_core *core)
{
    return core->services.now(core->services.context);
}

static struct msg_queue *find(const struct msg_core *core, int32_t id)
{
    return (struct msg_queue *)ipc_ids_find(&core->ids, id);
}

int64_t msg_get(struct msg_core *core, const struct sysv_caller *caller, int32_t key,
                int32_t flags)
{
    struct ipc_object *found;
    int lookup = ipc_ids_lookup(&core->ids, key, flags, &found);
    if (lookup < 0)
        return lookup;
    if (lookup != IPC_GET_CREATE)
        return ipc_permitted(found, caller, flags) ? found->id : -LINUX_EACCES;
    struct msg_queue *queue = core->services.allocate(core->services.context, sizeof *queue);
    if (!queue)
        return -LINUX_ENOMEM;
    *queue = (struct msg_queue){ .qbytes = (uint64_t)core->max_queue_bytes };
    int32_t id = ipc_ids_add(&core->ids, &queue->ipc, key, (uint32_t)flags, caller);
    if (id < 0) {
        core->services.free(core->services.context, queue);
        return id;
    }
    queue->ipc.ctime = now(core);
    return id;
}

struct msg_message *msg_new(struct msg_core *core, const struct sysv_caller *caller,
                            int64_t type, uint64_t length)
{
    struct client_owner sender;
    if (client_charge(core->senders, caller->pid, caller->uid, &sender) < 0)
        return 0;
    uint64_t cost = sizeof(struct msg_message) + length;
    struct msg_message *message = 0;
    if (client_user_amount(&sender) + cost <= MSG_USER_BYTES)
        message = core->services.allocate_unzeroed(core->services.context, cost);
    if (!message) {
        client_uncharge(core->senders, &sender);
        return 0;
    }
    *message = (struct msg_message){ .sender = sender, .type = type, .length = length };
    client_user_amount_add(&sender, (int64_t)cost);
    return message;
}

void msg_free(struct msg_core *core, struct msg_message *message)
{
    client_user_amount_add(&message->sender,
                           -(int64_t)(sizeof(struct msg_message) + message->length));
    client_uncharge(core->senders, &message->sender);
    core->services.free(core->services.context, message);
}

/* ---- Receivers, senders and the messages between them ---- */

/* convert_mode: what type means with flags (an "at most" type made
 * positive). */
static enum search search_of(int64_t *type, int32_t flags)
{
    if (flags & SYSV_MSG_COPY)
        return SEARCH_NUMBER;
    if (*type == 0)
        return SEARCH_ANY;
    if (*type < 0) {
        *type = *type == INT64_MIN ? INT64_MAX : -*type;
        return SEARCH_AT_MOST;
    }
    return flags & SYSV_MSG_EXCEPT ? SEARCH_NOT_EQUAL : SEARCH_EQUAL;
}

static bool suits(const struct msg_message *message, int64_t type, enum search search)
{
    switch (search) {
    case SEARCH_EQUAL: return message->type == type;
    case SEARCH_NOT_EQUAL: return message->type != type;
    case SEARCH_AT_MOST: return message->type <= type;
    default: return true;
    }
}

/* find_msg: the first message that suits; for SEARCH_AT_MOST the first
 * of the lowest type, for SEARCH_NUMBER the type-th (from 0). */
static struct msg_message *find_message(struct msg_queue *queue, int64_t type, enum search search)
{
    struct msg_message *lowest = 0;
    int64_t count = 0;
    for (struct list_link *link = queue->messages.first; link; link = link->next) {
        struct msg_message *message = list_entry(link, struct msg_message, link);
        if (!suits(message, type, search))
            continue;
        if (search == SEARCH_NUMBER) {
            if (count++ == type)
                return message;
        } else if (search == SEARCH_AT_MOST) {
            if (!lowest || message->type < lowest->type)
                lowest = message;
        } else {
            return message;
        }
    }
    return lowest;
}

static bool fits(const struct msg_queue *queue, uint64_t length)
{
    return length + queue->cbytes <= queue->qbytes && 1 + queue->qnum <= queue->qbytes;
}

static void enqueue(struct msg_core *core, struct msg_queue *queue, struct msg_message *message)
{
    list_append(&queue->messages, &message->link);
    queue->qnum++;
    queue->cbytes += message->length;
    core->messages++;
    core->bytes += message->length;
}

static void dequeue(struct msg_core *core, struct msg_queue *queue, struct msg_message *message)
{
    list_remove(&queue->messages, &message->link);
    queue->qnum--;
    queue->cbytes -= message->length;
    core->messages--;
    core->bytes -= message->length;
}

static void finish_waiter(struct msg_core *core, struct list *list, struct msg_waiter *waiter)
{
    list_remove(list, &waiter->link);
    core->services.free(core->services.context, waiter);
}

/* pipelined_send: the oldest receiver the message suits takes it (one
 * whose buffer is too small without MSG_NOERROR gets E2BIG on the way).
 * False if none took it. */
static bool hand_to_receiver(struct msg_core *core, struct msg_queue *queue,
                             const struct msg_message *message)
{
    for (struct list_link *link = queue->receivers.first; link;) {
        struct msg_waiter *receiver = list_entry(link, struct msg_waiter, link);
        link = link->next;
        if (!suits(message, receiver->type, (enum search)receiver->search))
            continue;
        bool fits_buffer = message->length <= receiver->size || receiver->truncate;
        uint64_t given = message->length < receiver->size ? message->length : receiver->size;
        uint32_t pid = receiver->caller.pid;
        bool taken = core->replies.answer(core->replies.context, receiver->handle,
                                          fits_buffer ? (int64_t)given : -LINUX_E2BIG,
                                          fits_buffer ? message : 0);
        finish_waiter(core, &queue->receivers, receiver);
        if (taken && fits_buffer) {
            queue->lrpid = pid;
            queue->rtime = now(core);
            return true;
        }
    }
    return false;
}

/* A sender's message goes in, or to a receiver (the caller has checked
 * that it fits). */
static void deliver(struct msg_core *core, struct msg_queue *queue, struct msg_message *message,
                    uint32_t pid)
{
    queue->lspid = pid;
    queue->stime = now(core);
    if (hand_to_receiver(core, queue, message))
        msg_free(core, message);
    else
        enqueue(core, queue, message);
}

/* ss_wakeup: waiting senders go in, oldest first, while they fit; one
 * whose caller went puts nothing in, one that may no longer write (an
 * IPC_SET since) gets EACCES. */
static void admit_senders(struct msg_core *core, struct msg_queue *queue)
{
    for (struct list_link *link = queue->senders.first; link;) {
        struct msg_waiter *sender = list_entry(link, struct msg_waiter, link);
        link = link->next;
        if (!fits(queue, sender->message->length))
            continue;
        struct msg_message *message = sender->message;
        uint32_t pid = sender->caller.pid;
        bool allowed = ipc_permitted(&queue->ipc, &sender->caller, WRITE_PERMISSION);
        bool taken = core->replies.answer(core->replies.context, sender->handle,
                                          allowed ? 0 : -LINUX_EACCES, 0);
        finish_waiter(core, &queue->senders, sender);
        if (taken && allowed)
            deliver(core, queue, message, pid);
        else
            msg_free(core, message);
    }
}

/* After IPC_SET: waiting receivers that may no longer read get EACCES
 * (Linux wakes them all to check again). */
static void recheck_receivers(struct msg_core *core, struct msg_queue *queue)
{
    for (struct list_link *link = queue->receivers.first; link;) {
        struct msg_waiter *receiver = list_entry(link, struct msg_waiter, link);
        link = link->next;
        if (ipc_permitted(&queue->ipc, &receiver->caller, READ_PERMISSION))
            continue;
        core->replies.answer(core->replies.context, receiver->handle, -LINUX_EACCES, 0);
        finish_waiter(core, &queue->receivers, receiver);
    }
}

/* Queues the caller on list. */
static int64_t wait_on(struct msg_core *core, struct list *list, struct msg_waiter fields)
{
    struct msg_waiter *waiter =
        core->services.allocate_unzeroed(core->services.context, sizeof *waiter);
    if (!waiter)
        return -LINUX_ENOMEM;
    *waiter = fields;
    list_append(list, &waiter->link);
    return MSG_QUEUED;
}

int64_t msg_send(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                 struct msg_message *message, int32_t flags, uint64_t handle, bool may_wait)
{
    struct msg_queue *queue = find(core, id);
    int64_t result = 0;
    if (!queue)
        result = -LINUX_EINVAL;
    else if (!ipc_permitted(&queue->ipc, caller, WRITE_PERMISSION))
        result = -LINUX_EACCES;
    else if (fits(queue, message->length))
        deliver(core, queue, message, caller->pid);
    else if (flags & SYSV_IPC_NOWAIT)
        result = -LINUX_EAGAIN;
    else if (!may_wait)
        result = -LINUX_ENOMEM;
    else
        result = wait_on(core, &queue->senders,
                         (struct msg_waiter){ .handle = handle, .caller = *caller,
                                              .message = message });
    if (result < 0 && result != MSG_QUEUED)
        msg_free(core, message);
    return result;
}

int64_t msg_receive(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                    uint64_t size, int64_t type, int32_t flags, uint64_t handle, bool may_wait,
                    struct msg_message **taken)
{
    *taken = 0;
    if (id < 0 || (int64_t)size < 0)
        return -LINUX_EINVAL;
    if ((flags & SYSV_MSG_COPY) &&
        ((flags & SYSV_MSG_EXCEPT) || !(flags & SYSV_IPC_NOWAIT)))
        return -LINUX_EINVAL;
    enum search search = search_of(&type, flags);
    struct msg_queue *queue = find(core, id);
    if (!queue)
        return -LINUX_EINVAL;
    if (!ipc_permitted(&queue->ipc, caller, READ_PERMISSION))
        return -LINUX_EACCES;
    struct msg_message *message = find_message(queue, type, search);
    if (!message) {
        if (flags & SYSV_IPC_NOWAIT)
            return -LINUX_ENOMSG;
        if (!may_wait)
            return -LINUX_ENOMEM;
        return wait_on(core, &queue->receivers,
                       (struct msg_waiter){ .handle = handle, .caller = *caller, .type = type,
                                            .search = (int32_t)search, .size = size,
                                            .truncate = flags & SYSV_MSG_NOERROR });
    }
    if (size < message->length && !(flags & SYSV_MSG_NOERROR))
        return -LINUX_E2BIG;
    if (flags & SYSV_MSG_COPY) {
        if (size < message->length)
            return -LINUX_EINVAL;   /* copy_msg cuts nothing, MSG_NOERROR or not */
        *taken = message;
        return (int64_t)message->length;
    }
    *taken = message;
    dequeue(core, queue, message);
    queue->rtime = now(core);
    queue->lrpid = caller->pid;
    admit_senders(core, queue);
    return (int64_t)(size < message->length ? size : message->length);
}

/* ---- msgctl ---- */

/* IPC_STAT (by id), MSG_STAT and MSG_STAT_ANY (by index; MSG_STAT_ANY
 * without a permission check): 0 or the full id. */
static int64_t stat_queue(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                          int32_t cmd, const struct client_buffer *buffer)
{
    struct msg_queue *queue = cmd == SYSV_IPC_STAT
        ? find(core, id)
        : (struct msg_queue *)ipc_ids_at(&core->ids, id & (int32_t)(IPC_IDS_INDEXES - 1));
    if (!queue)
        return -LINUX_EINVAL;
    if (cmd != SYSV_MSG_STAT_ANY && !ipc_permitted(&queue->ipc, caller, READ_PERMISSION))
        return -LINUX_EACCES;
    struct sysv_msqid64_ds stat = {
        .msg_stime = queue->stime, .msg_rtime = queue->rtime, .msg_ctime = queue->ipc.ctime,
        .msg_cbytes = queue->cbytes, .msg_qnum = queue->qnum, .msg_qbytes = queue->qbytes,
        .msg_lspid = (int32_t)queue->lspid, .msg_lrpid = (int32_t)queue->lrpid,
    };
    ipc_object_get(&queue->ipc, &stat.msg_perm);
    if (buffer->copy_to_client(buffer->context, 0, &stat, sizeof stat) != 0)
        return -LINUX_EFAULT;
    return cmd == SYSV_IPC_STAT ? 0 : queue->ipc.id;
}

/* IPC_INFO and MSG_INFO: the limits (MSG_INFO: what is in use in place
 * of three); the highest index in use. */
static int64_t info(struct msg_core *core, int32_t cmd, const struct client_buffer *buffer)
{
    bool usage = cmd == SYSV_MSG_INFO;
    struct sysv_msginfo limits = {
        .msgpool = usage ? (int32_t)core->ids.in_use : SYSV_MSGPOOL,
        .msgmap = usage ? (int32_t)core->messages : SYSV_MSGMNB,
        .msgmax = core->max_message_size, .msgmnb = core->max_queue_bytes,
        .msgmni = (int32_t)core->ids.limit,
        .msgssz = SYSV_MSGSSZ,
        .msgtql = usage ? (int32_t)core->bytes : SYSV_MSGMNB,
        .msgseg = SYSV_MSGSEG,
    };
    if (buffer->copy_to_client(buffer->context, 0, &limits, sizeof limits) != 0)
        return -LINUX_EFAULT;
    return ipc_ids_highest_index(&core->ids);
}

/* IPC_RMID (freeque): every waiter gets EIDRM, the messages go. */
static void remove_queue(struct msg_core *core, struct msg_queue *queue)
{
    struct list *lists[2] = { &queue->receivers, &queue->senders };
    for (int i = 0; i < 2; i++) {
        while (lists[i]->first) {
            struct msg_waiter *waiter = list_entry(lists[i]->first, struct msg_waiter, link);
            core->replies.answer(core->replies.context, waiter->handle, -LINUX_EIDRM, 0);
            if (waiter->message)
                msg_free(core, waiter->message);
            finish_waiter(core, lists[i], waiter);
        }
    }
    while (queue->messages.first) {
        struct msg_message *message = list_entry(queue->messages.first, struct msg_message, link);
        dequeue(core, queue, message);
        msg_free(core, message);
    }
    ipc_ids_remove(&core->ids, &queue->ipc);
    core->services.free(core->services.context, queue);
}

/* IPC_SET and IPC_RMID (msgctl_down). */
static int64_t change(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                      int32_t cmd, const struct client_buffer *buffer)
{
    struct sysv_msqid64_ds wanted;
    if (cmd == SYSV_IPC_SET &&
        buffer->copy_from_client(buffer->context, 0, &wanted, sizeof wanted) != 0)
        return -LINUX_EFAULT;
    int error;
    struct ipc_object *object =
        ipc_ids_control(&core->ids, caller, id, cmd, buffer, &wanted.msg_perm, &error);
    if (!object)
        return error;
    struct msg_queue *queue = (struct msg_queue *)object;
    if (cmd == SYSV_IPC_RMID) {
        remove_queue(core, queue);
        return 0;
    }
    if (wanted.msg_qbytes > (uint64_t)core->max_queue_bytes && !ipc_privileged(caller))
        return -LINUX_EPERM;
    error = ipc_object_set(object, &wanted.msg_perm, now(core));
    if (error < 0)
        return error;
    queue->qbytes = wanted.msg_qbytes;
    recheck_receivers(core, queue);
    admit_senders(core, queue);     /* a larger queue may take them now */
    return 0;
}

int64_t msg_control(struct msg_core *core, const struct sysv_caller *caller, int32_t id,
                    int32_t cmd, const struct client_buffer *buffer)
{
    if (id < 0 || cmd < 0)
        return -LINUX_EINVAL;
    switch (cmd) {
    case SYSV_IPC_INFO:
    case SYSV_MSG_INFO:
        return info(core, cmd, buffer);
    case SYSV_IPC_STAT:
    case SYSV_MSG_STAT:
    case SYSV_MSG_STAT_ANY:
        return stat_queue(core, caller, id, cmd, buffer);
    case SYSV_IPC_SET:
    case SYSV_IPC_RMID:
        return change(core, caller, id, cmd, buffer);
    default:
        return -LINUX_EINVAL;
    }
}

void msg_prune(struct msg_core *core)
{
    for (int32_t index = 0; index <= ipc_ids_highest_index(&core->ids); index++) {
        struct msg_queue *queue = (struct msg_queue *)ipc_ids_at(&core->ids, index);
        if (!queue)
            continue;
        struct list *lists[2] = { &queue->receivers, &queue->senders };
        for (int i = 0; i < 2; i++) {
            for (struct list_link *link = lists[i]->first; link;) {
                struct msg_waiter *waiter = list_entry(link, struct msg_waiter, link);
                link = link->next;
                if (core->replies.waits(core->replies.context, waiter->handle))
                    continue;
                core->replies.forget(core->replies.context, waiter->handle);
                if (waiter->message)
                    msg_free(core, waiter->message);
                finish_waiter(core, lists[i], waiter);
            }
        }
    }
}
