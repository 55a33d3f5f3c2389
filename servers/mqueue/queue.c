/* One POSIX message queue: queue.h. */
#include "queue.h"

#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/digits.h"

/* Linux's bookkeeping a queue is charged for (arm64): a struct msg_msg
 * for every message it may hold, a struct posix_msg_tree_node for every
 * priority level it may need. */
#define MSG_MSG_SIZE 48u
#define TREE_NODE_SIZE 48u

int mq_attributes_check(const struct mq_limits *limits, bool privileged, int64_t max_messages,
                        int64_t message_size)
{
    if (max_messages <= 0 || message_size <= 0)
        return -LINUX_EINVAL;
    int64_t most_messages = privileged ? MQ_HARD_MSGMAX : limits->msg_max;
    int64_t largest = privileged ? MQ_HARD_MSGSIZEMAX : limits->msgsize_max;
    if (max_messages > most_messages || message_size > largest)
        return -LINUX_EINVAL;
    /* Linux's -EOVERFLOW checks cannot trigger within these ceilings. */
    return 0;
}

void mq_attributes_default(const struct mq_limits *limits, int64_t *max_messages,
                           int64_t *message_size)
{
    *max_messages = limits->msg_max < limits->msg_default ? limits->msg_max : limits->msg_default;
    *message_size = limits->msgsize_max < limits->msgsize_default ? limits->msgsize_max
                                                                  : limits->msgsize_default;
}

uint64_t mq_charge(int64_t max_messages, int64_t message_size)
{
    uint64_t levels = (uint64_t)max_messages < MQ_PRIORITIES ? (uint64_t)max_messages
                                                             : MQ_PRIORITIES;
    return (uint64_t)max_messages * MSG_MSG_SIZE + levels * TREE_NODE_SIZE +
           (uint64_t)max_messages * (uint64_t)message_size;
}

void mq_queue_init(struct mq_queue *queue, const struct mq_services *services,
                   int64_t max_messages, int64_t message_size)
{
    *queue = (struct mq_queue){ .services = services, .max_messages = max_messages,
                                .message_size = message_size };
}

static void release(const struct mq_queue *queue, void *block)
{
    queue->services->free(queue->services->context, block);
}

void mq_queue_destroy(struct mq_queue *queue)
{
    struct mq_message *message;
    while ((message = mq_queue_take(queue)))
        mq_message_free(queue, message);
    if (queue->spare)
        release(queue, queue->spare);
    queue->spare = 0;
}

struct mq_message *mq_message_new(struct mq_queue *queue, uint32_t priority, uint32_t length)
{
    struct mq_message *message =
        queue->services->allocate(queue->services->context, sizeof *message + length);
    if (message)
        *message = (struct mq_message){ .priority = priority, .length = length };
    return message;
}

void mq_message_free(struct mq_queue *queue, struct mq_message *message)
{
    release(queue, message);
}

bool mq_queue_full(const struct mq_queue *queue)
{
    return queue->messages >= queue->max_messages;
}

bool mq_queue_empty(const struct mq_queue *queue)
{
    return queue->messages == 0;
}

/* The level of priority, made (from the spare, else newly) where it
 * belongs if there is none; NULL without memory. */
static struct mq_level *level_for(struct mq_queue *queue, uint32_t priority)
{
    struct mq_level **link = &queue->levels;
    while (*link && (*link)->priority > priority)
        link = &(*link)->lower;
    if (*link && (*link)->priority == priority)
        return *link;
    struct mq_level *level = queue->spare;
    if (level)
        queue->spare = 0;
    else
        level = queue->services->allocate(queue->services->context, sizeof *level);
    if (!level)
        return 0;
    *level = (struct mq_level){ .lower = *link, .priority = priority };
    *link = level;
    return level;
}

int mq_queue_put(struct mq_queue *queue, struct mq_message *message)
{
    struct mq_level *level = level_for(queue, message->priority);
    if (!level)
        return -LINUX_ENOMEM;
    message->next = 0;
    if (level->last)
        level->last->next = message;
    else
        level->first = message;
    level->last = message;
    queue->messages++;
    queue->bytes += message->length;
    return 0;
}

struct mq_message *mq_queue_take(struct mq_queue *queue)
{
    struct mq_level *level = queue->levels;
    if (!level)
        return 0;
    struct mq_message *message = level->first;
    level->first = message->next;
    if (!level->first) {
        /* The level goes; one is kept for the next new priority. */
        queue->levels = level->lower;
        if (queue->spare)
            release(queue, level);
        else
            queue->spare = level;
    }
    message->next = 0;
    queue->messages--;
    queue->bytes -= message->length;
    return message;
}

uint32_t mq_queue_poll(const struct mq_queue *queue)
{
    uint32_t events = 0;
    if (!mq_queue_empty(queue))
        events |= FILE_POLLIN | FILE_POLLRDNORM;
    if (!mq_queue_full(queue))
        events |= FILE_POLLOUT | FILE_POLLWRNORM;
    return events;
}

int mq_notify_register(struct mq_queue *queue, int32_t owner, int32_t kind, int32_t signal,
                       uint64_t value)
{
    if (kind != LINUX_SIGEV_NONE && kind != LINUX_SIGEV_SIGNAL && kind != LINUX_SIGEV_THREAD)
        return -LINUX_EINVAL;
    if (kind == LINUX_SIGEV_SIGNAL && (signal < 0 || signal > LINUX_NSIG))
        return -LINUX_EINVAL;   /* valid_signal: 0 is accepted, and then sends nothing */
    if (queue->notification.owner)
        return -LINUX_EBUSY;
    queue->notification = (struct mq_notification){ owner, kind, signal, value };
    return 0;
}

void mq_notify_unregister(struct mq_queue *queue, int32_t owner)
{
    if (queue->notification.owner == owner)
        queue->notification = (struct mq_notification){ .owner = 0 };
}

bool mq_notify_due(struct mq_queue *queue, struct mq_notification *fired)
{
    if (!queue->notification.owner || queue->messages != 1)
        return false;
    *fired = queue->notification;
    queue->notification = (struct mq_notification){ .owner = 0 };
    return true;
}

/* Appends value in decimal, left-justified in a field of width. */
static size_t put_field(char *line, size_t at, const char *name, uint64_t value, bool negative,
                        unsigned width)
{
    while (*name)
        line[at++] = *name++;
    unsigned used = negative;
    if (negative)
        line[at++] = '-';
    unsigned count = digits_of(value, 10, &line[at]);
    at += count;
    for (used += count; used < width; used++)
        line[at++] = ' ';
    return at;
}

static size_t put_signed(char *line, size_t at, const char *name, int32_t value, unsigned width)
{
    uint64_t magnitude = value < 0 ? (uint64_t)-(int64_t)value : (uint64_t)value;
    return put_field(line, at, name, magnitude, value < 0, width);
}

size_t mq_queue_status(const struct mq_queue *queue, char *line)
{
    const struct mq_notification *notification = &queue->notification;
    bool registered = notification->owner != 0;
    size_t at = put_field(line, 0, "QSIZE:", queue->bytes, false, 10);
    at = put_signed(line, at, " NOTIFY:", registered ? notification->kind : 0, 5);
    at = put_signed(line, at, " SIGNO:",
                    registered && notification->kind == LINUX_SIGEV_SIGNAL ? notification->signal
                                                                           : 0,
                    5);
    at = put_signed(line, at, " NOTIFY_PID:", notification->owner, 6);
    line[at++] = '\n';
    line[at] = '\0';
    return at;
}
