/* The mqueue server's core (servers/mqueue/core.h) against Linux 6.1's
 * ipc/mqueue.c: names and permissions, opening and unlinking, sending
 * and receiving with waiters (handed straight to a waiting receiver,
 * waiting senders let in as room is made, in arrival order), vanished
 * callers, deadlines, O_NONBLOCK, attributes and poll. Clients are plain
 * memory: a caller handle is an index into callers[]. */
#include <stdlib.h>
#include "check.h"
#include "core.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

#define CALLERS 8

struct fake_caller {
    char window[1024];          /* window 0: a send's message, a receive's buffer */
    bool gone;                  /* its call ended (a signal) */
    bool answered;
    int64_t result;
    uint32_t priority;
};

static struct fake_caller callers[CALLERS];
static uint64_t clock_now = 100;
static int notified;
static long blocks_live;

/* Every block handed out and not freed: a fresh core lets go of the
 * last one's, as a server's heap would go with it. */
static void *live[4096];

static void *remember(void *block)
{
    live[blocks_live++] = block;
    return block;
}

static void *allocate(void *context, size_t size)
{
    (void)context;
    return remember(malloc(size));
}

static void release(void *context, void *block)
{
    (void)context;
    for (long i = 0; i < blocks_live; i++) {
        if (live[i] == block) {
            live[i] = live[--blocks_live];
            free(block);
            return;
        }
    }
    CHECK(!"the core freed a block it was never given");
}

static void *allocate_page(void *context)
{
    (void)context;
    return remember(aligned_alloc(4096, 4096));
}

static void free_everything(void)
{
    while (blocks_live)
        free(live[--blocks_live]);
}

static int copy_from_caller(void *context, uint64_t caller, void *destination, uint64_t length)
{
    (void)context;
    if (callers[caller].gone)
        return MQ_COPY_GONE;
    memcpy(destination, callers[caller].window, length);
    return 0;
}

static int copy_to_caller(void *context, uint64_t caller, const void *source, uint64_t length)
{
    (void)context;
    if (callers[caller].gone)
        return MQ_COPY_GONE;
    memcpy(callers[caller].window, source, length);
    callers[caller].window[length] = 0;
    return 0;
}

/* A small message in the answer lands in the caller's buffer, as the
 * personality puts it there. */
static bool answer(void *context, uint64_t caller, int64_t result, uint32_t priority,
                   const void *bytes, uint64_t length)
{
    (void)context;
    if (callers[caller].gone)
        return false;
    if (bytes) {
        memcpy(callers[caller].window, bytes, length);
        callers[caller].window[length] = 0;
    }
    callers[caller].answered = true;
    callers[caller].result = result;
    callers[caller].priority = priority;
    return true;
}

static bool caller_waits(void *context, uint64_t caller)
{
    (void)context;
    return !callers[caller].gone;
}

static void forget(void *context, uint64_t caller)
{
    (void)context;
    (void)caller;
}

static void notify(void *context, uint64_t notification)
{
    (void)context;
    (void)notification;
    notified++;
}

static uint64_t now(void *context)
{
    (void)context;
    return clock_now;
}

static const struct mq_core_services services = {
    allocate, release, allocate_page, copy_from_caller, copy_to_caller, answer, caller_waits,
    forget, notify, now, NULL,
};

static struct mq_core core;
/* RLIMIT_MSGQUEUE's default: 819,200 bytes. */
static const struct mq_caller root = { 1, 0, 0, 819200, 0 };
static const struct mq_caller user = { 2, 1000, 1000, 819200, 0 };
static const struct mq_caller other = { 3, 1001, 1001, 819200, 0 };
/* A process in another IPC namespace (1). */
static const struct mq_caller elsewhere = { 4, 1000, 1000, 819200, 1 };

static void reset(void)
{
    free_everything();
    mq_core_init(&core, &services);
    memset(callers, 0, sizeof callers);
    clock_now = 100;
    notified = 0;
}

static uint64_t open_queue(const struct mq_caller *caller, const char *name, uint32_t flags,
                           int64_t max_messages, int64_t message_size)
{
    int64_t attributes[2] = { max_messages, message_size };
    uint64_t handle = 0;
    int result = mq_core_open(&core, caller, name, strlen(name), flags, 0600, attributes,
                              &handle);
    CHECK_EQ_U64(result, 0);
    return handle;
}

static int64_t send(uint64_t handle, uint64_t caller, const char *text, uint32_t priority,
                    uint64_t deadline)
{
    strcpy(callers[caller].window, text);
    bool notified;
    return mq_core_send(&core, handle, caller, strlen(text), priority, deadline, true, NULL,
                        &notified);
}

static int64_t receive(uint64_t handle, uint64_t caller, uint64_t deadline)
{
    uint32_t priority = 0;
    uint8_t small[MQ_SMALL_MAX];
    int64_t result = mq_core_receive(&core, handle, caller, 1000, deadline, true, &priority,
                                     small);
    if (result >= 0 && result <= MQ_SMALL_MAX) {
        memcpy(callers[caller].window, small, (size_t)result);
        callers[caller].window[result] = 0;
    }
    callers[caller].priority = priority;
    return result;
}

static void close_handle(uint64_t handle)
{
    void *last;
    CHECK_EQ_U64(file_table_close(&core.files, handle, &last), 0);
    if (last)
        mq_core_release(&core, last);
}

static void names_follow_linux_s_lookup(void)
{
    reset();
    uint64_t handle;
    CHECK_EQ_U64(mq_core_open(&core, &root, "", 0, LINUX_O_CREAT, 0600, NULL, &handle),
                 -LINUX_ENOENT);
    CHECK_EQ_U64(mq_core_unlink(&core, &root, "", 0), -LINUX_ENOENT);
    CHECK_EQ_U64(mq_core_open(&core, &root, "a/b", 3, LINUX_O_CREAT, 0600, NULL, &handle),
                 -LINUX_EACCES);
    CHECK_EQ_U64(mq_core_open(&core, &root, "..", 2, LINUX_O_CREAT, 0600, NULL, &handle),
                 -LINUX_EACCES);
    char long_name[300];
    memset(long_name, 'x', sizeof long_name);
    CHECK_EQ_U64(mq_core_open(&core, &root, long_name, 256, LINUX_O_CREAT, 0600, NULL, &handle),
                 -LINUX_ENAMETOOLONG);
    CHECK_EQ_U64(mq_core_open(&core, &root, long_name, 255, LINUX_O_CREAT, 0600, NULL, &handle),
                 0);
    CHECK_EQ_U64(mq_core_open(&core, &root, "missing", 7, 0, 0, NULL, &handle), -LINUX_ENOENT);
}

static void open_creates_finds_and_refuses(void)
{
    reset();
    uint64_t handle;
    CHECK_EQ_U64(mq_core_open(&core, &user, "q", 1, LINUX_O_CREAT | LINUX_O_RDWR, 0640, NULL,
                              &handle), 0);
    struct mq_attributes attributes;
    CHECK_EQ_U64(mq_core_attributes(&core, handle, false, 0, &attributes), 0);
    CHECK_EQ_U64(attributes.max_messages, 10);
    CHECK_EQ_U64(attributes.message_size, 8192);
    CHECK_EQ_U64(mq_core_open(&core, &user, "q", 1, LINUX_O_CREAT | LINUX_O_EXCL, 0600, NULL,
                              &handle), -LINUX_EEXIST);
    CHECK_EQ_U64(mq_core_open(&core, &user, "q", 1, LINUX_O_ACCMODE, 0, NULL, &handle),
                 -LINUX_EINVAL);
    /* 0640: others may not even read; the owner may. */
    CHECK_EQ_U64(mq_core_open(&core, &other, "q", 1, LINUX_O_RDONLY, 0, NULL, &handle),
                 -LINUX_EACCES);
    CHECK_EQ_U64(mq_core_open(&core, &user, "q", 1, LINUX_O_WRONLY, 0, NULL, &handle), 0);
    int64_t too_many[2] = { 11, 16 };
    CHECK_EQ_U64(mq_core_open(&core, &user, "big", 3, LINUX_O_CREAT, 0600, too_many, &handle),
                 -LINUX_EINVAL);
    CHECK_EQ_U64(mq_core_open(&core, &root, "big", 3, LINUX_O_CREAT, 0600, too_many, &handle),
                 0);
}

/* A user's queues are charged against its RLIMIT_MSGQUEUE (root's too):
 * nine of the default size fit, a tenth is EMFILE, and a queue's charge
 * goes with the queue. */
static void queues_are_charged_to_their_user(void)
{
    reset();
    char name[2] = "a";
    uint64_t handles[9];
    for (int i = 0; i < 9; i++, name[0]++)
        handles[i] = open_queue(&user, name, LINUX_O_CREAT | LINUX_O_RDWR, 10, 8192);
    uint64_t handle;
    CHECK_EQ_U64(mq_core_open(&core, &user, "z", 1, LINUX_O_CREAT, 0600, NULL, &handle),
                 -LINUX_EMFILE);
    int64_t huge[2] = { 1, 16 << 20 };
    CHECK_EQ_U64(mq_core_open(&core, &root, "z", 1, LINUX_O_CREAT, 0600, huge, &handle),
                 -LINUX_EMFILE);
    /* Another user has its own budget. */
    CHECK_EQ_U64(mq_core_open(&core, &other, "z", 1, LINUX_O_CREAT, 0600, NULL, &handle), 0);
    CHECK_EQ_U64(mq_core_unlink(&core, &user, "a", 1), 0);
    CHECK_EQ_U64(mq_core_open(&core, &user, "y", 1, LINUX_O_CREAT, 0600, NULL, &handle),
                 -LINUX_EMFILE);        /* still open: still charged */
    close_handle(handles[0]);
    CHECK_EQ_U64(mq_core_open(&core, &user, "y", 1, LINUX_O_CREAT, 0600, NULL, &handle), 0);
}

/* The name goes at once; the queue with its last descriptor. */
static void unlink_leaves_open_queues_working(void)
{
    reset();
    uint64_t handle = open_queue(&user, "q", LINUX_O_CREAT | LINUX_O_RDWR, 4, 16);
    CHECK_EQ_U64(send(handle, 0, "kept", 1, 0), 0);
    CHECK_EQ_U64(mq_core_unlink(&core, &other, "q", 1), -LINUX_EPERM);
    CHECK_EQ_U64(mq_core_unlink(&core, &user, "q", 1), 0);
    CHECK_EQ_U64(mq_core_unlink(&core, &user, "q", 1), -LINUX_ENOENT);
    uint64_t again = open_queue(&user, "q", LINUX_O_CREAT | LINUX_O_RDWR, 4, 16);
    CHECK_EQ_U64(receive(again, 1, 0), MQ_QUEUED);     /* a new, empty queue */
    CHECK_EQ_U64(receive(handle, 2, 0), 4);
    CHECK_EQ_STR(callers[2].window, "kept");
    CHECK_EQ_U64(core.queue_count, 2);
    close_handle(handle);
    CHECK_EQ_U64(core.queue_count, 1);
}

static void access_modes_and_sizes(void)
{
    reset();
    uint64_t reader = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDONLY, 2, 8);
    uint64_t writer = open_queue(&root, "q", LINUX_O_WRONLY, 0, 0);
    CHECK_EQ_U64(send(reader, 0, "x", 0, 0), -LINUX_EBADF);
    CHECK_EQ_U64(receive(writer, 0, 0), -LINUX_EBADF);
    CHECK_EQ_U64(send(writer, 0, "123456789", 0, 0), -LINUX_EMSGSIZE);
    CHECK_EQ_U64(send(writer, 0, "x", 32768, 0), -LINUX_EINVAL);
    uint32_t priority;
    uint8_t small[MQ_SMALL_MAX];
    CHECK_EQ_U64(mq_core_receive(&core, reader, 0, 7, 0, true, &priority, small),
                 -LINUX_EMSGSIZE);
    CHECK_EQ_U64(send(writer, 0, "12345678", 32767, 0), 0);
    CHECK_EQ_U64(receive(reader, 1, 0), 8);
    CHECK_EQ_U64(callers[1].priority, 32767);
}

/* A send meets the oldest waiting receiver (the queue never holds it);
 * a vanished receiver is passed over. */
static void a_send_goes_straight_to_a_waiting_receiver(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR, 2, 16);
    CHECK_EQ_U64(receive(handle, 1, 0), MQ_QUEUED);
    CHECK_EQ_U64(receive(handle, 2, 0), MQ_QUEUED);
    CHECK_EQ_U64(receive(handle, 3, 0), MQ_QUEUED);
    callers[1].gone = true;
    CHECK_EQ_U64(send(handle, 0, "first", 4, 0), 0);
    CHECK(!callers[1].answered);
    CHECK(callers[2].answered && callers[2].result == 5 && callers[2].priority == 4);
    CHECK_EQ_STR(callers[2].window, "first");
    CHECK(!callers[3].answered);
    CHECK_EQ_U64(core.objects->queue.messages, 0);
    CHECK_EQ_U64(send(handle, 0, "second", 0, 0), 0);
    CHECK(callers[3].answered && callers[3].result == 6);
}

/* Senders waiting on a full queue get in, oldest first, as receives
 * make room; one whose caller went puts nothing in. */
static void waiting_senders_get_in_as_room_is_made(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR, 1, 16);
    CHECK_EQ_U64(send(handle, 0, "a", 0, 0), 0);
    CHECK_EQ_U64(send(handle, 1, "b", 0, 0), MQ_QUEUED);
    CHECK_EQ_U64(send(handle, 2, "c", 0, 0), MQ_QUEUED);
    CHECK_EQ_U64(send(handle, 3, "d", 0, 0), MQ_QUEUED);
    callers[2].gone = true;
    CHECK_EQ_U64(receive(handle, 4, 0), 1);
    CHECK_EQ_STR(callers[4].window, "a");
    CHECK(callers[1].answered && callers[1].result == 0);
    CHECK_EQ_U64(receive(handle, 4, 0), 1);
    CHECK_EQ_STR(callers[4].window, "b");
    CHECK(callers[3].answered);
    CHECK_EQ_U64(receive(handle, 4, 0), 1);
    CHECK_EQ_STR(callers[4].window, "d");
    CHECK_EQ_U64(core.objects->queue.messages, 0);
}

static void nonblocking_and_deadlines(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR | LINUX_O_NONBLOCK,
                                 1, 16);
    CHECK_EQ_U64(receive(handle, 0, 0), -LINUX_EAGAIN);
    CHECK_EQ_U64(send(handle, 0, "a", 0, 0), 0);
    CHECK_EQ_U64(send(handle, 0, "b", 0, 0), -LINUX_EAGAIN);
    struct mq_attributes old;
    CHECK_EQ_U64(mq_core_attributes(&core, handle, true, LINUX_O_APPEND, &old), -LINUX_EINVAL);
    CHECK_EQ_U64(mq_core_attributes(&core, handle, true, 0, &old), 0);
    CHECK_EQ_U64(old.flags, LINUX_O_NONBLOCK);
    CHECK_EQ_U64(old.messages, 1);
    /* A deadline already passed: no wait at all. */
    CHECK_EQ_U64(send(handle, 1, "b", 0, 50), -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(send(handle, 1, "b", 0, 200), MQ_QUEUED);
    CHECK_EQ_U64(send(handle, 2, "c", 0, 150), MQ_QUEUED);
    CHECK_EQ_U64(mq_core_earliest_deadline(&core), 150);
    clock_now = 160;
    mq_core_expire(&core);
    CHECK(callers[2].answered && callers[2].result == -LINUX_ETIMEDOUT);
    CHECK(!callers[1].answered);
    CHECK_EQ_U64(mq_core_earliest_deadline(&core), 200);
    clock_now = 200;
    mq_core_expire(&core);
    CHECK(callers[1].answered && callers[1].result == -LINUX_ETIMEDOUT);
    CHECK_EQ_U64(mq_core_earliest_deadline(&core), 0);
}

static void poll_and_its_notification(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR, 1, 16);
    bool kept;
    CHECK_EQ_U64(mq_core_poll(&core, handle, FILE_POLLIN | FILE_POLLOUT, 0, &kept),
                 FILE_POLLOUT);
    CHECK_EQ_U64(mq_core_poll(&core, handle, FILE_POLLIN, 77, &kept), 0);
    CHECK(kept);
    CHECK_EQ_U64(send(handle, 0, "a", 0, 0), 0);
    CHECK_EQ_U64(notified, 1);
    CHECK_EQ_U64(mq_core_poll(&core, handle, FILE_POLLIN | FILE_POLLOUT, 0, &kept),
                 FILE_POLLIN);
    /* A queue that goes signals its pollers and forgets them. */
    CHECK_EQ_U64(mq_core_poll(&core, handle, FILE_POLLOUT, 78, &kept), 0);
    CHECK(kept);
    long before = blocks_live;
    CHECK_EQ_U64(mq_core_unlink(&core, &root, "q", 1), 0);
    close_handle(handle);
    CHECK_EQ_U64(notified, 2);
    CHECK(blocks_live < before);
    CHECK(core.objects == NULL);
}

/* Waiters hold their descriptor: the queue outlives a close meanwhile,
 * and everything is freed once the last goes. */
static void everything_goes_with_the_last_descriptor(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR, 1, 16);
    long before = blocks_live;      /* the OFD table's page, the queue, its user's charge */
    CHECK_EQ_U64(receive(handle, 1, 0), MQ_QUEUED);
    CHECK_EQ_U64(mq_core_unlink(&core, &root, "q", 1), 0);
    close_handle(handle);
    CHECK_EQ_U64(core.queue_count, 1);
    callers[1].gone = true;
    mq_core_prune(&core);
    CHECK_EQ_U64(core.queue_count, 0);
    CHECK(core.objects == NULL);
    /* The queue, its user's charge and the waiter's record went. */
    CHECK_EQ_U64(blocks_live, before - 2);
}

/* A message longer than MQ_SMALL_MAX goes through the windows both
 * ways, also straight to a waiting receiver. */
static void long_messages_go_through_the_windows(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR, 2, 1000);
    char text[601];
    memset(text, 'L', 600);
    text[600] = 0;
    CHECK_EQ_U64(receive(handle, 1, 0), MQ_QUEUED);
    CHECK_EQ_U64(send(handle, 0, text, 2, 0), 0);
    CHECK(callers[1].answered && callers[1].result == 600);
    CHECK_EQ_STR(callers[1].window, text);
    text[0] = 'M';
    CHECK_EQ_U64(send(handle, 0, text, 2, 0), 0);
    memset(callers[2].window, 0, sizeof callers[2].window);
    CHECK_EQ_U64(receive(handle, 2, 0), 600);
    CHECK(callers[2].window[0] == 'M' && callers[2].window[599] == 'L');
}

/* A SIGEV_SIGNAL registration fires as a notice procmgr takes; a
 * waiting receiver keeps it from firing; the owner's close (its flush)
 * or exit drops it. */
static void notices_wait_for_procmgr(void)
{
    reset();
    uint64_t handle = open_queue(&root, "q", LINUX_O_CREAT | LINUX_O_RDWR, 2, 16);
    CHECK_EQ_U64(mq_core_notify(&core, handle, 42, true, LINUX_SIGEV_SIGNAL, 10, 77), 0);
    CHECK_EQ_U64(mq_core_notify(&core, handle, 43, true, LINUX_SIGEV_NONE, 0, 0), -LINUX_EBUSY);
    CHECK_EQ_U64(receive(handle, 1, 0), MQ_QUEUED);
    bool notified = true;
    strcpy(callers[0].window, "to the receiver");
    CHECK_EQ_U64(mq_core_send(&core, handle, 0, 15, 0, 0, true, NULL, &notified), 0);
    CHECK(!notified);
    CHECK_EQ_U64(core.objects->queue.notification.owner, 42);
    CHECK_EQ_U64(mq_core_send(&core, handle, 0, 15, 0, 0, true, "into the queue!", &notified),
                 0);
    CHECK(notified);
    struct mq_notification notice;
    CHECK(mq_core_take_notice(&core, &notice));
    CHECK(notice.owner == 42 && notice.signal == 10 && notice.value == 77);
    CHECK(!mq_core_take_notice(&core, &notice));
    CHECK_EQ_U64(mq_core_notify(&core, handle, 43, true, LINUX_SIGEV_SIGNAL, 12, 0), 0);
    mq_core_notify(&core, handle, 42, false, 0, 0, 0);     /* not the owner's */
    CHECK_EQ_U64(core.objects->queue.notification.owner, 43);
    mq_core_process_ended(&core, 43);
    CHECK_EQ_U64(core.objects->queue.notification.owner, 0);
}

/* /dev/mqueue: a queue by name for stat and access, and the listing in
 * inode order, named queues only. */
static void the_file_system_finds_and_lists_named_queues(void)
{
    reset();
    uint64_t first = open_queue(&user, "first", LINUX_O_RDWR | LINUX_O_CREAT, 1, 8);
    uint64_t second = open_queue(&user, "second", LINUX_O_RDWR | LINUX_O_CREAT, 1, 8);
    const struct mq_object *found = NULL;
    CHECK_EQ_U64(mq_core_lookup(&core, &user, "second", 6, 4 | 2, &found), 0);
    CHECK_EQ_STR(found->name, "second");
    CHECK_EQ_U64(found->mode, 0600);
    CHECK_EQ_U64(mq_core_lookup(&core, &other, "second", 6, 0, &found), 0);
    CHECK_EQ_U64(mq_core_lookup(&core, &other, "second", 6, 4, &found), -LINUX_EACCES);
    CHECK_EQ_U64(mq_core_lookup(&core, &root, "second", 6, 4 | 2, &found), 0);
    /* Root executes only what has an execute bit. */
    CHECK_EQ_U64(mq_core_lookup(&core, &root, "second", 6, 1, &found), -LINUX_EACCES);
    CHECK_EQ_U64(mq_core_lookup(&core, &user, "third", 5, 0, &found), -LINUX_ENOENT);
    CHECK_EQ_U64(mq_core_lookup(&core, &user, "a/b", 3, 0, &found), -LINUX_EACCES);

    const struct mq_object *listed = mq_core_next_named(&core, 0);
    CHECK(listed != NULL && strcmp(listed->name, "first") == 0);
    listed = mq_core_next_named(&core, listed->inode + 1);
    CHECK(listed != NULL && strcmp(listed->name, "second") == 0);
    CHECK(mq_core_next_named(&core, listed->inode + 1) == NULL);
    /* An unlinked queue, still open, is no longer listed. */
    CHECK_EQ_U64(mq_core_unlink(&core, &user, "first", 5), 0);
    listed = mq_core_next_named(&core, 0);
    CHECK(listed != NULL && strcmp(listed->name, "second") == 0);
    close_handle(first);
    close_handle(second);
}

/* Each IPC namespace has its own names; the listing is the initial
 * one's; a namespace that ends takes its names, and its queues go with
 * their last descriptor. */
static void namespaces_have_their_own_names(void)
{
    reset();
    uint64_t here = open_queue(&user, "queue", LINUX_O_RDWR | LINUX_O_CREAT, 1, 8);
    uint64_t there = 0;
    CHECK_EQ_U64(mq_core_open(&core, &elsewhere, "queue", 5, LINUX_O_RDWR, 0600, NULL, &there),
                 -LINUX_ENOENT);
    const int64_t small_queue[2] = {1, 8};
    CHECK_EQ_U64(mq_core_open(&core, &elsewhere, "queue", 5,
                              LINUX_O_RDWR | LINUX_O_CREAT | LINUX_O_EXCL, 0600, small_queue,
                              &there), 0);
    bool notified;
    CHECK_EQ_U64(mq_core_send(&core, there, 0, 5, 0, 0, false, "there", &notified), 0);
    struct mq_attributes attributes;
    CHECK_EQ_U64(mq_core_attributes(&core, here, false, 0, &attributes), 0);
    CHECK_EQ_U64(attributes.messages, 0);
    const struct mq_object *found;
    CHECK_EQ_U64(mq_core_lookup(&core, &elsewhere, "queue", 5, 0, &found), 0);
    CHECK(found->namespace == 1);
    const struct mq_object *listed = mq_core_next_named(&core, 0);
    CHECK(listed != NULL && listed->namespace == 0);
    CHECK(mq_core_next_named(&core, listed->inode + 1) == NULL);

    uint64_t unopened = 0;
    CHECK_EQ_U64(mq_core_open(&core, &elsewhere, "unopened", 8, LINUX_O_RDWR | LINUX_O_CREAT, 0600,
                              NULL, &unopened), 0);
    close_handle(unopened);
    CHECK_EQ_U64(core.queue_count, 3);
    mq_core_namespace_ended(&core, 1);
    /* The unopened queue went; the open one lost its name but works. */
    CHECK_EQ_U64(core.queue_count, 2);
    CHECK_EQ_U64(mq_core_lookup(&core, &elsewhere, "queue", 5, 0, &found), -LINUX_ENOENT);
    CHECK_EQ_U64(receive(there, 0, 0), 5);
    CHECK_EQ_U64(mq_core_lookup(&core, &user, "queue", 5, 0, &found), 0);
    close_handle(there);
    close_handle(here);
    CHECK_EQ_U64(core.queue_count, 1);
}

/* /proc/sys/fs/mqueue: each namespace's, Linux's defaults until root
 * changes them, and what the next mq_open meets. */
static void each_namespace_has_its_settings(void)
{
    reset();
    CHECK_EQ_U64(mq_core_limits(&core, 1)->msg_max, 10);
    struct mq_limits *limits = mq_core_limits_to_change(&core, 1);
    limits->msg_max = 5;
    limits->msgsize_max = 4096;
    limits->queues_max = 0;
    CHECK_EQ_U64(mq_core_limits(&core, 0)->msg_max, 10);
    CHECK_EQ_U64(mq_core_limits(&core, 1)->msg_max, 5);
    uint64_t handle;
    /* Unprivileged: queues_max first, then the attributes' ceilings. */
    CHECK_EQ_U64(mq_core_open(&core, &elsewhere, "q", 1, LINUX_O_RDWR | LINUX_O_CREAT, 0600,
                              NULL, &handle), -LINUX_ENOSPC);
    limits->queues_max = 256;
    int64_t six[2] = {6, 16};
    CHECK_EQ_U64(mq_core_open(&core, &elsewhere, "q", 1, LINUX_O_RDWR | LINUX_O_CREAT, 0600,
                              six, &handle), -LINUX_EINVAL);
    /* Without attributes: the defaults, within the limits. */
    CHECK_EQ_U64(mq_core_open(&core, &elsewhere, "q", 1, LINUX_O_RDWR | LINUX_O_CREAT, 0600,
                              NULL, &handle), 0);
    struct mq_attributes attributes;
    CHECK_EQ_U64(mq_core_attributes(&core, handle, false, 0, &attributes), 0);
    CHECK(attributes.max_messages == 5 && attributes.message_size == 4096);
    close_handle(handle);
    /* They go with the namespace. */
    mq_core_namespace_ended(&core, 1);
    CHECK_EQ_U64(mq_core_limits(&core, 1)->msg_max, 10);
}

int main(void)
{
    RUN_TEST(names_follow_linux_s_lookup);
    RUN_TEST(each_namespace_has_its_settings);
    RUN_TEST(open_creates_finds_and_refuses);
    RUN_TEST(queues_are_charged_to_their_user);
    RUN_TEST(unlink_leaves_open_queues_working);
    RUN_TEST(access_modes_and_sizes);
    RUN_TEST(a_send_goes_straight_to_a_waiting_receiver);
    RUN_TEST(waiting_senders_get_in_as_room_is_made);
    RUN_TEST(nonblocking_and_deadlines);
    RUN_TEST(poll_and_its_notification);
    RUN_TEST(everything_goes_with_the_last_descriptor);
    RUN_TEST(long_messages_go_through_the_windows);
    RUN_TEST(notices_wait_for_procmgr);
    RUN_TEST(the_file_system_finds_and_lists_named_queues);
    RUN_TEST(namespaces_have_their_own_names);
    free_everything();
    return check_report();
}
