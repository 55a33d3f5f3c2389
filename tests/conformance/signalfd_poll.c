/* signalfd readiness and waiting. poll: POLLIN alone (whatever else is
 * asked) while a signal of the mask is pending, nothing otherwise, a
 * pending signal outside the mask included, until a new mask takes it in;
 * select: readable, never writable. epoll: EPOLLIN; level-triggered it
 * stays until the signal is read; edge-triggered it is reported once per
 * new signal: again for another signal of the mask or a second queued
 * real-time signal, not for a standard signal already pending (merged).
 * Waiting (a child sends the signal after a pause): a blocking read, a
 * poll and an epoll_wait with no timeout end with the signal (SI_USER from
 * the child). A handled signal outside the mask interrupts a blocking
 * read: EINTR without SA_RESTART; with SA_RESTART the read goes on and
 * returns the next signal of the mask. fork: the child's inherited
 * signalfd reads the child's own signals (ssi_pid the child); a signal
 * pending in the parent before fork is not pending in the child, nor is
 * one the parent sends itself afterwards, and the parent still reads both.
 * Threads: a signal tgkill()ed to a second thread is read (and polled) by
 * that thread only, not by the main thread, whose own raise() the second
 * thread does not see; a process-directed kill() is read by the second
 * thread. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

#include "check.h"
#include "signals.h"

#define RECORD ((long)sizeof(struct signalfd_siginfo))
#define USR1 signal_bit(SIGUSR1)
#define USR2 signal_bit(SIGUSR2)

static int make(uint64_t bits, int flags)
{
    sigset_t set = signal_set_of(bits);
    return signalfd(-1, &set, flags);
}

/* The first record of a read of up to four (0 if it fails), and how
 * many bytes it gave. */
static struct signalfd_siginfo records[4];
static long got_bytes;

static int take(int fd)
{
    memset(records, 0, sizeof records);
    got_bytes = read(fd, records, sizeof records);
    return got_bytes > 0 ? (int)records[0].ssi_signo : 0;
}

static short poll_events(int fd)
{
    struct pollfd entry = {fd, POLLIN | POLLOUT | POLLPRI | POLLRDNORM | POLLWRNORM | POLLRDBAND, 0};
    return poll(&entry, 1, 0) == -1 ? -1 : entry.revents;
}

/* select's view: 1 readable, 2 writable. */
static int select_view(int fd)
{
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(fd, &readable);
    FD_SET(fd, &writable);
    struct timeval zero = {0, 0};
    if (select(fd + 1, &readable, &writable, NULL, &zero) == -1)
        return -1;
    return (FD_ISSET(fd, &readable) ? 1 : 0) | (FD_ISSET(fd, &writable) ? 2 : 0);
}

static struct epoll_event events[4];

static int wait_for(int ep, int timeout)
{
    memset(events, 0, sizeof events);
    return epoll_wait(ep, events, 4, timeout);
}

static void test_poll_select(void)
{
    block_signals(USR1 | USR2);
    int fd = make(USR1, SFD_NONBLOCK);
    REQUIRE(fd >= 0);
    CHECK_EQ(poll_events(fd), 0);
    CHECK_EQ(select_view(fd), 0);

    /* Pending, but not in the mask. */
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(poll_events(fd), 0);
    CHECK_EQ(select_view(fd), 0);

    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(poll_events(fd), POLLIN);
    CHECK_EQ(select_view(fd), 1);
    struct pollfd only_out = {fd, POLLOUT, 0};
    CHECK_EQ(poll(&only_out, 1, 0), 0);
    CHECK_EQ(take(fd), SIGUSR1);
    CHECK_EQ(poll_events(fd), 0);
    CHECK_EQ(select_view(fd), 0);

    /* A new mask takes the pending SIGUSR2 in. */
    sigset_t both = signal_set_of(USR1 | USR2);
    CHECK_EQ(signalfd(fd, &both, 0), fd);
    CHECK_EQ(poll_events(fd), POLLIN);
    CHECK_EQ(take(fd), SIGUSR2);
    CHECK_EQ(poll_events(fd), 0);
    CHECK_EQ(pending_signal_bits(), 0);
    close(fd);
}

static void test_epoll(void)
{
    block_signals(USR1 | USR2 | signal_bit(SIGRTMIN));
    int fd = make(USR1 | USR2 | signal_bit(SIGRTMIN), SFD_NONBLOCK);
    int ep = epoll_create1(0);
    REQUIRE(fd >= 0 && ep >= 0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 5};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event));
    CHECK_EQ(wait_for(ep, 0), 0);

    /* Level-triggered: until it is read. */
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(events[0].events, EPOLLIN);
    CHECK_EQ(events[0].data.u64, 5);
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(take(fd), SIGUSR1);
    CHECK_EQ(wait_for(ep, 0), 0);

    /* Edge-triggered: once per new signal. */
    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = 6;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &event));
    CHECK_EQ(wait_for(ep, 0), 0);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(events[0].events, EPOLLIN);
    CHECK_EQ(events[0].data.u64, 6);
    CHECK_EQ(wait_for(ep, 0), 0);
    CHECK_OK(kill(getpid(), SIGUSR1));   /* merged: nothing new */
    CHECK_EQ(wait_for(ep, 0), 0);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(events[0].data.u64, 6);
    CHECK_EQ(wait_for(ep, 0), 0);
    union sigval value = {.sival_int = 1};
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, value));
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(wait_for(ep, 0), 0);
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, value));   /* queued: new */
    CHECK_EQ(wait_for(ep, 0), 1);
    CHECK_EQ(wait_for(ep, 0), 0);
    memset(records, 0, sizeof records);
    CHECK_EQ(read(fd, records, sizeof records), 4 * RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(records[1].ssi_signo, SIGUSR2);
    CHECK_EQ(records[2].ssi_signo, SIGRTMIN);
    CHECK_EQ(records[3].ssi_signo, SIGRTMIN);
    CHECK_EQ(wait_for(ep, 0), 0);
    CHECK_EQ(pending_signal_bits(), 0);
    close(ep);
    close(fd);
    unblock_signals(signal_bit(SIGRTMIN));
}

static void test_waiting(void)
{
    int fd = make(USR1, 0);
    REQUIRE(fd >= 0);
    pid_t child = signal_later(SIGUSR1);
    CHECK_EQ(take(fd), SIGUSR1);         /* waits for it */
    CHECK_EQ(got_bytes, RECORD);
    CHECK_EQ(records[0].ssi_code, SI_USER);
    CHECK_EQ(records[0].ssi_pid, child);
    CHECK(exited_with(child, 0));

    struct pollfd entry = {fd, POLLIN, 0};
    child = signal_later(SIGUSR1);
    CHECK_EQ(poll(&entry, 1, -1), 1);
    CHECK_EQ(entry.revents, POLLIN);
    CHECK(exited_with(child, 0));
    CHECK_EQ(take(fd), SIGUSR1);
    CHECK_EQ(records[0].ssi_pid, child);

    int ep = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 9};
    REQUIRE(ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event) == 0);
    child = signal_later(SIGUSR1);
    CHECK_EQ(wait_for(ep, -1), 1);
    CHECK_EQ(events[0].events, EPOLLIN);
    CHECK_EQ(events[0].data.u64, 9);
    CHECK(exited_with(child, 0));
    CHECK_EQ(take(fd), SIGUSR1);
    CHECK_EQ(records[0].ssi_pid, child);
    CHECK_EQ(wait_for(ep, 0), 0);
    close(ep);
    close(fd);
}

/* SIGUSR1 (handled, unblocked) interrupts a read of SIGUSR2 (blocked). */
static void test_interrupted(void)
{
    unblock_signals(USR1);
    int fd = make(USR2, 0);
    REQUIRE(fd >= 0);
    handle_sigusr1(0);
    pid_t child = signal_later(SIGUSR1);
    memset(records, 0, sizeof records);
    CHECK_ERRNO(read(fd, records, sizeof records), EINTR);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));

    handle_sigusr1(SA_RESTART);
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    CHECK_EQ(take(fd), SIGUSR2);         /* restarted, and on to it */
    CHECK_EQ(got_bytes, RECORD);
    CHECK_EQ(records[0].ssi_pid, child);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));
    signal(SIGUSR1, SIG_DFL);
    block_signals(USR1);
    close(fd);
}

static void test_fork(void)
{
    int fd = make(USR1 | USR2, SFD_NONBLOCK);
    REQUIRE(fd >= 0);
    int ready[2], sent[2];
    REQUIRE(pipe(ready) == 0 && pipe(sent) == 0);
    CHECK_OK(kill(getpid(), SIGUSR2));   /* the parent's, before fork */
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        char byte;
        CHECK_EQ(pending_signal_bits(), 0);
        CHECK_EQ(poll_events(fd), 0);
        CHECK_ERRNO(read(fd, records, sizeof records), EAGAIN);
        CHECK_OK(kill(getpid(), SIGUSR1));
        CHECK_EQ(poll_events(fd), POLLIN);
        CHECK_EQ(take(fd), SIGUSR1);
        CHECK_EQ(got_bytes, RECORD);
        CHECK_EQ(records[0].ssi_pid, getpid());
        CHECK_EQ(write(ready[1], "r", 1), 1);
        CHECK_EQ(read(sent[0], &byte, 1), 1);
        /* The parent has sent itself SIGUSR1 by now. */
        CHECK_EQ(poll_events(fd), 0);
        CHECK_ERRNO(read(fd, records, sizeof records), EAGAIN);
        CHECK_EQ(pending_signal_bits(), 0);
        check_child_exit();
    }
    REQUIRE(child > 0);
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(write(sent[1], "s", 1), 1);
    check_child_passed(child);
    memset(records, 0, sizeof records);
    CHECK_EQ(read(fd, records, sizeof records), 2 * RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(records[0].ssi_pid, parent);
    CHECK_EQ(records[1].ssi_signo, SIGUSR2);
    CHECK_EQ(records[1].ssi_pid, parent);
    close(ready[0]);
    close(ready[1]);
    close(sent[0]);
    close(sent[1]);
    close(fd);
}

struct second_thread {
    int fd;
    int to_thread[2], to_main[2];
    pid_t tid;
};

static void *second_thread(void *argument)
{
    struct second_thread *shared = argument;
    char byte;
    shared->tid = gettid();
    CHECK_EQ(write(shared->to_main[1], "t", 1), 1);

    /* Main has tgkill()ed SIGUSR1 to us and raised SIGUSR2 for itself. */
    CHECK_EQ(read(shared->to_thread[0], &byte, 1), 1);
    CHECK_EQ(poll_events(shared->fd), POLLIN);
    CHECK_EQ(take(shared->fd), SIGUSR1);
    CHECK_EQ(got_bytes, RECORD);
    CHECK_EQ(records[0].ssi_code, SI_TKILL);
    CHECK_EQ(records[0].ssi_pid, getpid());
    CHECK_EQ(poll_events(shared->fd), 0);
    CHECK_ERRNO(read(shared->fd, records, sizeof records), EAGAIN);
    CHECK_EQ(write(shared->to_main[1], "t", 1), 1);

    /* Main has kill()ed the process. */
    CHECK_EQ(read(shared->to_thread[0], &byte, 1), 1);
    CHECK_EQ(poll_events(shared->fd), POLLIN);
    CHECK_EQ(take(shared->fd), SIGUSR1);
    CHECK_EQ(got_bytes, RECORD);
    CHECK_EQ(records[0].ssi_code, SI_USER);
    return NULL;
}

static void test_threads(void)
{
    struct second_thread shared;
    memset(&shared, 0, sizeof shared);
    shared.fd = make(USR1 | USR2, SFD_NONBLOCK);
    REQUIRE(shared.fd >= 0);
    REQUIRE(pipe(shared.to_thread) == 0 && pipe(shared.to_main) == 0);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, second_thread, &shared) == 0);
    char byte;
    CHECK_EQ(read(shared.to_main[0], &byte, 1), 1);
    CHECK(shared.tid != gettid());

    CHECK_OK(syscall(SYS_tgkill, getpid(), shared.tid, SIGUSR1));
    CHECK_EQ(poll_events(shared.fd), 0);
    CHECK_ERRNO(read(shared.fd, records, sizeof records), EAGAIN);
    CHECK_EQ(pending_signal_bits(), 0);         /* the thread's, not ours */
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_EQ(write(shared.to_thread[1], "g", 1), 1);
    CHECK_EQ(read(shared.to_main[0], &byte, 1), 1);

    CHECK_EQ(pending_signal_bits(), USR2);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(write(shared.to_thread[1], "g", 1), 1);
    void *result = (void *)1;
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK(result == NULL);
    CHECK_EQ(take(shared.fd), SIGUSR2);
    CHECK_EQ(got_bytes, RECORD);
    CHECK_EQ(records[0].ssi_code, SI_TKILL);
    CHECK_EQ(pending_signal_bits(), 0);
    close(shared.to_thread[0]);
    close(shared.to_thread[1]);
    close(shared.to_main[0]);
    close(shared.to_main[1]);
    close(shared.fd);
}

int main(void)
{
    test_poll_select();
    test_epoll();
    test_waiting();
    test_interrupted();
    test_fork();
    test_threads();
    discard_signals(USR1 | USR2);
    unblock_signals(USR1 | USR2);
    return check_finish("signalfd_poll");
}
