/* Datagram sockets: sendto/recvfrom between named sockets (the sender's
 * name returned), from an unnamed sender, connected sockets (send without
 * an address; a socket connected elsewhere refuses others' datagrams with
 * EPERM), boundaries kept, truncation (MSG_TRUNC in recvmsg's msg_flags,
 * the MSG_TRUNC flag returning the full length), zero-length datagrams,
 * EMSGSIZE above the send buffer, a dead destination (ECONNREFUSED), a
 * full receive queue (EAGAIN), and send without an address on an
 * unconnected socket.
 *
 * Linux's answers worth knowing: recvfrom of a datagram from an unnamed
 * sender sets the address length to 0 (getpeername of an unnamed peer says
 * 2); send without an address on an unconnected datagram socket is
 * ENOTCONN, not EDESTADDRREQ; a datagram may be at most SO_SNDBUF - 32
 * bytes; a receiver not connected back to its sender queues
 * max_dgram_qlen + 1 = 11 datagrams (the sysctl's default, 10) before
 * EAGAIN; a pair connected to each other is limited by the send buffer
 * instead, which depends on the kernel's skb sizes, so not counted here. */
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "check.h"

static char directory[64];

static socklen_t make_name(struct sockaddr_un *address, const char *leaf)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    snprintf(address->sun_path, sizeof address->sun_path, "%s/%s", directory, leaf);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(address->sun_path) + 1);
}

static int bound(struct sockaddr_un *address, socklen_t *length, const char *leaf)
{
    *length = make_name(address, leaf);
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    REQUIRE(bind(fd, (struct sockaddr *)address, *length) == 0);
    return fd;
}

static void test_named(void)
{
    struct sockaddr_un a_name, b_name, from;
    socklen_t a_length, b_length, from_length;
    int a = bound(&a_name, &a_length, "a");
    int b = bound(&b_name, &b_length, "b");
    char buffer[64];

    CHECK_EQ(sendto(a, "first", 5, 0, (struct sockaddr *)&b_name, b_length), 5);
    CHECK_EQ(sendto(a, "second!", 7, 0, (struct sockaddr *)&b_name, b_length), 7);
    from_length = sizeof from;
    memset(&from, 0, sizeof from);
    CHECK_EQ(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length), 5);
    CHECK(memcmp(buffer, "first", 5) == 0);
    CHECK_EQ(from_length, a_length);
    CHECK(strcmp(from.sun_path, a_name.sun_path) == 0);
    /* Boundaries: one datagram per call. */
    from_length = sizeof from;
    CHECK_EQ(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length), 7);
    CHECK(memcmp(buffer, "second!", 7) == 0);
    CHECK_ERRNO(recv(b, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);

    /* An unnamed sender: the address length is 0. */
    int unnamed = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(unnamed >= 0);
    CHECK_EQ(sendto(unnamed, "anon", 4, 0, (struct sockaddr *)&b_name, b_length), 4);
    from_length = sizeof from;
    memset(&from, 0x55, sizeof from);
    CHECK_EQ(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length), 4);
    CHECK_EQ(from_length, 0);
    /* recvmsg says the same. */
    CHECK_EQ(sendto(unnamed, "anon", 4, 0, (struct sockaddr *)&b_name, b_length), 4);
    struct iovec vector = {buffer, sizeof buffer};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(b, &message, 0), 4);
    CHECK_EQ(message.msg_namelen, 0);
    CHECK_EQ(message.msg_flags, 0);

    /* Sending without an address on an unconnected socket. */
    CHECK_ERRNO(send(unnamed, "x", 1, 0), ENOTCONN);
    CHECK_ERRNO(write(unnamed, "x", 1), ENOTCONN);
    /* To a name that does not exist, a regular file, a dead socket. */
    struct sockaddr_un other;
    socklen_t other_length = make_name(&other, "absent");
    CHECK_ERRNO(sendto(unnamed, "x", 1, 0, (struct sockaddr *)&other, other_length), ENOENT);
    int closed = bound(&other, &other_length, "closed");
    close(closed);
    CHECK_ERRNO(sendto(unnamed, "x", 1, 0, (struct sockaddr *)&other, other_length), ECONNREFUSED);
    unlink(other.sun_path);
    /* To a stream socket's name: EPROTOTYPE. */
    int stream = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(stream >= 0);
    other_length = make_name(&other, "stream");
    REQUIRE(bind(stream, (struct sockaddr *)&other, other_length) == 0);
    CHECK_ERRNO(sendto(unnamed, "x", 1, 0, (struct sockaddr *)&other, other_length), EPROTOTYPE);
    close(stream);
    unlink(other.sun_path);
    close(unnamed);

    /* A socket may send to itself. */
    CHECK_EQ(sendto(a, "self", 4, 0, (struct sockaddr *)&a_name, a_length), 4);
    from_length = sizeof from;
    CHECK_EQ(recvfrom(a, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length), 4);
    CHECK_EQ(from_length, a_length);

    close(a);
    close(b);
    unlink(a_name.sun_path);
    unlink(b_name.sun_path);
}

static void test_connected(void)
{
    struct sockaddr_un a_name, b_name, c_name;
    socklen_t a_length, b_length, c_length;
    int a = bound(&a_name, &a_length, "ca");
    int b = bound(&b_name, &b_length, "cb");
    int c = bound(&c_name, &c_length, "cc");
    char buffer[16];

    /* a connects to b: a sends without an address; b still takes
     * datagrams from anyone (it is not connected itself). */
    CHECK_OK(connect(a, (struct sockaddr *)&b_name, b_length));
    CHECK_EQ(send(a, "to b", 4, 0), 4);
    CHECK_EQ(write(a, "again", 5), 5);
    CHECK_EQ(sendto(c, "from c", 6, 0, (struct sockaddr *)&b_name, b_length), 6);
    CHECK_EQ(recv(b, buffer, sizeof buffer, 0), 4);
    CHECK_EQ(read(b, buffer, sizeof buffer), 5);
    CHECK_EQ(recv(b, buffer, sizeof buffer, 0), 6);
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    CHECK_OK(getpeername(a, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, b_length);
    peer_length = sizeof peer;
    CHECK_ERRNO(getpeername(b, (struct sockaddr *)&peer, &peer_length), ENOTCONN);

    /* a is connected to b: c's datagrams to a are refused (EPERM); a can
     * still send elsewhere with an address. */
    CHECK_ERRNO(sendto(c, "no", 2, 0, (struct sockaddr *)&a_name, a_length), EPERM);
    CHECK_EQ(sendto(a, "to c", 4, 0, (struct sockaddr *)&c_name, c_length), 4);
    CHECK_EQ(recv(c, buffer, sizeof buffer, 0), 4);
    /* b's datagrams to a are welcome. */
    CHECK_EQ(sendto(b, "hi a", 4, 0, (struct sockaddr *)&a_name, a_length), 4);
    CHECK_EQ(recv(a, buffer, sizeof buffer, 0), 4);

    /* Reconnecting elsewhere; AF_UNSPEC disconnects. */
    CHECK_OK(connect(a, (struct sockaddr *)&c_name, c_length));
    CHECK_EQ(send(a, "now c", 5, 0), 5);
    CHECK_EQ(recv(c, buffer, sizeof buffer, 0), 5);
    struct sockaddr unspecified = {.sa_family = AF_UNSPEC};
    CHECK_OK(connect(a, &unspecified, sizeof unspecified));
    CHECK_ERRNO(send(a, "x", 1, 0), ENOTCONN);
    peer_length = sizeof peer;
    CHECK_ERRNO(getpeername(a, (struct sockaddr *)&peer, &peer_length), ENOTCONN);

    /* Connected to a socket that then closes: ECONNREFUSED once, then
     * not connected any more. */
    CHECK_OK(connect(a, (struct sockaddr *)&b_name, b_length));
    close(b);
    CHECK_ERRNO(send(a, "x", 1, 0), ECONNREFUSED);
    CHECK_ERRNO(send(a, "x", 1, 0), ENOTCONN);

    /* Connecting to a missing name. */
    struct sockaddr_un missing;
    socklen_t missing_length = make_name(&missing, "missing");
    CHECK_ERRNO(connect(a, (struct sockaddr *)&missing, missing_length), ENOENT);
    close(a);
    close(c);
    unlink(a_name.sun_path);
    unlink(b_name.sun_path);
    unlink(c_name.sun_path);
}

static void test_truncation(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    char buffer[16];
    CHECK_EQ(send(sv[0], "0123456789", 10, 0), 10);
    CHECK_EQ(send(sv[0], "next", 4, 0), 4);
    /* A short read takes the datagram's start; the rest is gone. */
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[1], buffer, 4, 0), 4);
    CHECK(memcmp(buffer, "0123", 4) == 0);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, 0), 4);
    CHECK(memcmp(buffer, "next", 4) == 0);

    /* recvmsg says MSG_TRUNC; the MSG_TRUNC flag returns the real length. */
    CHECK_EQ(send(sv[0], "0123456789", 10, 0), 10);
    struct iovec vector = {buffer, 3};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(sv[1], &message, 0), 3);
    CHECK_EQ(message.msg_flags, MSG_TRUNC);
    CHECK_EQ(send(sv[0], "0123456789", 10, 0), 10);
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(sv[1], &message, MSG_TRUNC), 10);
    CHECK_EQ(message.msg_flags, MSG_TRUNC);
    CHECK_EQ(send(sv[0], "0123456789", 10, 0), 10);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[1], buffer, 5, MSG_TRUNC), 10);
    CHECK(memcmp(buffer, "01234", 5) == 0);
    CHECK_EQ(buffer[5], 0);
    /* A whole datagram: no flag, even with MSG_TRUNC asked. */
    CHECK_EQ(send(sv[0], "ok", 2, 0), 2);
    vector.iov_len = sizeof buffer;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(sv[1], &message, MSG_TRUNC), 2);
    CHECK_EQ(message.msg_flags, 0);

    /* MSG_PEEK leaves the datagram, even truncated. */
    CHECK_EQ(send(sv[0], "peeked", 6, 0), 6);
    CHECK_EQ(recv(sv[1], buffer, 2, MSG_PEEK), 2);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, MSG_PEEK), 6);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, 0), 6);

    /* Zero-length datagrams are datagrams. */
    CHECK_EQ(send(sv[0], "", 0, 0), 0);
    CHECK_EQ(write(sv[0], "", 0), 0);
    struct pollfd entry = {.fd = sv[1], .events = POLLIN};
    CHECK_EQ(poll(&entry, 1, 0), 1);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), 0);
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 0);
    CHECK_ERRNO(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

static void test_sizes(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int size = 8192;
    REQUIRE(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0);
    int sndbuf = 0;
    socklen_t length = sizeof sndbuf;
    REQUIRE(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &length) == 0);
    CHECK_EQ(sndbuf, 16384);
    static char big[65536];
    memset(big, 'd', sizeof big);
    CHECK_ERRNO(send(sv[0], big, (size_t)sndbuf - 31, 0), EMSGSIZE);
    CHECK_ERRNO(send(sv[0], big, sizeof big, MSG_DONTWAIT), EMSGSIZE);
    CHECK_EQ(send(sv[0], big, (size_t)sndbuf - 32, 0), sndbuf - 32);
    static char in[65536];
    CHECK_EQ(recv(sv[1], in, sizeof in, 0), sndbuf - 32);
    CHECK(memcmp(in, big, (size_t)sndbuf - 32) == 0);
    close(sv[0]);
    close(sv[1]);
}

/* A bound receiver that is not connected to its senders queues 11
 * datagrams (max_dgram_qlen 10, plus one); then EAGAIN; a read makes
 * room for one more. */
static void test_full_queue(void)
{
    struct sockaddr_un name;
    socklen_t name_length;
    int receiver = bound(&name, &name_length, "queue");
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(sender >= 0);
    int sent = 0, error = 0;
    while (sent < 100) {
        if (sendto(sender, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&name, name_length) != 1) {
            error = errno;
            break;
        }
        sent++;
    }
    CHECK_EQ(sent, 11);
    CHECK_EQ(error, EAGAIN);
    struct pollfd entry = {.fd = sender, .events = POLLOUT};
    CHECK_EQ(poll(&entry, 1, 0), 1);    /* the sender is writable anyway */
    char byte;
    CHECK_EQ(recv(receiver, &byte, 1, 0), 1);
    CHECK_EQ(sendto(sender, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&name, name_length), 1);
    CHECK_ERRNO(sendto(sender, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&name, name_length),
                EAGAIN);
    int received = 0;
    while (recv(receiver, &byte, 1, MSG_DONTWAIT) == 1)
        received++;
    CHECK_EQ(received, 11);

    /* Connected to the receiver (which is not connected back): the same
     * limit, for send without an address. */
    CHECK_OK(connect(sender, (struct sockaddr *)&name, name_length));
    sent = 0;
    error = 0;
    while (sent < 100) {
        if (send(sender, "c", 1, MSG_DONTWAIT) != 1) {
            error = errno;
            break;
        }
        sent++;
    }
    CHECK_EQ(sent, 11);
    CHECK_EQ(error, EAGAIN);
    close(sender);
    close(receiver);
    unlink(name.sun_path);
}

int main(void)
{
    strcpy(directory, "/tmp/unix_dgram.XXXXXX");
    REQUIRE(mkdtemp(directory) != NULL);
    test_named();
    test_connected();
    test_truncation();
    test_sizes();
    test_full_queue();
    CHECK_OK(rmdir(directory));
    return check_finish("unix_dgram");
}
