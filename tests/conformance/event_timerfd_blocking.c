/* timerfd that waits: a blocking read waits for a relative 50 ms one-shot
 * (at least 45 ms pass by CLOCK_MONOTONIC, lest the clocks' granularity
 * differ) and for an absolute one (until the clock has reached it); a
 * reader waiting on a disarmed timer shared through fork is left waiting
 * by a disarming settime and woken by another process's settime or
 * TFD_IOC_SET_TICKS; a sigusr1_handled signal ends the wait with EINTR without
 * SA_RESTART, and with SA_RESTART the read goes on and gets the count; a
 * 1 ms interval timer read repeatedly for 200 ms counts at least 150 and
 * at most one per millisecond that really passed (Linux: about 200);
 * ppoll waits for an expiry, and times out on a disarmed timer; of two
 * waiting readers one is killed by SIGKILL: the other gets the expiry,
 * and the timer goes on working. No upper bound on a wait is tighter than
 * 5 s. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"
#include "event.h"

#define TFD_IOC_SET_TICKS 0x40085400   /* _IOW('T', 0, uint64_t) */
#define NS 1000000000ll
#define MS 1000000ll

static long long now(void)
{
    struct timespec time = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec * NS + time.tv_nsec;
}

static int arm(int fd, int flags, long long value_ns, long long interval_ns)
{
    struct itimerspec new_value = {{interval_ns / NS, interval_ns % NS},
                                   {value_ns / NS, value_ns % NS}};
    return timerfd_settime(fd, flags, &new_value, NULL);
}

static void reads_wait(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    long long start = now();
    CHECK_EQ(arm(fd, 0, 50 * MS, 0), 0);
    CHECK_EQ(get(fd), 1);
    long long waited = now() - start;
    CHECK(waited >= 45 * MS && waited < 5 * NS);

    long long deadline = now() + 50 * MS;
    CHECK_EQ(arm(fd, TFD_TIMER_ABSTIME, deadline, 0), 0);
    CHECK_EQ(get(fd), 1);
    CHECK(now() >= deadline);
    CHECK_EQ(take(fd), 0);
    close(fd);
}

static void woken_by_another_process(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0), ready = eventfd(0, 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(write(ready, &(uint64_t){1}, 8), 8);
        CHECK_EQ(get(fd), 1);
        check_child_exit();
    }
    until_waiting(ready, 1);
    CHECK_EQ(arm(fd, 0, 0, 0), 0);       /* disarming wakes no one */
    sleep_milliseconds(100);
    CHECK_EQ(waitpid(child, NULL, WNOHANG), 0);
    CHECK_EQ(arm(fd, 0, MS, 0), 0);
    check_child_passed(child);
    CHECK_EQ(take(fd), 0);

    child = fork();
    if (child == 0) {
        CHECK_EQ(write(ready, &(uint64_t){1}, 8), 8);
        CHECK_EQ(get(fd), 9);
        check_child_exit();
    }
    until_waiting(ready, 1);
    uint64_t ticks = 9;
    CHECK_EQ(ioctl(fd, TFD_IOC_SET_TICKS, &ticks), 0);
    check_child_passed(child);
    CHECK_EQ(take(fd), 0);
    close(fd);
    close(ready);
}

static void signals_interrupt_or_restart(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    handle_sigusr1(0);
    pid_t child = signal_later(SIGUSR1);
    uint64_t count = 0;
    CHECK_ERRNO(read(fd, &count, sizeof count), EINTR);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));

    /* Armed 10 s ahead, the wait is cut short all the same. */
    CHECK_EQ(arm(fd, 0, 10 * NS, 0), 0);
    child = signal_later(SIGUSR1);
    CHECK_ERRNO(read(fd, &count, sizeof count), EINTR);
    CHECK_EQ(sigusr1_handled, 2);
    CHECK(exited_with(child, 0));

    handle_sigusr1(SA_RESTART);
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        _exit(arm(fd, 0, MS, 0) == 0 ? 0 : 1);
    }
    CHECK_EQ(get(fd), 1);
    CHECK_EQ(sigusr1_handled, 1);
    CHECK(exited_with(child, 0));
    signal(SIGUSR1, SIG_DFL);
    close(fd);
}

/* Each read waits for at least one expiration; the sum counts them all
 * up to the last read. */
static void interval_sums(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    long long start = now(), passed;
    CHECK_EQ(arm(fd, 0, MS, MS), 0);
    uint64_t sum = 0, zeros = 0;
    do {
        uint64_t count = get(fd);
        sum += count;
        zeros += count == 0;
        passed = now() - start;
    } while (passed < 200 * MS && zeros == 0);
    CHECK_EQ(zeros, 0);
    CHECK(sum >= 150 && (long long)sum <= passed / MS + 1);
    close(fd);
}

static void ppoll_waits(void)
{
    int fd = timerfd_create(CLOCK_BOOTTIME, 0);
    struct pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(arm(fd, 0, 100 * MS, 0), 0);
    CHECK_EQ(ppoll(&entry, 1, NULL, NULL), 1);
    CHECK_EQ(entry.revents, POLLIN);
    CHECK_EQ(take(fd), 1);

    struct timespec limit = {5, 0};
    CHECK_EQ(arm(fd, 0, 50 * MS, 0), 0);
    CHECK_EQ(ppoll(&entry, 1, &limit, NULL), 1);
    CHECK_EQ(entry.revents, POLLIN);
    CHECK_EQ(take(fd), 1);

    struct timespec short_wait = {0, 50 * MS};
    CHECK_EQ(ppoll(&entry, 1, &short_wait, NULL), 0);
    CHECK_EQ(entry.revents, 0);
    close(fd);
}

static int killed(pid_t child)
{
    int status = 0;
    return kill(child, SIGKILL) == 0 && waitpid(child, &status, 0) == child &&
           WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void killed_reader(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0), ready = eventfd(0, 0);
    pid_t victim = fork();
    if (victim == 0) {
        write(ready, &(uint64_t){1}, 8);
        _exit(get(fd) == 0 ? 2 : 3);
    }
    pid_t survivor = fork();
    if (survivor == 0) {
        write(ready, &(uint64_t){1}, 8);
        _exit(get(fd) == 1 ? 0 : 1);
    }
    until_waiting(ready, 2);
    CHECK(killed(victim));
    CHECK_EQ(arm(fd, 0, MS, 0), 0);
    CHECK(exited_with(survivor, 0));
    CHECK_EQ(take(fd), 0);
    /* And for the next reader, the parent. */
    CHECK_EQ(arm(fd, 0, 20 * MS, 0), 0);
    CHECK_EQ(get(fd), 1);
    close(fd);
    close(ready);
}

int main(void)
{
    reads_wait();
    woken_by_another_process();
    signals_interrupt_or_restart();
    interval_sums();
    ppoll_waits();
    killed_reader();
    return check_finish("event_timerfd_blocking");
}
