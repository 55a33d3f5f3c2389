/* SO_RCVTIMEO and SO_SNDTIMEO on unix sockets, and signals ending their
 * blocked calls.
 *
 * The options: a struct timeval, {0, 0} by default and meaning "wait
 * forever"; read back as set for a value the jiffy divides (200 ms, 1.5 s);
 * EDOM for tv_usec outside [0, 1000000), EINVAL for an optlen shorter than
 * the struct; a negative tv_sec reads back {0, 0} but makes the calls
 * never wait (Linux's timeo of 0: EAGAIN at once).
 *
 * The waits: recv, read and recvfrom of an empty stream or datagram
 * socket, accept with nobody connecting, a send to a full socket and a
 * connect to a full backlog end with EAGAIN after the timeout (at least
 * the time, give or take Linux's jiffy, and well under a generous
 * slack); a large send that fits in part returns that part.
 *
 * Signals: a blocked recv without a timeout is interrupted (EINTR) by a
 * handler without SA_RESTART and restarted with it (the handler writes
 * the byte that ends the restarted recv); a recv with a timeout is not
 * restarted even with SA_RESTART (Linux's sock_intr_errno: EINTR). The
 * signals come from a repeating ITIMER_REAL, so one of them lands while
 * the call waits, whenever it started to. */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>

#include "check.h"

static long long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int set_timeout(int fd, int option, long seconds, long microseconds)
{
    struct timeval time = {.tv_sec = seconds, .tv_usec = microseconds};
    return setsockopt(fd, SOL_SOCKET, option, &time, sizeof time);
}

/* The value read back, as seconds * 1000000 + microseconds, or -1. */
static long long get_timeout(int fd, int option)
{
    struct timeval time = {.tv_sec = 77, .tv_usec = 77};
    socklen_t length = sizeof time;
    if (getsockopt(fd, SOL_SOCKET, option, &time, &length) != 0)
        return -1000 - errno;
    if (length != sizeof time)
        return -2000 - (long long)length;
    return (long long)time.tv_sec * 1000000 + time.tv_usec;
}

static void test_options(void)
{
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    static const int options[] = {SO_RCVTIMEO, SO_SNDTIMEO};
    for (int i = 0; i < 2; i++) {
        int option = options[i];
        CHECK_EQ(get_timeout(pair[0], option), 0);
        CHECK_OK(set_timeout(pair[0], option, 1, 500000));
        CHECK_EQ(get_timeout(pair[0], option), 1500000);
        CHECK_OK(set_timeout(pair[0], option, 0, 200000));
        CHECK_EQ(get_timeout(pair[0], option), 200000);
        /* The other end and a dup: the option is the socket's. */
        CHECK_EQ(get_timeout(pair[1], option), 0);
        int copy = dup(pair[0]);
        CHECK_EQ(get_timeout(copy, option), 200000);
        close(copy);
        CHECK_ERRNO(set_timeout(pair[0], option, 1, 1000000), EDOM);
        CHECK_ERRNO(set_timeout(pair[0], option, 1, -1), EDOM);
        struct timeval time = {.tv_sec = 1};
        CHECK_ERRNO(setsockopt(pair[0], SOL_SOCKET, option, &time, 8), EINVAL);
        CHECK_ERRNO(setsockopt(pair[0], SOL_SOCKET, option, &time, 2), EINVAL);
        CHECK_EQ(get_timeout(pair[0], option), 200000);
        /* A short getsockopt gets what fits. */
        long long value = -1;
        socklen_t length = 8;
        CHECK_OK(getsockopt(pair[0], SOL_SOCKET, option, &value, &length));
        CHECK_EQ(length, 8);
        CHECK_EQ(value, 0);
        CHECK_OK(set_timeout(pair[0], option, -5, 0));
        CHECK_EQ(get_timeout(pair[0], option), 0);
        CHECK_OK(set_timeout(pair[0], option, 0, 0));
        CHECK_EQ(get_timeout(pair[0], option), 0);
    }
    /* A negative time: no waiting at all. */
    CHECK_OK(set_timeout(pair[0], SO_RCVTIMEO, -1, 0));
    char byte;
    long long start = now_ms();
    CHECK_ERRNO(recv(pair[0], &byte, 1, 0), EAGAIN);
    CHECK(now_ms() - start < 1000);
    close(pair[0]);
    close(pair[1]);
}

/* call ended with EAGAIN after 200 ms or so. */
#define CHECK_TIMES_OUT(call)                                               \
    do {                                                                    \
        long long start_ = now_ms();                                        \
        CHECK_ERRNO(call, EAGAIN);                                          \
        long long elapsed_ = now_ms() - start_;                             \
        CHECK(elapsed_ >= 190);                                             \
        CHECK(elapsed_ < 3000);                                             \
    } while (0)

static void test_receive_timeouts(void)
{
    char buffer[16];
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    CHECK_OK(set_timeout(pair[0], SO_RCVTIMEO, 0, 200000));
    CHECK_TIMES_OUT(recv(pair[0], buffer, sizeof buffer, 0));
    CHECK_TIMES_OUT(read(pair[0], buffer, 1));
    CHECK_TIMES_OUT(recv(pair[0], buffer, sizeof buffer, MSG_WAITALL));
    /* Data in time is read as ever. */
    CHECK_EQ(write(pair[1], "ab", 2), 2);
    CHECK_EQ(recv(pair[0], buffer, sizeof buffer, 0), 2);
    /* A MSG_WAITALL receive that got part returns the part. */
    CHECK_EQ(write(pair[1], "cd", 2), 2);
    CHECK_EQ(recv(pair[0], buffer, 8, MSG_WAITALL), 2);
    /* The other end has none. */
    CHECK_EQ(write(pair[0], "x", 1), 1);
    CHECK_EQ(read(pair[1], buffer, 1), 1);
    close(pair[0]);
    close(pair[1]);

    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) == 0);
    CHECK_OK(set_timeout(pair[0], SO_RCVTIMEO, 0, 200000));
    CHECK_TIMES_OUT(recvfrom(pair[0], buffer, sizeof buffer, 0, NULL, NULL));
    close(pair[0]);
    close(pair[1]);

    /* accept with nobody connecting; then connect to a full backlog. */
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX, .sun_path = "\0unix_timeouts"};
    socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 14);
    REQUIRE(bind(listener, (struct sockaddr *)&address, length) == 0);
    REQUIRE(listen(listener, 0) == 0);
    CHECK_OK(set_timeout(listener, SO_RCVTIMEO, 0, 200000));
    CHECK_TIMES_OUT(accept(listener, NULL, NULL));
    int first = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(connect(first, (struct sockaddr *)&address, length));
    int second = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(set_timeout(second, SO_SNDTIMEO, 0, 200000));
    CHECK_TIMES_OUT(connect(second, (struct sockaddr *)&address, length));
    close(first);
    close(second);
    close(listener);
}

static void test_send_timeouts(void)
{
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    /* A large send into an empty socket: the part that fits. */
    size_t size = 4 << 20;
    char *buffer = calloc(1, size);
    REQUIRE(buffer != NULL);
    CHECK_OK(set_timeout(pair[0], SO_SNDTIMEO, 0, 200000));
    ssize_t sent = send(pair[0], buffer, size, 0);
    CHECK(sent > 0 && (size_t)sent < size);
    /* Now full: a byte more times out. */
    while (send(pair[0], buffer, 4096, MSG_DONTWAIT) > 0)
        ;
    CHECK_TIMES_OUT(send(pair[0], buffer, 1, 0));
    CHECK_TIMES_OUT(write(pair[0], buffer, 1));
    close(pair[0]);
    close(pair[1]);

    /* A datagram to a receiver whose queue is full. */
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) == 0);
    while (send(pair[0], buffer, 64, MSG_DONTWAIT) > 0)
        ;
    CHECK_OK(set_timeout(pair[0], SO_SNDTIMEO, 0, 200000));
    CHECK_TIMES_OUT(send(pair[0], buffer, 64, 0));
    close(pair[0]);
    close(pair[1]);
    free(buffer);
}

static volatile sig_atomic_t handled;
static int handler_writes = -1;

static void on_alarm(int signal)
{
    (void)signal;
    if (handled++ == 0 && handler_writes >= 0)
        (void)write(handler_writes, "s", 1);
}

static void start_signals(int flags)
{
    handled = 0;
    struct sigaction action = {.sa_handler = on_alarm, .sa_flags = flags};
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGALRM, &action, NULL) == 0);
    struct itimerval timer = {.it_interval = {0, 50000}, .it_value = {0, 100000}};
    REQUIRE(setitimer(ITIMER_REAL, &timer, NULL) == 0);
}

static void stop_signals(void)
{
    struct itimerval timer = {0};
    REQUIRE(setitimer(ITIMER_REAL, &timer, NULL) == 0);
    signal(SIGALRM, SIG_IGN);
}

static void test_signals(void)
{
    char buffer[4];
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);

    /* No SA_RESTART: EINTR. */
    start_signals(0);
    CHECK_ERRNO(recv(pair[0], buffer, sizeof buffer, 0), EINTR);
    CHECK_ERRNO(read(pair[0], buffer, 1), EINTR);
    stop_signals();
    CHECK(handled >= 2);

    /* SA_RESTART without a timeout: restarted, and it reads the byte
     * the handler wrote. */
    handler_writes = pair[1];
    start_signals(SA_RESTART);
    CHECK_EQ(recv(pair[0], buffer, sizeof buffer, 0), 1);
    stop_signals();
    handler_writes = -1;
    CHECK(handled >= 1);
    CHECK_EQ(buffer[0], 's');

    /* SA_RESTART with a timeout: not restarted. */
    CHECK_OK(set_timeout(pair[0], SO_RCVTIMEO, 5, 0));
    start_signals(SA_RESTART);
    long long start = now_ms();
    CHECK_ERRNO(recv(pair[0], buffer, sizeof buffer, 0), EINTR);
    CHECK_ERRNO(read(pair[0], buffer, 1), EINTR);
    stop_signals();
    CHECK(now_ms() - start < 4000);

    /* The same for a send to a full socket. */
    char *bytes = calloc(1, 4096);
    REQUIRE(bytes != NULL);
    while (send(pair[0], bytes, 4096, MSG_DONTWAIT) > 0)
        ;
    CHECK_OK(set_timeout(pair[0], SO_SNDTIMEO, 5, 0));
    start_signals(SA_RESTART);
    start = now_ms();
    CHECK_ERRNO(send(pair[0], bytes, 1, 0), EINTR);
    stop_signals();
    CHECK(now_ms() - start < 4000);
    free(bytes);
    close(pair[0]);
    close(pair[1]);
}

int main(void)
{
    test_options();
    test_receive_timeouts();
    test_send_timeouts();
    test_signals();
    return check_finish("unix_timeouts_signals");
}
