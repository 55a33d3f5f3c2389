/* SCM_CREDENTIALS and SO_PASSCRED: a receiver with SO_PASSCRED gets the
 * sender's pid, uid and gid with every message, whether the sender sent
 * credentials or not (stream and datagram); without SO_PASSCRED nothing;
 * credentials sent explicitly; root may claim another existing process's
 * pid (a nonexistent one is ESRCH), an unprivileged sender only its own
 * (EPERM for another pid or uid); a datagram socket with SO_PASSCRED that
 * sends unbound is autobound (its sender address has 8 bytes).
 *
 * Passes on Linux 6.1 and on tern (whose personality asks procmgr
 * whether a pid root claims exists: the unix server does not). */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "check.h"

static void set_passcred(int fd, int on)
{
    REQUIRE(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
}

/* Sends `text`, with credentials if `credentials` is not NULL. */
static ssize_t send_with(int fd, const char *text, const struct ucred *credentials)
{
    struct iovec vector = {(void *)text, strlen(text)};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(struct ucred))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (credentials != NULL) {
        message.msg_control = control.space;
        message.msg_controllen = sizeof control.space;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_CREDENTIALS;
        header->cmsg_len = CMSG_LEN(sizeof(struct ucred));
        memcpy(CMSG_DATA(header), credentials, sizeof *credentials);
    }
    return sendmsg(fd, &message, 0);
}

/* Receives into buffer; *found says whether credentials came (then in
 * *credentials). */
static ssize_t receive_with(int fd, char *buffer, size_t size, struct ucred *credentials,
                            int *found, struct sockaddr_un *from, socklen_t *from_length)
{
    struct iovec vector = {buffer, size};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(struct ucred)) + 64];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    message.msg_name = from;
    message.msg_namelen = from != NULL ? sizeof *from : 0;
    ssize_t result = recvmsg(fd, &message, 0);
    *found = 0;
    if (from_length != NULL)
        *from_length = message.msg_namelen;
    if (result < 0)
        return result;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL;
         header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS &&
            header->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
            memcpy(credentials, CMSG_DATA(header), sizeof *credentials);
            (*found)++;
        } else {
            *found = -100;
        }
    }
    return result;
}

static void test_passcred(int type)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
    char buffer[16];
    struct ucred credentials;
    int found;

    /* Without SO_PASSCRED: no control message. */
    CHECK_EQ(send_with(sv[0], "plain", NULL), 5);
    CHECK_EQ(receive_with(sv[1], buffer, sizeof buffer, &credentials, &found, NULL, NULL), 5);
    CHECK_EQ(found, 0);

    /* With it: the sender's, sent or not. */
    set_passcred(sv[1], 1);
    CHECK_EQ(send_with(sv[0], "implicit", NULL), 8);
    memset(&credentials, 0, sizeof credentials);
    CHECK_EQ(receive_with(sv[1], buffer, sizeof buffer, &credentials, &found, NULL, NULL), 8);
    CHECK_EQ(found, 1);
    CHECK_EQ(credentials.pid, getpid());
    CHECK_EQ(credentials.uid, getuid());
    CHECK_EQ(credentials.gid, getgid());

    struct ucred own = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
    CHECK_EQ(send_with(sv[0], "explicit", &own), 8);
    memset(&credentials, 0, sizeof credentials);
    CHECK_EQ(receive_with(sv[1], buffer, sizeof buffer, &credentials, &found, NULL, NULL), 8);
    CHECK_EQ(found, 1);
    CHECK_EQ(credentials.pid, getpid());

    /* From a child, as another user: its own credentials; claiming the
     * parent's pid or root's uid is EPERM. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_EQ(send_with(sv[0], "child", NULL), 5);
        struct ucred claim = {.pid = getpid(), .uid = 1000, .gid = 1000};
        CHECK_EQ(send_with(sv[0], "claim", &claim), 5);
        claim.pid = getppid();
        CHECK_ERRNO(send_with(sv[0], "parent", &claim), EPERM);
        claim.pid = getpid();
        claim.uid = 0;
        CHECK_ERRNO(send_with(sv[0], "root", &claim), EPERM);
        claim.uid = 1000;
        claim.gid = 0;
        CHECK_ERRNO(send_with(sv[0], "root", &claim), EPERM);
        check_child_exit();
    }
    check_child_passed(child);
    /* (5 bytes at a time: a stream glues one writer's messages.) */
    for (int i = 0; i < 2; i++) {
        memset(&credentials, 0, sizeof credentials);
        CHECK_EQ(receive_with(sv[1], buffer, 5, &credentials, &found, NULL, NULL), 5);
        CHECK_EQ(found, 1);
        CHECK_EQ(credentials.pid, child);
        CHECK_EQ(credentials.uid, 1000);
        CHECK_EQ(credentials.gid, 1000);
    }
    CHECK_ERRNO(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

/* Root may name another existing process; one that does not exist is
 * ESRCH. */
static void test_root_claims(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    set_passcred(sv[1], 1);
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(go[1]);
        char flag;
        read(go[0], &flag, 1);   /* until the parent is done */
        _exit(0);
    }
    close(go[0]);
    struct ucred claim = {.pid = child, .uid = 1000, .gid = 1000};
    CHECK_EQ(send_with(sv[0], "other", &claim), 5);
    char buffer[8];
    struct ucred credentials;
    int found;
    CHECK_EQ(receive_with(sv[1], buffer, sizeof buffer, &credentials, &found, NULL, NULL), 5);
    CHECK_EQ(found, 1);
    CHECK_EQ(credentials.pid, child);
    CHECK_EQ(credentials.uid, 1000);
    CHECK_EQ(credentials.gid, 1000);
    close(go[1]);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    /* Reaped: its pid names nobody now. */
    claim.pid = child;
    CHECK_ERRNO(send_with(sv[0], "gone", &claim), ESRCH);
    close(sv[0]);
    close(sv[1]);
}

/* A datagram socket with SO_PASSCRED sending unbound is autobound. */
static void test_autobind(void)
{
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(receiver >= 0);
    struct sockaddr_un name = {.sun_family = AF_UNIX, .sun_path = "\0unix_scm_credentials"};
    socklen_t name_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 21);
    REQUIRE(bind(receiver, (struct sockaddr *)&name, name_length) == 0);
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(sender >= 0);
    /* Without SO_PASSCRED anywhere: unnamed. */
    CHECK_EQ(sendto(sender, "a", 1, 0, (struct sockaddr *)&name, name_length), 1);
    struct sockaddr_un from;
    socklen_t from_length = sizeof from;
    char byte;
    CHECK_EQ(recvfrom(receiver, &byte, 1, 0, (struct sockaddr *)&from, &from_length), 1);
    CHECK_EQ(from_length, 0);
    /* The sender's SO_PASSCRED: autobound at the send. */
    set_passcred(sender, 1);
    CHECK_EQ(sendto(sender, "b", 1, 0, (struct sockaddr *)&name, name_length), 1);
    from_length = sizeof from;
    CHECK_EQ(recvfrom(receiver, &byte, 1, 0, (struct sockaddr *)&from, &from_length), 1);
    CHECK_EQ(from_length, offsetof(struct sockaddr_un, sun_path) + 6);
    CHECK_EQ(from.sun_path[0], 0);
    struct sockaddr_un own;
    socklen_t own_length = sizeof own;
    CHECK_OK(getsockname(sender, (struct sockaddr *)&own, &own_length));
    CHECK_EQ(own_length, from_length);
    CHECK(memcmp(&own, &from, own_length) == 0);
    close(sender);
    close(receiver);
}

int main(void)
{
    test_passcred(SOCK_STREAM);
    test_passcred(SOCK_DGRAM);
    test_passcred(SOCK_SEQPACKET);
    test_root_claims();
    test_autobind();
    return check_finish("unix_scm_credentials");
}
