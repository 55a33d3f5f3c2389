/* SOCK_SEQPACKET: connect and accept by name, records kept apart, a short
 * read taking a record's start and discarding the rest (MSG_TRUNC in
 * recvmsg's msg_flags, the MSG_TRUNC flag returning the full length),
 * MSG_PEEK, writev as one record, send and recv on an unconnected socket
 * (ENOTCONN), end of file after the peer closes, EPIPE after.
 *
 * Linux's answers worth knowing: recvmsg does not set MSG_EOR in
 * msg_flags for a whole record (msg_flags stays 0); a send with MSG_EOR
 * is accepted; writes after the peer closed are EPIPE but, unlike a
 * stream's, raise no SIGPIPE (the default action does not kill). */
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "check.h"

static struct sockaddr_un name;
static socklen_t name_length;

static void connected_pair(int *client, int *accepted)
{
    int server = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(server >= 0);
    REQUIRE(bind(server, (struct sockaddr *)&name, name_length) == 0);
    REQUIRE(listen(server, 1) == 0);
    *client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(*client >= 0);
    REQUIRE(connect(*client, (struct sockaddr *)&name, name_length) == 0);
    *accepted = accept(server, NULL, NULL);
    REQUIRE(*accepted >= 0);
    close(server);
}

static void test_records(void)
{
    int client, accepted;
    connected_pair(&client, &accepted);
    char buffer[32];

    CHECK_EQ(send(client, "one", 3, 0), 3);
    CHECK_EQ(send(client, "two!", 4, MSG_EOR), 4);
    CHECK_EQ(write(client, "three", 5), 5);
    struct iovec parts[2] = {{"fo", 2}, {"ur", 2}};
    CHECK_EQ(writev(client, parts, 2), 4);
    CHECK_EQ(recv(accepted, buffer, sizeof buffer, 0), 3);
    CHECK(memcmp(buffer, "one", 3) == 0);
    CHECK_EQ(read(accepted, buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "two!", 4) == 0);

    /* A whole record through recvmsg: msg_flags 0 (no MSG_EOR). */
    struct iovec vector = {buffer, sizeof buffer};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(accepted, &message, 0), 5);
    CHECK(memcmp(buffer, "three", 5) == 0);
    CHECK_EQ(message.msg_flags, 0);
    CHECK_EQ(message.msg_namelen, 0);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(accepted, buffer, sizeof buffer, 0), 4);
    CHECK(memcmp(buffer, "four", 4) == 0);
    CHECK_ERRNO(recv(accepted, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);

    /* Truncation: the rest of the record is gone. */
    CHECK_EQ(send(accepted, "abcdefgh", 8, 0), 8);
    CHECK_EQ(send(accepted, "next", 4, 0), 4);
    memset(&message, 0, sizeof message);
    vector.iov_len = 3;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(recvmsg(client, &message, 0), 3);
    CHECK(memcmp(buffer, "abc", 3) == 0);
    CHECK_EQ(message.msg_flags, MSG_TRUNC);
    CHECK_EQ(recv(client, buffer, sizeof buffer, 0), 4);
    CHECK(memcmp(buffer, "next", 4) == 0);
    CHECK_EQ(send(accepted, "abcdefgh", 8, 0), 8);
    CHECK_EQ(recv(client, buffer, 2, MSG_TRUNC), 8);
    CHECK_EQ(send(accepted, "abcdefgh", 8, 0), 8);
    CHECK_EQ(read(client, buffer, 5), 5);
    CHECK_ERRNO(recv(client, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);

    /* A peek leaves the record whole. */
    CHECK_EQ(send(accepted, "peek", 4, 0), 4);
    CHECK_EQ(recv(client, buffer, 2, MSG_PEEK), 2);
    CHECK_EQ(recv(client, buffer, sizeof buffer, MSG_PEEK), 4);
    CHECK_EQ(recv(client, buffer, sizeof buffer, 0), 4);

    /* Names: the client sees the listener's, the server an unnamed
     * client. */
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    CHECK_OK(getpeername(client, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, name_length);
    peer_length = sizeof peer;
    CHECK_OK(getpeername(accepted, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, sizeof(sa_family_t));

    /* A record sent with an address on a connected socket: the address
     * is ignored. */
    CHECK_EQ(sendto(client, "addr", 4, 0, (struct sockaddr *)&name, name_length), 4);
    CHECK_EQ(recv(accepted, buffer, sizeof buffer, 0), 4);

    /* The peer closes: records already sent are read, then end of file;
     * writes are EPIPE, and no SIGPIPE. */
    CHECK_EQ(send(accepted, "last", 4, 0), 4);
    close(accepted);
    CHECK_EQ(recv(client, buffer, sizeof buffer, 0), 4);
    CHECK_EQ(recv(client, buffer, sizeof buffer, 0), 0);
    CHECK_EQ(read(client, buffer, sizeof buffer), 0);
    CHECK_EQ(recv(client, buffer, sizeof buffer, MSG_DONTWAIT), 0);
    CHECK_ERRNO(send(client, "x", 1, MSG_NOSIGNAL), EPIPE);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(client, "x", 1), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        write(client, "x", 1);
        _exit(42);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    close(client);
    unlink(name.sun_path);
}

static void test_unconnected(void)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(fd >= 0);
    char buffer[4];
    CHECK_ERRNO(send(fd, "x", 1, 0), ENOTCONN);
    CHECK_ERRNO(write(fd, "x", 1), ENOTCONN);
    CHECK_ERRNO(recv(fd, buffer, sizeof buffer, MSG_DONTWAIT), ENOTCONN);
    CHECK_ERRNO(read(fd, buffer, sizeof buffer), ENOTCONN);
    CHECK_ERRNO(sendto(fd, "x", 1, 0, (struct sockaddr *)&name, name_length), ENOTCONN);
    close(fd);
}

/* Records across fork: the child sends three records of different
 * sizes, the parent reads them one by one. */
static void test_fork(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(sv[0]);
        static char record[3000];
        for (int i = 0; i < 3; i++) {
            memset(record, 'a' + i, sizeof record);
            if (send(sv[1], record, 1000 * (size_t)(i + 1), 0) != 1000 * (i + 1))
                _exit(2);
        }
        _exit(0);
    }
    close(sv[1]);
    static char buffer[4000];
    int right = 1;
    for (int i = 0; i < 3; i++) {
        ssize_t got = recv(sv[0], buffer, sizeof buffer, 0);
        right &= got == 1000 * (i + 1) && buffer[0] == 'a' + i && buffer[got - 1] == 'a' + i;
    }
    CHECK(right);
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, 0), 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(sv[0]);
}

/* A record gathered from several buffers, larger than a page, arrives
 * whole and is scattered over the reader's buffers. */
static void test_large_gathered_record(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    static char a[3000], b[3000], c[3000], x[5000], y[5000];
    memset(a, 'a', sizeof a);
    memset(b, 'b', sizeof b);
    memset(c, 'c', sizeof c);
    struct iovec out[3] = {{a, sizeof a}, {b, sizeof b}, {c, sizeof c}};
    struct msghdr sending = {.msg_iov = out, .msg_iovlen = 3};
    CHECK_EQ(sendmsg(sv[0], &sending, 0), 9000);
    struct iovec in[2] = {{x, sizeof x}, {y, sizeof y}};
    struct msghdr receiving = {.msg_iov = in, .msg_iovlen = 2};
    CHECK_EQ(recvmsg(sv[1], &receiving, 0), 9000);
    CHECK(x[0] == 'a' && x[2999] == 'a' && x[3000] == 'b' && x[4999] == 'b');
    CHECK(y[0] == 'b' && y[999] == 'b' && y[1000] == 'c' && y[3999] == 'c');
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    memset(&name, 0, sizeof name);
    name.sun_family = AF_UNIX;
    strcpy(name.sun_path, "/tmp/unix_seqpacket.socket");
    name_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name.sun_path) + 1);
    test_records();
    test_unconnected();
    test_fork();
    test_large_gathered_record();
    return check_finish("unix_seqpacket");
}
