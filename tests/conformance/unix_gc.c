/* The garbage collector of descriptors in flight: a socket whose only
 * reference is a message in its own receive queue (sent over its peer,
 * then closed) is unreachable, and is freed when the collector runs,
 * which on Linux 6.1 is at the release of any unix socket while some
 * descriptor is in flight, in the background (a work queue: Debian's
 * 6.1 has the stable backports that made it asynchronous). Observed
 * through what the freed socket held: its peer sees the connection end
 * (POLLHUP, waited for by poll without a timeout; then end of file,
 * EPIPE), and its abstract name is free again (bind succeeds where it was
 * EADDRINUSE; Linux removes the name before it tells the peer). A cycle of two sockets each in the other's queue is freed
 * the same way; a socket in flight in a queue that an open socket can
 * still read is not freed, and arrives working.
 *
 * On tern the unix server collects when settling the release that
 * starts it (servers/unix/garbage.c), before the close returns. */
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "check.h"
#include "scm.h"

static socklen_t abstract(struct sockaddr_un *address, const char *text)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path + 1, text, strlen(text));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(text));
}

/* Whether a fresh stream socket can bind the name now (then released). */
static int name_free(const struct sockaddr_un *address, socklen_t length)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int result = bind(fd, (const struct sockaddr *)address, length);
    int error = errno;
    close(fd);
    if (result == 0)
        return 1;
    return error == EADDRINUSE ? 0 : -error;
}

static short poll_events(int fd)
{
    struct pollfd entry = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP};
    if (poll(&entry, 1, 0) < 0)
        return -1;
    return entry.revents;
}

/* The collector runs when a unix socket is released while descriptors
 * are in flight: make one and close it. */
static void run_collector(void)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    close(fd);
}

/* Waits (without a timeout) for the peer of fd to go: the collector runs
 * in the background on Linux (a work queue, since the stable backports
 * of "af_unix: Try to run GC async"), so its end is known only through
 * what it does. */
static short wait_for_hangup(int fd)
{
    struct pollfd entry = {.fd = fd, .events = POLLRDHUP};
    while (poll(&entry, 1, -1) == 1 && !(entry.revents & POLLHUP))
        ;
    return poll_events(fd);
}

/* b sent over a (so into b's own queue), then closed. */
static void test_self_cycle(void)
{
    struct sockaddr_un name;
    socklen_t length = abstract(&name, "unix_gc.self");
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    REQUIRE(bind(sv[1], (struct sockaddr *)&name, length) == 0);
    CHECK_EQ(name_free(&name, length), 0);
    CHECK_EQ(send_fd(sv[0], sv[1]), 1);
    close(sv[1]);
    /* Still there: only its own queue holds it, and no unix socket has
     * been released since (which would start the collector). */
    CHECK_EQ(poll_events(sv[0]), POLLOUT);
    /* name_free's bind fails before its release starts the collector. */
    CHECK_EQ(name_free(&name, length), 0);
    /* The collector finds sv[1] unreachable and frees it: its name is
     * removed before its peer is told. */
    CHECK_EQ(wait_for_hangup(sv[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ(name_free(&name, length), 1);
    char byte;
    CHECK_EQ(read(sv[0], &byte, 1), 0);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[0]);
}

/* The same with a seqpacket pair, the collector started by an unrelated
 * close. */
static void test_self_cycle_other_close(void)
{
    struct sockaddr_un name;
    socklen_t length = abstract(&name, "unix_gc.other");
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    REQUIRE(bind(sv[1], (struct sockaddr *)&name, length) == 0);
    CHECK_EQ(send_fd(sv[0], sv[1]), 1);
    close(sv[1]);
    CHECK_EQ(poll_events(sv[0]), POLLOUT);
    run_collector();
    CHECK_EQ(wait_for_hangup(sv[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    /* The name of a seqpacket socket: bound by a seqpacket socket. */
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(fd >= 0);
    CHECK_OK(bind(fd, (struct sockaddr *)&name, length));
    close(fd);
    close(sv[0]);
}

/* Two pairs: b2 in b1's queue, b1 in b2's queue, both b closed; the a
 * ends stay open to watch (they do not make the b ends reachable: only
 * descriptors in flight do). */
static void test_two_cycle(void)
{
    struct sockaddr_un name1, name2;
    socklen_t length1 = abstract(&name1, "unix_gc.one");
    socklen_t length2 = abstract(&name2, "unix_gc.two");
    int p1[2], p2[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, p1) == 0);
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, p2) == 0);
    REQUIRE(bind(p1[1], (struct sockaddr *)&name1, length1) == 0);
    REQUIRE(bind(p2[1], (struct sockaddr *)&name2, length2) == 0);
    CHECK_EQ(send_fd(p1[0], p2[1]), 1);
    CHECK_EQ(send_fd(p2[0], p1[1]), 1);
    close(p1[1]);
    close(p2[1]);
    CHECK_EQ(poll_events(p1[0]), POLLOUT);
    CHECK_EQ(poll_events(p2[0]), POLLOUT);
    run_collector();
    CHECK_EQ(wait_for_hangup(p1[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ(wait_for_hangup(p2[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ(name_free(&name1, length1), 1);
    CHECK_EQ(name_free(&name2, length2), 1);
    close(p1[0]);
    close(p2[0]);
}

/* A socket in flight to a queue an open socket reads is not garbage: the
 * collector leaves it, and it arrives working. */
static void test_reachable(void)
{
    struct sockaddr_un name;
    socklen_t length = abstract(&name, "unix_gc.reachable");
    int carrier[2], passed[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, carrier) == 0);
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, passed) == 0);
    REQUIRE(bind(passed[1], (struct sockaddr *)&name, length) == 0);
    CHECK_EQ(send_fd(carrier[0], passed[1]), 1);
    close(passed[1]);
    run_collector();
    run_collector();
    CHECK_EQ(name_free(&name, length), 0);
    CHECK_EQ(poll_events(passed[0]), POLLOUT);
    int fd = receive_fd(carrier[1], 0);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "alive", 5), 5);
    char buffer[8];
    CHECK_EQ(read(passed[0], buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "alive", 5) == 0);
    close(fd);
    CHECK_EQ(name_free(&name, length), 1);
    CHECK_EQ(read(passed[0], buffer, sizeof buffer), 0);
    close(passed[0]);
    close(carrier[0]);
    close(carrier[1]);
}

/* A queue's descriptors are closed when its socket goes: a pipe end sent
 * over a pair whose both ends are then closed (no cycle) leaves the pipe
 * without a writer. */
static void test_queue_closed(void)
{
    int sv[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    REQUIRE(pipe(ends) == 0);
    CHECK_EQ(send_fd(sv[0], ends[1]), 1);
    close(ends[1]);
    close(sv[0]);
    close(sv[1]);
    char byte;
    CHECK_EQ(read(ends[0], &byte, 1), 0);
    close(ends[0]);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_self_cycle();
    test_self_cycle_other_close();
    test_two_cycle();
    test_reachable();
    test_queue_closed();
    return check_finish("unix_gc");
}
