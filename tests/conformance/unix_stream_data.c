/* Data on a connected stream socket (a socketpair, and a child for what
 * must block): MSG_PEEK (across writes), MSG_DONTWAIT (EAGAIN), MSG_WAITALL
 * across several writes, partial reads, readv/writev, 1 MiB through a
 * child with its content checked, shutdown (SHUT_WR: the peer reads end of
 * file; SHUT_RD; writes after either EPIPE; bad `how` EINVAL), the calls on
 * unconnected sockets, and what poll and epoll report, where Linux's
 * answer does not depend on timing.
 *
 * Linux's answers worth knowing: shutdown of an unconnected unix socket
 * succeeds (no ENOTCONN); a read or recv of an unconnected stream socket
 * is EINVAL, a write ENOTCONN, a sendto with an address EOPNOTSUPP (EISCONN
 * when connected); an unconnected stream socket polls POLLOUT|POLLHUP. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "check.h"

static void pair(int sv[2])
{
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
}

static short poll_events(int fd, short events)
{
    struct pollfd entry = {.fd = fd, .events = events};
    int ready = poll(&entry, 1, 0);
    if (ready < 0)
        return -1;
    return entry.revents;
}

#define ALL (POLLIN | POLLOUT | POLLRDHUP | POLLPRI)

static void test_peek_and_partial(void)
{
    int sv[2];
    pair(sv);
    char buffer[32];
    CHECK_ERRNO(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    CHECK_ERRNO(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT | MSG_PEEK), EAGAIN);
    CHECK_EQ(poll_events(sv[0], ALL), POLLOUT);

    CHECK_EQ(write(sv[1], "abc", 3), 3);
    CHECK_EQ(write(sv[1], "defg", 4), 4);
    CHECK_EQ(poll_events(sv[0], ALL), POLLIN | POLLOUT);
    /* A peek sees both writes, and leaves them. */
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, MSG_PEEK), 7);
    CHECK(memcmp(buffer, "abcdefg", 7) == 0);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[0], buffer, 2, MSG_PEEK), 2);
    CHECK(memcmp(buffer, "ab", 2) == 0);
    /* Partial reads. */
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(read(sv[0], buffer, 2), 2);
    CHECK(memcmp(buffer, "ab", 2) == 0);
    CHECK_EQ(recv(sv[0], buffer, 1, MSG_PEEK), 1);
    CHECK_EQ(buffer[0], 'c');
    CHECK_EQ(read(sv[0], buffer, 3), 3);
    CHECK(memcmp(buffer, "cde", 3) == 0);
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), 2);
    CHECK(memcmp(buffer, "fg", 2) == 0);
    CHECK_ERRNO(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ(poll_events(sv[0], ALL), POLLOUT);
    /* A zero-length read and write. */
    CHECK_EQ(read(sv[0], buffer, 0), 0);
    CHECK_EQ(write(sv[1], buffer, 0), 0);
    CHECK_ERRNO(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);

    /* An O_NONBLOCK descriptor: read is EAGAIN too. */
    CHECK_OK(fcntl(sv[0], F_SETFL, O_NONBLOCK));
    CHECK_ERRNO(read(sv[0], buffer, sizeof buffer), EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

static void test_vectors(void)
{
    int sv[2];
    pair(sv);
    char one[] = "scatter", two[] = "/", three[] = "gather";
    struct iovec out[3] = {{one, 7}, {two, 1}, {three, 6}};
    CHECK_EQ(writev(sv[0], out, 3), 14);
    char a[3], b[5], c[10];
    memset(c, 0, sizeof c);
    struct iovec in[3] = {{a, 3}, {b, 5}, {c, sizeof c}};
    CHECK_EQ(readv(sv[1], in, 3), 14);
    CHECK(memcmp(a, "sca", 3) == 0);
    CHECK(memcmp(b, "tter/", 5) == 0);
    CHECK(memcmp(c, "gather", 6) == 0);

    /* sendmsg/recvmsg with vectors and no name. */
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = out;
    message.msg_iovlen = 3;
    CHECK_EQ(sendmsg(sv[1], &message, 0), 14);
    char all[32];
    memset(all, 0, sizeof all);
    struct iovec whole = {all, sizeof all};
    memset(&message, 0, sizeof message);
    message.msg_iov = &whole;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(sv[0], &message, 0), 14);
    CHECK(memcmp(all, "scatter/gather", 14) == 0);
    CHECK_EQ(message.msg_flags, 0);
    close(sv[0]);
    close(sv[1]);
}

/* MSG_WAITALL: a child writes 4 x 25 bytes, one write per request read
 * from a pipe; however the writes and the recv interleave, the recv
 * returns only with all 100 bytes. */
static void test_waitall(void)
{
    int sv[2], ask[2];
    pair(sv);
    REQUIRE(pipe(ask) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(sv[0]);
        close(ask[1]);
        char part[25];
        for (int i = 0; i < 4; i++) {
            char flag;
            if (read(ask[0], &flag, 1) != 1)
                _exit(2);
            memset(part, 'A' + i, sizeof part);
            if (write(sv[1], part, sizeof part) != (ssize_t)sizeof part)
                _exit(3);
        }
        _exit(0);
    }
    close(sv[1]);
    close(ask[0]);
    CHECK_EQ(write(ask[1], "gggg", 4), 4);
    char buffer[100];
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, MSG_WAITALL), 100);
    int right = 1;
    for (int i = 0; i < 100; i++)
        right &= buffer[i] == 'A' + i / 25;
    CHECK(right);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The writer gone, MSG_WAITALL returns what there is: nothing. */
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, MSG_WAITALL), 0);
    close(sv[0]);
    close(ask[1]);

    /* MSG_WAITALL cut short by end of file: what came. */
    pair(sv);
    CHECK_EQ(write(sv[1], "short", 5), 5);
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, MSG_WAITALL), 5);
    close(sv[0]);
    close(sv[1]);
}

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 31 + (i >> 12));
}

/* 1 MiB from a child, in writes of 10000 bytes, read in pieces of 4096:
 * every byte in order, then end of file. */
static void test_large_transfer(void)
{
    enum { TOTAL = 1024 * 1024, WRITE = 10000, READ = 4096 };
    int sv[2];
    pair(sv);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(sv[0]);
        static unsigned char out[WRITE];
        size_t sent = 0;
        while (sent < TOTAL) {
            size_t length = TOTAL - sent < WRITE ? TOTAL - sent : WRITE;
            for (size_t i = 0; i < length; i++)
                out[i] = pattern(sent + i);
            ssize_t written = write(sv[1], out, length);
            if (written <= 0)
                _exit(2);
            sent += (size_t)written;
        }
        _exit(0);
    }
    close(sv[1]);
    static unsigned char in[READ];
    size_t received = 0;
    int right = 1;
    for (;;) {
        ssize_t got = read(sv[0], in, READ);
        if (got <= 0) {
            CHECK_EQ(got, 0);
            break;
        }
        for (ssize_t i = 0; i < got; i++)
            right &= in[i] == pattern(received + (size_t)i);
        received += (size_t)got;
    }
    CHECK_EQ(received, TOTAL);
    CHECK(right);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(sv[0]);
}

static void test_shutdown(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    char buffer[16];

    /* SHUT_WR: the peer reads what was sent, then end of file; it can
     * still write back. */
    pair(sv);
    CHECK_EQ(write(sv[0], "bye", 3), 3);
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ(poll_events(sv[1], ALL), POLLIN | POLLOUT | POLLRDHUP);
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 3);
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 0);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), 0);
    CHECK_EQ(poll_events(sv[1], ALL), POLLIN | POLLOUT | POLLRDHUP);
    CHECK_EQ(poll_events(sv[0], ALL), POLLOUT);
    CHECK_EQ(write(sv[1], "back", 4), 4);
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 4);
    /* Shutting down again is fine. */
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    /* Both directions: POLLHUP on both sides. */
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK_EQ(poll_events(sv[0], ALL), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ(poll_events(sv[1], ALL), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 0);
    close(sv[0]);
    close(sv[1]);

    /* SHUT_RD: reads see end of file (after what was already there); the
     * peer's writes fail with EPIPE. */
    pair(sv);
    CHECK_EQ(write(sv[1], "queued", 6), 6);
    CHECK_OK(shutdown(sv[0], SHUT_RD));
    CHECK_EQ(poll_events(sv[0], ALL), POLLIN | POLLOUT | POLLRDHUP);
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 6);
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 0);
    CHECK_ERRNO(write(sv[1], "x", 1), EPIPE);
    /* It can still write. */
    CHECK_EQ(write(sv[0], "out", 3), 3);
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 3);
    close(sv[0]);
    close(sv[1]);

    /* SHUT_RDWR, and a bad `how`. */
    pair(sv);
    CHECK_ERRNO(shutdown(sv[0], 3), EINVAL);
    CHECK_ERRNO(shutdown(sv[0], -1), EINVAL);
    CHECK_OK(shutdown(sv[0], SHUT_RDWR));
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 0);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 0);
    CHECK_ERRNO(write(sv[1], "x", 1), EPIPE);
    CHECK_EQ(poll_events(sv[1], ALL), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    close(sv[0]);
    close(sv[1]);

    /* The peer closed: POLLHUP, and the closer's unread data is lost. */
    pair(sv);
    close(sv[1]);
    CHECK_EQ(poll_events(sv[0], ALL), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ(poll_events(sv[0], 0), POLLHUP);
    close(sv[0]);
    signal(SIGPIPE, SIG_DFL);
}

static void test_unconnected(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    char buffer[4];
    CHECK_ERRNO(read(fd, buffer, sizeof buffer), EINVAL);
    CHECK_ERRNO(recv(fd, buffer, sizeof buffer, MSG_DONTWAIT), EINVAL);
    CHECK_ERRNO(write(fd, "x", 1), ENOTCONN);
    CHECK_ERRNO(send(fd, "x", 1, 0), ENOTCONN);
    struct sockaddr_un address = {.sun_family = AF_UNIX, .sun_path = "\0somewhere"};
    CHECK_ERRNO(sendto(fd, "x", 1, 0, (struct sockaddr *)&address, sizeof address), EOPNOTSUPP);
    CHECK_EQ(poll_events(fd, ALL), POLLOUT | POLLHUP);
    CHECK_OK(shutdown(fd, SHUT_RDWR));
    close(fd);

    int sv[2];
    pair(sv);
    CHECK_ERRNO(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&address, sizeof address), EISCONN);
    close(sv[0]);
    close(sv[1]);
}

static void test_epoll(void)
{
    int sv[2];
    pair(sv);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    REQUIRE(ep >= 0);
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = 7};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &event));
    struct epoll_event got[2];
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 0);
    CHECK_EQ(write(sv[1], "e", 1), 1);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, 7);
    char byte;
    CHECK_EQ(read(sv[0], &byte, 1), 1);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 0);

    /* A child writes while the parent waits without a timeout. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (write(sv[1], "w", 1) != 1)
            _exit(2);
        _exit(0);
    }
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, -1), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(read(sv[0], &byte, 1), 1);
    CHECK_EQ(byte, 'w');
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* The peer's SHUT_WR, then its close. */
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 1);
    CHECK_EQ(got[0].events, EPOLLIN | EPOLLRDHUP);
    close(sv[1]);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 1);
    CHECK_EQ(got[0].events, EPOLLIN | EPOLLRDHUP | EPOLLHUP);

    /* Writability. */
    int other[2];
    pair(other);
    event.events = EPOLLOUT;
    event.data.u64 = 9;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, other[0], &event));
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 1);
    CHECK_EQ(got[0].events, EPOLLOUT);
    CHECK_EQ(got[0].data.u64, 9);
    close(other[0]);
    close(other[1]);
    close(sv[0]);
    close(ep);
}

int main(void)
{
    test_peek_and_partial();
    test_vectors();
    test_waitall();
    test_large_transfer();
    test_shutdown();
    test_unconnected();
    test_epoll();
    return check_finish("unix_stream_data");
}
