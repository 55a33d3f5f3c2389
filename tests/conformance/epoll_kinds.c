/* epoll on every kind of descriptor: pipe ends (EPOLLIN | EPOLLRDNORM
 * with data, EPOLLOUT | EPOLLWRNORM until full, the write end woken by
 * the read that empties a buffer); a FIFO (a reader that never had a
 * writer is not hung up, one whose writer left is (EPOLLHUP), a reader
 * opened after the writer left is not, a new writer ends the hangup;
 * O_RDWR ends are writable, readable with data, never hung up); eventfd
 * (EPOLLOUT below the ceiling, EPOLLIN above 0, never EPOLLRDNORM or
 * EPOLLWRNORM; under EPOLLET each write is an edge, and a read an
 * EPOLLOUT edge only for a registration that asked for EPOLLOUT);
 * timerfd (not ready disarmed or before the expiry, EPOLLIN alone after
 * a 20 ms one-shot found by a blocking epoll_wait, gone once read);
 * pidfd (EPOLLIN | EPOLLRDNORM once the process exits, reaped or not,
 * nothing before); a POSIX message queue (EPOLLOUT | EPOLLWRNORM while
 * not full, EPOLLIN | EPOLLRDNORM with a message, whatever the access
 * mode; a receive from a full queue and another process's send wake
 * it); memfd, regular file, /dev/zero (EPERM); an epoll inside another
 * (EPOLLIN | EPOLLRDNORM, never EPOLLOUT, while the inner one has an
 * event to give: a level-triggered registration of readable data, an
 * edge not yet taken; not once the pipe is drained or the edge taken or
 * a one-shot spent); poll() and select() on an epoll descriptor
 * (readable only with an event ready, never writable). */
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"
#include "epoll.h"

#define NS 1000000000ll
#define MS 1000000ll
#define FIFO "/tmp/epoll_kinds_fifo"
#define QUEUE "/epoll_kinds_test"
#define EVERYTHING (EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDNORM | EPOLLWRNORM | EPOLLRDBAND | EPOLLWRBAND | EPOLLRDHUP)

/* A fresh epoll with fd alone registered for events (data 1). */
static int watching(int fd, uint32_t events)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep >= 0 && add(ep, fd, events, 1) != 0) {
        close(ep);
        return -1;
    }
    return ep;
}

static void test_pipe(void)
{
    int fds[2];
    REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
    int reader = watching(fds[0], EVERYTHING), writer = watching(fds[1], EVERYTHING);
    REQUIRE(reader >= 0 && writer >= 0);
    CHECK_EQ(ready(reader), 0);
    CHECK_EQ(only(writer, 1), EPOLLOUT | EPOLLWRNORM);
    CHECK_EQ(write(fds[1], "abc", 3), 3);
    CHECK_EQ(only(reader, 1), EPOLLIN | EPOLLRDNORM);
    static char block[4096];
    while (write(fds[1], block, sizeof block) > 0)
        continue;
    CHECK_EQ(ready(writer), 0);
    CHECK_EQ(read(fds[0], block, 2), 2);
    CHECK_EQ(ready(writer), 0);          /* the first buffer is not free */
    CHECK_EQ(read(fds[0], block, 1), 1);
    CHECK_EQ(only(writer, 1), EPOLLOUT | EPOLLWRNORM);
    drain(fds[0]);
    CHECK_EQ(ready(reader), 0);
    close(reader);
    close(writer);
    close(fds[0]);
    close(fds[1]);
}

static void test_fifo(void)
{
    REQUIRE(mkfifo(FIFO, 0600) == 0);
    int reader = open(FIFO, O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    int ep = watching(reader, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    REQUIRE(ep >= 0);
    CHECK_EQ(ready(ep), 0);              /* never had a writer: no hangup */
    int writer = open(FIFO, O_WRONLY | O_NONBLOCK);
    REQUIRE(writer >= 0);
    CHECK_EQ(add(ep, writer, EPOLLIN | EPOLLOUT, 2), 0);
    CHECK_EQ(only(ep, 2), EPOLLOUT);
    CHECK_EQ(write(writer, "hello", 5), 5);
    CHECK_EQ(ready(ep), 2);
    CHECK_EQ(got[0].events | got[1].events, EPOLLIN | EPOLLOUT);
    CHECK_EQ(got[0].data.u64 + got[1].data.u64, 3);
    close(writer);                       /* leaves the epoll with it */
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLHUP);
    drain(reader);
    CHECK_EQ(only(ep, 1), EPOLLHUP);

    /* A reader that came after the writer left is not hung up. */
    int late = open(FIFO, O_RDONLY | O_NONBLOCK);
    REQUIRE(late >= 0);
    CHECK_EQ(add(ep, late, EPOLLIN, 3), 0);
    CHECK_EQ(only(ep, 1), EPOLLHUP);
    /* A new writer ends the hangup for both. */
    writer = open(FIFO, O_WRONLY | O_NONBLOCK);
    REQUIRE(writer >= 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(writer, "x", 1), 1);
    CHECK_EQ(ready(ep), 2);
    CHECK_EQ(got[0].events & got[1].events, EPOLLIN);
    CHECK_EQ(got[0].events | got[1].events, EPOLLIN);
    close(late);
    close(writer);
    close(reader);
    close(ep);

    /* Opened for both: writable, readable with data, never hung up. */
    int both = open(FIFO, O_RDWR);
    REQUIRE(both >= 0);
    ep = watching(both, EPOLLIN | EPOLLOUT);
    CHECK_EQ(only(ep, 1), EPOLLOUT);
    CHECK_EQ(write(both, "y", 1), 1);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLOUT);
    int other = open(FIFO, O_WRONLY | O_NONBLOCK);
    REQUIRE(other >= 0);
    close(other);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLOUT);
    drain(both);
    CHECK_EQ(only(ep, 1), EPOLLOUT);
    close(ep);
    close(both);
    CHECK_OK(unlink(FIFO));
}

static long add_to_counter(int fd, uint64_t value)
{
    return write(fd, &value, sizeof value);
}

static void test_eventfd(void)
{
    int fd = eventfd(0, EFD_NONBLOCK);
    REQUIRE(fd >= 0);
    int ep = watching(fd, EVERYTHING);
    REQUIRE(ep >= 0);
    CHECK_EQ(only(ep, 1), EPOLLOUT);
    CHECK_EQ(add_to_counter(fd, 3), 8);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLOUT);
    CHECK_EQ(add_to_counter(fd, 0xfffffffffffffffeull - 3), 8);
    CHECK_EQ(only(ep, 1), EPOLLIN);
    uint64_t value = 0;
    CHECK_EQ(read(fd, &value, sizeof value), 8);
    CHECK_EQ(only(ep, 1), EPOLLOUT);

    /* Edge-triggered: each write is an edge for EPOLLIN; a read is an
     * edge only for a registration that asked for EPOLLOUT. */
    int both = dup(fd);
    CHECK_EQ(mod(ep, fd, EPOLLIN | EPOLLET, 1), 0);
    CHECK_EQ(add(ep, both, EPOLLIN | EPOLLOUT | EPOLLET, 2), 0);
    CHECK_EQ(only(ep, 2), EPOLLOUT);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(add_to_counter(fd, 1), 8);
    CHECK_EQ(ready(ep), 2);
    CHECK_EQ(got[0].events | got[1].events, EPOLLIN | EPOLLOUT);
    CHECK_EQ(got[0].events & got[1].events, EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(add_to_counter(fd, 1), 8);
    CHECK_EQ(ready(ep), 2);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(read(fd, &value, sizeof value), 8);
    CHECK_EQ(value, 2);
    CHECK_EQ(only(ep, 2), EPOLLOUT);
    CHECK_EQ(ready(ep), 0);
    close(both);
    close(ep);
    close(fd);
}

static void test_timerfd(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    REQUIRE(fd >= 0);
    int ep = watching(fd, EVERYTHING);
    REQUIRE(ep >= 0);
    CHECK_EQ(ready(ep), 0);              /* disarmed */
    struct itimerspec far = {{0, 0}, {100, 0}};
    CHECK_OK(timerfd_settime(fd, 0, &far, NULL));
    CHECK_EQ(ready(ep), 0);              /* before the expiry */

    struct itimerspec soon = {{0, 0}, {0, 20 * MS}};
    long long start = now();
    CHECK_OK(timerfd_settime(fd, 0, &soon, NULL));
    CHECK_EQ(wait_for(ep, 5000), 1);
    long long waited = now() - start;
    CHECK(waited >= 15 * MS && waited < 5 * NS);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, 1);
    CHECK_EQ(only(ep, 1), EPOLLIN);
    uint64_t count = 0;
    CHECK_EQ(read(fd, &count, sizeof count), 8);
    CHECK_EQ(count, 1);
    CHECK_EQ(ready(ep), 0);

    /* Expired before it was registered: ready at once. */
    CHECK_OK(timerfd_settime(fd, 0, &soon, NULL));
    struct pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, 5000), 1);
    int late = epoll_create1(0);
    CHECK_EQ(add(late, fd, EPOLLIN | EPOLLOUT, 5), 0);
    CHECK_EQ(only(late, 5), EPOLLIN);
    close(late);
    close(ep);
    close(fd);
}

static long pidfd_open(pid_t pid, unsigned flags)
{
    return syscall(SYS_pidfd_open, pid, flags);
}

static void test_pidfd(void)
{
    int gate[2];
    REQUIRE(pipe(gate) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte;
        close(gate[1]);
        _exit(read(gate[0], &byte, 1) == 0 ? 0 : 1);
    }
    close(gate[0]);
    int fd = pidfd_open(child, 0);
    REQUIRE(fd >= 0);
    int ep = watching(fd, EVERYTHING);
    REQUIRE(ep >= 0);
    int in_only = epoll_create1(0);
    CHECK_EQ(add(in_only, fd, EPOLLIN, 2), 0);
    CHECK_EQ(ready(ep), 0);              /* running */
    CHECK_EQ(ready(in_only), 0);
    close(gate[1]);                      /* let it exit */
    CHECK_EQ(wait_for(ep, 5000), 1);
    CHECK_EQ(got[0].events, EPOLLIN | EPOLLRDNORM);
    CHECK_EQ(only(in_only, 2), EPOLLIN);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLRDNORM);   /* a zombie */
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLRDNORM);   /* reaped */

    /* Our own process never is. */
    int self = pidfd_open(getpid(), 0);
    REQUIRE(self >= 0);
    CHECK_EQ(add(in_only, self, EPOLLIN, 3), 0);
    CHECK_EQ(only(in_only, 2), EPOLLIN);
    close(self);
    close(in_only);
    close(ep);
    close(fd);
}

static void test_mqueue(void)
{
    mq_unlink(QUEUE);
    struct mq_attr attributes = {.mq_maxmsg = 2, .mq_msgsize = 16};
    mqd_t queue = mq_open(QUEUE, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &attributes);
    REQUIRE(queue != (mqd_t)-1);
    mqd_t receiver = mq_open(QUEUE, O_RDONLY | O_NONBLOCK);
    mqd_t sender = mq_open(QUEUE, O_WRONLY);
    REQUIRE(receiver != (mqd_t)-1 && sender != (mqd_t)-1);
    int ep = watching(queue, EVERYTHING);
    REQUIRE(ep >= 0);
    /* The access mode does not matter. */
    CHECK_EQ(add(ep, receiver, EPOLLIN | EPOLLOUT, 2), 0);
    CHECK_EQ(add(ep, sender, EPOLLIN | EPOLLOUT, 3), 0);
    CHECK_EQ(ready(ep), 3);
    CHECK_EQ(got[0].events & got[1].events & got[2].events, EPOLLOUT);
    CHECK_EQ(got[0].events | got[1].events | got[2].events, EPOLLOUT | EPOLLWRNORM);
    CHECK_EQ(ctl(ep, EPOLL_CTL_DEL, receiver, 0, 0), 0);
    CHECK_EQ(ctl(ep, EPOLL_CTL_DEL, sender, 0, 0), 0);

    CHECK_EQ(mq_send(queue, "one", 3, 1), 0);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM);
    CHECK_EQ(mq_send(queue, "two", 3, 1), 0);
    CHECK_EQ(only(ep, 1), EPOLLIN | EPOLLRDNORM);   /* full */
    CHECK_EQ(mod(ep, queue, EPOLLOUT, 4), 0);
    CHECK_EQ(ready(ep), 0);
    char message[16];
    CHECK_EQ(mq_receive(receiver, message, sizeof message, NULL), 3);
    CHECK_EQ(only(ep, 4), EPOLLOUT);     /* room again */
    CHECK_EQ(mq_receive(queue, message, sizeof message, NULL), 3);
    CHECK_EQ(mod(ep, queue, EPOLLIN, 5), 0);
    CHECK_EQ(ready(ep), 0);              /* empty */

    /* Another process's message. */
    pid_t child = fork();
    if (child == 0)
        _exit(mq_send(sender, "three", 5, 2) == 0 ? 0 : 1);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(wait_for(ep, 5000), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, 5);
    CHECK_EQ(mq_receive(queue, message, sizeof message, NULL), 5);
    CHECK_EQ(ready(ep), 0);
    close(ep);
    mq_close(sender);
    mq_close(receiver);
    mq_close(queue);
    CHECK_OK(mq_unlink(QUEUE));
}

static void test_not_pollable(void)
{
    int ep = epoll_create1(0);
    REQUIRE(ep >= 0);
    int memfd = memfd_create("epoll_kinds", 0);
    int file = open("/tmp/epoll_kinds_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    int zero = open("/dev/zero", O_RDONLY);
    REQUIRE(memfd >= 0 && file >= 0 && zero >= 0);
    CHECK_ERRNO(add(ep, memfd, EPOLLIN, 1), EPERM);
    CHECK_ERRNO(add(ep, file, EPOLLIN | EPOLLOUT, 2), EPERM);
    CHECK_ERRNO(add(ep, zero, EPOLLIN, 3), EPERM);
    CHECK_EQ(write(file, "data", 4), 4);
    CHECK_ERRNO(add(ep, file, EPOLLIN, 2), EPERM);
    int readonly = open("/tmp/epoll_kinds_file", O_RDONLY);
    CHECK_ERRNO(add(ep, readonly, EPOLLIN, 4), EPERM);
    CHECK_EQ(ready(ep), 0);
    close(readonly);
    close(zero);
    close(file);
    close(memfd);
    CHECK_OK(unlink("/tmp/epoll_kinds_file"));
    close(ep);
}

static short poll_events(int fd)
{
    struct pollfd entry = {fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLPRI, 0};
    return poll(&entry, 1, 0) == -1 ? -1 : entry.revents;
}

/* select's verdict: 1 readable, 2 writable, 0 neither, -1 failure. */
static int select_events(int fd)
{
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(fd, &readable);
    FD_SET(fd, &writable);
    struct timeval zero = {0, 0};
    if (select(fd + 1, &readable, &writable, NULL, &zero) < 0)
        return -1;
    return (FD_ISSET(fd, &readable) ? 1 : 0) | (FD_ISSET(fd, &writable) ? 2 : 0);
}

static void test_epoll_in_epoll(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int inner = watching(fds[0], EPOLLIN), outer = watching(inner, EVERYTHING);
    REQUIRE(inner >= 0 && outer >= 0);
    int in_only = epoll_create1(0);
    CHECK_EQ(add(in_only, inner, EPOLLIN, 7), 0);
    CHECK_EQ(ready(outer), 0);
    CHECK_EQ(poll_events(inner), 0);
    CHECK_EQ(select_events(inner), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(outer, 1), EPOLLIN | EPOLLRDNORM);
    CHECK_EQ(only(in_only, 7), EPOLLIN);
    CHECK_EQ(poll_events(inner), POLLIN | POLLRDNORM);
    CHECK_EQ(select_events(inner), 1);
    /* Level-triggered inside: asking the inner one changes nothing. */
    CHECK_EQ(only(inner, 1), EPOLLIN);
    CHECK_EQ(only(outer, 1), EPOLLIN | EPOLLRDNORM);
    drain(fds[0]);
    CHECK_EQ(ready(outer), 0);
    CHECK_EQ(ready(in_only), 0);
    CHECK_EQ(poll_events(inner), 0);
    CHECK_EQ(select_events(inner), 0);

    /* Edge-triggered inside: ready until the inner one gives the edge
     * away, data left or not. */
    CHECK_EQ(mod(inner, fds[0], EPOLLIN | EPOLLET, 2), 0);
    CHECK_EQ(ready(outer), 0);
    CHECK_EQ(write(fds[1], "ab", 2), 2);
    CHECK_EQ(only(outer, 1), EPOLLIN | EPOLLRDNORM);
    CHECK_EQ(poll_events(inner), POLLIN | POLLRDNORM);
    CHECK_EQ(only(inner, 2), EPOLLIN);
    CHECK_EQ(ready(outer), 0);
    CHECK_EQ(poll_events(inner), 0);
    CHECK_EQ(select_events(inner), 0);

    /* One-shot inside: spent, the inner one has nothing to give. */
    CHECK_EQ(mod(inner, fds[0], EPOLLIN | EPOLLONESHOT, 3), 0);
    CHECK_EQ(only(outer, 1), EPOLLIN | EPOLLRDNORM);
    CHECK_EQ(only(inner, 3), EPOLLIN);
    CHECK_EQ(ready(outer), 0);
    CHECK_EQ(poll_events(inner), 0);
    CHECK_EQ(mod(inner, fds[0], EPOLLIN, 4), 0);
    CHECK_EQ(only(outer, 1), EPOLLIN | EPOLLRDNORM);

    /* The outer one itself, with the inner ready, in poll and select. */
    CHECK_EQ(poll_events(outer), POLLIN | POLLRDNORM);
    CHECK_EQ(select_events(outer), 1);
    struct pollfd entry = {outer, POLLIN | POLLOUT, 0};
    CHECK_EQ(poll(&entry, 1, 0), 1);
    CHECK_EQ(entry.revents, POLLIN);
    drain(fds[0]);
    CHECK_EQ(poll(&entry, 1, 0), 0);
    CHECK_EQ(entry.revents, 0);
    CHECK_EQ(poll_events(outer), 0);
    CHECK_EQ(select_events(outer), 0);

    /* An epoll with nothing registered is never ready. */
    int empty = epoll_create1(0);
    CHECK_EQ(poll_events(empty), 0);
    CHECK_EQ(select_events(empty), 0);
    CHECK_EQ(add(outer, empty, EVERYTHING, 9), 0);
    CHECK_EQ(ready(outer), 0);
    close(empty);
    close(in_only);
    close(outer);
    close(inner);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    test_pipe();
    test_fifo();
    test_eventfd();
    test_timerfd();
    test_pidfd();
    test_mqueue();
    test_not_pollable();
    test_epoll_in_epoll();
    return check_finish("epoll_kinds");
}
