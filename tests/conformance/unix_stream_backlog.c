/* A listening stream socket's backlog and the errors around listen and
 * accept: how many connects a backlog takes before a nonblocking connect
 * is EAGAIN (Linux queues backlog + 1), an accept making room, a second
 * listen raising the backlog, a blocking connect waiting for room; a
 * listener's poll; listen on a datagram socket EOPNOTSUPP, on an unbound
 * or connected one EINVAL; accept on a socket that does not listen
 * EINVAL (EOPNOTSUPP for a datagram socket); a stream connect to a
 * datagram name EPROTOTYPE; and a listener closed with connections still
 * waiting: each connector's first read is ECONNRESET, then end of file. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "check.h"

static char directory[64];
static struct sockaddr_un name;
static socklen_t name_length;

static void set_name(const char *leaf)
{
    memset(&name, 0, sizeof name);
    name.sun_family = AF_UNIX;
    snprintf(name.sun_path, sizeof name.sun_path, "%s/%s", directory, leaf);
    name_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name.sun_path) + 1);
}

static int listening(const char *leaf, int backlog)
{
    set_name(leaf);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    REQUIRE(bind(fd, (struct sockaddr *)&name, name_length) == 0);
    REQUIRE(listen(fd, backlog) == 0);
    return fd;
}

/* Nonblocking connects until one fails (at most `limit`): how many got
 * in; their descriptors in fds[], the failure's errno in *error. */
static int connect_until_full(int *fds, int limit, int *error)
{
    int count = 0;
    *error = 0;
    while (count < limit) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        REQUIRE(fd >= 0);
        if (connect(fd, (struct sockaddr *)&name, name_length) != 0) {
            *error = errno;
            close(fd);
            break;
        }
        fds[count++] = fd;
    }
    return count;
}

static short poll_events(int fd)
{
    struct pollfd entry = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP};
    if (poll(&entry, 1, 0) < 0)
        return -1;
    return entry.revents;
}

static void test_backlog(void)
{
    int server = listening("one", 1);
    CHECK_EQ(poll_events(server), 0);
    int clients[16], error;
    int count = connect_until_full(clients, 16, &error);
    CHECK_EQ(count, 2);
    CHECK_EQ(error, EAGAIN);
    CHECK_EQ(poll_events(server), POLLIN);

    /* An accept makes room for one more. */
    int accepted = accept(server, NULL, NULL);
    CHECK(accepted >= 0);
    close(accepted);
    int more = connect_until_full(clients + count, 16 - count, &error);
    CHECK_EQ(more, 1);
    CHECK_EQ(error, EAGAIN);
    count += more;

    /* listen again with a larger backlog: two more (queue of 4). */
    CHECK_OK(listen(server, 3));
    more = connect_until_full(clients + count, 16 - count, &error);
    CHECK_EQ(more, 2);
    CHECK_EQ(error, EAGAIN);
    count += more;

    /* Every queued connection is there to accept, oldest first: the
     * clients' bytes come out in order. */
    for (int i = 1; i < count; i++)
        CHECK_EQ(write(clients[i], &(char){(char)('0' + i)}, 1), 1);
    int in_order = 1;
    for (int i = 1; i < count; i++) {
        accepted = accept(server, NULL, NULL);
        char byte = 0;
        in_order &= accepted >= 0 && read(accepted, &byte, 1) == 1 && byte == '0' + i;
        close(accepted);
    }
    CHECK(in_order);
    CHECK_OK(fcntl(server, F_SETFL, O_NONBLOCK));
    CHECK_ERRNO(accept(server, NULL, NULL), EAGAIN);
    CHECK_EQ(poll_events(server), 0);
    for (int i = 0; i < count; i++)
        close(clients[i]);
    close(server);
    unlink(name.sun_path);

    /* Backlog 0 takes one. */
    server = listening("zero", 0);
    count = connect_until_full(clients, 16, &error);
    CHECK_EQ(count, 1);
    CHECK_EQ(error, EAGAIN);
    for (int i = 0; i < count; i++)
        close(clients[i]);
    close(server);
    unlink(name.sun_path);
}

/* A blocking connect to a full backlog waits until an accept makes room. */
static void test_blocking_connect(void)
{
    int server = listening("blocking", 0);
    int first = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(first >= 0);
    REQUIRE(connect(first, (struct sockaddr *)&name, name_length) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&name, name_length) != 0)
            _exit(2);
        if (write(fd, "2", 1) != 1)
            _exit(3);
        _exit(0);
    }
    CHECK_EQ(write(first, "1", 1), 1);
    char byte = 0;
    int accepted = accept(server, NULL, NULL);
    REQUIRE(accepted >= 0);
    CHECK_EQ(read(accepted, &byte, 1), 1);
    CHECK_EQ(byte, '1');
    close(accepted);
    accepted = accept(server, NULL, NULL);
    REQUIRE(accepted >= 0);
    CHECK_EQ(read(accepted, &byte, 1), 1);
    CHECK_EQ(byte, '2');
    close(accepted);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(first);
    close(server);
    unlink(name.sun_path);
}

static void test_errors(void)
{
    /* listen and accept on a datagram socket. */
    int datagram = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(datagram >= 0);
    set_name("datagram");
    REQUIRE(bind(datagram, (struct sockaddr *)&name, name_length) == 0);
    CHECK_ERRNO(listen(datagram, 1), EOPNOTSUPP);
    CHECK_ERRNO(accept(datagram, NULL, NULL), EOPNOTSUPP);
    /* A stream or seqpacket connect to it: EPROTOTYPE. */
    int stream = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(stream >= 0);
    CHECK_ERRNO(connect(stream, (struct sockaddr *)&name, name_length), EPROTOTYPE);
    int packet = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(packet >= 0);
    CHECK_ERRNO(connect(packet, (struct sockaddr *)&name, name_length), EPROTOTYPE);
    close(datagram);
    unlink(name.sun_path);

    /* A seqpacket connect to a stream listener: EPROTOTYPE too. */
    int server = listening("typed", 1);
    CHECK_ERRNO(connect(packet, (struct sockaddr *)&name, name_length), EPROTOTYPE);
    close(packet);
    close(server);
    unlink(name.sun_path);

    /* An unbound stream socket cannot listen; a bound one that does not
     * listen cannot accept. */
    CHECK_ERRNO(listen(stream, 1), EINVAL);
    CHECK_ERRNO(accept(stream, NULL, NULL), EINVAL);
    set_name("bound");
    REQUIRE(bind(stream, (struct sockaddr *)&name, name_length) == 0);
    CHECK_ERRNO(accept(stream, NULL, NULL), EINVAL);
    close(stream);
    unlink(name.sun_path);

    /* A connected socket cannot listen or accept. */
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_ERRNO(listen(sv[0], 1), EINVAL);
    CHECK_ERRNO(accept(sv[0], NULL, NULL), EINVAL);
    close(sv[0]);
    close(sv[1]);

    /* A listener cannot connect. */
    server = listening("listener", 1);
    CHECK_ERRNO(connect(server, (struct sockaddr *)&name, name_length), EINVAL);
    close(server);
    unlink(name.sun_path);
}

/* The listener closes with two connections waiting: each connector's
 * first read is ECONNRESET, the next ones end of file, writes EPIPE; a
 * connection already accepted goes on. */
static void test_closed_listener(void)
{
    signal(SIGPIPE, SIG_IGN);
    int server = listening("closing", 4);
    int kept = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(kept >= 0);
    REQUIRE(connect(kept, (struct sockaddr *)&name, name_length) == 0);
    int accepted = accept(server, NULL, NULL);
    REQUIRE(accepted >= 0);
    int waiting[2];
    for (int i = 0; i < 2; i++) {
        waiting[i] = socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(waiting[i] >= 0);
        REQUIRE(connect(waiting[i], (struct sockaddr *)&name, name_length) == 0);
    }
    /* One of them has sent something before the close. */
    CHECK_EQ(write(waiting[1], "lost", 4), 4);
    close(server);

    char buffer[8];
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(poll_events(waiting[i]) & (POLLERR | POLLHUP), POLLERR | POLLHUP);
        CHECK_ERRNO(read(waiting[i], buffer, sizeof buffer), ECONNRESET);
        CHECK_EQ(read(waiting[i], buffer, sizeof buffer), 0);
        CHECK_ERRNO(write(waiting[i], "x", 1), EPIPE);
        close(waiting[i]);
    }
    CHECK_EQ(write(kept, "on", 2), 2);
    CHECK_EQ(read(accepted, buffer, sizeof buffer), 2);
    close(kept);
    close(accepted);
    /* The name is left behind, with nobody listening. */
    int late = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(late >= 0);
    CHECK_ERRNO(connect(late, (struct sockaddr *)&name, name_length), ECONNREFUSED);
    close(late);
    unlink(name.sun_path);
    signal(SIGPIPE, SIG_DFL);
}

int main(void)
{
    strcpy(directory, "/tmp/unix_stream_backlog.XXXXXX");
    REQUIRE(mkdtemp(directory) != NULL);
    test_backlog();
    test_blocking_connect();
    test_errors();
    test_closed_listener();
    CHECK_OK(rmdir(directory));
    return check_finish("unix_stream_backlog");
}
