/* mq_notify (SIGEV_SIGNAL and SIGEV_NONE; not SIGEV_THREAD): a
 * registration fires when a message arrives in an empty queue, from this
 * process or another, with the signal asked for, si_code SI_MESGQ, the
 * sender's pid and uid and the sigev_value given; once (it is gone
 * after); not while the queue has messages (it stays); not when a
 * receiver is waiting, which takes the message (it stays); one process per
 * queue (EBUSY for anyone else, and for the owner again), NULL removing
 * the caller's own registration only; SIGEV_NONE holding the place and
 * sending nothing, gone at the next arrival too; signal 0 accepted; bad
 * sigev_notify and signal numbers EINVAL, before EBADF; the registration
 * dropped when its process closes any descriptor of the queue (not when
 * a child closes its copies) or exits; and the line read() gives about
 * the queue showing it. */
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "signals.h"

static char buffer[64];

static mqd_t create(const char *name)
{
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = sizeof buffer};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    REQUIRE(queue >= 0);
    return queue;
}

static void receives(mqd_t queue, const char *text)
{
    ssize_t length = mq_receive(queue, buffer, sizeof buffer, NULL);
    CHECK_EQ(length, (ssize_t)strlen(text));
    CHECK(length >= 0 && memcmp(buffer, text, length) == 0);
}

static struct sigevent by_signal(int signo, int value)
{
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = signo;
    event.sigev_value.sival_int = value;
    return event;
}

static struct sigevent by_nothing(void)
{
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_NONE;
    return event;
}

/* The notification signals stay blocked: they are taken, with their
 * siginfo, by sigtimedwait without waiting. */
static void block_notification_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The pending notification signal (its number, with info), or 0. */
static int take_signal(siginfo_t *info)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    struct timespec none = {0, 0};
    siginfo_t ignored;
    int signo = sigtimedwait(&set, info ? info : &ignored, &none);
    return signo > 0 ? signo : 0;
}

/* A child that sends text to queue (as uid, unless it is 0) and exits. */
static pid_t send_from_child(mqd_t queue, const char *text, uid_t uid)
{
    pid_t child = fork();
    if (child == 0) {
        if (uid != 0 && setuid(uid) != 0)
            _exit(2);
        _exit(mq_send(queue, text, strlen(text), 0) == 0 ? 0 : 1);
    }
    return child;
}

/* Whether a child could register (then unregisters): 0, or its errno. */
static int child_registers(mqd_t queue)
{
    pid_t child = fork();
    if (child == 0) {
        struct sigevent event = by_signal(SIGUSR2, 0);
        if (mq_notify(queue, &event) != 0)
            _exit(errno);
        _exit(mq_notify(queue, NULL) == 0 ? 0 : 200);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void signal_on_arrival(void)
{
    const char *name = "/mqueue_notify_arrival";
    mqd_t queue = create(name);
    struct sigevent event = by_signal(SIGUSR1, 42);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_EQ(take_signal(NULL), 0);
    pid_t child = send_from_child(queue, "first", 0);
    CHECK(exited_with(child, 0));
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_EQ(take_signal(&info), SIGUSR1);
    CHECK_EQ(info.si_signo, SIGUSR1);
    CHECK_EQ(info.si_code, SI_MESGQ);
    CHECK_EQ(info.si_errno, 0);
    CHECK(info.si_pid == child);            /* the sender */
    CHECK_EQ(info.si_uid, 0);
    CHECK_EQ(info.si_value.sival_int, 42);
    /* Once: the registration is gone. */
    receives(queue, "first");
    child = send_from_child(queue, "second", 0);
    CHECK(exited_with(child, 0));
    CHECK_EQ(take_signal(NULL), 0);
    receives(queue, "second");
    CHECK_EQ(child_registers(queue), 0);

    /* The sender's uid, and this process as the sender. */
    event = by_signal(SIGUSR2, -7);
    CHECK_EQ(mq_notify(queue, &event), 0);
    child = send_from_child(queue, "from uid 1000", 1000);
    CHECK(exited_with(child, 0));
    memset(&info, 0, sizeof info);
    CHECK_EQ(take_signal(&info), SIGUSR2);
    CHECK_EQ(info.si_code, SI_MESGQ);
    CHECK(info.si_pid == child);
    CHECK_EQ(info.si_uid, 1000);
    CHECK_EQ(info.si_value.sival_int, -7);
    receives(queue, "from uid 1000");
    event = by_signal(SIGUSR1, 5);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_EQ(mq_send(queue, "own", 3, 0), 0);
    memset(&info, 0, sizeof info);
    CHECK_EQ(take_signal(&info), SIGUSR1);
    CHECK(info.si_pid == getpid());
    CHECK_EQ(info.si_code, SI_MESGQ);
    CHECK_EQ(info.si_value.sival_int, 5);
    receives(queue, "own");
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* Only an arrival in an empty queue notifies. */
static void only_into_an_empty_queue(void)
{
    const char *name = "/mqueue_notify_empty";
    mqd_t queue = create(name);
    CHECK_EQ(mq_send(queue, "there", 5, 0), 0);
    struct sigevent event = by_signal(SIGUSR1, 1);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_EQ(mq_send(queue, "another", 7, 9), 0);
    CHECK_EQ(take_signal(NULL), 0);
    CHECK_EQ(child_registers(queue), EBUSY);      /* still registered */
    receives(queue, "another");
    receives(queue, "there");
    CHECK_EQ(take_signal(NULL), 0);               /* emptying says nothing */
    CHECK_EQ(mq_send(queue, "now", 3, 0), 0);
    CHECK_EQ(take_signal(NULL), SIGUSR1);
    CHECK_EQ(mq_send(queue, "then", 4, 0), 0);
    CHECK_EQ(take_signal(NULL), 0);
    receives(queue, "now");
    receives(queue, "then");
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void one_registration_per_queue(void)
{
    const char *name = "/mqueue_notify_busy";
    mqd_t queue = create(name);
    struct sigevent event = by_signal(SIGUSR1, 1);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_ERRNO(mq_notify(queue, &event), EBUSY);            /* the owner too */
    struct sigevent nothing = by_nothing();
    CHECK_ERRNO(mq_notify(queue, &nothing), EBUSY);
    CHECK_EQ(child_registers(queue), EBUSY);
    /* Another process's NULL succeeds and removes nothing. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mq_notify(queue, NULL), 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(child_registers(queue), EBUSY);
    /* The owner's NULL removes it; then nothing fires. */
    CHECK_EQ(mq_notify(queue, NULL), 0);
    CHECK_EQ(mq_notify(queue, NULL), 0);                     /* none: fine */
    CHECK_EQ(child_registers(queue), 0);
    CHECK_EQ(mq_send(queue, "unwatched", 9, 0), 0);
    CHECK_EQ(take_signal(NULL), 0);
    receives(queue, "unwatched");
    /* A registration through one descriptor fires for a send through
     * another. */
    mqd_t other = mq_open(name, O_WRONLY);
    REQUIRE(other >= 0);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_EQ(mq_send(other, "other", 5, 0), 0);
    CHECK_EQ(take_signal(NULL), SIGUSR1);
    receives(queue, "other");
    CHECK_EQ(mq_close(other), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* A receiver waiting when the message comes takes it: no notification,
 * and the registration stays for the next. */
static void a_waiting_receiver_comes_first(void)
{
    const char *name = "/mqueue_notify_receiver";
    mqd_t queue = create(name);
    struct sigevent event = by_signal(SIGUSR1, 3);
    CHECK_EQ(mq_notify(queue, &event), 0);
    pid_t child = fork();
    if (child == 0) {
        receives(queue, "for the receiver");
        check_child_exit();
    }
    sleep_milliseconds(300);           /* the child waits in mq_receive by then */
    CHECK_EQ(mq_send(queue, "for the receiver", 16, 0), 0);
    check_child_passed(child);
    CHECK_EQ(take_signal(NULL), 0);
    CHECK_ERRNO(mq_notify(queue, &event), EBUSY);
    CHECK_EQ(mq_send(queue, "for the queue", 13, 0), 0);
    CHECK_EQ(take_signal(NULL), SIGUSR1);
    receives(queue, "for the queue");
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* SIGEV_NONE: registered (EBUSY for others), nothing sent, and gone at the
 * next arrival all the same. Signal 0 is accepted and sends nothing. */
static void registrations_that_send_nothing(void)
{
    const char *name = "/mqueue_notify_none";
    mqd_t queue = create(name);
    struct sigevent nothing = by_nothing();
    CHECK_EQ(mq_notify(queue, &nothing), 0);
    CHECK_EQ(child_registers(queue), EBUSY);
    CHECK_ERRNO(mq_notify(queue, &nothing), EBUSY);
    CHECK_EQ(mq_send(queue, "quiet", 5, 0), 0);
    CHECK_EQ(take_signal(NULL), 0);
    CHECK_EQ(child_registers(queue), 0);
    receives(queue, "quiet");
    /* Unregistered before anything came. */
    CHECK_EQ(mq_notify(queue, &nothing), 0);
    CHECK_EQ(mq_notify(queue, NULL), 0);
    CHECK_EQ(child_registers(queue), 0);

    struct sigevent zero = by_signal(0, 0);
    CHECK_EQ(mq_notify(queue, &zero), 0);
    CHECK_EQ(child_registers(queue), EBUSY);
    CHECK_EQ(mq_send(queue, "zero", 4, 0), 0);
    CHECK_EQ(take_signal(NULL), 0);
    CHECK_EQ(child_registers(queue), 0);
    receives(queue, "zero");
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void bad_requests(void)
{
    const char *name = "/mqueue_notify_bad";
    mqd_t queue = create(name);
    struct sigevent event = by_signal(SIGUSR1, 0);
    event.sigev_notify = 99;
    CHECK_ERRNO(mq_notify(queue, &event), EINVAL);
    event.sigev_notify = -1;
    CHECK_ERRNO(mq_notify(queue, &event), EINVAL);
    event = by_signal(65, 0);
    CHECK_ERRNO(mq_notify(queue, &event), EINVAL);
    event = by_signal(-1, 0);
    CHECK_ERRNO(mq_notify(queue, &event), EINVAL);
    event = by_signal(1000, 0);
    CHECK_ERRNO(mq_notify(queue, &event), EINVAL);
    CHECK_EQ(child_registers(queue), 0);          /* nothing was registered */
    /* The request is checked before the descriptor. */
    CHECK_ERRNO(mq_notify(-1, &event), EINVAL);
    event = by_signal(SIGUSR1, 0);
    CHECK_ERRNO(mq_notify(-1, &event), EBADF);
    CHECK_ERRNO(mq_notify(-1, NULL), EBADF);
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    CHECK_ERRNO(mq_notify(pipe_ends[0], &event), EBADF);
    CHECK_EQ(close(pipe_ends[0]), 0);
    CHECK_EQ(close(pipe_ends[1]), 0);
    /* The highest signal is a good one. */
    event = by_signal(64, 0);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_EQ(mq_notify(queue, NULL), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* The owner closing a descriptor of the queue (any: the one it
 * registered through, a dup, another mq_open) drops the registration; a
 * child closing its copies does not; the owner's exit does. */
static void dropped_by_close_and_exit(void)
{
    const char *name = "/mqueue_notify_close";
    mqd_t queue = create(name);
    struct sigevent event = by_signal(SIGUSR1, 0);

    int copy = dup(queue);
    CHECK_EQ(mq_notify(copy, &event), 0);
    CHECK_EQ(close(copy), 0);
    CHECK_EQ(child_registers(queue), 0);
    CHECK_EQ(mq_send(queue, "dropped", 7, 0), 0);
    CHECK_EQ(take_signal(NULL), 0);
    receives(queue, "dropped");

    CHECK_EQ(mq_notify(queue, &event), 0);
    mqd_t other = mq_open(name, O_RDONLY);
    REQUIRE(other >= 0);
    CHECK_EQ(mq_close(other), 0);
    CHECK_EQ(child_registers(queue), 0);

    CHECK_EQ(mq_notify(queue, &event), 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mq_close(queue), 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(child_registers(queue), EBUSY);
    CHECK_EQ(mq_send(queue, "kept", 4, 0), 0);
    CHECK_EQ(take_signal(NULL), SIGUSR1);
    receives(queue, "kept");

    /* A child that registers and exits leaves the queue free. */
    child = fork();
    if (child == 0) {
        CHECK_EQ(mq_notify(queue, &event), 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(mq_notify(queue, &event), 0);
    CHECK_EQ(mq_notify(queue, NULL), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* read() of the descriptor: "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d
 * NOTIFY_PID:%-6d\n", NOTIFY being the sigev_notify registered. */
static void described_by_read(void)
{
    const char *name = "/mqueue_notify_read";
    mqd_t queue = create(name);
    char expected[200], text[200];
    struct sigevent event = by_signal(SIGUSR2, 0);
    CHECK_EQ(mq_notify(queue, &event), 0);
    snprintf(expected, sizeof expected,
             "QSIZE:%-10d NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", 0, 0, SIGUSR2, getpid());
    memset(text, 0, sizeof text);
    CHECK_EQ(pread(queue, text, sizeof text - 1, 0), (ssize_t)strlen(expected));
    CHECK(strcmp(text, expected) == 0);
    CHECK_EQ(mq_notify(queue, NULL), 0);

    struct sigevent nothing = by_nothing();
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mq_notify(queue, &nothing), 0);
        char line[200] = {0}, child_expected[200];
        snprintf(child_expected, sizeof child_expected,
                 "QSIZE:%-10d NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", 0, 1, 0, getpid());
        CHECK_EQ(pread(queue, line, sizeof line - 1, 0), (ssize_t)strlen(child_expected));
        CHECK(strcmp(line, child_expected) == 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(mq_send(queue, "12345", 5, 0), 0);
    snprintf(expected, sizeof expected,
             "QSIZE:%-10d NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", 5, 0, 0, 0);
    memset(text, 0, sizeof text);
    CHECK_EQ(pread(queue, text, sizeof text - 1, 0), (ssize_t)strlen(expected));
    CHECK(strcmp(text, expected) == 0);
    receives(queue, "12345");
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

int main(void)
{
    block_notification_signals();
    signal_on_arrival();
    only_into_an_empty_queue();
    one_registration_per_queue();
    a_waiting_receiver_comes_first();
    registrations_that_send_nothing();
    bad_requests();
    dropped_by_close_and_exit();
    described_by_read();
    CHECK_EQ(take_signal(NULL), 0);
    return check_finish("mqueue_notify");
}
