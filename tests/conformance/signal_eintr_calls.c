/* Which blocking calls a handled signal interrupts, and which SA_RESTART
 * restarts (Linux's rules, see signal(7)): nanosleep fails with EINTR and
 * reports the time left; poll and select with a timeout fail with EINTR
 * even with SA_RESTART; wait4 is restarted with SA_RESTART and fails with
 * EINTR without it; FUTEX_WAIT without a timeout fails with EINTR (no
 * SA_RESTART); pause and sigsuspend always fail with EINTR after the
 * handler, sigsuspend running the handler under its temporary mask and
 * putting the old mask back. A signal that is ignored (SIG_IGN or by
 * default) interrupts nothing.
 *
 * The signal comes from a child that sleeps 200 ms first, long enough for
 * the parent to be blocked by then; the outcome does not depend on the
 * exact timing beyond that. */
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "signals.h"
#include "futex.h"

static volatile sig_atomic_t handled_count;
static sigset_t mask_in_handler;

static void counting_handler(int signo)
{
    (void)signo;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
    handled_count++;
}

static void install(int signo, int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = counting_handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(signo, &action, NULL) == 0);
    handled_count = 0;
}


static void test_nanosleep(void)
{
    install(SIGUSR1, SA_RESTART);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    struct timespec request = {5, 0}, left = {0, 0};
    CHECK_ERRNO(nanosleep(&request, &left), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(left.tv_sec < 5 && left.tv_nsec >= 0 && left.tv_nsec < 1000000000);
    CHECK(left.tv_sec > 0 || left.tv_nsec > 0);
    CHECK(exited_with(child, 0));

    /* clock_nanosleep returns the error instead of setting errno. */
    install(SIGUSR1, SA_RESTART);
    child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    left.tv_sec = left.tv_nsec = 0;
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &request, &left), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(left.tv_sec < 5 && (left.tv_sec > 0 || left.tv_nsec > 0));
    CHECK(exited_with(child, 0));
}

static void test_poll_select(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);

    install(SIGUSR1, SA_RESTART);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    struct pollfd watched = {fds[0], POLLIN, 0};
    CHECK_ERRNO(poll(&watched, 1, 5000), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));

    /* With no timeout at all, too. */
    install(SIGUSR1, SA_RESTART);
    child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    CHECK_ERRNO(poll(&watched, 1, -1), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));

    install(SIGUSR1, SA_RESTART);
    child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    struct timeval timeout = {5, 0};
    CHECK_ERRNO(select(fds[0] + 1, &readable, NULL, NULL, &timeout), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));

    close(fds[0]);
    close(fds[1]);
}

/* wait4 for a child that exits 200 ms after signalling us. */
static void test_wait(void)
{
    install(SIGUSR1, SA_RESTART);
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        sleep_milliseconds(200);
        _exit(7);
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    CHECK_EQ(handled_count, 1);

    /* Without SA_RESTART: EINTR; the child is still there to be waited
     * for once it has been told to go. */
    install(SIGUSR1, 0);
    int go[2];
    REQUIRE(pipe(go) == 0);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(go[1]);
        sleep_milliseconds(200);
        kill(parent, SIGUSR1);
        char byte;
        read(go[0], &byte, 1);
        _exit(8);
    }
    close(go[0]);
    CHECK_ERRNO(waitpid(child, &status, 0), EINTR);
    CHECK_EQ(handled_count, 1);
    close(go[1]);
    CHECK(exited_with(child, 8));
}

static void test_futex(void)
{
    static int word;
    install(SIGUSR1, 0);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    CHECK_ERRNO(futex_wait(&word, 0, NULL, FUTEX_PRIVATE_FLAG), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));

    /* With a timeout, EINTR even with SA_RESTART. */
    install(SIGUSR1, SA_RESTART);
    child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    struct timespec timeout = {5, 0};
    CHECK_ERRNO(futex_wait(&word, 0, &timeout, FUTEX_PRIVATE_FLAG), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));
}

static void test_pause(void)
{
    install(SIGUSR1, SA_RESTART);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    CHECK_ERRNO(pause(), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK(exited_with(child, 0));
}

static void test_sigsuspend(void)
{
    /* SIGUSR1 is blocked outside; sigsuspend's mask lets it in and blocks
     * SIGHUP instead. The handler sees that mask plus SIGUSR1 itself. */
    install(SIGUSR1, SA_RESTART);
    sigset_t usr1, temporary, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&temporary);
    sigaddset(&temporary, SIGHUP);
    REQUIRE(sigprocmask(SIG_SETMASK, &usr1, NULL) == 0);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    sigemptyset(&mask_in_handler);
    CHECK_ERRNO(sigsuspend(&temporary), EINTR);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(sigismember(&mask_in_handler, SIGHUP), 1);
    CHECK_EQ(sigismember(&mask_in_handler, SIGUSR1), 1);
    CHECK_EQ(sigismember(&mask_in_handler, SIGUSR2), 0);
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK_EQ(sigismember(&now, SIGUSR1), 1);
    CHECK_EQ(sigismember(&now, SIGHUP), 0);
    CHECK(exited_with(child, 0));

    /* Already pending when sigsuspend unblocks it: returns at once. */
    install(SIGUSR1, SA_RESTART);
    raise(SIGUSR1);
    CHECK_EQ(handled_count, 0);
    sigset_t empty;
    sigemptyset(&empty);
    CHECK_ERRNO(sigsuspend(&empty), EINTR);
    CHECK_EQ(handled_count, 1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK_EQ(sigismember(&now, SIGUSR1), 1);
    REQUIRE(sigprocmask(SIG_SETMASK, &empty, NULL) == 0);
}

/* Ignored signals (explicitly, or SIGWINCH by default) do not interrupt a
 * read: it returns the data written after them. */
static void test_ignored_does_not_interrupt(int signo)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        sleep_milliseconds(200);
        kill(parent, signo);
        sleep_milliseconds(100);
        write(fds[1], "data", 4);
        _exit(0);
    }
    close(fds[1]);
    char buffer[8];
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "data", 4) == 0);
    CHECK(exited_with(child, 0));
    close(fds[0]);
}

int main(void)
{
    test_nanosleep();
    test_poll_select();
    test_wait();
    test_futex();
    test_pause();
    test_sigsuspend();
    signal(SIGUSR2, SIG_IGN);
    test_ignored_does_not_interrupt(SIGUSR2);
    signal(SIGUSR2, SIG_DFL);
    test_ignored_does_not_interrupt(SIGWINCH);
    printf("nanosleep, poll, select, wait4, futex, pause, sigsuspend: "
           "EINTR or restart as on Linux\n");
    return check_finish("signal_eintr_calls");
}
