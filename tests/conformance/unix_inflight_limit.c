/* Linux's limit on descriptors in flight (too_many_unix_fds): a send
 * with SCM_RIGHTS fails with ETOOMANYREFS while its user already has
 * more descriptors sent and not yet received than the sender's
 * RLIMIT_NOFILE soft limit. Counted per user, across processes: with a
 * limit of 16, one user's 17 single-descriptor messages go and the 18th
 * does not, nor does another process's of the same user; another user's
 * goes, and root is not limited. Receiving one lets one more go; a data
 * send is never limited; a message of many goes while the count is at
 * most the limit; closing the receiver uncounts what its queue held. */
#include <sys/resource.h>
#include <sys/socket.h>

#include "check.h"
#include "scm.h"

#define LIMIT       16
#define USER        2101
#define OTHER_USER  2102

/* Forks a child that takes the limit and the user (0: stays root),
 * runs body, and passes if its checks did. */
static void as_child(uid_t user, void (*body)(int socket, int fd), int socket, int fd)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct rlimit limit = {LIMIT, LIMIT};
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            _exit(2);
        if (user && (setgid(user) != 0 || setuid(user) != 0))
            _exit(2);
        body(socket, fd);
        check_child_exit();
    }
    check_child_passed(child);
}

/* Up to the limit and one over it, then refused. */
static void fill(int socket, int fd)
{
    for (int i = 0; i <= LIMIT; i++)
        CHECK_EQ(send_fd(socket, fd), 1);
    CHECK_ERRNO(send_fd(socket, fd), ETOOMANYREFS);
    /* Data alone is not limited. */
    CHECK_EQ(send(socket, "d", 1, 0), 1);
}

static void refused(int socket, int fd)
{
    CHECK_ERRNO(send_fd(socket, fd), ETOOMANYREFS);
}

static void one_goes(int socket, int fd)
{
    CHECK_EQ(send_fd(socket, fd), 1);
}

static void one_more_then_refused(int socket, int fd)
{
    CHECK_EQ(send_fd(socket, fd), 1);
    CHECK_ERRNO(send_fd(socket, fd), ETOOMANYREFS);
}

/* Root: far over the limit. */
static void root_unlimited(int socket, int fd)
{
    for (int i = 0; i < 3 * LIMIT; i++)
        CHECK_EQ(send_fd(socket, fd), 1);
}

/* Many in one message while under the limit, then nothing more. */
static void many_at_once(int socket, int fd)
{
    int many[2 * LIMIT];
    for (int i = 0; i < 2 * LIMIT; i++)
        many[i] = fd;
    CHECK_EQ(send_fds(socket, many, 2 * LIMIT), 1);
    CHECK_ERRNO(send_fd(socket, fd), ETOOMANYREFS);
}

/* Receives count messages of one descriptor each, closing them. */
static void receive_some(int socket, int count)
{
    for (int i = 0; i < count; i++) {
        int fd = receive_fd(socket, 0);
        CHECK(fd >= 0);
        close(fd);
    }
}

int main(void)
{
    if (geteuid() != 0)
        check_skip("needs root to become other users");
    int sv[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    REQUIRE(pipe(ends) == 0);

    as_child(USER, fill, sv[0], ends[1]);
    as_child(USER, refused, sv[0], ends[1]);        /* the user's count, not the process's */
    as_child(OTHER_USER, one_goes, sv[0], ends[1]);
    as_child(0, root_unlimited, sv[0], ends[1]);

    /* One of the user's received: one more goes. */
    receive_some(sv[1], 1);
    as_child(USER, one_more_then_refused, sv[0], ends[1]);

    /* The receiver closed with everything queued: nothing is in flight. */
    close(sv[1]);
    close(sv[0]);
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    as_child(USER, many_at_once, sv[0], ends[1]);
    int count = 0, flags = -1;
    static int got[2 * LIMIT];
    CHECK_EQ(receive_fds(sv[1], got, 2 * LIMIT, &count, &flags, 0), 1);
    CHECK_EQ(count, 2 * LIMIT);
    for (int i = 0; i < count; i++)
        close(got[i]);
    as_child(USER, one_goes, sv[0], ends[1]);
    close(sv[0]);
    close(sv[1]);
    close(ends[0]);
    close(ends[1]);
    return check_finish("unix_inflight_limit");
}
