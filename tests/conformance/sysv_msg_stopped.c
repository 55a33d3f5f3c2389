/* A msgrcv or msgsnd that waits goes on waiting when its process is
 * stopped (SIGSTOP) and continued (SIGCONT): no EINTR, the call restarts
 * unseen, as Linux's -ERESTARTNOHAND does when no handler runs. Skipped,
 * with the reason, on a system that cannot stop a process. */
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

struct message {
    long mtype;
    char mtext[64];
};

static struct message outgoing, incoming;

/* Shared with the children. */
struct shared {
    int entering;           /* children about to make a call that waits */
};
static struct shared *shared;

static int send_text(int id, long type, const char *text, int flags)
{
    size_t length = strlen(text);
    outgoing.mtype = type;
    memcpy(outgoing.mtext, text, length);
    return msgsnd(id, &outgoing, length, flags);
}

/* msgrcv(id, size, type, flags) must give a message of want_type
 * holding want_text. */
static void receives(int id, size_t size, long type, int flags, long want_type,
                     const char *want_text)
{
    memset(&incoming, 0, sizeof incoming);
    errno = 0;
    ssize_t length = msgrcv(id, &incoming, size, type, flags);
    int error = errno;
    size_t want_length = strlen(want_text);
    if (!CHECK(length == (ssize_t)want_length && incoming.mtype == want_type &&
               memcmp(incoming.mtext, want_text, want_length) == 0))
        fprintf(stderr, "    msgrcv(type %ld) gave %zd (errno %d), type %ld;"
                " expected type %ld, \"%s\"\n", type, length, error, incoming.mtype,
                want_type, want_text);
}

static struct msqid_ds status(int id)
{
    struct msqid_ds stat;
    memset(&stat, 0, sizeof stat);
    CHECK_EQ(msgctl(id, IPC_STAT, &stat), 0);
    return stat;
}

static int new_queue(unsigned long qbytes)
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
static void entering(void)
{
    __atomic_add_fetch(&shared->entering, 1, __ATOMIC_SEQ_CST);
}

/* Until count children are about to wait, and a while more: by then they
 * wait. */
static void until_waiting(int count)
{
    while (__atomic_load_n(&shared->entering, __ATOMIC_SEQ_CST) < count)
        sleep_milliseconds(1);
    sleep_milliseconds(200);
    __atomic_store_n(&shared->entering, 0, __ATOMIC_SEQ_CST);
}

/* Whether SIGSTOP stops a process here (waitpid's WUNTRACED sees it
 * within a second). */
static int can_stop(void)
{
    pid_t child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, SIGSTOP);
    int status = 0, stopped = 0;
    for (int tries = 0; tries < 100 && !stopped; tries++) {
        if (waitpid(child, &status, WUNTRACED | WNOHANG) == child && WIFSTOPPED(status))
            stopped = 1;
        else
            sleep_milliseconds(10);
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return stopped;
}

/* Stopped and continued, and sent a signal whose default is to ignore
 * it, a waiter waits on: no EINTR. */
static void stopped_and_continued(void)
{
    int id = new_queue(16384);
    pid_t child = fork();
    if (child == 0) {
        entering();
        receives(id, 64, 0, 0, 8, "resumed");
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(kill(child, SIGSTOP), 0);
    int wait_status = 0;
    CHECK_EQ(waitpid(child, &wait_status, WUNTRACED), child);
    CHECK(WIFSTOPPED(wait_status));
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK_EQ(kill(child, SIGWINCH), 0);
    sleep_milliseconds(100);
    CHECK_EQ(send_text(id, 8, "resumed", 0), 0);
    check_child_passed(child);

    /* A sender the same. */
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
    CHECK_EQ(kill(child, SIGSTOP), 0);
    CHECK_EQ(waitpid(child, &wait_status, WUNTRACED), child);
    CHECK(WIFSTOPPED(wait_status));
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK_EQ(kill(child, SIGWINCH), 0);
    sleep_milliseconds(100);
    receives(id, 64, 0, 0, 1, "full");
    receives(id, 64, 0, 0, 2, "late");
    check_child_passed(child);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

int main(void)
{
    if (!can_stop())
        check_skip("stopping a process (SIGSTOP, SIGCONT) is not implemented yet");
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    stopped_and_continued();
    return check_finish("sysv_msg_stopped");
}
