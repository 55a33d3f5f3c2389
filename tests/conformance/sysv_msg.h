/* What the System V message-queue tests share: a message buffer big
 * enough for any text, sending a text and checking what a msgrcv gives,
 * a queue's IPC_STAT, a new private queue of a given msg_qbytes,
 * waiting until children are about to wait in a call, and waiters that
 * something which must not end their calls happens to. */
#ifndef CONFORMANCE_SYSV_MSG_H
#define CONFORMANCE_SYSV_MSG_H

#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

enum { msgmax = 8192, msgmnb = 16384 };

struct message {
    long mtype;
    char mtext[msgmax + 64];
};

static struct message outgoing, incoming;

/* Shared with the children: those about to make a call that waits, and
 * whether the parent's interrupted call returned. */
struct waiting {
    int entering;
    int done;
};
static struct waiting *waiting;

static inline void waiting_map(void)
{
    waiting = mmap(NULL, sizeof *waiting, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    REQUIRE(waiting != MAP_FAILED);
}

/* Sends text (its length, no NUL) as a message of type. */
static inline int send_text(int id, long type, const char *text, int flags)
{
    size_t length = strlen(text);
    outgoing.mtype = type;
    memcpy(outgoing.mtext, text, length);
    return msgsnd(id, &outgoing, length, flags);
}

/* msgrcv(id, size, type, flags) must give a message of want_type
 * holding want_text. */
static inline void receives(int id, size_t size, long type, int flags, long want_type,
                            const char *want_text)
{
    memset(&incoming, 0, sizeof incoming);
    errno = 0;
    ssize_t length = msgrcv(id, &incoming, size, type, flags);
    int error = errno;
    size_t want_length = strlen(want_text);
    if (!CHECK(length == (ssize_t)want_length && incoming.mtype == want_type &&
               memcmp(incoming.mtext, want_text, want_length) == 0))
        fprintf(stderr, "    msgrcv(type %ld) gave %zd (errno %d), type %ld, \"%.*s\";"
                " expected type %ld, \"%s\"\n", type, length, error, incoming.mtype,
                length > 0 ? (int)length : 0, incoming.mtext, want_type, want_text);
}

static inline struct msqid_ds status(int id)
{
    struct msqid_ds stat;
    memset(&stat, 0, sizeof stat);
    CHECK_EQ(msgctl(id, IPC_STAT, &stat), 0);
    return stat;
}

static inline int new_queue(unsigned long qbytes)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    struct msqid_ds stat;
    REQUIRE(msgctl(id, IPC_STAT, &stat) == 0);
    stat.msg_qbytes = qbytes;
    REQUIRE(msgctl(id, IPC_SET, &stat) == 0);
    return id;
}

/* A child's last step before its call that waits. */
static inline void entering(void)
{
    __atomic_add_fetch(&waiting->entering, 1, __ATOMIC_SEQ_CST);
}

/* Until count children are about to wait, and a while more: by then they
 * wait. */
static inline void until_waiting(int count)
{
    while (__atomic_load_n(&waiting->entering, __ATOMIC_SEQ_CST) < count)
        sleep_milliseconds(1);
    sleep_milliseconds(200);
    __atomic_store_n(&waiting->entering, 0, __ATOMIC_SEQ_CST);
}

/* A receiver waiting on an empty queue, then a sender waiting on a
 * full one: disturb(child) happens to each while it waits, and neither
 * call ends before the queue lets it. */
static inline void waiters_outlast(void (*disturb)(pid_t child))
{
    int id = new_queue(16384);
    pid_t child = fork();
    if (child == 0) {
        entering();
        receives(id, 64, 0, 0, 8, "resumed");
        check_child_exit();
    }
    until_waiting(1);
    disturb(child);
    sleep_milliseconds(100);
    CHECK_EQ(send_text(id, 8, "resumed", 0), 0);
    check_child_passed(child);

    struct msqid_ds stat = status(id);
    stat.msg_qbytes = 4;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    CHECK_EQ(send_text(id, 1, "full", 0), 0);
    child = fork();
    if (child == 0) {
        entering();
        CHECK_EQ(send_text(id, 2, "late", 0), 0);
        check_child_exit();
    }
    until_waiting(1);
    disturb(child);
    sleep_milliseconds(100);
    receives(id, 64, 0, 0, 1, "full");
    receives(id, 64, 0, 0, 2, "late");
    check_child_passed(child);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

#endif
