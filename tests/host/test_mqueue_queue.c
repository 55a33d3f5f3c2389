/* One POSIX message queue (servers/mqueue/queue.h), against Linux 6.1's
 * ipc/mqueue.c: attributes and their charge, priority order, poll,
 * mq_notify's registration and when it fires, the queue file's line. */
#include <stdlib.h>
#include "check.h"
#include "queue.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

static long blocks_live;
static bool refuse_next;

static void *allocate(void *context, size_t size)
{
    (void)context;
    if (refuse_next) {
        refuse_next = false;
        return NULL;
    }
    blocks_live++;
    return malloc(size);
}

static void release(void *context, void *block)
{
    (void)context;
    blocks_live--;
    free(block);
}

static const struct mq_services services = { allocate, release, NULL };
static struct mq_queue queue;

static void reset(int64_t max_messages, int64_t message_size)
{
    mq_queue_destroy(&queue);
    mq_queue_init(&queue, &services, max_messages, message_size);
}

/* Sends one message of text (its bytes, no NUL) with a priority. */
static int send(uint32_t priority, const char *text)
{
    uint32_t length = (uint32_t)strlen(text);
    struct mq_message *message = mq_message_new(&queue, priority, length);
    if (!message)
        return -LINUX_ENOMEM;
    memcpy(message->bytes, text, length);
    int result = mq_queue_put(&queue, message);
    if (result < 0)
        mq_message_free(&queue, message);
    return result;
}

/* Receives one message: its text in a static buffer ("" when empty). */
static const char *receive(uint32_t *priority)
{
    static char text[64];
    struct mq_message *message = mq_queue_take(&queue);
    if (!message)
        return "";
    memcpy(text, message->bytes, message->length);
    text[message->length] = '\0';
    if (priority)
        *priority = message->priority;
    mq_message_free(&queue, message);
    return text;
}

static void attributes_within_the_limits_are_accepted(void)
{
    struct mq_limits limits = MQ_DEFAULT_LIMITS;
    CHECK_EQ_U64(mq_attributes_check(&limits, false, 10, 8192), 0);
    CHECK_EQ_U64(mq_attributes_check(&limits, false, 1, 1), 0);
    CHECK_EQ_U64(mq_attributes_check(&limits, false, 11, 8192), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_attributes_check(&limits, false, 10, 8193), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_attributes_check(&limits, false, 0, 10), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_attributes_check(&limits, false, 10, -1), -LINUX_EINVAL);
    /* CAP_SYS_RESOURCE: only the hard ceilings. */
    CHECK_EQ_U64(mq_attributes_check(&limits, true, 65536, 16 << 20), 0);
    CHECK_EQ_U64(mq_attributes_check(&limits, true, 65537, 1), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_attributes_check(&limits, true, 1, (16 << 20) + 1), -LINUX_EINVAL);
}

static void defaults_are_the_smaller_of_default_and_ceiling(void)
{
    struct mq_limits limits = MQ_DEFAULT_LIMITS;
    int64_t max_messages, message_size;
    mq_attributes_default(&limits, &max_messages, &message_size);
    CHECK_EQ_U64(max_messages, 10);
    CHECK_EQ_U64(message_size, 8192);
    limits.msg_max = 4;
    limits.msgsize_max = 100;
    mq_attributes_default(&limits, &max_messages, &message_size);
    CHECK_EQ_U64(max_messages, 4);
    CHECK_EQ_U64(message_size, 100);
}

/* RLIMIT_MSGQUEUE's default is 819,200 bytes: by Linux's charge, nine
 * queues of the default size fit and a tenth does not (EMFILE). */
static void the_charge_is_linux_s(void)
{
    CHECK_EQ_U64(mq_charge(10, 8192), 10 * 8192 + 10 * 48 + 10 * 48);
    CHECK_EQ_U64(mq_charge(1, 1), 1 + 48 + 48);
    CHECK_EQ_U64(mq_charge(65536, 1), 65536 + 65536 * 48 + 32768 * 48);
    CHECK(9 * mq_charge(10, 8192) <= 819200);
    CHECK(10 * mq_charge(10, 8192) > 819200);
}

static void highest_priority_first_and_in_order_within_one(void)
{
    reset(10, 16);
    CHECK_EQ_U64(send(1, "a1"), 0);
    CHECK_EQ_U64(send(5, "b5"), 0);
    CHECK_EQ_U64(send(1, "c1"), 0);
    CHECK_EQ_U64(send(0, "d0"), 0);
    CHECK_EQ_U64(send(5, "e5"), 0);
    CHECK_EQ_U64(send(32767, "f"), 0);
    CHECK_EQ_U64(queue.messages, 6);
    CHECK_EQ_U64(queue.bytes, 11);
    uint32_t priority = 99;
    CHECK_EQ_STR(receive(&priority), "f");
    CHECK_EQ_U64(priority, 32767);
    CHECK_EQ_STR(receive(&priority), "b5");
    CHECK_EQ_STR(receive(&priority), "e5");
    CHECK_EQ_U64(priority, 5);
    CHECK_EQ_STR(receive(NULL), "a1");
    CHECK_EQ_STR(receive(NULL), "c1");
    CHECK_EQ_STR(receive(&priority), "d0");
    CHECK_EQ_U64(priority, 0);
    CHECK_EQ_STR(receive(NULL), "");
    CHECK_EQ_U64(queue.bytes, 0);
    CHECK(mq_queue_empty(&queue));
}

/* A zero-length message is a message. */
static void empty_messages_count(void)
{
    reset(2, 16);
    CHECK_EQ_U64(send(3, ""), 0);
    CHECK(!mq_queue_empty(&queue));
    CHECK_EQ_U64(queue.bytes, 0);
    struct mq_message *message = mq_queue_take(&queue);
    CHECK(message != NULL && message->length == 0 && message->priority == 3);
    mq_message_free(&queue, message);
}

static void poll_says_readable_and_writable(void)
{
    reset(2, 16);
    CHECK_EQ_U64(mq_queue_poll(&queue), FILE_POLLOUT | FILE_POLLWRNORM);
    send(0, "x");
    CHECK_EQ_U64(mq_queue_poll(&queue),
                 FILE_POLLIN | FILE_POLLRDNORM | FILE_POLLOUT | FILE_POLLWRNORM);
    send(0, "y");
    CHECK(mq_queue_full(&queue));
    CHECK_EQ_U64(mq_queue_poll(&queue), FILE_POLLIN | FILE_POLLRDNORM);
}

/* A new priority level needs memory; without it the message stays the
 * caller's and the queue is as it was. */
static void a_level_without_memory_changes_nothing(void)
{
    reset(4, 16);
    send(1, "one");
    receive(NULL);              /* its level is kept as the spare */
    send(2, "two");             /* takes the spare */
    struct mq_message *message = mq_message_new(&queue, 3, 1);
    refuse_next = true;
    CHECK_EQ_U64(mq_queue_put(&queue, message), -LINUX_ENOMEM);
    CHECK_EQ_U64(queue.messages, 1);
    mq_message_free(&queue, message);
    refuse_next = false;
    CHECK_EQ_U64(send(2, "again"), 0);  /* an existing level needs none */
    CHECK_EQ_STR(receive(NULL), "two");
    CHECK_EQ_STR(receive(NULL), "again");
}

static void destroying_frees_everything(void)
{
    reset(8, 16);
    CHECK_EQ_U64(blocks_live, 0);
    for (uint32_t i = 0; i < 8; i++)
        send(i % 3, "m");
    CHECK_EQ_U64(blocks_live, 8 + 3);   /* the messages and three levels */
    mq_queue_destroy(&queue);
    CHECK_EQ_U64(blocks_live, 0);
    mq_queue_init(&queue, &services, 8, 16);
}

static void one_registration_at_a_time(void)
{
    reset(4, 16);
    CHECK_EQ_U64(mq_notify_register(&queue, 100, LINUX_SIGEV_SIGNAL, LINUX_SIGUSR1, 7), 0);
    CHECK_EQ_U64(mq_notify_register(&queue, 101, LINUX_SIGEV_NONE, 0, 0), -LINUX_EBUSY);
    CHECK_EQ_U64(mq_notify_register(&queue, 100, LINUX_SIGEV_NONE, 0, 0), -LINUX_EBUSY);
    mq_notify_unregister(&queue, 101);      /* not the owner: nothing */
    CHECK_EQ_U64(queue.notification.owner, 100);
    mq_notify_unregister(&queue, 100);
    CHECK_EQ_U64(queue.notification.owner, 0);
    CHECK_EQ_U64(mq_notify_register(&queue, 101, LINUX_SIGEV_NONE, 0, 0), 0);
}

static void bad_registrations_are_einval(void)
{
    reset(4, 16);
    CHECK_EQ_U64(mq_notify_register(&queue, 1, 3, 0, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_notify_register(&queue, 1, -1, 0, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_notify_register(&queue, 1, LINUX_SIGEV_SIGNAL, 65, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_notify_register(&queue, 1, LINUX_SIGEV_SIGNAL, -1, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(queue.notification.owner, 0);
    /* Signal 0 is valid (and sends nothing when it fires); 64 is the last. */
    CHECK_EQ_U64(mq_notify_register(&queue, 1, LINUX_SIGEV_SIGNAL, 0, 0), 0);
    mq_notify_unregister(&queue, 1);
    CHECK_EQ_U64(mq_notify_register(&queue, 1, LINUX_SIGEV_SIGNAL, 64, 0), 0);
}

/* It fires when a message makes an empty queue non-empty, once. */
static void the_registration_fires_once_on_the_first_message(void)
{
    reset(4, 16);
    struct mq_notification fired;
    send(0, "already");
    mq_notify_register(&queue, 42, LINUX_SIGEV_SIGNAL, LINUX_SIGUSR2, 0x1234);
    send(0, "more");
    CHECK(!mq_notify_due(&queue, &fired));      /* not empty before */
    receive(NULL);
    receive(NULL);
    send(0, "first");
    CHECK(mq_notify_due(&queue, &fired));
    CHECK_EQ_U64(fired.owner, 42);
    CHECK_EQ_U64(fired.kind, LINUX_SIGEV_SIGNAL);
    CHECK_EQ_U64(fired.signal, LINUX_SIGUSR2);
    CHECK_EQ_U64(fired.value, 0x1234);
    CHECK_EQ_U64(queue.notification.owner, 0);
    receive(NULL);
    send(0, "again");
    CHECK(!mq_notify_due(&queue, &fired));      /* gone after it fired */
}

static void the_queue_file_line(void)
{
    reset(4, 16);
    char line[MQ_STATUS_SIZE];
    mq_queue_status(&queue, line);
    CHECK_EQ_STR(line, "QSIZE:0          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n");
    send(1, "hello");
    send(2, "abc");
    mq_notify_register(&queue, 1234, LINUX_SIGEV_SIGNAL, 10, 0);
    size_t length = mq_queue_status(&queue, line);
    CHECK_EQ_STR(line, "QSIZE:8          NOTIFY:0     SIGNO:10    NOTIFY_PID:1234  \n");
    CHECK_EQ_U64(length, strlen(line));
    mq_notify_unregister(&queue, 1234);
    mq_notify_register(&queue, 77, LINUX_SIGEV_THREAD, 5, 0);
    mq_queue_status(&queue, line);
    CHECK_EQ_STR(line, "QSIZE:8          NOTIFY:2     SIGNO:0     NOTIFY_PID:77    \n");
}

int main(void)
{
    RUN_TEST(attributes_within_the_limits_are_accepted);
    RUN_TEST(defaults_are_the_smaller_of_default_and_ceiling);
    RUN_TEST(the_charge_is_linux_s);
    RUN_TEST(highest_priority_first_and_in_order_within_one);
    RUN_TEST(empty_messages_count);
    RUN_TEST(poll_says_readable_and_writable);
    RUN_TEST(a_level_without_memory_changes_nothing);
    RUN_TEST(destroying_frees_everything);
    RUN_TEST(one_registration_at_a_time);
    RUN_TEST(bad_registrations_are_einval);
    RUN_TEST(the_registration_fires_once_on_the_first_message);
    RUN_TEST(the_queue_file_line);
    mq_queue_destroy(&queue);
    CHECK_EQ_U64(blocks_live, 0);
    return check_report();
}
