/* SCM_RIGHTS: descriptors passed over unix sockets. A pipe's write end
 * (the receiver writes, the sender's reader reads), a memfd (the same open
 * file description: the offset is shared, the data and size seen), a
 * socket (the receiver talks through it), across fork to another process,
 * several in one message, over a datagram pair; the sender's copy closed
 * while in flight; MSG_CMSG_CLOEXEC; a control buffer too short
 * (MSG_CTRUNC, as many descriptors as fit delivered, the others closed:
 * their pipes see end of file) or absent; 253 descriptors in one message
 * and 254 EINVAL (SCM_MAX_FD); a bad descriptor EBADF; a bad cmsg_len
 * EINVAL. (Sent with the raw sendmsg: musl's refuses 253 descriptors.)
 *
 * MSG_PEEK's own descriptors are unix_peek_rights's; the per-user limit
 * of descriptors in flight, unix_inflight_limit's. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "check.h"
#include "scm.h"

static void test_pipe_end(void)
{
    int sv[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    REQUIRE(pipe(ends) == 0);
    CHECK_EQ(send_fd(sv[0], ends[1]), 1);
    /* Closed by the sender while in flight: still passed. */
    close(ends[1]);
    int count = 0, flags = -1, got[4] = {-1, -1, -1, -1};
    CHECK_EQ(receive_fds(sv[1], got, 4, &count, &flags, 0), 1);
    CHECK_EQ(count, 1);
    CHECK_EQ(flags, 0);
    REQUIRE(count == 1 && got[0] >= 0);
    CHECK_EQ(fcntl(got[0], F_GETFD), 0);
    CHECK_EQ(fcntl(got[0], F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_EQ(write(got[0], "piped", 5), 5);
    char buffer[8];
    CHECK_EQ(read(ends[0], buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "piped", 5) == 0);
    /* The received end is the only writer left. */
    close(got[0]);
    CHECK_EQ(read(ends[0], buffer, sizeof buffer), 0);
    close(ends[0]);

    /* MSG_CMSG_CLOEXEC. */
    REQUIRE(pipe(ends) == 0);
    CHECK_EQ(send_fd(sv[0], ends[0]), 1);
    int fd = receive_fd(sv[1], MSG_CMSG_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    /* The descriptor's own flags (not close-on-exec) are the sender's. */
    CHECK_OK(fcntl(ends[0], F_SETFL, O_NONBLOCK));
    CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    CHECK_ERRNO(read(fd, buffer, 1), EAGAIN);
    close(fd);
    close(ends[0]);
    close(ends[1]);
    close(sv[0]);
    close(sv[1]);
}

static void test_memfd(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int memfd = memfd_create("unix_scm_rights", MFD_CLOEXEC);
    REQUIRE(memfd >= 0);
    REQUIRE(write(memfd, "memory file", 11) == 11);
    CHECK_EQ(send_fd(sv[0], memfd), 1);
    int fd = receive_fd(sv[1], 0);
    REQUIRE(fd >= 0);
    CHECK(fd != memfd);
    /* Close-on-exec is the descriptor's, not passed. */
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    struct stat mine, theirs;
    CHECK_OK(fstat(memfd, &mine));
    CHECK_OK(fstat(fd, &theirs));
    CHECK_EQ(theirs.st_ino, mine.st_ino);
    CHECK_EQ(theirs.st_size, 11);
    /* One open file description: one offset. */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
    CHECK_EQ(lseek(memfd, 2, SEEK_SET), 2);
    char buffer[16];
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(read(fd, buffer, 4), 4);
    CHECK(memcmp(buffer, "mory", 4) == 0);
    CHECK_EQ(lseek(memfd, 0, SEEK_CUR), 6);
    /* Mapped by the receiver: the sender's writes are there. */
    CHECK_OK(ftruncate(memfd, 4096));
    char *map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);
    CHECK_EQ(pwrite(memfd, "seen", 4, 100), 4);
    if (map != MAP_FAILED) {
        CHECK(memcmp(map, "memory file", 11) == 0);
        CHECK(memcmp(map + 100, "seen", 4) == 0);
        munmap(map, 4096);
    }
    close(fd);
    close(memfd);
    close(sv[0]);
    close(sv[1]);
}

/* A socket passed to a child over another socket: the child talks to the
 * parent through it. */
static void test_socket_to_child(void)
{
    int carrier[2], passed[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, carrier) == 0);
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, passed) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(carrier[0]);
        close(passed[0]);
        close(passed[1]);
        int fd = receive_fd(carrier[1], 0);
        CHECK(fd >= 0);
        int type = 0;
        socklen_t length = sizeof type;
        CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length));
        CHECK_EQ(type, SOCK_SEQPACKET);
        CHECK_EQ(send(fd, "record", 6, 0), 6);
        char buffer[8];
        CHECK_EQ(recv(fd, buffer, sizeof buffer, 0), 5);
        CHECK(memcmp(buffer, "reply", 5) == 0);
        check_child_exit();
    }
    close(carrier[1]);
    CHECK_EQ(send_fd(carrier[0], passed[1]), 1);
    close(passed[1]);
    char buffer[8];
    CHECK_EQ(recv(passed[0], buffer, sizeof buffer, 0), 6);
    CHECK(memcmp(buffer, "record", 6) == 0);
    CHECK_EQ(send(passed[0], "reply", 5, 0), 5);
    check_child_passed(child);
    /* The child's copy was the last: end of file. */
    CHECK_EQ(recv(passed[0], buffer, sizeof buffer, 0), 0);
    close(passed[0]);
    close(carrier[0]);
}

/* Three pipes' write ends in one message. */
static void make_pipes(int reads[3], int writes[3])
{
    for (int i = 0; i < 3; i++) {
        int ends[2];
        REQUIRE(pipe2(ends, O_NONBLOCK) == 0);
        reads[i] = ends[0];
        writes[i] = ends[1];
    }
}

static void test_several_and_truncated(void)
{
    int sv[2], reads[3], writes[3];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    char buffer[4];

    /* All three arrive, in order. */
    make_pipes(reads, writes);
    CHECK_EQ(send_fds(sv[0], writes, 3), 1);
    for (int i = 0; i < 3; i++)
        close(writes[i]);
    int got[8], count = 0, flags = -1;
    CHECK_EQ(receive_fds(sv[1], got, 8, &count, &flags, 0), 1);
    CHECK_EQ(count, 3);
    CHECK_EQ(flags, 0);
    for (int i = 0; i < 3 && i < count; i++) {
        CHECK_EQ(write(got[i], &(char){(char)('a' + i)}, 1), 1);
        CHECK_EQ(read(reads[i], buffer, sizeof buffer), 1);
        CHECK_EQ(buffer[0], 'a' + i);
        close(got[i]);
        CHECK_EQ(read(reads[i], buffer, sizeof buffer), 0);
        close(reads[i]);
    }

    /* Room for one (CMSG_SPACE(sizeof(int)), 24 bytes, which holds two,
     * as CMSG_SPACE rounds up to 8): the first two arrive, MSG_CTRUNC,
     * the third is closed (its pipe has no writer left). */
    make_pipes(reads, writes);
    CHECK_EQ(send_fds(sv[0], writes, 3), 1);
    for (int i = 0; i < 3; i++)
        close(writes[i]);
    count = 0;
    CHECK_EQ(receive_fds(sv[1], got, 1, &count, &flags, 0), 1);
    CHECK_EQ(count, 2);
    CHECK_EQ(flags, MSG_CTRUNC);
    CHECK_ERRNO(read(reads[0], buffer, sizeof buffer), EAGAIN);
    CHECK_ERRNO(read(reads[1], buffer, sizeof buffer), EAGAIN);
    CHECK_EQ(read(reads[2], buffer, sizeof buffer), 0);
    close(got[0]);
    close(got[1]);
    CHECK_EQ(read(reads[0], buffer, sizeof buffer), 0);
    CHECK_EQ(read(reads[1], buffer, sizeof buffer), 0);
    for (int i = 0; i < 3; i++)
        close(reads[i]);

    /* No control buffer at all: the byte, MSG_CTRUNC, every one closed. */
    make_pipes(reads, writes);
    CHECK_EQ(send_fds(sv[0], writes, 3), 1);
    for (int i = 0; i < 3; i++)
        close(writes[i]);
    CHECK_EQ(receive_fds(sv[1], got, 0, &count, &flags, 0), 1);
    CHECK_EQ(count, 0);
    CHECK_EQ(flags, MSG_CTRUNC);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(read(reads[i], buffer, sizeof buffer), 0);
        close(reads[i]);
    }
    close(sv[0]);
    close(sv[1]);
}

static void test_limits_and_errors(void)
{
    int sv[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    REQUIRE(pipe(ends) == 0);
    static int many[254], got[300];
    for (int i = 0; i < 254; i++)
        many[i] = ends[1];
    CHECK_ERRNO(send_fds(sv[0], many, 254), EINVAL);
    CHECK_EQ(send_fds(sv[0], many, 253), 1);
    int count = 0, flags = -1;
    CHECK_EQ(receive_fds(sv[1], got, 300, &count, &flags, 0), 1);
    CHECK_EQ(count, 253);
    CHECK_EQ(flags, 0);
    int distinct = 1;
    for (int i = 0; i < count; i++) {
        distinct &= got[i] >= 0 && got[i] != ends[1] && (i == 0 || got[i] > got[i - 1]);
        close(got[i]);
    }
    CHECK(distinct);

    /* A descriptor that is not open. */
    int bad = 999;
    CHECK_ERRNO(send_fd(sv[0], bad), EBADF);
    /* Nothing was sent by the failures. */
    char byte;
    CHECK_ERRNO(recv(sv[1], &byte, 1, MSG_DONTWAIT), EAGAIN);

    /* A cmsg_len beyond the control buffer. */
    char data = 'x';
    struct iovec vector = {&data, 1};
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = sizeof control + 8;
    memcpy(CMSG_DATA(header), &ends[0], sizeof(int));
    CHECK_ERRNO(sendmsg(sv[0], &message, 0), EINVAL);
    /* An unknown type at SOL_SOCKET. */
    header->cmsg_len = CMSG_LEN(sizeof(int));
    header->cmsg_type = 77;
    CHECK_ERRNO(sendmsg(sv[0], &message, 0), EINVAL);
    CHECK_ERRNO(recv(sv[1], &byte, 1, MSG_DONTWAIT), EAGAIN);
    close(ends[0]);
    close(ends[1]);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    test_pipe_end();
    test_memfd();
    test_socket_to_child();
    test_several_and_truncated();
    test_limits_and_errors();
    return check_finish("unix_scm_rights");
}
