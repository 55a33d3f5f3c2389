/*
 * sigwaitinfo and sigtimedwait (rt_sigtimedwait): a signal of the set is
 * taken, with its siginfo, whatever its action (a blocked SIGUSR1 whose
 * default is to terminate is simply returned); a pending one at once; a
 * timeout ends with EAGAIN; a handled signal outside the set ends the wait
 * with EINTR after its handler ran (seen through the system call: musl's
 * sigtimedwait waits again on EINTR); bad arguments are EINVAL.
 */
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "signals.h"

static volatile sig_atomic_t handled;

static void on_signal(int signo)
{
    (void)signo;
    handled++;
}


static void block(int signo)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static void test_waits_for_a_signal_of_the_set(void)
{
    block(SIGUSR1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child > 0);
    siginfo_t info;
    CHECK_EQ(sigwaitinfo(&set, &info), SIGUSR1);    /* its default would kill us */
    CHECK_EQ(info.si_signo, SIGUSR1);
    CHECK_EQ(info.si_code, SI_USER);
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_uid, getuid());
    CHECK(exited_with(child, 0));
    sigset_t pending;
    sigpending(&pending);
    CHECK_EQ(sigismember(&pending, SIGUSR1), 0);    /* taken */
    CHECK_EQ(blocked_bits() & signal_bit(SIGUSR1), signal_bit(SIGUSR1));     /* still blocked */
}

static void test_a_pending_signal_is_taken_at_once(void)
{
    block(SIGUSR2);
    raise(SIGUSR2);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    struct timespec none = {0, 0};
    siginfo_t info;
    CHECK_EQ(sigtimedwait(&set, &info, &none), SIGUSR2);
    CHECK_EQ(info.si_code, SI_TKILL);
    CHECK_ERRNO(sigtimedwait(&set, &info, &none), EAGAIN);  /* nothing left */
}

static void test_timeout_is_eagain(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    struct timespec short_time = {0, 50 * 1000 * 1000};
    CHECK_ERRNO(sigtimedwait(&set, NULL, &short_time), EAGAIN);
}

static void test_handled_signal_outside_the_set_is_eintr(void)
{
    struct sigaction action = {0};
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;       /* sigtimedwait is never restarted */
    sigaction(SIGHUP, &action, NULL);
    handled = 0;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pid_t child = signal_later(SIGHUP);
    REQUIRE(child > 0);
    struct timespec long_time = {5, 0};
    CHECK_ERRNO(syscall(SYS_rt_sigtimedwait, &set, NULL, &long_time, 8), EINTR);
    CHECK_EQ(handled, 1);
    CHECK(exited_with(child, 0));
}

static void test_errors(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    struct timespec bad = {0, 1000 * 1000 * 1000};
    CHECK_ERRNO(sigtimedwait(&set, NULL, &bad), EINVAL);
    struct timespec none = {0, 0};
    CHECK_ERRNO(syscall(SYS_rt_sigtimedwait, &set, NULL, &none, 4), EINVAL);
}

int main(void)
{
    test_waits_for_a_signal_of_the_set();
    test_a_pending_signal_is_taken_at_once();
    test_timeout_is_eagain();
    test_handled_signal_outside_the_set_is_eintr();
    test_errors();
    printf("sigwaitinfo and sigtimedwait take signals of their set, as on Linux\n");
    return check_finish("signal_sigwait");
}
