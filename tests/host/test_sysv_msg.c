/* System V message queues (servers/sysv/msg.c): msgget, msgsnd, msgrcv
 * and msgctl as Linux 6.1's ipc/msg.c has them: type selection, sizes,
 * a full queue, waiting receivers and senders in order, callers that
 * vanish, IPC_SET's msg_qbytes, IPC_RMID's EIDRM, and the statistics. */
#include "test_sysv_support.h"
#include "sysv/msg.h"

#define MAX_ANSWERS 32

/* What the server around the core sees of its waiters. */
struct world {
    uint64_t answered[MAX_ANSWERS];
    int64_t results[MAX_ANSWERS];
    int64_t types[MAX_ANSWERS];
    char texts[MAX_ANSWERS][16];
    unsigned answer_count;
    uint64_t gone;                  /* a handle whose caller vanished */
};

static struct world world;
static struct msg_core core;

static bool answer(void *context, uint64_t handle, int64_t result,
                   const struct msg_message *message)
{
    (void)context;
    unsigned i = world.answer_count++;
    world.answered[i] = handle;
    world.results[i] = result;
    if (message) {
        world.types[i] = message->type;
        memcpy(world.texts[i], message->text, (size_t)result);
        world.texts[i][result] = 0;
    }
    return handle != world.gone;
}

static bool waits(void *context, uint64_t handle)
{
    (void)context;
    return handle != world.gone;
}

static void forget(void *context, uint64_t handle)
{
    (void)context;
    (void)handle;
}

static const struct msg_replies replies = {answer, waits, forget, NULL};
static struct client_accounts senders;

/* Everything the last core held goes, then a fresh one. */
static void fresh(void)
{
    for (int32_t index = 0; index <= core.ids.max_index; index++) {
        struct ipc_object *queue = ipc_ids_at(&core.ids, index);
        if (queue)
            CHECK_EQ_U64(msg_control(&core, &root, queue->id, SYSV_IPC_RMID, NULL), 0);
    }
    if (core.ids.objects)
        release(NULL, core.ids.objects);
    memset(&world, 0, sizeof world);
    CHECK_EQ_U64(blocks_live, 0);
    msg_senders_init(&senders, &services);
    msg_core_init(&core, &services, &replies, &senders);
}

static int64_t send(int32_t id, int64_t type, const char *text, int32_t flags, uint64_t handle)
{
    struct msg_message *message = msg_new(&core, &user, type, strlen(text));
    memcpy(message->text, text, strlen(text));
    return msg_send(&core, &user, id, message, flags, handle, true);
}

/* Receives into a buffer of size bytes: the result, the text in text. */
static int64_t receive(int32_t id, uint64_t size, int64_t type, int32_t flags, char *text,
                       int64_t *got_type)
{
    struct msg_message *message;
    int64_t result = msg_receive(&core, &user, id, size, type, flags, 99, true, &message);
    if (message) {
        memcpy(text, message->text, (size_t)result);
        text[result] = 0;
        *got_type = message->type;
        if (!(flags & SYSV_MSG_COPY))
            msg_free(&core, message);
    }
    return result;
}

static void types_pick_messages(void)
{
    fresh();
    int32_t id = (int32_t)msg_get(&core, &user, SYSV_IPC_PRIVATE, 0600);
    CHECK(id >= 0);
    send(id, 3, "c3", 0, 0);
    send(id, 1, "a1", 0, 0);
    send(id, 2, "b2", 0, 0);
    send(id, 1, "d1", 0, 0);
    char text[32];
    int64_t type;
    CHECK_EQ_U64(receive(id, 32, 2, 0, text, &type), 2);
    CHECK_EQ_STR(text, "b2");
    CHECK_EQ_U64(receive(id, 32, -3, 0, text, &type), 2);     /* the lowest type first */
    CHECK_EQ_STR(text, "a1");
    CHECK_EQ_U64(receive(id, 32, 1, SYSV_MSG_EXCEPT, text, &type), 2);
    CHECK_EQ_STR(text, "c3");
    CHECK_EQ_U64(receive(id, 32, 1, SYSV_MSG_COPY | SYSV_IPC_NOWAIT, text, &type),
                 -LINUX_ENOMSG);                                    /* only one left */
    CHECK_EQ_U64(receive(id, 32, 0, SYSV_MSG_COPY | SYSV_IPC_NOWAIT, text, &type), 2);
    CHECK_EQ_STR(text, "d1");
    CHECK_EQ_U64(receive(id, 32, 0, SYSV_MSG_COPY, text, &type), -LINUX_EINVAL);
    CHECK_EQ_U64(receive(id, 1, 0, 0, text, &type), -LINUX_E2BIG);
    CHECK_EQ_U64(receive(id, 1, 0, SYSV_MSG_NOERROR, text, &type), 1);
    CHECK_EQ_STR(text, "d");
    CHECK_EQ_U64(receive(id, 32, 0, SYSV_IPC_NOWAIT, text, &type), -LINUX_ENOMSG);
    CHECK_EQ_U64(core.messages, 0);
}

/* A message goes to the oldest receiver it suits; one that is gone is
 * passed over; one whose buffer is too small gets E2BIG. */
static void waiting_receivers_take_what_suits_them(void)
{
    fresh();
    int32_t id = (int32_t)msg_get(&core, &user, SYSV_IPC_PRIVATE, 0600);
    char text[32];
    int64_t type;
    struct msg_message *message;
    CHECK_EQ_U64(msg_receive(&core, &user, id, 32, 5, 0, 1, true, &message), MSG_QUEUED);
    CHECK_EQ_U64(msg_receive(&core, &user, id, 1, 0, 0, 2, true, &message), MSG_QUEUED);
    CHECK_EQ_U64(msg_receive(&core, &user, id, 32, 0, 0, 3, true, &message), MSG_QUEUED);
    CHECK_EQ_U64(msg_receive(&core, &user, id, 32, 0, 0, 4, true, &message), MSG_QUEUED);
    world.gone = 3;
    CHECK_EQ_U64(send(id, 1, "hello", 0, 0), 0);
    CHECK_EQ_U64(world.answer_count, 3);
    CHECK(world.answered[0] == 2 && world.results[0] == -LINUX_E2BIG);
    CHECK(world.answered[1] == 3);                  /* gone: passed over */
    CHECK(world.answered[2] == 4 && world.results[2] == 5);
    CHECK_EQ_STR(world.texts[2], "hello");
    CHECK_EQ_U64(send(id, 5, "five", 0, 0), 0);
    CHECK(world.answered[3] == 1 && world.types[3] == 5);
    CHECK_EQ_U64(receive(id, 32, 0, SYSV_IPC_NOWAIT, text, &type), -LINUX_ENOMSG);
}

/* A full queue (msg_qbytes) makes senders wait, and each receive lets
 * them in while they fit; IPC_NOWAIT is EAGAIN; a larger msg_qbytes
 * lets them in too. */
static void senders_wait_for_room(void)
{
    fresh();
    int32_t id = (int32_t)msg_get(&core, &user, SYSV_IPC_PRIVATE, 0600);
    struct sysv_msqid64_ds stat;
    struct client memory;
    const struct client_buffer *buffer = client(&memory, &stat, sizeof stat);
    CHECK_EQ_U64(msg_control(&core, &user, id, SYSV_IPC_STAT, buffer), 0);
    CHECK_EQ_U64(stat.msg_qbytes, 16384);
    stat.msg_qbytes = 8;
    CHECK_EQ_U64(msg_control(&core, &user, id, SYSV_IPC_SET, buffer), 0);
    CHECK_EQ_U64(send(id, 1, "12345678", 0, 0), 0);
    CHECK_EQ_U64(send(id, 1, "x", SYSV_IPC_NOWAIT, 0), -LINUX_EAGAIN);
    CHECK_EQ_U64(send(id, 1, "abcd", 0, 10), MSG_QUEUED);
    CHECK_EQ_U64(send(id, 1, "efgh", 0, 11), MSG_QUEUED);
    char text[32];
    int64_t type;
    CHECK_EQ_U64(receive(id, 32, 0, 0, text, &type), 8);
    CHECK_EQ_U64(world.answer_count, 2);            /* both fit now */
    CHECK_EQ_U64(receive(id, 32, 0, 0, text, &type), 4);
    CHECK_EQ_STR(text, "abcd");
    stat.msg_qbytes = 16385;
    CHECK_EQ_U64(msg_control(&core, &user, id, SYSV_IPC_SET, buffer), -LINUX_EPERM);
    CHECK_EQ_U64(msg_control(&core, &root, id, SYSV_IPC_SET, buffer), 0);
    CHECK_EQ_U64(msg_control(&core, &user, id, SYSV_IPC_STAT, buffer), 0);
    CHECK_EQ_U64(stat.msg_qnum, 1);
    CHECK_EQ_U64(stat.msg_cbytes, 4);
    CHECK_EQ_U64(stat.msg_lspid, user.pid);
    CHECK_EQ_U64(stat.msg_lrpid, user.pid);
}

/* IPC_RMID answers every waiter EIDRM; permissions and bad ids. */
static void removal_and_refusals(void)
{
    fresh();
    int32_t id = (int32_t)msg_get(&core, &user, SYSV_IPC_PRIVATE, 0600);
    struct msg_message *message;
    CHECK_EQ_U64(msg_receive(&core, &user, id, 32, 0, 0, 1, true, &message), MSG_QUEUED);
    CHECK_EQ_U64(msg_control(&core, &stranger, id, SYSV_IPC_RMID, NULL), -LINUX_EPERM);
    CHECK_EQ_U64(msg_receive(&core, &stranger, id, 32, 0, 0, 2, true, &message),
                 -LINUX_EACCES);
    CHECK_EQ_U64(msg_control(&core, &user, id, SYSV_IPC_RMID, NULL), 0);
    CHECK(world.answered[0] == 1 && world.results[0] == -LINUX_EIDRM);
    CHECK_EQ_U64(msg_control(&core, &user, id, SYSV_IPC_RMID, NULL), -LINUX_EINVAL);
    CHECK_EQ_U64(msg_receive(&core, &user, -1, 32, 0, 0, 2, true, &message), -LINUX_EINVAL);
    CHECK_EQ_U64(msg_control(&core, &user, 0, 99, NULL), -LINUX_EINVAL);
    struct sysv_msginfo info;
    struct client memory;
    const struct client_buffer *buffer = client(&memory, &info, sizeof info);
    CHECK_EQ_U64(msg_control(&core, &user, 0, SYSV_IPC_INFO, buffer), 0);
    CHECK(info.msgmax == 8192 && info.msgmnb == 16384 && info.msgmni == 32000 &&
          info.msgssz == 16 && info.msgseg == 0xffff);
}

/* A user's messages take at most MSG_USER_BYTES: then msgsnd is
 * -ENOMEM for it (msg_new NULL), not for another user or root; a
 * received message gives its bytes back, and so does a removed queue. */
static void a_users_messages_are_limited(void)
{
    fresh();
    enum { TEXT = 8192 };
    unsigned sent = 0, queues = 0;
    struct msg_message *message;
    while ((message = msg_new(&core, &user, 1, TEXT)) != NULL) {
        int64_t id = msg_get(&core, &user, SYSV_IPC_PRIVATE, 0600);
        CHECK(id >= 0);
        queues++;
        CHECK_EQ_U64(msg_send(&core, &user, (int32_t)id, message, SYSV_IPC_NOWAIT, 0, true), 0);
        sent++;
    }
    CHECK_EQ_U64(sent, MSG_USER_BYTES / (TEXT + sizeof(struct msg_message)));
    message = msg_new(&core, &stranger, 1, TEXT);
    CHECK(message != NULL);
    msg_free(&core, message);
    message = msg_new(&core, &root, 1, TEXT);
    CHECK(message != NULL);
    msg_free(&core, message);
    /* One received: room for one more. */
    static char text[TEXT + 1];
    int64_t type = 0;
    CHECK_EQ_U64(receive(0, TEXT, 0, SYSV_IPC_NOWAIT, text, &type), TEXT);
    message = msg_new(&core, &user, 1, TEXT);
    CHECK(message != NULL);
    msg_free(&core, message);
    fresh();
    CHECK_EQ_U64(client_user_charges(&senders, user.uid), 0);
}

int main(void)
{
    RUN_TEST(types_pick_messages);
    RUN_TEST(waiting_receivers_take_what_suits_them);
    RUN_TEST(senders_wait_for_room);
    RUN_TEST(removal_and_refusals);
    RUN_TEST(a_users_messages_are_limited);
    fresh();
    if (core.ids.objects)
        release(NULL, core.ids.objects);
    return check_report();
}
