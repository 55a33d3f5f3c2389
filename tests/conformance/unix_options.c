/* Socket options of unix sockets: SO_TYPE, SO_DOMAIN, SO_PROTOCOL,
 * SO_ACCEPTCONN, SO_ERROR, SO_SNDBUF and SO_RCVBUF (defaults; a set value
 * doubled on reading), SO_PASSCRED, SO_PEERCRED (a socketpair: our own
 * pid, uid and gid; an accepted socket: the connecting child's pid, and
 * the child sees whoever called listen; an unconnected socket: pid 0, uid
 * and gid -1; a listener: its own), an unknown option ENOPROTOOPT, another level EOPNOTSUPP,
 * and the socket calls on a pipe (ENOTSOCK) or a bad descriptor (EBADF).
 *
 * Linux's answers worth knowing: SO_PROTOCOL is 0 even for a socket made
 * with protocol PF_UNIX (1); the buffers default to 212992 (the
 * net.core.[rw]mem_default sysctls); SO_PEERCRED's uid and gid are root's
 * for a peer that made its socket as root and then became another user:
 * the credentials are the ones from connect or listen time; a listening
 * socket's SO_PEERCRED is its own (listen records the caller's). */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "check.h"

static int get_int(int fd, int option)
{
    int value = -12345;
    socklen_t length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0)
        return -1000 - errno;
    if (length != sizeof value)
        return -2000 - (int)length;
    return value;
}

static void test_identity(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    for (int i = 0; i < 3; i++) {
        int fd = socket(AF_UNIX, types[i], 0);
        REQUIRE(fd >= 0);
        CHECK_EQ(get_int(fd, SO_TYPE), types[i]);
        CHECK_EQ(get_int(fd, SO_DOMAIN), AF_UNIX);
        CHECK_EQ(get_int(fd, SO_PROTOCOL), 0);
        CHECK_EQ(get_int(fd, SO_ACCEPTCONN), 0);
        CHECK_EQ(get_int(fd, SO_ERROR), 0);
        CHECK_EQ(get_int(fd, SO_PASSCRED), 0);
        close(fd);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, PF_UNIX);
    REQUIRE(fd >= 0);
    CHECK_EQ(get_int(fd, SO_PROTOCOL), 0);
    close(fd);

    /* SO_ACCEPTCONN once listening; the setting options are read-only. */
    int server = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(server >= 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX, .sun_path = "\0unix_options"};
    socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 13);
    REQUIRE(bind(server, (struct sockaddr *)&address, length) == 0);
    CHECK_EQ(get_int(server, SO_ACCEPTCONN), 0);
    REQUIRE(listen(server, 1) == 0);
    CHECK_EQ(get_int(server, SO_ACCEPTCONN), 1);
    int one = 1;
    CHECK_ERRNO(setsockopt(server, SOL_SOCKET, SO_TYPE, &one, sizeof one), ENOPROTOOPT);
    CHECK_ERRNO(setsockopt(server, SOL_SOCKET, SO_ACCEPTCONN, &one, sizeof one), ENOPROTOOPT);
    close(server);
}

static void test_buffers(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(get_int(sv[0], SO_SNDBUF), 212992);
    CHECK_EQ(get_int(sv[0], SO_RCVBUF), 212992);
    int value = 50000;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, sizeof value));
    CHECK_EQ(get_int(sv[0], SO_SNDBUF), 100000);
    value = 30000;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, sizeof value));
    CHECK_EQ(get_int(sv[0], SO_RCVBUF), 60000);
    /* The other end keeps its own. */
    CHECK_EQ(get_int(sv[1], SO_SNDBUF), 212992);
    /* Data still flows. */
    CHECK_EQ(write(sv[0], "x", 1), 1);
    char byte;
    CHECK_EQ(read(sv[1], &byte, 1), 1);
    /* A short option length is EINVAL. */
    CHECK_ERRNO(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, 2), EINVAL);
    close(sv[0]);
    close(sv[1]);
}

static void test_passcred(void)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    int value = 1;
    CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, sizeof value));
    CHECK_EQ(get_int(fd, SO_PASSCRED), 1);
    value = 5;
    CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, sizeof value));
    CHECK_EQ(get_int(fd, SO_PASSCRED), 1);
    value = 0;
    CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, sizeof value));
    CHECK_EQ(get_int(fd, SO_PASSCRED), 0);
    close(fd);
}

static int get_peer(int fd, struct ucred *credentials)
{
    socklen_t length = sizeof *credentials;
    memset(credentials, 0x55, sizeof *credentials);
    int result = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, credentials, &length);
    if (result == 0 && length != sizeof *credentials)
        return -2;
    return result;
}

static void test_peercred(void)
{
    struct ucred credentials;
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_OK(get_peer(sv[0], &credentials));
    CHECK_EQ(credentials.pid, getpid());
    CHECK_EQ(credentials.uid, getuid());
    CHECK_EQ(credentials.gid, getgid());
    CHECK_OK(get_peer(sv[1], &credentials));
    CHECK_EQ(credentials.pid, getpid());
    close(sv[0]);
    close(sv[1]);

    /* Unconnected. */
    int lone = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(lone >= 0);
    CHECK_OK(get_peer(lone, &credentials));
    CHECK_EQ(credentials.pid, 0);
    CHECK_EQ(credentials.uid, (uid_t)-1);
    CHECK_EQ(credentials.gid, (gid_t)-1);
    close(lone);

    /* Across fork: the child connects as another user; each side sees the
     * other. The child reports what it saw through its socket. */
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(server >= 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX, .sun_path = "\0unix_options.peer"};
    socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 18);
    REQUIRE(bind(server, (struct sockaddr *)&address, length) == 0);
    REQUIRE(listen(server, 1) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(server);
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&address, length) != 0)
            _exit(3);
        struct ucred seen;
        if (get_peer(fd, &seen) != 0)
            _exit(4);
        if (write(fd, &seen, sizeof seen) != sizeof seen)
            _exit(5);
        char byte;
        if (read(fd, &byte, 1) != 0)
            _exit(6);
        _exit(0);
    }
    int accepted = accept(server, NULL, NULL);
    REQUIRE(accepted >= 0);
    CHECK_OK(get_peer(accepted, &credentials));
    CHECK_EQ(credentials.pid, child);
    CHECK_EQ(credentials.uid, 1000);
    CHECK_EQ(credentials.gid, 1000);
    struct ucred seen;
    CHECK_EQ(read(accepted, &seen, sizeof seen), sizeof seen);
    CHECK_EQ(seen.pid, getpid());
    CHECK_EQ(seen.uid, 0);
    CHECK_EQ(seen.gid, 0);
    /* The listener reports its own credentials from listen's time. */
    CHECK_OK(get_peer(server, &credentials));
    CHECK_EQ(credentials.pid, getpid());
    CHECK_EQ(credentials.uid, 0);
    CHECK_EQ(credentials.gid, 0);
    close(accepted);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    close(server);

    /* A socketpair made as root, one end then used by a child that became
     * another user: the credentials are from socketpair's time. */
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        struct ucred mine;
        if (get_peer(sv[1], &mine) != 0)
            _exit(3);
        _exit(mine.uid == 0 && mine.pid == getppid() ? 0 : 4);
    }
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    close(sv[0]);
    close(sv[1]);
}

static void test_errors(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    int value = 0;
    socklen_t length = sizeof value;
    CHECK_ERRNO(getsockopt(fd, SOL_SOCKET, 9999, &value, &length), ENOPROTOOPT);
    CHECK_ERRNO(setsockopt(fd, SOL_SOCKET, 9999, &value, sizeof value), ENOPROTOOPT);
    length = sizeof value;
    CHECK_ERRNO(getsockopt(fd, 6 /* IPPROTO_TCP */, 1, &value, &length), EOPNOTSUPP);
    CHECK_ERRNO(setsockopt(fd, 6, 1, &value, sizeof value), EOPNOTSUPP);
    length = (socklen_t)-1;
    CHECK_ERRNO(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length), EINVAL);
    close(fd);

    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    int p = pipe_ends[0];
    struct sockaddr_un address = {.sun_family = AF_UNIX, .sun_path = "\0unix_options.pipe"};
    socklen_t address_length = sizeof address;
    length = sizeof value;
    CHECK_ERRNO(getsockopt(p, SOL_SOCKET, SO_TYPE, &value, &length), ENOTSOCK);
    CHECK_ERRNO(setsockopt(p, SOL_SOCKET, SO_PASSCRED, &value, sizeof value), ENOTSOCK);
    CHECK_ERRNO(bind(p, (struct sockaddr *)&address, sizeof address), ENOTSOCK);
    CHECK_ERRNO(connect(p, (struct sockaddr *)&address, sizeof address), ENOTSOCK);
    CHECK_ERRNO(listen(p, 1), ENOTSOCK);
    CHECK_ERRNO(accept(p, NULL, NULL), ENOTSOCK);
    CHECK_ERRNO(getsockname(p, (struct sockaddr *)&address, &address_length), ENOTSOCK);
    CHECK_ERRNO(getpeername(p, (struct sockaddr *)&address, &address_length), ENOTSOCK);
    CHECK_ERRNO(shutdown(p, SHUT_RD), ENOTSOCK);
    CHECK_ERRNO(send(pipe_ends[1], "x", 1, 0), ENOTSOCK);
    CHECK_ERRNO(recv(p, &value, 1, MSG_DONTWAIT), ENOTSOCK);
    close(pipe_ends[0]);
    close(pipe_ends[1]);

    int bad = 999;
    length = sizeof value;
    CHECK_ERRNO(getsockopt(bad, SOL_SOCKET, SO_TYPE, &value, &length), EBADF);
    CHECK_ERRNO(setsockopt(bad, SOL_SOCKET, SO_PASSCRED, &value, sizeof value), EBADF);
    CHECK_ERRNO(bind(bad, (struct sockaddr *)&address, sizeof address), EBADF);
    CHECK_ERRNO(listen(bad, 1), EBADF);
    CHECK_ERRNO(accept(bad, NULL, NULL), EBADF);
    CHECK_ERRNO(shutdown(bad, SHUT_RD), EBADF);
    CHECK_ERRNO(send(bad, "x", 1, 0), EBADF);
    CHECK_ERRNO(getsockname(-1, (struct sockaddr *)&address, &address_length), EBADF);
}

int main(void)
{
    test_identity();
    test_buffers();
    test_passcred();
    test_peercred();
    test_errors();
    return check_finish("unix_options");
}
