/* MSG_PEEK of a message that carries SCM_RIGHTS descriptors: each peek
 * installs new descriptors of the same open files (Linux's
 * unix_peek_fds), and the message keeps its own for the receive that
 * takes it. Over a stream and a datagram pair: a pipe's write end
 * peeked twice (each copy writes into the same pipe, and closing them
 * all leaves the one in flight: no end of file), MSG_CMSG_CLOEXEC on a
 * peek, a control buffer too short (MSG_CTRUNC, as many as fit, the
 * message's own untouched) or absent, a stream peek that reaches a
 * message with descriptors after one without, and a socket peeked and
 * talked through. */
#include <fcntl.h>
#include <sys/socket.h>

#include "check.h"
#include "scm.h"

/* A pipe whose read end does not block: EAGAIN while a writer is left
 * somewhere (in flight), end of file once none is. */
static void make_pipe(int ends[2])
{
    REQUIRE(pipe(ends) == 0);
    REQUIRE(fcntl(ends[0], F_SETFL, O_NONBLOCK) == 0);
}

/* fd writes into the pipe whose read end is reader. */
static void check_writes_into(int fd, int reader, char mark)
{
    char byte = 0;
    CHECK_EQ(write(fd, &mark, 1), 1);
    CHECK_EQ(read(reader, &byte, 1), 1);
    CHECK_EQ(byte, mark);
}

static void test_peek_twice_then_receive(int type)
{
    int sv[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
    make_pipe(ends);
    CHECK_EQ(send_fd(sv[0], ends[1]), 1);
    close(ends[1]);

    int first = -1, second = -1, count = 0, flags = -1;
    CHECK_EQ(receive_fds(sv[1], &first, 1, &count, &flags, MSG_PEEK), 1);
    CHECK_EQ(count, 1);
    CHECK_EQ(flags, 0);
    CHECK(first >= 0);
    CHECK_EQ(fcntl(first, F_GETFD), 0);
    CHECK_EQ(fcntl(first, F_GETFL) & O_ACCMODE, O_WRONLY);
    check_writes_into(first, ends[0], 'p');

    /* Peeking again installs another descriptor. */
    CHECK_EQ(receive_fds(sv[1], &second, 1, &count, &flags, MSG_PEEK | MSG_CMSG_CLOEXEC), 1);
    CHECK_EQ(count, 1);
    CHECK(second >= 0 && second != first);
    CHECK_EQ(fcntl(second, F_GETFD), FD_CLOEXEC);
    check_writes_into(second, ends[0], 'q');

    /* The message's own copy still holds the pipe open. */
    close(first);
    close(second);
    char byte;
    CHECK_ERRNO(read(ends[0], &byte, 1), EAGAIN);

    /* The receive that takes the message gets its descriptor. */
    int taken = -1;
    CHECK_EQ(receive_fds(sv[1], &taken, 1, &count, &flags, 0), 1);
    CHECK_EQ(count, 1);
    CHECK_EQ(flags, 0);
    CHECK(taken >= 0);
    check_writes_into(taken, ends[0], 'r');
    close(taken);
    CHECK_EQ(read(ends[0], &byte, 1), 0);
    CHECK_ERRNO(recv(sv[1], &byte, 1, MSG_DONTWAIT), EAGAIN);
    close(ends[0]);
    close(sv[0]);
    close(sv[1]);
}

static void test_peek_truncated(void)
{
    int sv[2], reads[3], writes[3];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    for (int i = 0; i < 3; i++) {
        int ends[2];
        make_pipe(ends);
        reads[i] = ends[0];
        writes[i] = ends[1];
    }
    CHECK_EQ(send_fds(sv[0], writes, 3), 1);
    for (int i = 0; i < 3; i++)
        close(writes[i]);

    /* Room for two (CMSG_SPACE(sizeof(int)) rounds up): MSG_CTRUNC. */
    int got[8], count = 0, flags = -1;
    CHECK_EQ(receive_fds(sv[1], got, 1, &count, &flags, MSG_PEEK), 1);
    CHECK_EQ(count, 2);
    CHECK_EQ(flags, MSG_CTRUNC);
    for (int i = 0; i < count && i < 2; i++)
        close(got[i]);
    /* No control buffer: MSG_CTRUNC, nothing installed. */
    CHECK_EQ(receive_fds(sv[1], got, 0, &count, &flags, MSG_PEEK), 1);
    CHECK_EQ(count, 0);
    CHECK_EQ(flags, MSG_CTRUNC);
    /* Every pipe still has its writer in flight. */
    char byte;
    for (int i = 0; i < 3; i++)
        CHECK_ERRNO(read(reads[i], &byte, 1), EAGAIN);

    CHECK_EQ(receive_fds(sv[1], got, 8, &count, &flags, 0), 1);
    CHECK_EQ(count, 3);
    CHECK_EQ(flags, 0);
    for (int i = 0; i < 3 && i < count; i++) {
        check_writes_into(got[i], reads[i], (char)('a' + i));
        close(got[i]);
        CHECK_EQ(read(reads[i], &byte, 1), 0);
        close(reads[i]);
    }
    close(sv[0]);
    close(sv[1]);
}

/* A stream peek reads past a message without descriptors and stops
 * after the first one with them, which it duplicates. */
static void test_stream_peek_stops_after_rights(void)
{
    int sv[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    make_pipe(ends);
    CHECK_EQ(send(sv[0], "ab", 2, 0), 2);
    CHECK_EQ(send_fd(sv[0], ends[1]), 1);      /* the byte 'F' */
    CHECK_EQ(send(sv[0], "cd", 2, 0), 2);
    close(ends[1]);

    char buffer[8];
    int fd = -1, count = 0;
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec vector = {buffer, sizeof buffer};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1,
                             .msg_control = control, .msg_controllen = sizeof control};
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recvmsg(sv[1], &message, MSG_PEEK), 3);
    CHECK(memcmp(buffer, "abF", 3) == 0);
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    CHECK(header != NULL && header->cmsg_type == SCM_RIGHTS &&
          header->cmsg_len == CMSG_LEN(sizeof(int)));
    if (header != NULL) {
        memcpy(&fd, CMSG_DATA(header), sizeof fd);
        check_writes_into(fd, ends[0], 's');
        close(fd);
    }
    /* The receive gets the same bytes and the message's own copy. */
    fd = -1;
    memset(buffer, 0, sizeof buffer);
    int flags = 0;
    CHECK_EQ(recv(sv[1], buffer, 2, 0), 2);
    CHECK_EQ(receive_fds(sv[1], &fd, 1, &count, &flags, 0), 1);
    CHECK_EQ(count, 1);
    if (count == 1) {
        check_writes_into(fd, ends[0], 't');
        close(fd);
    }
    char byte;
    CHECK_EQ(read(ends[0], &byte, 1), 0);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, 0), 2);
    close(ends[0]);
    close(sv[0]);
    close(sv[1]);
}

/* A socket peeked: the peeked descriptor talks to its peer. */
static void test_peek_socket(void)
{
    int carrier[2], passed[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, carrier) == 0);
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, passed) == 0);
    CHECK_EQ(send_fd(carrier[0], passed[1]), 1);
    close(passed[1]);
    int peeked = -1, count = 0, flags = -1;
    CHECK_EQ(receive_fds(carrier[1], &peeked, 1, &count, &flags, MSG_PEEK), 1);
    CHECK_EQ(count, 1);
    char buffer[8];
    CHECK_EQ(send(peeked, "hello", 5, 0), 5);
    CHECK_EQ(recv(passed[0], buffer, sizeof buffer, 0), 5);
    CHECK(memcmp(buffer, "hello", 5) == 0);
    close(peeked);
    /* The message's copy keeps the socket: no end of file. */
    CHECK_ERRNO(recv(passed[0], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    int taken = receive_fd(carrier[1], 0);
    CHECK(taken >= 0);
    close(taken);
    CHECK_EQ(recv(passed[0], buffer, sizeof buffer, 0), 0);
    close(passed[0]);
    close(carrier[0]);
    close(carrier[1]);
}

int main(void)
{
    test_peek_twice_then_receive(SOCK_STREAM);
    test_peek_twice_then_receive(SOCK_DGRAM);
    test_peek_truncated();
    test_stream_peek_stops_after_rights();
    test_peek_socket();
    return check_finish("unix_peek_rights");
}
