/* POSIX message queues that wait: a receiver waiting on an empty queue is
 * woken by another process's message (two receivers by two messages); a
 * sender waiting on a full queue is woken when a message is taken, its
 * message then queued; mq_timedreceive and mq_timedsend with an absolute
 * CLOCK_REALTIME timeout: ETIMEDOUT at once for one in the past, after
 * it for one a little ahead, not needed when the call need not wait,
 * EAGAIN rather than ETIMEDOUT with O_NONBLOCK; a bad timeout (tv_nsec
 * out of 0..999999999, tv_sec negative) is EINVAL before anything else,
 * even when the call would not wait, on a bad descriptor or with a short
 * buffer, and a bad pointer EFAULT; a sigusr1_handled signal ends a wait with
 * EINTR without SA_RESTART, and with SA_RESTART the call goes on waiting
 * and gets the message (receiving and sending). */
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "signals.h"

static char buffer[64];

static mqd_t create(const char *name, int flags, long maxmsg)
{
    struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = sizeof buffer};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | flags, 0600, &attr);
    REQUIRE(queue >= 0);
    return queue;
}

static long queued(mqd_t queue)
{
    struct mq_attr attr = {0};
    CHECK_EQ(mq_getattr(queue, &attr), 0);
    return attr.mq_curmsgs;
}

static void receives(mqd_t queue, const char *text, unsigned priority)
{
    unsigned got = ~0u;
    ssize_t length = mq_receive(queue, buffer, sizeof buffer, &got);
    CHECK_EQ(length, (ssize_t)strlen(text));
    CHECK(length >= 0 && memcmp(buffer, text, length) == 0);
    CHECK_EQ(got, priority);
}

/* CLOCK_REALTIME now, plus milliseconds. */
static struct timespec realtime_in(long milliseconds)
{
    struct timespec when;
    clock_gettime(CLOCK_REALTIME, &when);
    when.tv_sec += milliseconds / 1000;
    when.tv_nsec += (milliseconds % 1000) * 1000000;
    if (when.tv_nsec >= 1000000000) {
        when.tv_sec++;
        when.tv_nsec -= 1000000000;
    } else if (when.tv_nsec < 0) {
        when.tv_sec--;
        when.tv_nsec += 1000000000;
    }
    return when;
}

static int reached(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static void receiver_woken_by_sender(void)
{
    const char *name = "/mqueue_blocking_receive";
    mqd_t queue = create(name, O_RDWR, 4);
    mqd_t answers = create("/mqueue_blocking_answers", O_RDWR, 4);
    pid_t child = fork();
    if (child == 0) {
        receives(queue, "wake up", 3);
        CHECK_EQ(mq_send(answers, "awake", 5, 1), 0);
        check_child_exit();
    }
    sleep_milliseconds(100);        /* the child is waiting by then, likely */
    CHECK_EQ(mq_send(queue, "wake up", 7, 3), 0);
    receives(answers, "awake", 1);
    check_child_passed(child);
    CHECK_EQ(queued(queue), 0);

    /* Two waiting receivers, two messages: one each. */
    pid_t first = fork();
    if (first == 0)
        _exit(mq_receive(queue, buffer, sizeof buffer, NULL) == 1 ? 0 : 1);
    pid_t second = fork();
    if (second == 0)
        _exit(mq_receive(queue, buffer, sizeof buffer, NULL) == 1 ? 0 : 1);
    sleep_milliseconds(100);
    CHECK_EQ(mq_send(queue, "1", 1, 0), 0);
    CHECK_EQ(mq_send(queue, "2", 1, 0), 0);
    CHECK(exited_with(first, 0));
    CHECK(exited_with(second, 0));
    CHECK_EQ(queued(queue), 0);
    CHECK_EQ(mq_close(answers), 0);
    CHECK_EQ(mq_unlink("/mqueue_blocking_answers"), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void sender_woken_by_receiver(void)
{
    const char *name = "/mqueue_blocking_send";
    mqd_t queue = create(name, O_RDWR, 1);
    CHECK_EQ(mq_send(queue, "first", 5, 1), 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mq_send(queue, "second", 6, 9), 0);
        check_child_exit();
    }
    sleep_milliseconds(100);
    receives(queue, "first", 1);
    receives(queue, "second", 9);        /* waits for it if need be */
    check_child_passed(child);
    CHECK_EQ(queued(queue), 0);

    /* A full queue with a waiting sender, as O_NONBLOCK sees it. */
    CHECK_EQ(mq_send(queue, "full", 4, 0), 0);
    child = fork();
    if (child == 0) {
        CHECK_EQ(mq_send(queue, "waited", 6, 0), 0);
        check_child_exit();
    }
    sleep_milliseconds(100);
    mqd_t nonblocking = mq_open(name, O_RDWR | O_NONBLOCK);
    REQUIRE(nonblocking >= 0);
    CHECK_ERRNO(mq_send(nonblocking, "no room", 7, 0), EAGAIN);
    receives(nonblocking, "full", 0);
    receives(queue, "waited", 0);
    check_child_passed(child);
    CHECK_ERRNO(mq_receive(nonblocking, buffer, sizeof buffer, NULL), EAGAIN);
    CHECK_EQ(mq_close(nonblocking), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void timeouts(void)
{
    const char *name = "/mqueue_blocking_timeouts";
    mqd_t queue = create(name, O_RDWR, 1);
    struct timespec past = realtime_in(-1000);
    struct timespec epoch = {0, 0};
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &past), ETIMEDOUT);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &epoch), ETIMEDOUT);
    struct timespec soon = realtime_in(50);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &soon), ETIMEDOUT);
    CHECK(reached(&soon));

    /* Not needed when a message is there. */
    CHECK_EQ(mq_timedsend(queue, "m", 1, 4, &past), 0);
    /* Full now. */
    CHECK_ERRNO(mq_timedsend(queue, "n", 1, 0, &past), ETIMEDOUT);
    CHECK_ERRNO(mq_timedsend(queue, "n", 1, 0, &epoch), ETIMEDOUT);
    soon = realtime_in(50);
    CHECK_ERRNO(mq_timedsend(queue, "n", 1, 0, &soon), ETIMEDOUT);
    CHECK(reached(&soon));
    unsigned priority = 0;
    CHECK_EQ(mq_timedreceive(queue, buffer, sizeof buffer, &priority, &past), 1);
    CHECK_EQ(priority, 4);
    CHECK_EQ(queued(queue), 0);

    /* With O_NONBLOCK nothing waits: EAGAIN. */
    mqd_t nonblocking = mq_open(name, O_RDWR | O_NONBLOCK);
    REQUIRE(nonblocking >= 0);
    struct timespec later = realtime_in(60000);
    CHECK_ERRNO(mq_timedreceive(nonblocking, buffer, sizeof buffer, NULL, &past), EAGAIN);
    CHECK_ERRNO(mq_timedreceive(nonblocking, buffer, sizeof buffer, NULL, &later), EAGAIN);
    CHECK_EQ(mq_timedsend(nonblocking, "x", 1, 0, &later), 0);
    CHECK_ERRNO(mq_timedsend(nonblocking, "y", 1, 0, &past), EAGAIN);
    CHECK_ERRNO(mq_timedsend(nonblocking, "y", 1, 0, &later), EAGAIN);
    CHECK_EQ(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &later), 1);

    /* A message that comes before the timeout. */
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(50);
        CHECK_EQ(mq_send(queue, "in time", 7, 2), 0);
        check_child_exit();
    }
    CHECK_EQ(mq_timedreceive(queue, buffer, sizeof buffer, &priority, &later), 7);
    CHECK_EQ(priority, 2);
    check_child_passed(child);
    CHECK_EQ(mq_close(nonblocking), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* A bad timeout is EINVAL whether the call would wait or not, and before
 * the descriptor, the size or the priority is looked at. */
static void bad_timeouts(void)
{
    const char *name = "/mqueue_blocking_bad_timeouts";
    mqd_t queue = create(name, O_RDWR, 1);
    mqd_t nonblocking = mq_open(name, O_RDWR | O_NONBLOCK);
    REQUIRE(nonblocking >= 0);
    struct timespec too_many_nanoseconds = {0, 1000000000};
    struct timespec negative_nanoseconds = {0, -1};
    struct timespec negative_seconds = {-1, 0};
    struct timespec later = realtime_in(60000);
    later.tv_nsec = 1000000000;
    /* Empty: these would wait. */
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &negative_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &negative_seconds), EINVAL);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &later), EINVAL);
    /* O_NONBLOCK would say EAGAIN; a short buffer EMSGSIZE; a bad
     * descriptor EBADF. */
    CHECK_ERRNO(mq_timedreceive(nonblocking, buffer, sizeof buffer, NULL, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, 1, NULL, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedreceive(-1, buffer, sizeof buffer, NULL, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedsend(-1, "x", 1, 0, &negative_nanoseconds), EINVAL);
    /* Room: the send would not wait, and does not happen. */
    CHECK_ERRNO(mq_timedsend(queue, "x", 1, 0, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedsend(queue, "x", 1, 0, &negative_seconds), EINVAL);
    CHECK_ERRNO(mq_timedsend(queue, buffer, sizeof buffer + 1, 0, &negative_nanoseconds), EINVAL);
    CHECK_EQ(queued(queue), 0);
    /* A message waiting: the receive would not wait, and does not happen. */
    CHECK_EQ(mq_send(queue, "kept", 4, 0), 0);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &negative_nanoseconds), EINVAL);
    CHECK_EQ(queued(queue), 1);
    /* Full: the send would wait. */
    CHECK_ERRNO(mq_timedsend(queue, "x", 1, 0, &too_many_nanoseconds), EINVAL);
    CHECK_ERRNO(mq_timedsend(nonblocking, "x", 1, 0, &negative_nanoseconds), EINVAL);
    /* A timeout that cannot be read. */
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, (struct timespec *)8), EFAULT);
    CHECK_ERRNO(mq_timedsend(queue, "x", 1, 0, (struct timespec *)8), EFAULT);
    CHECK_EQ(queued(queue), 1);
    receives(queue, "kept", 0);
    CHECK_EQ(mq_close(nonblocking), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* Without SA_RESTART a sigusr1_handled signal ends the wait with EINTR. */
static void signal_interrupts(void)
{
    const char *name = "/mqueue_blocking_eintr";
    mqd_t queue = create(name, O_RDWR, 1);
    handle_sigusr1(0);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child > 0);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EINTR);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));

    struct timespec later = realtime_in(60000);
    child = signal_later(SIGUSR1);
    REQUIRE(child > 0);
    CHECK_ERRNO(mq_timedreceive(queue, buffer, sizeof buffer, NULL, &later), EINTR);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK(exited_with(child, 0));

    CHECK_EQ(mq_send(queue, "full", 4, 0), 0);
    child = signal_later(SIGUSR1);
    REQUIRE(child > 0);
    CHECK_ERRNO(mq_send(queue, "more", 4, 0), EINTR);
    CHECK_EQ(sigusr1_handled, 3);
    CHECK(exited_with(child, 0));
    child = signal_later(SIGUSR1);
    REQUIRE(child > 0);
    CHECK_ERRNO(mq_timedsend(queue, "more", 4, 0, &later), EINTR);
    CHECK_EQ(sigusr1_handled, 4);
    CHECK(exited_with(child, 0));
    CHECK_EQ(queued(queue), 1);
    receives(queue, "full", 0);
    signal(SIGUSR1, SIG_DFL);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* With SA_RESTART the call goes on after the handler: a child signals the
 * waiter, then later sends (or receives) what it waits for. */
static void signal_restarts(void)
{
    const char *name = "/mqueue_blocking_restart";
    mqd_t queue = create(name, O_RDWR, 1);
    handle_sigusr1(SA_RESTART);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        CHECK_EQ(mq_send(queue, "after the signal", 16, 5), 0);
        check_child_exit();
    }
    receives(queue, "after the signal", 5);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));

    struct timespec later = realtime_in(60000);
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        CHECK_EQ(mq_send(queue, "timed", 5, 6), 0);
        check_child_exit();
    }
    unsigned priority = 0;
    CHECK_EQ(mq_timedreceive(queue, buffer, sizeof buffer, &priority, &later), 5);
    CHECK_EQ(priority, 6);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK(exited_with(child, 0));

    CHECK_EQ(mq_send(queue, "full", 4, 0), 0);
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        receives(queue, "full", 0);
        check_child_exit();
    }
    CHECK_EQ(mq_send(queue, "sent at last", 12, 7), 0);
    CHECK_EQ(sigusr1_handled, 3);
    CHECK(exited_with(child, 0));
    receives(queue, "sent at last", 7);
    signal(SIGUSR1, SIG_DFL);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

int main(void)
{
    receiver_woken_by_sender();
    sender_woken_by_receiver();
    timeouts();
    bad_timeouts();
    signal_interrupts();
    signal_restarts();
    return check_finish("mqueue_blocking");
}
