/* epoll_wait that waits: woken (timeout -1, or any negative timeout) by
 * another process's write to a pipe, with the event; a 100 ms timeout
 * returns 0 after at least 90 ms (no upper bound under 5 s), epoll_pwait's
 * too; a thread's EPOLL_CTL_ADD of a ready descriptor, or its MOD
 * re-arming a spent one-shot, wakes the waiter; a signal with a handler
 * ends the wait with EINTR, with SA_RESTART too (epoll_wait is never
 * restarted), an ignored one does not; epoll_pwait with a mask blocking
 * SIGUSR1 is not interrupted by it, and the handler runs as the call
 * returns with its event; epoll_pwait with a mask unblocking a blocked
 * SIGUSR1 is interrupted (EINTR) and the old mask is back afterwards;
 * epoll_pwait2 (timespec timeouts: {0, 0} at once, 100 ms, NULL waits;
 * EFAULT for an unreadable timeout and EINVAL for an invalid one before
 * the descriptor is looked at; EINVAL for a sigset size other than 8
 * only when a mask is given; a mask as epoll_pwait's; EINTR); poll() on an
 * epoll descriptor waits for an event in it; a fork child's inherited
 * epoll descriptor reports the inherited level-triggered registrations,
 * and a child blocked on it is woken by its parent's write. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"
#include "epoll.h"
#include "signals.h"

#define NS 1000000000ll
#define MS 1000000ll
#define SYS_EPOLL_PWAIT2 441
#define SIGSET_SIZE 8                    /* the kernel's sigset_t */

static long pwait2(int ep, struct epoll_event *events, int maxevents,
                   const struct timespec *timeout, const sigset_t *mask,
                   size_t size)
{
    return syscall(SYS_EPOLL_PWAIT2, ep, events, maxevents, timeout, mask, size);
}

/* A child that writes a byte into fd after 200 ms and exits 0. */
static pid_t write_later(int fd)
{
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        _exit(write(fd, "x", 1) == 1 ? 0 : 1);
    }
    return child;
}

/* A fresh epoll with a pipe's read end registered for EPOLLIN (data 7). */
static int pipe_epoll(int fds[2])
{
    REQUIRE(pipe(fds) == 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    REQUIRE(ep >= 0 && add(ep, fds[0], EPOLLIN, 7) == 0);
    return ep;
}

static void close_three(int ep, int fds[2])
{
    close(ep);
    close(fds[0]);
    close(fds[1]);
}

static void woken_by_a_write(void)
{
    int fds[2], ep = pipe_epoll(fds);
    pid_t child = write_later(fds[1]);
    CHECK_EQ(wait_for(ep, -1), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, 7);
    CHECK(exited_with(child, 0));
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 1);

    /* Any negative timeout waits as long; so does a long one. */
    child = write_later(fds[1]);
    CHECK_EQ(wait_for(ep, -5), 1);
    CHECK_EQ(got[0].data.u64, 7);
    CHECK(exited_with(child, 0));
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    child = write_later(fds[1]);
    long long start = now();
    CHECK_EQ(epoll_pwait(ep, got, 16, 60000, NULL), 1);
    CHECK(now() - start < 30 * NS);
    CHECK(exited_with(child, 0));
    CHECK_EQ(read(fds[0], &byte, 1), 1);

    /* Edge-triggered: the wait is for the next write. */
    CHECK_EQ(write(fds[1], "y", 1), 1);
    CHECK_EQ(ctl(ep, EPOLL_CTL_MOD, fds[0], EPOLLIN | EPOLLET, 8), 0);
    CHECK_EQ(wait_for(ep, 0), 1);
    child = write_later(fds[1]);
    CHECK_EQ(wait_for(ep, -1), 1);
    CHECK_EQ(got[0].data.u64, 8);
    CHECK(exited_with(child, 0));
    close_three(ep, fds);
}

static void timeouts(void)
{
    int fds[2], ep = pipe_epoll(fds);
    long long start = now();
    CHECK_EQ(wait_for(ep, 100), 0);
    long long waited = now() - start;
    CHECK(waited >= 90 * MS && waited < 5 * NS);

    sigset_t none;
    sigemptyset(&none);
    start = now();
    CHECK_EQ(epoll_pwait(ep, got, 16, 100, &none), 0);
    waited = now() - start;
    CHECK(waited >= 90 * MS && waited < 5 * NS);

    /* Nothing registered: the same. */
    int empty = epoll_create1(0);
    start = now();
    CHECK_EQ(wait_for(empty, 100), 0);
    waited = now() - start;
    CHECK(waited >= 90 * MS && waited < 5 * NS);
    close(empty);
    close_three(ep, fds);
}

struct thread_work {
    int ep, fd;
    int op;
};

static void *change_later(void *argument)
{
    struct thread_work *work = argument;
    sleep_milliseconds(200);
    long result = ctl(work->ep, work->op, work->fd, EPOLLIN | EPOLLONESHOT, 9);
    return (void *)result;
}

static void woken_by_a_thread(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    int ep = epoll_create1(0);
    struct thread_work work = {ep, fds[0], EPOLL_CTL_ADD};
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, change_later, &work) == 0);
    CHECK_EQ(wait_for(ep, -1), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, 9);
    void *result = (void *)1;
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK(result == NULL);

    /* The one-shot is spent: a re-arming MOD wakes the waiter. */
    CHECK_EQ(wait_for(ep, 0), 0);
    work.op = EPOLL_CTL_MOD;
    REQUIRE(pthread_create(&thread, NULL, change_later, &work) == 0);
    CHECK_EQ(wait_for(ep, 10000), 1);
    CHECK_EQ(got[0].data.u64, 9);
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK(result == NULL);
    close(ep);
    close(fds[0]);
    close(fds[1]);
}

static void interrupted(void)
{
    int fds[2], ep = pipe_epoll(fds);
    handle_sigusr1(0);
    pid_t child = signal_later(SIGUSR1);
    CHECK_ERRNO(wait_for(ep, -1), EINTR);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));

    /* SA_RESTART changes nothing, with or without a timeout. */
    handle_sigusr1(SA_RESTART);
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(wait_for(ep, -1), EINTR);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(wait_for(ep, 20000), EINTR);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK(exited_with(child, 0));
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(epoll_pwait(ep, got, 16, -1, NULL), EINTR);
    CHECK_EQ(sigusr1_handled, 3);
    CHECK(exited_with(child, 0));

    /* An ignored signal does not: the wait goes on to the write. */
    signal(SIGUSR2, SIG_IGN);
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR2);
        sleep_milliseconds(200);
        _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
    }
    CHECK_EQ(wait_for(ep, -1), 1);
    CHECK_EQ(got[0].data.u64, 7);
    CHECK(exited_with(child, 0));
    signal(SIGUSR2, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    close_three(ep, fds);
}

static void masks(void)
{
    int fds[2], ep = pipe_epoll(fds);
    handle_sigusr1(0);
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);

    /* Blocked during the wait: the signal waits for its end. */
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
    }
    CHECK_EQ(epoll_pwait(ep, got, 16, -1, &usr1), 1);
    CHECK_EQ(got[0].data.u64, 7);
    CHECK_EQ(sigusr1_handled, 1);        /* delivered as the call returned */
    CHECK_EQ(blocked_bits(), 0);
    CHECK(exited_with(child, 0));
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 1);

    /* Blocked outside, let through during the wait: EINTR, and blocked
     * again afterwards. */
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(epoll_pwait(ep, got, 16, -1, &none), EINTR);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1));
    CHECK(exited_with(child, 0));
    /* Already pending when the call lets it through: EINTR at once. */
    kill(getpid(), SIGUSR1);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK_ERRNO(epoll_pwait(ep, got, 16, -1, &none), EINTR);
    CHECK_EQ(sigusr1_handled, 3);
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);

    /* A bad sigset size (the raw call) is EINVAL. */
    CHECK_ERRNO(syscall(SYS_epoll_pwait, ep, got, 16, 0, &none, 4), EINVAL);
    CHECK_ERRNO(syscall(SYS_epoll_pwait, ep, got, 16, 0, &none, 16), EINVAL);
    CHECK_EQ(syscall(SYS_epoll_pwait, ep, got, 16, 0, NULL, 4), 0);
    CHECK_EQ(syscall(SYS_epoll_pwait, ep, got, 16, 0, &none, SIGSET_SIZE), 0);
    signal(SIGUSR1, SIG_DFL);
    close_three(ep, fds);
}

static void test_pwait2(void)
{
    int fds[2], ep = pipe_epoll(fds);
    struct timespec zero = {0, 0}, tenth = {0, 100 * MS};
    /* Linux 6.1 has it: ENOSYS fails here, and the rest is not tried. */
    errno = 0;
    long result = pwait2(ep, got, 16, &zero, NULL, 0);
    CHECK_EQ(result, 0);
    if (result == -1 && errno == ENOSYS) {
        close_three(ep, fds);
        return;
    }
    long long start = now();
    CHECK_EQ(pwait2(ep, got, 16, &tenth, NULL, 0), 0);
    long long waited = now() - start;
    CHECK(waited >= 90 * MS && waited < 5 * NS);

    pid_t child = write_later(fds[1]);
    CHECK_EQ(pwait2(ep, got, 16, NULL, NULL, 0), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, 7);
    CHECK(exited_with(child, 0));
    CHECK_EQ(pwait2(ep, got, 16, &zero, NULL, 0), 1);
    struct timespec ten_seconds = {10, 0};
    CHECK_EQ(pwait2(ep, got, 16, &ten_seconds, NULL, 0), 1);
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 1);

    /* The timeout is read and checked first, then the mask's size. */
    struct timespec bad_nanoseconds = {0, NS}, negative_nanoseconds = {0, -1};
    struct timespec negative_seconds = {-1, 0};
    sigset_t none;
    sigemptyset(&none);
    CHECK_ERRNO(pwait2(ep, got, 16, &bad_nanoseconds, NULL, 0), EINVAL);
    CHECK_ERRNO(pwait2(ep, got, 16, &negative_nanoseconds, NULL, 0), EINVAL);
    CHECK_ERRNO(pwait2(ep, got, 16, &negative_seconds, NULL, 0), EINVAL);
    CHECK_ERRNO(pwait2(-1, got, 16, &bad_nanoseconds, NULL, 0), EINVAL);
    CHECK_ERRNO(pwait2(-1, got, 16, (struct timespec *)8, NULL, 0), EFAULT);
    CHECK_ERRNO(pwait2(-1, got, 0, (struct timespec *)8, NULL, 0), EFAULT);
    CHECK_ERRNO(pwait2(-1, got, 16, &zero, &none, 4), EINVAL);
    CHECK_ERRNO(pwait2(-1, got, 16, &zero, NULL, 4), EBADF);
    CHECK_ERRNO(pwait2(-1, got, 16, &zero, &none, SIGSET_SIZE), EBADF);
    CHECK_ERRNO(pwait2(ep, got, 0, &zero, NULL, 0), EINVAL);
    CHECK_ERRNO(pwait2(fds[0], got, 16, &zero, NULL, 0), EINVAL);

    /* Its mask, as epoll_pwait's; and EINTR. */
    handle_sigusr1(SA_RESTART);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
    }
    CHECK_EQ(pwait2(ep, got, 16, NULL, &usr1, SIGSET_SIZE), 1);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(pwait2(ep, got, 16, NULL, &none, SIGSET_SIZE), EINTR);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK(exited_with(child, 0));
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(pwait2(ep, got, 16, &ten_seconds, NULL, 0), EINTR);
    CHECK_EQ(sigusr1_handled, 3);
    CHECK(exited_with(child, 0));
    signal(SIGUSR1, SIG_DFL);
    close_three(ep, fds);
}

static void poll_on_epoll(void)
{
    int fds[2], ep = pipe_epoll(fds);
    struct pollfd entry = {ep, POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, 0), 0);
    pid_t child = write_later(fds[1]);
    CHECK_EQ(poll(&entry, 1, 10000), 1);
    CHECK_EQ(entry.revents, POLLIN);
    CHECK(exited_with(child, 0));
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(got[0].data.u64, 7);
    close_three(ep, fds);
}

static void inherited(void)
{
    int fds[2], ep = pipe_epoll(fds);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(wait_for(ep, 0), 1);
        CHECK_EQ(got[0].events, EPOLLIN);
        CHECK_EQ(got[0].data.u64, 7);
        CHECK_EQ(wait_for(ep, -1), 1);   /* level-triggered: again */
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(got[0].data.u64, 7);
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 1);

    /* A child waiting on it, woken by its parent. */
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    child = fork();
    if (child == 0) {
        close(ready[0]);
        CHECK_EQ(wait_for(ep, 0), 0);
        CHECK_EQ(write(ready[1], "r", 1), 1);
        CHECK_EQ(wait_for(ep, -1), 1);
        CHECK_EQ(got[0].events, EPOLLIN);
        CHECK_EQ(got[0].data.u64, 7);
        check_child_exit();
    }
    close(ready[1]);
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    sleep_milliseconds(200);             /* let it block: coverage only */
    CHECK_EQ(write(fds[1], "y", 1), 1);
    check_child_passed(child);
    close(ready[0]);
    close_three(ep, fds);
}

int main(void)
{
    woken_by_a_write();
    timeouts();
    woken_by_a_thread();
    interrupted();
    masks();
    test_pwait2();
    poll_on_epoll();
    inherited();
    return check_finish("epoll_blocking");
}
