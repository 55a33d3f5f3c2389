/* eventfd that waits: a reader waiting at 0 is woken by another process's
 * write and gets the value; a writer waiting at the ceiling (or for room
 * enough for its value) is woken by a read; waiting readers of an
 * EFD_SEMAPHORE eventfd, processes or threads, get one unit each, those
 * without a unit waiting on (which one wakes first is not asserted: Linux
 * wakes them all and they race); a sigusr1_handled signal ends a wait with EINTR
 * without SA_RESTART, and with SA_RESTART the read goes on and gets the
 * value; a waiter killed by SIGKILL takes nothing and adds nothing; ppoll
 * waits for POLLIN and POLLOUT; two processes ping-pong 1000 values
 * through two eventfds. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>

#include "check.h"
#include "event.h"

#define CEILING 0xfffffffffffffffeull

static long add(int fd, uint64_t value)
{
    return write(fd, &value, sizeof value);
}

static void reader_and_writer_woken(void)
{
    int fd = eventfd(0, 0), ready = eventfd(0, 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(add(ready, 1), 8);
        CHECK_EQ(get(fd), 0x1234);
        check_child_exit();
    }
    until_waiting(ready, 1);
    CHECK_EQ(add(fd, 0x1234), 8);
    check_child_passed(child);
    CHECK_EQ(take(fd), 0);

    /* At the ceiling a write of 5 waits for a read. */
    CHECK_EQ(add(fd, CEILING), 8);
    child = fork();
    if (child == 0) {
        CHECK_EQ(add(ready, 1), 8);
        CHECK_EQ(add(fd, 5), 8);
        check_child_exit();
    }
    until_waiting(ready, 1);
    CHECK(get(fd) == CEILING);
    check_child_passed(child);
    CHECK_EQ(take(fd), 5);

    /* At 10 a write of 0xfffffffffffffff5 needs the counter under 10. */
    CHECK_EQ(add(fd, 10), 8);
    child = fork();
    if (child == 0) {
        CHECK_EQ(add(ready, 1), 8);
        CHECK_EQ(add(fd, CEILING - 9), 8);
        check_child_exit();
    }
    until_waiting(ready, 1);
    CHECK_EQ(get(fd), 10);
    check_child_passed(child);
    CHECK(take(fd) == CEILING - 9);
    close(fd);
    close(ready);
}

static int any_child_exited_0(void)
{
    int status = -1;
    return waitpid(-1, &status, 0) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Three waiting readers, two units: any two get one, the third waits on
 * for the third unit. */
static void semaphore_readers(void)
{
    int fd = eventfd(0, EFD_SEMAPHORE), ready = eventfd(0, 0);
    for (int i = 0; i < 3; i++) {
        if (fork() == 0) {
            add(ready, 1);
            _exit(get(fd) == 1 ? 0 : 1);
        }
    }
    until_waiting(ready, 3);
    CHECK_EQ(add(fd, 2), 8);
    CHECK(any_child_exited_0());
    CHECK(any_child_exited_0());
    CHECK_EQ(waitpid(-1, NULL, WNOHANG), 0);
    CHECK_EQ(take(fd), 0);
    CHECK_EQ(add(fd, 1), 8);
    CHECK(any_child_exited_0());
    CHECK_EQ(take(fd), 0);
    close(fd);
    close(ready);
}

static int thread_fd, thread_ready;

static void *thread_reader(void *unused)
{
    (void)unused;
    add(thread_ready, 1);
    return (void *)(uintptr_t)get(thread_fd);
}

/* Four threads waiting on one semaphore, four units: one each. */
static void semaphore_threads(void)
{
    thread_fd = eventfd(0, EFD_SEMAPHORE);
    thread_ready = eventfd(0, 0);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        REQUIRE(pthread_create(&threads[i], NULL, thread_reader, NULL) == 0);
    until_waiting(thread_ready, 4);
    CHECK_EQ(add(thread_fd, 4), 8);
    uintptr_t units = 0;
    for (int i = 0; i < 4; i++) {
        void *result = NULL;
        pthread_join(threads[i], &result);
        units += (uintptr_t)result;
    }
    CHECK_EQ(units, 4);
    CHECK_EQ(take(thread_fd), 0);
    close(thread_fd);
    close(thread_ready);
}

static void signals_interrupt_or_restart(void)
{
    int fd = eventfd(0, 0);
    handle_sigusr1(0);
    pid_t child = signal_later(SIGUSR1);
    uint64_t value = 0;
    CHECK_ERRNO(read(fd, &value, sizeof value), EINTR);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));
    CHECK_EQ(add(fd, CEILING), 8);
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(add(fd, 1), EINTR);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK(exited_with(child, 0));
    CHECK(take(fd) == CEILING);

    handle_sigusr1(SA_RESTART);
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        _exit(add(fd, 77) == 8 ? 0 : 1);
    }
    CHECK_EQ(get(fd), 77);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));
    signal(SIGUSR1, SIG_DFL);
    close(fd);
}

static int killed(pid_t child)
{
    int status = 0;
    return kill(child, SIGKILL) == 0 && waitpid(child, &status, 0) == child &&
           WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* Of two waiting readers one is killed: the other gets the whole value.
 * A writer killed at the ceiling adds nothing. */
static void killed_waiters(void)
{
    int fd = eventfd(0, 0), ready = eventfd(0, 0);
    pid_t victim = fork();
    if (victim == 0) {
        add(ready, 1);
        _exit(get(fd) == 0 ? 2 : 3);
    }
    pid_t survivor = fork();
    if (survivor == 0) {
        add(ready, 1);
        _exit(get(fd) == 9 ? 0 : 1);
    }
    until_waiting(ready, 2);
    CHECK(killed(victim));
    CHECK_EQ(add(fd, 9), 8);
    CHECK(exited_with(survivor, 0));
    CHECK_EQ(take(fd), 0);

    CHECK_EQ(add(fd, CEILING), 8);
    victim = fork();
    if (victim == 0) {
        add(ready, 1);
        _exit(add(fd, 1) == 8 ? 2 : 3);
    }
    until_waiting(ready, 1);
    CHECK(killed(victim));
    CHECK(take(fd) == CEILING);
    CHECK_EQ(take(fd), 0);
    close(fd);
    close(ready);
}

/* The children pause so that ppoll likely waits; the results do not
 * depend on it. */
static void ppoll_waits(void)
{
    int fd = eventfd(0, 0);
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(100);
        _exit(add(fd, 3) == 8 ? 0 : 1);
    }
    struct pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(ppoll(&entry, 1, NULL, NULL), 1);
    CHECK_EQ(entry.revents, POLLIN);
    CHECK(exited_with(child, 0));
    CHECK_EQ(get(fd), 3);

    CHECK_EQ(add(fd, CEILING), 8);
    child = fork();
    if (child == 0) {
        sleep_milliseconds(100);
        _exit(get(fd) == CEILING ? 0 : 1);
    }
    entry.events = POLLOUT;
    CHECK_EQ(ppoll(&entry, 1, NULL, NULL), 1);
    CHECK_EQ(entry.revents, POLLOUT);
    CHECK(exited_with(child, 0));

    struct timespec short_wait = {0, 50000000};
    entry.events = POLLIN;
    CHECK_EQ(ppoll(&entry, 1, &short_wait, NULL), 0);
    CHECK_EQ(entry.revents, 0);
    close(fd);
}

/* The parent sends 1..1000 on one eventfd, the child answers each with
 * its square on the other. */
static void ping_pong(void)
{
    int ping = eventfd(0, 0), pong = eventfd(0, 0);
    pid_t child = fork();
    if (child == 0) {
        int wrong = 0;
        for (uint64_t i = 1; i <= 1000; i++) {
            uint64_t value = get(ping);
            wrong += value != i;
            add(pong, value * value);
        }
        _exit(wrong == 0 ? 0 : 1);
    }
    int wrong = 0;
    for (uint64_t i = 1; i <= 1000; i++) {
        add(ping, i);
        wrong += get(pong) != i * i;
    }
    CHECK_EQ(wrong, 0);
    CHECK(exited_with(child, 0));
    CHECK_EQ(take(ping), 0);
    CHECK_EQ(take(pong), 0);
    close(ping);
    close(pong);
}

int main(void)
{
    reader_and_writer_woken();
    semaphore_readers();
    semaphore_threads();
    signals_interrupt_or_restart();
    killed_waiters();
    ppoll_waits();
    ping_pong();
    return check_finish("event_eventfd_blocking");
}
