/* mq_notify with SIGEV_THREAD, as musl makes it: a thread runs the
 * function given, with the sigev_value, when a message arrives in the
 * empty queue, once; the registration holds the queue's place (EBUSY for
 * another) until then. musl asks Linux for the notification through an
 * AF_NETLINK socket: skipped, with the reason, on a system without
 * them. */
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include "check.h"
#include "signals.h"

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ran = PTHREAD_COND_INITIALIZER;
static int runs;
static int value_seen;

static void notified(union sigval value)
{
    pthread_mutex_lock(&lock);
    runs++;
    value_seen = value.sival_int;
    pthread_cond_signal(&ran);
    pthread_mutex_unlock(&lock);
}

/* Whether the notification thread ran (within two seconds). */
static int wait_for_run(int count)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_mutex_lock(&lock);
    while (runs < count)
        if (pthread_cond_timedwait(&ran, &lock, &until) != 0)
            break;
    int seen = runs;
    pthread_mutex_unlock(&lock);
    return seen >= count;
}

int main(void)
{
    int probe = socket(AF_NETLINK, SOCK_RAW, 0);
    if (probe < 0)
        check_skip("SIGEV_THREAD's notification comes through an AF_NETLINK socket, "
                   "which this system does not have yet");
    close(probe);
    const char *name = "/mqueue_notify_thread";
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 16};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    REQUIRE(queue >= 0);
    struct sigevent event = {.sigev_notify = SIGEV_THREAD,
                             .sigev_notify_function = notified,
                             .sigev_value.sival_int = 1234};
    CHECK_EQ(mq_notify(queue, &event), 0);
    struct sigevent other = {.sigev_notify = SIGEV_NONE};
    CHECK_ERRNO(mq_notify(queue, &other), EBUSY);
    CHECK_EQ(mq_send(queue, "wake", 4, 0), 0);
    CHECK(wait_for_run(1));
    CHECK_EQ(value_seen, 1234);
    /* Once: the next message into the (now empty) queue runs nothing. */
    char buffer[16];
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 4);
    CHECK_EQ(mq_send(queue, "again", 5, 0), 0);
    sleep_milliseconds(200);
    pthread_mutex_lock(&lock);
    CHECK_EQ(runs, 1);
    pthread_mutex_unlock(&lock);
    CHECK_EQ(mq_notify(queue, &other), 0);     /* the place is free again */
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
    return check_finish("mqueue_notify_thread");
}
