/* Stream sockets with file-system names, in a fresh directory of /tmp:
 * bind (the socket file, S_IFSOCK; EADDRINUSE when the path exists,
 * EINVAL for a second bind, ENOENT in a missing directory, EINVAL for bad
 * lengths and families), getsockname's lengths, listen, connect (ENOENT,
 * ECONNREFUSED for a regular file and for a socket nobody listens on, for
 * a closed one, EISCONN the second time), accept and accept4's flags,
 * getpeername on both sides (ENOTCONN when unconnected), a name unlinked
 * after bind, and a client and a server in two programs (fork and exec of
 * argv[0]).
 *
 * Linux's answers worth knowing: getsockname of a named socket is
 * offsetof(sun_path) + strlen(path) + 1 (the NUL counted); the accepted
 * socket's getpeername of an unnamed client is sizeof(sa_family_t); a
 * bound socket binding its own path again is EADDRINUSE (the file exists)
 * while binding a new path is EINVAL (already bound). */
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

static int listener(const char *leaf, int backlog)
{
    struct sockaddr_un address;
    socklen_t length = make_name(&address, leaf);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    REQUIRE(bind(fd, (struct sockaddr *)&address, length) == 0);
    REQUIRE(listen(fd, backlog) == 0);
    return fd;
}

static int connect_to(const char *leaf)
{
    struct sockaddr_un address;
    socklen_t length = make_name(&address, leaf);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    if (connect(fd, (struct sockaddr *)&address, length) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_bind(void)
{
    struct sockaddr_un address, got;
    socklen_t length = make_name(&address, "bound");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    /* Unnamed so far. */
    socklen_t got_length = sizeof got;
    memset(&got, 0x55, sizeof got);
    CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &got_length));
    CHECK_EQ(got_length, sizeof(sa_family_t));
    CHECK_EQ(got.sun_family, AF_UNIX);

    CHECK_OK(bind(fd, (struct sockaddr *)&address, length));
    struct stat status;
    CHECK_OK(stat(address.sun_path, &status));
    CHECK(S_ISSOCK(status.st_mode));
    CHECK_EQ(status.st_size, 0);
    CHECK_EQ(status.st_nlink, 1);
    CHECK_OK(lstat(address.sun_path, &status));
    CHECK(S_ISSOCK(status.st_mode));

    got_length = sizeof got;
    memset(&got, 0, sizeof got);
    CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &got_length));
    CHECK_EQ(got_length, length);
    CHECK_EQ(got_length, offsetof(struct sockaddr_un, sun_path) + strlen(address.sun_path) + 1);
    CHECK_EQ(got.sun_family, AF_UNIX);
    CHECK(strcmp(got.sun_path, address.sun_path) == 0);
    /* A short buffer: truncated, the full length reported. */
    got_length = 3;
    memset(&got, 0, sizeof got);
    CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &got_length));
    CHECK_EQ(got_length, length);
    CHECK_EQ(got.sun_path[0], address.sun_path[0]);
    CHECK_EQ(got.sun_path[1], 0);

    /* A second bind of the same socket, to any name. */
    struct sockaddr_un other;
    socklen_t other_length = make_name(&other, "other");
    CHECK_ERRNO(bind(fd, (struct sockaddr *)&other, other_length), EINVAL);
    CHECK_ERRNO(stat(other.sun_path, &status), ENOENT);
    /* Its own name again: Linux makes the file before it looks whether
     * the socket is bound, so the existing file answers first. */
    CHECK_ERRNO(bind(fd, (struct sockaddr *)&address, length), EADDRINUSE);

    /* The path exists: another socket cannot bind it. */
    int second = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(second >= 0);
    CHECK_ERRNO(bind(second, (struct sockaddr *)&address, length), EADDRINUSE);
    /* Not even once the first socket is gone: the file stays. */
    close(fd);
    CHECK_OK(stat(address.sun_path, &status));
    CHECK_ERRNO(bind(second, (struct sockaddr *)&address, length), EADDRINUSE);
    /* Nor over a regular file or a directory. */
    struct sockaddr_un file;
    socklen_t file_length = make_name(&file, "regular");
    int regular = open(file.sun_path, O_CREAT | O_WRONLY, 0600);
    CHECK(regular >= 0);
    close(regular);
    CHECK_ERRNO(bind(second, (struct sockaddr *)&file, file_length), EADDRINUSE);
    /* Unlinked, the name is free again. */
    CHECK_OK(unlink(address.sun_path));
    CHECK_OK(bind(second, (struct sockaddr *)&address, length));
    close(second);
    CHECK_OK(unlink(address.sun_path));

    /* A missing directory; bad lengths; another family. */
    int third = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(third >= 0);
    struct sockaddr_un missing;
    socklen_t missing_length = make_name(&missing, "nowhere/socket");
    CHECK_ERRNO(bind(third, (struct sockaddr *)&missing, missing_length), ENOENT);
    CHECK_ERRNO(bind(third, (struct sockaddr *)&address, sizeof address + 1), EINVAL);
    CHECK_ERRNO(bind(third, (struct sockaddr *)&address, 1), EINVAL);
    CHECK_ERRNO(bind(third, (struct sockaddr *)&address, 0), EINVAL);
    struct sockaddr_un wrong = address;
    wrong.sun_family = AF_INET;
    CHECK_ERRNO(bind(third, (struct sockaddr *)&wrong, length), EINVAL);
    /* Still unbound after all that. */
    got_length = sizeof got;
    CHECK_OK(getsockname(third, (struct sockaddr *)&got, &got_length));
    CHECK_EQ(got_length, sizeof(sa_family_t));
    close(third);
    unlink(file.sun_path);
}

static void test_connect_errors(void)
{
    struct sockaddr_un address;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    socklen_t length = make_name(&address, "absent");
    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, length), ENOENT);

    length = make_name(&address, "plain");
    int regular = open(address.sun_path, O_CREAT | O_WRONLY, 0600);
    CHECK(regular >= 0);
    close(regular);
    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, length), ECONNREFUSED);
    unlink(address.sun_path);

    /* Bound, not listening. */
    int bound = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(bound >= 0);
    length = make_name(&address, "quiet");
    REQUIRE(bind(bound, (struct sockaddr *)&address, length) == 0);
    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, length), ECONNREFUSED);
    /* Its socket closed, the file left behind. */
    close(bound);
    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, length), ECONNREFUSED);
    unlink(address.sun_path);

    /* A directory. */
    length = make_name(&address, "");
    address.sun_path[strlen(address.sun_path) - 1] = 0;   /* the directory itself */
    length--;
    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, length), ECONNREFUSED);

    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, sizeof address + 1), EINVAL);
    CHECK_ERRNO(connect(fd, (struct sockaddr *)&address, 1), EINVAL);

    /* The failures left it unconnected. */
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    CHECK_ERRNO(getpeername(fd, (struct sockaddr *)&peer, &peer_length), ENOTCONN);
    close(fd);
}

static void test_connect_accept(void)
{
    int server = listener("server", 5);
    struct sockaddr_un name;
    socklen_t name_length = make_name(&name, "server");
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    CHECK_ERRNO(getpeername(server, (struct sockaddr *)&peer, &peer_length), ENOTCONN);

    int client = connect_to("server");
    REQUIRE(client >= 0);
    /* Connecting again: already connected. */
    CHECK_ERRNO(connect(client, (struct sockaddr *)&name, name_length), EISCONN);

    struct sockaddr_un from;
    socklen_t from_length = sizeof from;
    memset(&from, 0x55, sizeof from);
    int accepted = accept(server, (struct sockaddr *)&from, &from_length);
    REQUIRE(accepted >= 0);
    CHECK_EQ(from_length, sizeof(sa_family_t));
    CHECK_EQ(from.sun_family, AF_UNIX);
    CHECK_EQ(fcntl(accepted, F_GETFD), 0);
    CHECK_EQ(fcntl(accepted, F_GETFL) & O_NONBLOCK, 0);

    /* The client sees the server's name; the server sees an unnamed
     * client; the accepted socket has the listener's name. */
    peer_length = sizeof peer;
    memset(&peer, 0, sizeof peer);
    CHECK_OK(getpeername(client, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, name_length);
    CHECK(strcmp(peer.sun_path, name.sun_path) == 0);
    peer_length = sizeof peer;
    CHECK_OK(getpeername(accepted, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, sizeof(sa_family_t));
    peer_length = sizeof peer;
    memset(&peer, 0, sizeof peer);
    CHECK_OK(getsockname(accepted, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, name_length);
    CHECK(strcmp(peer.sun_path, name.sun_path) == 0);
    peer_length = sizeof peer;
    CHECK_OK(getsockname(client, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, sizeof(sa_family_t));

    char buffer[16];
    CHECK_EQ(write(client, "request", 7), 7);
    CHECK_EQ(read(accepted, buffer, sizeof buffer), 7);
    CHECK(memcmp(buffer, "request", 7) == 0);
    CHECK_EQ(write(accepted, "reply", 5), 5);
    CHECK_EQ(read(client, buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "reply", 5) == 0);
    close(client);
    close(accepted);

    /* A named client: the server sees its name. */
    struct sockaddr_un client_name;
    socklen_t client_name_length = make_name(&client_name, "client");
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(client >= 0);
    REQUIRE(bind(client, (struct sockaddr *)&client_name, client_name_length) == 0);
    CHECK_OK(connect(client, (struct sockaddr *)&name, name_length));
    from_length = sizeof from;
    memset(&from, 0, sizeof from);
    accepted = accept4(server, (struct sockaddr *)&from, &from_length,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    REQUIRE(accepted >= 0);
    CHECK_EQ(from_length, client_name_length);
    CHECK(strcmp(from.sun_path, client_name.sun_path) == 0);
    CHECK_EQ(fcntl(accepted, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(accepted, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    CHECK_ERRNO(read(accepted, buffer, sizeof buffer), EAGAIN);
    peer_length = sizeof peer;
    memset(&peer, 0, sizeof peer);
    CHECK_OK(getpeername(accepted, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, client_name_length);
    CHECK(strcmp(peer.sun_path, client_name.sun_path) == 0);
    close(accepted);
    close(client);
    unlink(client_name.sun_path);

    /* accept4 with another flag (the raw call: musl's accept4 falls back
     * to accept after EINVAL, which would wait); accept without room for
     * the name. */
    CHECK_ERRNO(syscall(SYS_accept4, server, NULL, NULL, 0x100), EINVAL);
    client = connect_to("server");
    REQUIRE(client >= 0);
    accepted = accept(server, NULL, NULL);
    CHECK(accepted >= 0);
    close(accepted);
    close(client);

    /* The listener's name unlinked: existing connections are unaffected,
     * new ones cannot find it. */
    client = connect_to("server");
    REQUIRE(client >= 0);
    CHECK_OK(unlink(name.sun_path));
    accepted = accept(server, NULL, NULL);
    REQUIRE(accepted >= 0);
    CHECK_EQ(write(client, "after", 5), 5);
    CHECK_EQ(read(accepted, buffer, sizeof buffer), 5);
    CHECK_EQ(write(accepted, "unlink", 6), 6);
    CHECK_EQ(read(client, buffer, sizeof buffer), 6);
    CHECK_EQ(connect_to("server"), -1);
    CHECK_EQ(errno, ENOENT);
    /* getsockname still reports the name. */
    peer_length = sizeof peer;
    CHECK_OK(getsockname(server, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, name_length);
    close(client);
    close(accepted);
    close(server);
}

/* The server forks and execs this program as the client, which connects
 * by name, sends its request and reads the reply. */
static int client_role(const char *path)
{
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 10;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0)
        return 11;
    if (write(fd, "from exec", 9) != 9)
        return 12;
    char buffer[16];
    if (read(fd, buffer, sizeof buffer) != 6 || memcmp(buffer, "served", 6) != 0)
        return 13;
    if (read(fd, buffer, sizeof buffer) != 0)
        return 14;
    return 0;
}

static void test_across_exec(const char *self)
{
    int server = listener("exec", 1);
    struct sockaddr_un name;
    make_name(&name, "exec");
    /* The child keeps alive[1] open through exec: if it dies before
     * connecting, the parent sees POLLHUP there instead of waiting in
     * accept for ever. */
    int alive[2];
    REQUIRE(pipe(alive) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(server);
        close(alive[0]);
        execl(self, self, "client", name.sun_path, (char *)NULL);
        _exit(99);
    }
    close(alive[1]);
    struct pollfd entries[2] = {{.fd = server, .events = POLLIN}, {.fd = alive[0], .events = POLLIN}};
    REQUIRE(poll(entries, 2, -1) >= 1);
    REQUIRE(entries[0].revents == POLLIN);
    close(alive[0]);
    int accepted = accept(server, NULL, NULL);
    REQUIRE(accepted >= 0);
    char buffer[16];
    CHECK_EQ(read(accepted, buffer, sizeof buffer), 9);
    CHECK(memcmp(buffer, "from exec", 9) == 0);
    CHECK_EQ(write(accepted, "served", 6), 6);
    close(accepted);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    close(server);
    unlink(name.sun_path);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "client") == 0)
        return client_role(argv[2]);
    strcpy(directory, "/tmp/unix_stream_names.XXXXXX");
    REQUIRE(mkdtemp(directory) != NULL);
    test_bind();
    test_connect_errors();
    test_connect_accept();
    test_across_exec(argv[0]);
    CHECK_OK(rmdir(directory));
    return check_finish("unix_stream_names");
}
