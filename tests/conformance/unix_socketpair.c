/* socketpair(AF_UNIX, ...) for the three types: the flags SOCK_NONBLOCK
 * and SOCK_CLOEXEC (as fcntl sees them), the errors (EOPNOTSUPP for an
 * AF_INET pair, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EINVAL, EFAULT), data
 * both ways through read/write and send/recv, both ends shared with a
 * forked child, and what closing one end does to the other: end of file
 * on a stream, EPIPE with SIGPIPE on a write (a handler, MSG_NOSIGNAL,
 * SIG_IGN), EPIPE without SIGPIPE on a seqpacket pair, ECONNREFUSED then
 * ENOTCONN on a datagram pair.
 *
 * Linux's answers worth knowing: protocol 1 is PF_UNIX and accepted
 * (EPROTONOSUPPORT only for other protocols); SOCK_RAW is taken as
 * SOCK_DGRAM; a type below SOCK_MAX that AF_UNIX lacks is
 * ESOCKTNOSUPPORT, a type from SOCK_MAX (11) up is EINVAL; a write to a
 * seqpacket socket whose peer closed is EPIPE but raises no SIGPIPE. */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "check.h"

static void check_flags(int fd, int want_nonblock, int want_cloexec)
{
    int status = fcntl(fd, F_GETFL);
    CHECK(status != -1);
    CHECK_EQ((status & O_NONBLOCK) != 0, want_nonblock);
    CHECK_EQ((status & O_ACCMODE), O_RDWR);
    int fd_flags = fcntl(fd, F_GETFD);
    CHECK_EQ(fd_flags, want_cloexec ? FD_CLOEXEC : 0);
}

static int socket_type(int fd)
{
    int type = -1;
    socklen_t length = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0)
        return -1;
    return type;
}

static void test_types_and_flags(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    for (int i = 0; i < 3; i++) {
        int sv[2] = {-1, -1};
        CHECK_OK(socketpair(AF_UNIX, types[i], 0, sv));
        CHECK(sv[0] >= 0 && sv[1] >= 0 && sv[0] != sv[1]);
        CHECK_EQ(socket_type(sv[0]), types[i]);
        CHECK_EQ(socket_type(sv[1]), types[i]);
        check_flags(sv[0], 0, 0);
        check_flags(sv[1], 0, 0);
        close(sv[0]);
        close(sv[1]);

        CHECK_OK(socketpair(AF_UNIX, types[i] | SOCK_NONBLOCK, 0, sv));
        check_flags(sv[0], 1, 0);
        check_flags(sv[1], 1, 0);
        close(sv[0]);
        close(sv[1]);

        CHECK_OK(socketpair(AF_UNIX, types[i] | SOCK_CLOEXEC, 0, sv));
        check_flags(sv[0], 0, 1);
        check_flags(sv[1], 0, 1);
        close(sv[0]);
        close(sv[1]);

        CHECK_OK(socketpair(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
        check_flags(sv[0], 1, 1);
        check_flags(sv[1], 1, 1);
        close(sv[0]);
        close(sv[1]);
    }
    /* AF_LOCAL is AF_UNIX; protocol PF_UNIX (1) is accepted. */
    int sv[2];
    CHECK_OK(socketpair(AF_LOCAL, SOCK_STREAM, 0, sv));
    close(sv[0]);
    close(sv[1]);
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, PF_UNIX, sv));
    close(sv[0]);
    close(sv[1]);
    /* SOCK_RAW becomes SOCK_DGRAM. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_RAW, 0, sv));
    CHECK_EQ(socket_type(sv[0]), SOCK_DGRAM);
    close(sv[0]);
    close(sv[1]);
}

static void test_errors(void)
{
    int sv[2] = {-1, -1};
    CHECK_ERRNO(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
    CHECK_ERRNO(socketpair(AF_INET, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
    CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT);
    CHECK_ERRNO(socketpair(AF_UNIX, SOCK_DGRAM, 17, sv), EPROTONOSUPPORT);
    CHECK_ERRNO(socketpair(AF_UNIX, 0, 0, sv), ESOCKTNOSUPPORT);
    CHECK_ERRNO(socketpair(AF_UNIX, 4 /* SOCK_RDM */, 0, sv), ESOCKTNOSUPPORT);
    CHECK_ERRNO(socketpair(AF_UNIX, 11, 0, sv), EINVAL);
    CHECK_ERRNO(socketpair(AF_UNIX, 15, 0, sv), EINVAL);
    /* A flag bit other than SOCK_NONBLOCK and SOCK_CLOEXEC. */
    CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv), EINVAL);
    CHECK_ERRNO(socketpair(AF_UNIX, SOCK_DGRAM | 0x40000000, 0, sv), EINVAL);
    /* Raw calls: musl's wrapper might look at sv itself. */
    CHECK_ERRNO(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (int *)8), EFAULT);
    CHECK_ERRNO(syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, NULL), EFAULT);
    /* Not checked: what sv holds after a failure. Linux writes the two
     * descriptor numbers it reserved into sv before it makes the sockets,
     * so after EOPNOTSUPP, EPROTONOSUPPORT or ESOCKTNOSUPPORT sv holds two
     * numbers that are not open (after EINVAL for the type, sv is
     * untouched). */
}

static void test_data(int type)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
    char buffer[16];
    CHECK_EQ(write(sv[0], "hello", 5), 5);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "hello", 5) == 0);
    CHECK_EQ(write(sv[1], "back", 4), 4);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "back", 4) == 0);
    CHECK_EQ(send(sv[0], "sent", 4, 0), 4);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[1], buffer, sizeof buffer, 0), 4);
    CHECK(memcmp(buffer, "sent", 4) == 0);
    CHECK_EQ(send(sv[1], "other way", 9, 0), 9);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, 0), 9);
    CHECK(memcmp(buffer, "other way", 9) == 0);
    /* Nothing left either way. */
    CHECK_ERRNO(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    CHECK_ERRNO(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

/* Parent and child each keep one end (and close the other): a message
 * there and back; then the parent's end is inherited by two processes and
 * the child's copy keeps the connection open after the parent closes its
 * own. */
static void test_fork_sharing(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(sv[0]);
        char buffer[8];
        CHECK_EQ(read(sv[1], buffer, sizeof buffer), 4);
        CHECK(memcmp(buffer, "ping", 4) == 0);
        CHECK_EQ(write(sv[1], "pong", 4), 4);
        /* The parent closed its end: end of file. */
        CHECK_EQ(read(sv[1], buffer, sizeof buffer), 0);
        check_child_exit();
    }
    close(sv[1]);
    CHECK_EQ(write(sv[0], "ping", 4), 4);
    char buffer[8];
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "pong", 4) == 0);
    close(sv[0]);
    check_child_passed(child);

    /* Both processes hold the same end: it stays open until both close. */
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int go[2];
    REQUIRE(pipe(go) == 0);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(go[1]);
        char flag;
        CHECK_EQ(read(go[0], &flag, 1), 1);   /* the parent has closed sv[0] */
        CHECK_EQ(write(sv[0], "still", 5), 5);
        close(sv[0]);
        close(sv[1]);
        check_child_exit();
    }
    close(go[0]);
    close(sv[0]);
    CHECK_EQ(write(go[1], "g", 1), 1);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(read(sv[1], buffer, 5), 5);
    CHECK(memcmp(buffer, "still", 5) == 0);
    check_child_passed(child);
    /* Now every copy of sv[0] is closed. */
    CHECK_EQ(read(sv[1], buffer, sizeof buffer), 0);
    close(sv[1]);
    close(go[1]);
}

static volatile sig_atomic_t sigpipes;
static volatile int sigpipe_code, sigpipe_pid;

static void on_sigpipe(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    sigpipes++;
    sigpipe_code = info->si_code;
    sigpipe_pid = info->si_pid;
}

/* A stream pair raises SIGPIPE with EPIPE; a seqpacket pair only fails
 * with EPIPE (Linux's unix_dgram_sendmsg, which seqpacket sockets use,
 * sends no signal). */
static void test_closed_peer(int type)
{
    int raises = type == SOCK_STREAM;
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
    /* Data written before the close is still read, then end of file. */
    CHECK_EQ(write(sv[1], "last", 4), 4);
    close(sv[1]);
    char buffer[8];
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 4);
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 0);
    CHECK_EQ(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), 0);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigpipe;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGPIPE, &action, NULL) == 0);
    sigpipes = 0;
    sigpipe_code = 0;
    sigpipe_pid = 0;
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_EQ(sigpipes, raises);
    CHECK_EQ(sigpipe_code, raises ? SI_USER : 0);
    CHECK_EQ(sigpipe_pid, raises ? getpid() : 0);
    CHECK_ERRNO(send(sv[0], "x", 1, 0), EPIPE);
    CHECK_EQ(sigpipes, 2 * raises);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ(sigpipes, 2 * raises);

    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_ERRNO(send(sv[0], "x", 1, 0), EPIPE);
    CHECK_EQ(sigpipes, 2 * raises);
    signal(SIGPIPE, SIG_DFL);
    close(sv[0]);

    /* The default action kills a stream writer. */
    REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
    close(sv[1]);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        write(sv[0], "x", 1);
        _exit(42);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    if (raises)
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
    else
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    close(sv[0]);
}

/* A datagram pair: the survivor's first send finds its peer dead
 * (ECONNREFUSED, and the pair is disconnected), the next has nobody to
 * send to (ENOTCONN); neither raises SIGPIPE. */
static void test_closed_datagram_peer(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK_EQ(write(sv[1], "last", 4), 4);
    close(sv[1]);
    char buffer[8];
    CHECK_EQ(read(sv[0], buffer, sizeof buffer), 4);
    CHECK_ERRNO(write(sv[0], "x", 1), ECONNREFUSED);
    CHECK_ERRNO(write(sv[0], "x", 1), ENOTCONN);
    CHECK_ERRNO(send(sv[0], "x", 1, 0), ENOTCONN);
    close(sv[0]);
}

int main(void)
{
    test_types_and_flags();
    test_errors();
    test_data(SOCK_STREAM);
    test_data(SOCK_DGRAM);
    test_data(SOCK_SEQPACKET);
    test_fork_sharing();
    test_closed_peer(SOCK_STREAM);
    test_closed_peer(SOCK_SEQPACKET);
    test_closed_datagram_peer();
    return check_finish("unix_socketpair");
}
