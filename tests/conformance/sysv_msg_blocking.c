/* System V message queues that wait, as Linux 6.1 gives it: a msgrcv
 * waiting on an empty queue is woken by another process's msgsnd (the
 * message handed over: msg_lrpid is the receiver's); one waiting for a
 * type (a type, up to a type, all but a type) only by a message it
 * takes; three waiting receivers, three messages, one each; a message
 * goes to the receiver that has waited longest among those that take it
 * (one whose buffer is too short gets E2BIG and the message goes on to
 * the next, or stays queued; with MSG_NOERROR it gets the message cut);
 * a msgsnd waiting on a full queue is woken when a message is taken, or
 * when IPC_SET makes room; IPC_SET taking the permission away ends a
 * waiting receiver's wait with EACCES, a sender's only once its message
 * would fit; IPC_RMID ends every wait (receivers and senders) with
 * EIDRM; a handled signal ends a msgrcv or msgsnd with EINTR whether or
 * not SA_RESTART is set, leaving nothing behind, while a signal whose
 * default is to ignore it ends nothing (a stop and continue:
 * sysv_msg_stopped.c); a
 * parent and four children use a small queue as a work queue (the
 * parent waiting for room), the results coming back on another. */
#include <signal.h>
#include <sys/wait.h>

#include "sysv_msg.h"

static void receiver_woken_by_sender(void)
{
    int id = new_queue(16384);
    pid_t child = fork();
    if (child == 0) {
        entering();
        receives(id, 64, 0, 0, 5, "wake up");
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(send_text(id, 5, "wake up", 0), 0);
    check_child_passed(child);
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK_EQ(stat.msg_cbytes, 0);
    CHECK_EQ(stat.msg_lspid, getpid());
    CHECK_EQ(stat.msg_lrpid, child);
    CHECK(stat.msg_rtime > 0);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* Waiters for a type take only what they wait for. */
static void receivers_wait_for_their_type(void)
{
    int id = new_queue(16384);
    pid_t child = fork();
    if (child == 0) {
        entering();
        receives(id, 64, 2, 0, 2, "two");
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(send_text(id, 1, "one", 0), 0);
    CHECK_EQ(send_text(id, 3, "three", 0), 0);
    CHECK_EQ(status(id).msg_qnum, 2);
    CHECK_EQ(send_text(id, 2, "two", 0), 0);
    check_child_passed(child);
    CHECK_EQ(status(id).msg_qnum, 2);

    /* Up to a type: 1 and 3 are queued, 1 goes at once; 4 is too high. */
    child = fork();
    if (child == 0) {
        receives(id, 64, -2, 0, 1, "one");
        entering();
        receives(id, 64, -2, 0, 2, "two again");
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(send_text(id, 4, "four", 0), 0);
    CHECK_EQ(send_text(id, 2, "two again", 0), 0);
    check_child_passed(child);

    /* All but a type: 3 and 4 are queued. */
    child = fork();
    if (child == 0) {
        receives(id, 64, 3, MSG_EXCEPT, 4, "four");
        entering();
        receives(id, 64, 3, MSG_EXCEPT, 6, "six");
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(send_text(id, 3, "three again", 0), 0);
    CHECK_EQ(send_text(id, 6, "six", 0), 0);
    check_child_passed(child);
    receives(id, 64, 0, IPC_NOWAIT, 3, "three");
    receives(id, 64, 0, IPC_NOWAIT, 3, "three again");
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, IPC_NOWAIT), ENOMSG);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* Three waiting receivers, three messages: one each (exit status: the
 * digit it got). */
static void several_receivers(void)
{
    int id = new_queue(16384);
    pid_t children[3];
    for (int i = 0; i < 3; i++) {
        children[i] = fork();
        if (children[i] == 0) {
            entering();
            ssize_t length = msgrcv(id, &incoming, sizeof incoming.mtext, 0, 0);
            _exit(length == 1 && incoming.mtype == 1 ? incoming.mtext[0] - '0' : 99);
        }
    }
    until_waiting(3);
    CHECK_EQ(send_text(id, 1, "1", 0), 0);
    CHECK_EQ(send_text(id, 1, "2", 0), 0);
    CHECK_EQ(send_text(id, 1, "3", 0), 0);
    int got = 0;
    for (int i = 0; i < 3; i++) {
        int wait_status = 0;
        if (waitpid(children[i], &wait_status, 0) == children[i] && WIFEXITED(wait_status))
            got |= 1 << WEXITSTATUS(wait_status);
    }
    CHECK_EQ(got, 2 | 4 | 8);
    CHECK_EQ(status(id).msg_qnum, 0);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* A waiting receiver whose exit status is the digit it got (99: not a
 * one-byte message of type want_type; 98: msgrcv's E2BIG). */
static pid_t digit_receiver(int id, size_t size, long type, long want_type)
{
    pid_t child = fork();
    if (child == 0) {
        entering();
        ssize_t length = msgrcv(id, &incoming, size, type, 0);
        if (length == -1 && errno == E2BIG)
            _exit(98);
        _exit(length == 1 && incoming.mtype == want_type ? incoming.mtext[0] - '0' : 99);
    }
    until_waiting(1);
    return child;
}

/* A message goes to the receiver that has waited longest among those
 * that take it, however specific the others; one whose buffer is too
 * short gets E2BIG, and the message goes on to the next. */
static void receivers_in_order(void)
{
    int id = new_queue(16384);
    pid_t any = digit_receiver(id, 64, 0, 2);
    pid_t any_later = digit_receiver(id, 64, 0, 1);
    pid_t twos = digit_receiver(id, 64, 2, 2);
    CHECK_EQ(send_text(id, 2, "1", 0), 0);
    CHECK(exited_with(any, 1));
    CHECK_EQ(send_text(id, 1, "2", 0), 0);
    CHECK(exited_with(any_later, 2));
    CHECK_EQ(send_text(id, 2, "3", 0), 0);
    CHECK(exited_with(twos, 3));
    CHECK_EQ(status(id).msg_qnum, 0);

    pid_t short_buffer = digit_receiver(id, 0, 0, 1);
    pid_t long_buffer = digit_receiver(id, 64, 0, 1);
    CHECK_EQ(send_text(id, 1, "4", 0), 0);
    CHECK(exited_with(short_buffer, 98));
    CHECK(exited_with(long_buffer, 4));
    CHECK_EQ(status(id).msg_qnum, 0);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* A waiter whose buffer is too short: E2BIG, and the message stays;
 * with MSG_NOERROR, the message cut to its buffer. */
static void short_buffers(void)
{
    int id = new_queue(16384);
    pid_t child = fork();
    if (child == 0) {
        entering();
        CHECK_ERRNO(msgrcv(id, &incoming, 4, 0, 0), E2BIG);
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(send_text(id, 1, "ten bytes!", 0), 0);
    check_child_passed(child);
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_lrpid, 0);

    child = fork();
    if (child == 0) {
        receives(id, 4, 0, MSG_NOERROR, 1, "ten ");
        entering();
        receives(id, 4, 0, MSG_NOERROR, 2, "elev");
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(send_text(id, 2, "eleven byte", 0), 0);
    check_child_passed(child);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK_EQ(stat.msg_cbytes, 0);
    CHECK_EQ(stat.msg_lrpid, child);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* A sender waiting for room: woken when a message is taken, or when
 * IPC_SET raises msg_qbytes. */
static void sender_woken(void)
{
    int id = new_queue(8);
    CHECK_EQ(send_text(id, 1, "8 bytes.", 0), 0);
    pid_t child = fork();
    if (child == 0) {
        entering();
        CHECK_EQ(send_text(id, 2, "four", 0), 0);
        check_child_exit();
    }
    until_waiting(1);
    CHECK_EQ(status(id).msg_qnum, 1);
    receives(id, 64, 0, 0, 1, "8 bytes.");
    receives(id, 64, 0, 0, 2, "four");              /* waits for it if need be */
    check_child_passed(child);
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_lspid, child);
    CHECK_EQ(stat.msg_lrpid, getpid());

    CHECK_EQ(send_text(id, 1, "8 bytes.", 0), 0);
    child = fork();
    if (child == 0) {
        entering();
        CHECK_EQ(send_text(id, 3, "more", 0), 0);
        check_child_exit();
    }
    until_waiting(1);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    stat.msg_qbytes = 12;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    check_child_passed(child);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 2);
    CHECK_EQ(stat.msg_cbytes, 12);
    receives(id, 64, 3, IPC_NOWAIT, 3, "more");
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* Waiters made uid 1000, on a root's queue open to all that IPC_SET
 * closes: the receiver's wait ends with EACCES; the sender's goes on
 * while its message would not fit, and ends with EACCES once it would. */
static void permission_taken_away(void)
{
    int id = new_queue(4);
    struct msqid_ds stat = status(id);
    stat.msg_perm.mode = 0666;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    CHECK_EQ(send_text(id, 1, "full", 0), 0);
    pid_t receiver = fork();
    if (receiver == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        entering();
        CHECK_ERRNO(msgrcv(id, &incoming, 64, 2, 0), EACCES);
        check_child_exit();
    }
    pid_t sender = fork();
    if (sender == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        entering();
        CHECK_ERRNO(send_text(id, 2, "more", 0), EACCES);
        check_child_exit();
    }
    until_waiting(2);
    stat.msg_perm.mode = 0600;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    check_child_passed(receiver);
    sleep_milliseconds(100);
    int wait_status = 0;
    CHECK_EQ(waitpid(sender, &wait_status, WNOHANG), 0);        /* still waiting */
    receives(id, 64, 0, IPC_NOWAIT, 1, "full");
    check_child_passed(sender);
    CHECK_EQ(status(id).msg_qnum, 0);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* Two receivers (for types the queue lacks) and a sender (the queue is
 * full), all woken by IPC_RMID with EIDRM. */
static void removal_ends_every_wait(void)
{
    int id = new_queue(8);
    CHECK_EQ(send_text(id, 6, "8 bytes.", 0), 0);
    pid_t waiters[3];
    waiters[0] = fork();
    if (waiters[0] == 0) {
        entering();
        CHECK_ERRNO(msgrcv(id, &incoming, 64, 7, 0), EIDRM);
        check_child_exit();
    }
    waiters[1] = fork();
    if (waiters[1] == 0) {
        entering();
        CHECK_ERRNO(msgrcv(id, &incoming, 64, -5, 0), EIDRM);
        check_child_exit();
    }
    waiters[2] = fork();
    if (waiters[2] == 0) {
        entering();
        CHECK_ERRNO(send_text(id, 1, "x", 0), EIDRM);
        check_child_exit();
    }
    until_waiting(3);
    CHECK_EQ(status(id).msg_qnum, 1);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
    for (int i = 0; i < 3; i++)
        check_child_passed(waiters[i]);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, IPC_NOWAIT), EINVAL);
}

static volatile sig_atomic_t handled;

static void on_signal(int signo)
{
    (void)signo;
    handled++;
}

/* A child that sends signo to the caller every 100 ms until its call
 * has returned (waiting->done); after 50 it removes queue id instead, so
 * that a wait the signals do not end ends all the same (EIDRM). */
static pid_t interrupter(int signo, int id)
{
    pid_t parent = getpid();
    __atomic_store_n(&waiting->done, 0, __ATOMIC_SEQ_CST);
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 50; i++) {
            sleep_milliseconds(100);
            if (__atomic_load_n(&waiting->done, __ATOMIC_SEQ_CST))
                _exit(0);
            kill(parent, signo);
        }
        msgctl(id, IPC_RMID, NULL);
        _exit(0);
    }
    return child;
}

static void returned(pid_t interrupting)
{
    __atomic_store_n(&waiting->done, 1, __ATOMIC_SEQ_CST);
    CHECK(exited_with(interrupting, 0));
}

/* A handled signal ends a wait with EINTR, with SA_RESTART (flags) or
 * without; the call leaves nothing behind. */
static void interrupted(int flags)
{
    int id = new_queue(16384);
    struct sigaction action = {.sa_handler = on_signal, .sa_flags = flags};
    sigemptyset(&action.sa_mask);
    CHECK_EQ(sigaction(SIGUSR1, &action, NULL), 0);
    handled = 0;
    pid_t child = interrupter(SIGUSR1, id);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, 0), EINTR);
    returned(child);
    CHECK(handled > 0);
    CHECK_EQ(send_text(id, 1, "after", 0), 0);              /* no receiver left */
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_lrpid, 0);

    /* A sender, the queue full. */
    stat.msg_qbytes = 5;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    handled = 0;
    child = interrupter(SIGUSR1, id);
    CHECK_ERRNO(send_text(id, 2, "more", 0), EINTR);
    returned(child);
    CHECK(handled > 0);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_cbytes, 5);
    receives(id, 64, 0, IPC_NOWAIT, 1, "after");
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, IPC_NOWAIT), ENOMSG);
    signal(SIGUSR1, SIG_DFL);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* Sent a signal whose default is to ignore it, a waiter waits on: no
 * EINTR. (Stopped and continued: sysv_msg_stopped.c.) */
static void ignored_signal(pid_t child)
{
    CHECK_EQ(kill(child, SIGWINCH), 0);
}

#define WORKERS 4
#define JOBS 40

enum { JOB = 1, STOP = 2 };

struct job {
    long mtype;
    int number, square, worker;
};

/* A worker: jobs until a STOP, each answered on results. Returns 0, or
 * 1 if a call failed. */
static int work(int jobs, int results, int worker)
{
    for (;;) {
        struct job job;
        if (msgrcv(jobs, &job, sizeof job - sizeof(long), 0, 0) != sizeof job - sizeof(long))
            return 1;
        if (job.mtype == STOP)
            return 0;
        struct job result = {JOB, job.number, job.number * job.number, worker};
        if (msgsnd(results, &result, sizeof result - sizeof(long), 0) != 0)
            return 1;
    }
}

/* The parent hands out JOBS jobs on a queue that holds four at most,
 * then a STOP per worker (FIFO: after every job), and collects the
 * answers. */
static void work_queue(void)
{
    const size_t size = sizeof(struct job) - sizeof(long);
    int jobs = new_queue(4 * size);
    int results = new_queue(16384);
    pid_t workers[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        workers[i] = fork();
        if (workers[i] == 0)
            _exit(work(jobs, results, i));
    }
    int sent = 0;
    for (int number = 0; number < JOBS; number++) {
        struct job job = {JOB, number, 0, -1};
        sent += msgsnd(jobs, &job, size, 0) == 0;
    }
    for (int i = 0; i < WORKERS; i++) {
        struct job stop = {STOP, -1, 0, -1};
        sent += msgsnd(jobs, &stop, size, 0) == 0;
    }
    CHECK_EQ(sent, JOBS + WORKERS);
    int seen[JOBS] = {0};
    int received = 0, right = 0;
    for (int i = 0; i < JOBS; i++) {
        struct job result;
        if (msgrcv(results, &result, size, JOB, 0) != (ssize_t)size)
            break;
        received++;
        if (result.number >= 0 && result.number < JOBS &&
            result.square == result.number * result.number &&
            result.worker >= 0 && result.worker < WORKERS) {
            seen[result.number]++;
            right++;
        }
    }
    CHECK_EQ(received, JOBS);
    CHECK_EQ(right, JOBS);
    int once = 0;
    for (int number = 0; number < JOBS; number++)
        once += seen[number] == 1;
    CHECK_EQ(once, JOBS);
    int succeeded = 0;
    for (int i = 0; i < WORKERS; i++)
        succeeded += exited_with(workers[i], 0);
    CHECK_EQ(succeeded, WORKERS);
    struct msqid_ds stat = status(jobs);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK_EQ(stat.msg_lspid, getpid());
    stat = status(results);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK_EQ(stat.msg_lrpid, getpid());
    CHECK_EQ(msgctl(jobs, IPC_RMID, NULL), 0);
    CHECK_EQ(msgctl(results, IPC_RMID, NULL), 0);
}

int main(void)
{
    waiting_map();
    receiver_woken_by_sender();
    receivers_wait_for_their_type();
    several_receivers();
    receivers_in_order();
    short_buffers();
    sender_woken();
    permission_taken_away();
    removal_ends_every_wait();
    interrupted(0);
    interrupted(SA_RESTART);
    waiters_outlast(ignored_signal);
    work_queue();
    return check_finish("sysv_msg_blocking");
}
