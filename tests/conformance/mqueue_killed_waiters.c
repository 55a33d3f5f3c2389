/* A process killed while it waits in a message queue loses or
 * duplicates no message: a sender killed waiting on a full queue puts
 * nothing in, a receiver killed waiting on an empty one takes nothing
 * (the next message goes to the receiver still waiting, or stays), for
 * POSIX queues and System V ones alike. */
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

/* Kills child, which must be waiting by now, and reaps it. */
static void kill_waiting(pid_t child)
{
    sleep_milliseconds(200);
    CHECK_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void posix_queues(void)
{
    const char *name = "/mqueue_killed_waiters";
    struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 16};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    REQUIRE(queue >= 0);
    char buffer[16];

    /* A sender killed while the queue is full. */
    CHECK_EQ(mq_send(queue, "first", 5, 0), 0);
    pid_t sender = fork();
    if (sender == 0) {
        mq_send(queue, "never", 5, 9);
        _exit(1);
    }
    kill_waiting(sender);
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 5);
    CHECK(memcmp(buffer, "first", 5) == 0);
    struct mq_attr now;
    CHECK_EQ(mq_getattr(queue, &now), 0);
    CHECK_EQ(now.mq_curmsgs, 0);

    /* A receiver killed while the queue is empty; another still waits. */
    pid_t killed = fork();
    if (killed == 0) {
        mq_receive(queue, buffer, sizeof buffer, NULL);
        _exit(1);
    }
    sleep_milliseconds(100);
    pid_t survivor = fork();
    if (survivor == 0) {
        ssize_t length = mq_receive(queue, buffer, sizeof buffer, NULL);
        _exit(length == 6 && memcmp(buffer, "second", 6) == 0 ? 0 : 1);
    }
    kill_waiting(killed);
    CHECK_EQ(mq_send(queue, "second", 6, 0), 0);
    check_child_passed(survivor);
    CHECK_EQ(mq_getattr(queue, &now), 0);
    CHECK_EQ(now.mq_curmsgs, 0);

    /* And with nobody left waiting, the message stays. */
    killed = fork();
    if (killed == 0) {
        mq_receive(queue, buffer, sizeof buffer, NULL);
        _exit(1);
    }
    kill_waiting(killed);
    CHECK_EQ(mq_send(queue, "third", 5, 0), 0);
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 5);
    CHECK(memcmp(buffer, "third", 5) == 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

struct message {
    long mtype;
    char mtext[16];
};

static void system_v_queues(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    struct msqid_ds stat;
    REQUIRE(msgctl(id, IPC_STAT, &stat) == 0);
    stat.msg_qbytes = 5;
    REQUIRE(msgctl(id, IPC_SET, &stat) == 0);
    struct message message = {1, "first"};
    CHECK_EQ(msgsnd(id, &message, 5, 0), 0);

    pid_t sender = fork();
    if (sender == 0) {
        struct message never = {2, "never"};
        msgsnd(id, &never, 5, 0);
        _exit(1);
    }
    kill_waiting(sender);
    CHECK_EQ(msgrcv(id, &message, sizeof message.mtext, 0, IPC_NOWAIT), 5);
    CHECK(message.mtype == 1 && memcmp(message.mtext, "first", 5) == 0);
    CHECK_EQ(msgrcv(id, &message, sizeof message.mtext, 0, IPC_NOWAIT), -1);

    pid_t killed = fork();
    if (killed == 0) {
        msgrcv(id, &message, sizeof message.mtext, 0, 0);
        _exit(1);
    }
    kill_waiting(killed);
    struct message second = {3, "two"};
    CHECK_EQ(msgsnd(id, &second, 3, 0), 0);
    CHECK_EQ(msgctl(id, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(msgrcv(id, &message, sizeof message.mtext, 3, IPC_NOWAIT), 3);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

int main(void)
{
    posix_queues();
    system_v_queues();
    return check_finish("mqueue_killed_waiters");
}
