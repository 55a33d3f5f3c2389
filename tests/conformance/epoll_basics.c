/* epoll without waiting: epoll_create (musl's: arm64 has no such call,
 * and musl's epoll_create1(0) in its place takes a size of 0 or below)
 * and epoll_create1 (EPOLL_CLOEXEC as FD_CLOEXEC, O_RDWR in F_GETFL, any
 * other flag EINVAL, EPOLL_NONBLOCK included); the epoll descriptor
 * itself (read and write EINVAL, lseek 0, fstat mode 0600 with no file
 * type); epoll_ctl's errors in Linux's order (EFAULT for a missing event
 * before anything else, EBADF for either descriptor, EPERM for a file
 * that cannot be polled (a regular file, a directory, /dev/null) before
 * EINVAL for an epfd that is not an epoll or is the fd itself, EINVAL for
 * a bad op, EPOLLEXCLUSIVE with MOD, with EPOLLONESHOT, EPOLLRDHUP or
 * EPOLLPRI, on an epoll, or a MOD of an exclusive registration; EEXIST,
 * ENOENT); epoll_wait's (EINVAL for maxevents of 0, below or too big,
 * before EBADF, EINVAL for an epfd that is not an epoll; a bad buffer is
 * EFAULT only when there is an event to store, and the event stays);
 * timeout 0 returns at once; level-triggered readiness of pipe ends
 * (EPOLLIN / EPOLLRDNORM only as asked) reported on every call until
 * drained; EPOLLET reported once per write, even undrained, and the write
 * end once more only after the pipe was full and is read; EPOLLONESHOT
 * reported once, then nothing (not even EPOLLHUP) until EPOLL_CTL_MOD
 * re-arms it; MOD of
 * events and data; DEL; the 64-bit data returned exactly; maxevents
 * smaller than the ready count (level-triggered registrations come round
 * again in turn, edge-triggered ones once); EPOLLHUP (and no EPOLLRDHUP)
 * at a read end without writers, with EPOLLIN while data is left, and
 * EPOLLERR at a write end without readers, both reported even when not
 * asked for; a registration belongs to the open file and the number it
 * was added under: it outlives the closing of that number while a dup (or
 * a fork child's copy) keeps the file open, cannot be deleted through
 * the dup (ENOENT) nor through a new file on the old number (ENOENT), the
 * dup can be added beside it, and it is gone once the file's last
 * descriptor is closed. */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "check.h"
#include "epoll.h"

#define NS 1000000000ll

/* Writes without waiting until the pipe is full. */
static void fill(int fd)
{
    static char block[4096];
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    while (write(fd, block, sizeof block) > 0)
        continue;
    while (write(fd, block, 1) > 0)
        continue;
    fcntl(fd, F_SETFL, flags);
}

static void test_create(void)
{
    /* arm64 has no epoll_create system call: musl's epoll_create is
     * epoll_create1(0), which ignores the size, 0 and below included. */
    int zero = epoll_create(0), negative = epoll_create(-1);
    CHECK(zero >= 0 && negative >= 0);
    CHECK_EQ(fcntl(zero, F_GETFD), 0);
    close(zero);
    close(negative);
    int sized = epoll_create(1);
    REQUIRE(sized >= 0);
    CHECK_EQ(fcntl(sized, F_GETFD), 0);
    CHECK_EQ(fcntl(sized, F_GETFL), O_RDWR);
    int large = epoll_create(INT_MAX);
    CHECK(large >= 0);
    close(large);

    int plain = epoll_create1(0);
    CHECK_EQ(fcntl(plain, F_GETFD), 0);
    CHECK_EQ(fcntl(plain, F_GETFL), O_RDWR);
    int cloexec = epoll_create1(EPOLL_CLOEXEC);
    CHECK_EQ(fcntl(cloexec, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(cloexec, F_GETFL), O_RDWR);
    close(cloexec);
    close(plain);

    CHECK_ERRNO(epoll_create1(EPOLL_NONBLOCK), EINVAL);
    CHECK_ERRNO(epoll_create1(1), EINVAL);
    CHECK_ERRNO(epoll_create1(O_RDWR), EINVAL);
    CHECK_ERRNO(epoll_create1(EPOLL_CLOEXEC | O_NONBLOCK), EINVAL);
    CHECK_ERRNO(epoll_create1(-1), EINVAL);
    int next = dup(0);
    CHECK_EQ(next, plain);               /* nothing leaked */
    close(next);

    /* The descriptor is no file to read or write. */
    char byte = 0;
    CHECK_ERRNO(read(sized, &byte, 1), EINVAL);
    CHECK_ERRNO(write(sized, &byte, 1), EINVAL);
    CHECK_EQ(lseek(sized, 10, SEEK_SET), 0);
    struct stat status;
    CHECK_OK(fstat(sized, &status));
    CHECK_EQ(status.st_mode, 0600);
    close(sized);
}

static void test_ctl_errors(void)
{
    int ep = epoll_create1(0), other = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && other >= 0 && pipe(fds) == 0);
    int closed = dup(0);
    close(closed);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 1};

    /* The event is read before anything else is looked at. */
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], NULL), EFAULT);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], NULL), EFAULT);
    CHECK_ERRNO(epoll_ctl(-1, EPOLL_CTL_ADD, -1, NULL), EFAULT);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL), ENOENT);

    CHECK_ERRNO(epoll_ctl(-1, EPOLL_CTL_ADD, fds[0], &event), EBADF);
    CHECK_ERRNO(epoll_ctl(closed, EPOLL_CTL_ADD, fds[0], &event), EBADF);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, -1, &event), EBADF);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, closed, &event), EBADF);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, closed, &event), EBADF);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, closed, NULL), EBADF);
    CHECK_ERRNO(epoll_ctl(closed, EPOLL_CTL_ADD, closed, &event), EBADF);
    CHECK_ERRNO(epoll_ctl(ep, 0, closed, &event), EBADF);

    /* Not an epoll, or itself. */
    CHECK_ERRNO(epoll_ctl(fds[0], EPOLL_CTL_ADD, fds[1], &event), EINVAL);
    CHECK_ERRNO(epoll_ctl(fds[0], EPOLL_CTL_DEL, fds[1], NULL), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &event), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, ep, NULL), EINVAL);

    /* Bad ops, whether the fd is registered or not. */
    CHECK_ERRNO(epoll_ctl(ep, 0, fds[0], &event), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, 4, fds[0], &event), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, -1, fds[0], &event), EINVAL);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 1), 0);
    CHECK_ERRNO(epoll_ctl(ep, 4, fds[0], &event), EINVAL);

    /* EEXIST and ENOENT. */
    CHECK_ERRNO(add(ep, fds[0], EPOLLOUT, 2), EEXIST);
    CHECK_ERRNO(mod(ep, fds[1], EPOLLOUT, 2), ENOENT);
    CHECK_ERRNO(del(ep, fds[1]), ENOENT);
    CHECK_ERRNO(del(other, fds[0]), ENOENT);
    CHECK_EQ(del(ep, fds[0]), 0);
    CHECK_ERRNO(del(ep, fds[0]), ENOENT);
    CHECK_ERRNO(mod(ep, fds[0], EPOLLIN, 1), ENOENT);

    /* EPOLLEXCLUSIVE: only on ADD, only with in, out, err, hup, wakeup
     * and et, never for an epoll; an exclusive registration cannot be
     * modified, only deleted. */
    CHECK_ERRNO(mod(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL);
    CHECK_ERRNO(add(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1), EINVAL);
    CHECK_ERRNO(add(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 1), EINVAL);
    CHECK_ERRNO(add(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLPRI, 1), EINVAL);
    CHECK_ERRNO(add(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDNORM, 1), EINVAL);
    CHECK_ERRNO(add(ep, other, EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL);
    CHECK_EQ(add(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLET | EPOLLERR | EPOLLHUP, 1), 0);
    CHECK_ERRNO(mod(ep, fds[0], EPOLLIN, 1), EINVAL);
    CHECK_ERRNO(mod(ep, fds[0], EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(ep, 1), EPOLLIN);
    CHECK_EQ(del(ep, fds[0]), 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 3), 0);    /* an ordinary one again */
    CHECK_EQ(mod(ep, fds[0], EPOLLIN, 4), 0);
    CHECK_EQ(only(ep, 4), EPOLLIN);
    CHECK_EQ(del(ep, fds[0]), 0);

    /* Files that cannot be polled: EPERM, whatever the op, and before
     * EINVAL for an epfd that is not an epoll. */
    int file = open("/tmp/epoll_basics_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    int null = open("/dev/null", O_RDWR);
    REQUIRE(file >= 0 && directory >= 0 && null >= 0);
    CHECK_ERRNO(add(ep, file, EPOLLIN, 5), EPERM);
    CHECK_ERRNO(add(ep, directory, EPOLLIN, 5), EPERM);
    CHECK_ERRNO(add(ep, null, EPOLLIN | EPOLLOUT, 5), EPERM);
    CHECK_ERRNO(mod(ep, file, EPOLLIN, 5), EPERM);
    CHECK_ERRNO(del(ep, file), EPERM);
    CHECK_ERRNO(epoll_ctl(fds[0], EPOLL_CTL_ADD, file, &event), EPERM);
    CHECK_ERRNO(epoll_ctl(file, EPOLL_CTL_ADD, file, &event), EPERM);
    CHECK_ERRNO(epoll_ctl(file, EPOLL_CTL_ADD, fds[0], &event), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, 0, file, &event), EPERM);
    CHECK_EQ(ready(ep), 0);
    close(file);
    close(directory);
    close(null);
    unlink("/tmp/epoll_basics_file");
    close(fds[0]);
    close(fds[1]);
    close(other);
    close(ep);
}

static void test_wait_errors(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && pipe(fds) == 0);
    int closed = dup(0);
    close(closed);
    struct epoll_event events[4];
    CHECK_ERRNO(epoll_wait(ep, events, 0, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(ep, events, -1, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(ep, events, INT_MAX, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(ep, events, INT_MAX / (int)sizeof events[0] + 1, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(-1, events, 0, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(-1, events, 4, 0), EBADF);
    CHECK_ERRNO(epoll_wait(closed, events, 4, 0), EBADF);
    CHECK_ERRNO(epoll_wait(fds[0], events, 4, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(fds[0], events, 4, -1), EINVAL);
    CHECK_ERRNO(epoll_pwait(fds[1], events, 4, 0, NULL), EINVAL);

    /* A buffer that cannot be written: fine while nothing is ready,
     * EFAULT when an event is to be stored, and the event is not lost. */
    void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(hole != MAP_FAILED);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 9), 0);
    CHECK_EQ(epoll_wait(ep, hole, 4, 0), 0);
    CHECK_EQ(epoll_wait(ep, NULL, 4, 0), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_ERRNO(epoll_wait(ep, hole, 4, 0), EFAULT);
    CHECK_ERRNO(epoll_wait(ep, NULL, 4, -1), EFAULT);
    CHECK_EQ(only(ep, 9), EPOLLIN);
    CHECK_EQ(mod(ep, fds[0], EPOLLIN | EPOLLET, 10), 0);
    CHECK_ERRNO(epoll_wait(ep, hole, 4, 0), EFAULT);
    CHECK_EQ(only(ep, 10), EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    munmap(hole, 4096);

    /* Timeout 0 returns at once, also with nothing registered. */
    int empty = epoll_create1(0);
    long long start = now();
    CHECK_EQ(epoll_wait(empty, events, 4, 0), 0);
    CHECK_EQ(epoll_pwait(empty, events, 4, 0, NULL), 0);
    CHECK_EQ(epoll_wait(ep, events, 1, 0), 0);
    CHECK(now() - start < NS);
    close(empty);
    close(fds[0]);
    close(fds[1]);
    close(ep);
}

static void test_level_triggered(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && pipe(fds) == 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 100), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "abc", 3), 3);
    CHECK_EQ(only(ep, 100), EPOLLIN);
    CHECK_EQ(only(ep, 100), EPOLLIN);
    CHECK_EQ(only(ep, 100), EPOLLIN);
    char buffer[8];
    CHECK_EQ(read(fds[0], buffer, 2), 2);
    CHECK_EQ(only(ep, 100), EPOLLIN);
    CHECK_EQ(read(fds[0], buffer, 8), 1);
    CHECK_EQ(ready(ep), 0);

    /* Only what was asked for: the read end is never writable. */
    CHECK_EQ(mod(ep, fds[0], EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM |
                                 EPOLLPRI | EPOLLRDHUP, 101), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "d", 1), 1);
    CHECK_EQ(only(ep, 101), EPOLLIN | EPOLLRDNORM);
    CHECK_EQ(mod(ep, fds[0], EPOLLRDNORM, 102), 0);
    CHECK_EQ(only(ep, 102), EPOLLRDNORM);
    drain(fds[0]);

    /* The write end: writable until full, again once read. */
    CHECK_EQ(add(ep, fds[1], EPOLLOUT | EPOLLIN, 200), 0);
    CHECK_EQ(only(ep, 200), EPOLLOUT);
    CHECK_EQ(only(ep, 200), EPOLLOUT);
    CHECK_EQ(mod(ep, fds[1], EPOLLOUT | EPOLLWRNORM, 201), 0);
    CHECK_EQ(only(ep, 201), EPOLLOUT | EPOLLWRNORM);
    CHECK_EQ(mod(ep, fds[0], 0, 102), 0);
    fill(fds[1]);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(read(fds[0], buffer, 8), 8);
    CHECK_EQ(ready(ep), 0);              /* no whole page free yet */
    static char page[4096];
    CHECK_EQ(read(fds[0], page, sizeof page), sizeof page);
    CHECK_EQ(only(ep, 201), EPOLLOUT | EPOLLWRNORM);
    close(fds[0]);
    close(fds[1]);
    close(ep);
}

static void test_edge_triggered(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && pipe(fds) == 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN | EPOLLET, 7), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "ab", 2), 2);
    CHECK_EQ(only(ep, 7), EPOLLIN);
    CHECK_EQ(ready(ep), 0);              /* not drained, not reported */
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "c", 1), 1);  /* each write is an edge */
    CHECK_EQ(only(ep, 7), EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "d", 1), 1);
    CHECK_EQ(write(fds[1], "e", 1), 1);
    CHECK_EQ(only(ep, 7), EPOLLIN);      /* two writes, one report */
    CHECK_EQ(ready(ep), 0);
    drain(fds[0]);
    CHECK_EQ(ready(ep), 0);

    /* Already readable when added: reported once. */
    CHECK_EQ(write(fds[1], "f", 1), 1);
    CHECK_EQ(del(ep, fds[0]), 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN | EPOLLET, 8), 0);
    CHECK_EQ(only(ep, 8), EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    /* MOD re-evaluates: reported once more. */
    CHECK_EQ(mod(ep, fds[0], EPOLLIN | EPOLLET, 9), 0);
    CHECK_EQ(only(ep, 9), EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(del(ep, fds[0]), 0);
    drain(fds[0]);

    /* The write end: once when added; writes do not make it an edge
     * again, reading a full pipe does. */
    CHECK_EQ(add(ep, fds[1], EPOLLOUT | EPOLLET, 70), 0);
    CHECK_EQ(only(ep, 70), EPOLLOUT);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "g", 1), 1);
    CHECK_EQ(ready(ep), 0);
    fill(fds[1]);
    CHECK_EQ(ready(ep), 0);
    drain(fds[0]);
    CHECK_EQ(only(ep, 70), EPOLLOUT);
    CHECK_EQ(ready(ep), 0);
    close(fds[0]);
    close(fds[1]);
    close(ep);
}

static void test_oneshot(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && pipe(fds) == 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN | EPOLLONESHOT, 30), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "a", 1), 1);
    CHECK_EQ(only(ep, 30), EPOLLIN);
    CHECK_EQ(ready(ep), 0);              /* disabled, though readable */
    CHECK_EQ(write(fds[1], "b", 1), 1);
    CHECK_EQ(ready(ep), 0);
    CHECK_ERRNO(add(ep, fds[0], EPOLLIN, 31), EEXIST);  /* still there */
    CHECK_EQ(mod(ep, fds[0], EPOLLIN | EPOLLONESHOT, 32), 0);
    CHECK_EQ(only(ep, 32), EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    /* Re-armed while nothing is there: waits for the next write. */
    drain(fds[0]);
    CHECK_EQ(mod(ep, fds[0], EPOLLIN | EPOLLONESHOT, 33), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "c", 1), 1);
    CHECK_EQ(only(ep, 33), EPOLLIN);
    CHECK_EQ(ready(ep), 0);
    /* Disabled, it still hides a hangup... */
    close(fds[1]);
    CHECK_EQ(ready(ep), 0);
    /* ...until re-armed: then level-triggered again without it. */
    CHECK_EQ(mod(ep, fds[0], EPOLLIN, 34), 0);
    CHECK_EQ(only(ep, 34), EPOLLIN | EPOLLHUP);
    CHECK_EQ(only(ep, 34), EPOLLIN | EPOLLHUP);
    CHECK_EQ(del(ep, fds[0]), 0);
    CHECK_ERRNO(del(ep, fds[0]), ENOENT);
    close(fds[0]);
    close(ep);
}

static void test_mod_del_data(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && pipe(fds) == 0);
    /* The write end asked for EPOLLIN: never; then EPOLLOUT. */
    CHECK_EQ(add(ep, fds[1], EPOLLIN, 1), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(mod(ep, fds[1], EPOLLOUT, 2), 0);
    CHECK_EQ(only(ep, 2), EPOLLOUT);
    CHECK_EQ(mod(ep, fds[1], EPOLLOUT, 0xfedcba9876543210ull), 0);
    CHECK(only(ep, 0xfedcba9876543210ull) == EPOLLOUT);
    CHECK(got[0].data.u64 == 0xfedcba9876543210ull);
    CHECK_EQ(mod(ep, fds[1], 0, 3), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(mod(ep, fds[1], EPOLLIN, 4), 0);
    CHECK_EQ(ready(ep), 0);

    /* Each registration keeps its own data, pointers included. */
    static int marker;
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = &marker};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &event), 0);
    CHECK_EQ(mod(ep, fds[1], EPOLLOUT, UINT64_MAX), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(ready(ep), 2);
    int pointer_seen = 0, max_seen = 0;
    for (int i = 0; i < 2; i++) {
        pointer_seen += got[i].data.ptr == &marker && got[i].events == EPOLLIN;
        max_seen += got[i].data.u64 == UINT64_MAX && got[i].events == EPOLLOUT;
    }
    CHECK_EQ(pointer_seen, 1);
    CHECK_EQ(max_seen, 1);

    /* DEL: gone, and only that one. */
    CHECK_EQ(del(ep, fds[1]), 0);
    CHECK_EQ(ready(ep), 1);
    CHECK(got[0].data.ptr == &marker);
    CHECK_EQ(del(ep, fds[0]), 0);
    CHECK_EQ(ready(ep), 0);
    CHECK_ERRNO(del(ep, fds[0]), ENOENT);
    /* And back, with fresh data and no trace of the old. */
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 5), 0);
    CHECK_EQ(only(ep, 5), EPOLLIN);
    close(fds[0]);
    close(fds[1]);
    close(ep);
}

/* A bit per registration seen in got[0..count), or -1 for a duplicate
 * or a stranger. */
static long long seen_bits(int count, int registrations)
{
    long long bits = 0;
    for (int i = 0; i < count; i++) {
        uint64_t data = got[i].data.u64;
        if (data >= (uint64_t)registrations || (bits & (1ll << data)) || got[i].events != EPOLLIN)
            return -1;
        bits |= 1ll << data;
    }
    return bits;
}

static void test_maxevents(void)
{
    enum { PIPES = 5 };
    int ep = epoll_create1(0), pipes[PIPES][2];
    REQUIRE(ep >= 0);
    for (int i = 0; i < PIPES; i++) {
        REQUIRE(pipe(pipes[i]) == 0);
        REQUIRE(add(ep, pipes[i][0], EPOLLIN, i) == 0);
        REQUIRE(write(pipes[i][1], "x", 1) == 1);
    }
    CHECK_EQ(ready(ep), PIPES);
    CHECK_EQ(seen_bits(PIPES, PIPES), 31);
    CHECK_EQ(epoll_wait(ep, got, PIPES + 3, 0), PIPES);

    /* Two at a time: every call gives two, and they take turns. */
    long long total = 0;
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 2);
    long long first = seen_bits(2, PIPES);
    CHECK(first > 0);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 2);
    long long second = seen_bits(2, PIPES);
    CHECK(second > 0 && (second & first) == 0);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 2);
    long long third = seen_bits(2, PIPES);
    CHECK(third > 0);
    total = first | second | third;
    CHECK_EQ(total, 31);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 1, 0), 1);
    CHECK(seen_bits(1, PIPES) > 0);

    /* Edge-triggered: each once, then nothing. */
    for (int i = 0; i < PIPES; i++)
        REQUIRE(mod(ep, pipes[i][0], EPOLLIN | EPOLLET, i) == 0);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 2);
    first = seen_bits(2, PIPES);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 2);
    second = seen_bits(2, PIPES);
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(ep, got, 2, 0), 1);
    third = seen_bits(1, PIPES);
    CHECK(first > 0 && second > 0 && third > 0);
    CHECK_EQ(first | second | third, 31);
    CHECK_EQ(first + second + third, 31);
    CHECK_EQ(ready(ep), 0);
    for (int i = 0; i < PIPES; i++) {
        close(pipes[i][0]);
        close(pipes[i][1]);
    }
    close(ep);
}

static void test_hangup_and_error(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0);

    /* The read end without writers: EPOLLHUP, with EPOLLIN while data is
     * left; no EPOLLRDHUP from a pipe; reported though not asked for. */
    REQUIRE(pipe(fds) == 0);
    int copy = dup(fds[0]), again = dup(fds[0]);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 1), 0);
    CHECK_EQ(add(ep, copy, 0, 2), 0);
    CHECK_EQ(write(fds[1], "xy", 2), 2);
    CHECK_EQ(only(ep, 1), EPOLLIN);
    close(fds[1]);
    CHECK_EQ(ready(ep), 2);
    CHECK(got[0].data.u64 + got[1].data.u64 == 3);
    CHECK_EQ(got[0].events | got[1].events, EPOLLIN | EPOLLHUP);
    CHECK_EQ(got[0].events & got[1].events, EPOLLHUP);
    CHECK_EQ(add(ep, again, EPOLLIN | EPOLLRDHUP, 3), 0);
    drain(fds[0]);
    CHECK_EQ(ready(ep), 3);
    CHECK_EQ(got[0].events, EPOLLHUP);
    CHECK_EQ(got[1].events, EPOLLHUP);
    CHECK_EQ(got[2].events, EPOLLHUP);
    CHECK_EQ(ready(ep), 3);              /* level-triggered: again */
    CHECK_EQ(del(ep, copy), 0);
    CHECK_EQ(del(ep, again), 0);
    CHECK_EQ(mod(ep, fds[0], EPOLLIN | EPOLLET, 4), 0);
    CHECK_EQ(only(ep, 4), EPOLLHUP);
    CHECK_EQ(ready(ep), 0);
    close(copy);
    close(again);
    close(fds[0]);

    /* The write end without readers: EPOLLERR (with EPOLLOUT if asked). */
    REQUIRE(pipe(fds) == 0);
    copy = dup(fds[1]);
    again = dup(fds[1]);
    CHECK_EQ(add(ep, fds[1], EPOLLOUT, 10), 0);
    CHECK_EQ(add(ep, copy, EPOLLIN, 11), 0);
    CHECK_EQ(add(ep, again, 0, 12), 0);
    CHECK_EQ(only(ep, 10), EPOLLOUT);
    close(fds[0]);
    CHECK_EQ(ready(ep), 3);
    long long out = 0, error_only = 0;
    for (int i = 0; i < 3; i++) {
        out += got[i].events == (EPOLLOUT | EPOLLERR) && got[i].data.u64 == 10;
        error_only += got[i].events == EPOLLERR;
    }
    CHECK_EQ(out, 1);
    CHECK_EQ(error_only, 2);
    CHECK_EQ(ready(ep), 3);
    CHECK_EQ(del(ep, copy), 0);
    CHECK_EQ(del(ep, again), 0);
    close(copy);
    close(again);
    close(fds[1]);
    CHECK_EQ(ready(ep), 0);              /* closing removed it */

    /* Full and readerless: EPOLLERR alone. */
    REQUIRE(pipe(fds) == 0);
    fill(fds[1]);
    CHECK_EQ(add(ep, fds[1], EPOLLOUT, 13), 0);
    CHECK_EQ(ready(ep), 0);
    close(fds[0]);
    CHECK_EQ(only(ep, 13), EPOLLERR);
    close(fds[1]);
    close(ep);
}

/* The registration is (open file, number it was added under). */
static void test_open_file_description(void)
{
    int ep = epoll_create1(0), fds[2];
    REQUIRE(ep >= 0 && pipe(fds) == 0);
    int original = fds[0];
    CHECK_EQ(add(ep, original, EPOLLIN, 11), 0);
    int copy = dup(original);
    REQUIRE(copy > original);
    close(original);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(ep, 11), EPOLLIN);     /* alive through the dup */
    CHECK_ERRNO(del(ep, original), EBADF);
    CHECK_ERRNO(del(ep, copy), ENOENT);  /* not under this number */
    CHECK_ERRNO(mod(ep, copy, EPOLLIN, 12), ENOENT);
    CHECK_EQ(add(ep, copy, EPOLLIN, 12), 0);   /* a second one */
    CHECK_EQ(ready(ep), 2);
    CHECK_EQ(got[0].data.u64 + got[1].data.u64, 23);
    CHECK_EQ(got[0].events & got[1].events, EPOLLIN);
    CHECK_EQ(del(ep, copy), 0);
    CHECK_EQ(only(ep, 11), EPOLLIN);

    /* Another file on the old number is not the registration. */
    int newcomer = eventfd(1, 0);
    CHECK_EQ(newcomer, original);
    CHECK_ERRNO(del(ep, newcomer), ENOENT);
    CHECK_ERRNO(mod(ep, newcomer, EPOLLIN, 13), ENOENT);
    CHECK_EQ(only(ep, 11), EPOLLIN);
    CHECK_EQ(add(ep, newcomer, EPOLLIN, 14), 0);  /* no EEXIST */
    CHECK_EQ(ready(ep), 2);
    CHECK_EQ(got[0].data.u64 + got[1].data.u64, 25);
    CHECK_EQ(del(ep, newcomer), 0);
    CHECK_ERRNO(del(ep, newcomer), ENOENT);
    close(newcomer);

    /* The last descriptor closed: the registration is gone, data or not. */
    CHECK_EQ(only(ep, 11), EPOLLIN);
    close(copy);
    CHECK_EQ(ready(ep), 0);
    CHECK_EQ(epoll_wait(ep, got, 16, 50), 0);
    close(fds[1]);

    /* A fork child's copy keeps the file open too. */
    int gate[2];
    REQUIRE(pipe(fds) == 0 && pipe(gate) == 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 21), 0);
    pid_t child = fork();
    if (child == 0) {
        char byte;
        close(gate[1]);
        _exit(read(gate[0], &byte, 1) == 0 ? 0 : 1);
    }
    close(gate[0]);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    close(fds[0]);
    CHECK_EQ(only(ep, 21), EPOLLIN);
    close(gate[1]);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(ready(ep), 0);
    close(fds[1]);

    /* dup2 over the registered number: the same. */
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(add(ep, fds[0], EPOLLIN, 31), 0);
    copy = dup(fds[0]);
    int other = eventfd(5, 0);
    CHECK_EQ(dup2(other, fds[0]), fds[0]);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(ep, 31), EPOLLIN);
    CHECK_ERRNO(del(ep, fds[0]), ENOENT);
    close(copy);
    CHECK_EQ(ready(ep), 0);
    close(other);
    close(fds[0]);
    close(fds[1]);
    close(ep);
}

int main(void)
{
    test_create();
    test_ctl_errors();
    test_wait_errors();
    test_level_triggered();
    test_edge_triggered();
    test_oneshot();
    test_mod_del_data();
    test_maxevents();
    test_hangup_and_error();
    test_open_file_description();
    return check_finish("epoll_basics");
}
