/* Signal handlers installed with sigaction: they run for raise(),
 * kill(getpid()) and tgkill(getpid(), gettid()) before the sending call
 * returns, get the signal number (and with SA_SIGINFO a siginfo saying who
 * sent it and how), run with the signal itself and sa_mask blocked (unless
 * SA_NODEFER), and the program goes on after the sending call with its mask
 * as it was. SA_RESETHAND makes a handler one-shot; sigaction reports the
 * old action; SIGKILL and SIGSTOP cannot be caught; signal numbers outside
 * 1..64 are EINVAL; a handler that raises another signal runs that
 * signal's handler inside its own. */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

/* What the last handler saw. */
static volatile sig_atomic_t handled_count;
static volatile int handled_signal;
static siginfo_t handled_info;
static sigset_t mask_in_handler;

/* The signals 1..64 of a set as bits (bit n-1 for signal n). */

static uint64_t current_mask_bits(void)
{
    sigset_t current;
    sigemptyset(&current);
    sigprocmask(SIG_BLOCK, NULL, &current);
    return signal_bits(&current);
}

static void plain_handler(int signo)
{
    handled_signal = signo;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
    handled_count++;
}

static void info_handler(int signo, siginfo_t *info, void *context)
{
    (void)context;
    handled_signal = signo;
    handled_info = *info;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
    handled_count++;
}

static void reset_record(void)
{
    handled_count = 0;
    handled_signal = 0;
    memset(&handled_info, 0, sizeof handled_info);
    sigemptyset(&mask_in_handler);
}

static int install(int signo, void (*handler)(int), int flags, const sigset_t *mask)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    if (mask)
        action.sa_mask = *mask;
    else
        sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL);
}

static int install_info(int signo, int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = info_handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL);
}

/* A plain handler runs for each way of sending to ourselves, before the
 * sending call returns, and the program continues after that call. */
static void test_plain_handler_runs(void)
{
    REQUIRE(install(SIGUSR1, plain_handler, 0, NULL) == 0);

    reset_record();
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_signal, SIGUSR1);

    reset_record();
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_signal, SIGUSR1);

    reset_record();
    CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_signal, SIGUSR1);

    /* A handler stays installed: a second signal runs it again. */
    reset_record();
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(handled_count, 2);

    /* The same handler serves another signal with its own number. */
    REQUIRE(install(SIGUSR2, plain_handler, 0, NULL) == 0);
    reset_record();
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_EQ(handled_signal, SIGUSR2);
}

/* siginfo: kill() is SI_USER, tgkill() and raise() (musl's raise is
 * tkill) are SI_TKILL; both carry the sender's pid and real uid. */
static void test_siginfo(void)
{
    REQUIRE(install_info(SIGUSR1, 0) == 0);

    reset_record();
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_signal, SIGUSR1);
    CHECK_EQ(handled_info.si_signo, SIGUSR1);
    CHECK_EQ(handled_info.si_code, SI_USER);
    CHECK_EQ(handled_info.si_pid, getpid());
    CHECK_EQ(handled_info.si_uid, getuid());
    CHECK_EQ(handled_info.si_errno, 0);

    reset_record();
    CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_info.si_signo, SIGUSR1);
    CHECK_EQ(handled_info.si_code, SI_TKILL);
    CHECK_EQ(handled_info.si_pid, getpid());
    CHECK_EQ(handled_info.si_uid, getuid());

    reset_record();
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_info.si_signo, SIGUSR1);
    CHECK_EQ(handled_info.si_code, SI_TKILL);
    CHECK_EQ(handled_info.si_pid, getpid());

    /* A signal from another process names that process and its uid. It
     * stays blocked until the child is reaped, so wait4 is not
     * interrupted, and is delivered when unblocked. */
    sigset_t usr1, old_mask;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    REQUIRE(sigprocmask(SIG_BLOCK, &usr1, &old_mask) == 0);
    reset_record();
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(handled_count, 0);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &old_mask, NULL), 0);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_info.si_code, SI_USER);
    CHECK_EQ(handled_info.si_pid, child);
    CHECK_EQ(handled_info.si_uid, 0);
}

/* During a handler the signal itself is blocked, plus sa_mask; SA_NODEFER
 * leaves the signal unblocked. The mask is restored after the handler. */
static void test_mask_during_handler(void)
{
    sigset_t empty;
    sigemptyset(&empty);
    REQUIRE(sigprocmask(SIG_SETMASK, &empty, NULL) == 0);

    REQUIRE(install(SIGUSR1, plain_handler, 0, NULL) == 0);
    reset_record();
    raise(SIGUSR1);
    CHECK_EQ(signal_bits(&mask_in_handler), signal_bit(SIGUSR1));
    CHECK_EQ(current_mask_bits(), 0);

    reset_record();
    kill(getpid(), SIGUSR1);
    CHECK_EQ(signal_bits(&mask_in_handler), signal_bit(SIGUSR1));
    CHECK_EQ(current_mask_bits(), 0);

    REQUIRE(install(SIGUSR1, plain_handler, SA_NODEFER, NULL) == 0);
    reset_record();
    raise(SIGUSR1);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(signal_bits(&mask_in_handler), 0);

    sigset_t extra;
    sigemptyset(&extra);
    sigaddset(&extra, SIGUSR2);
    sigaddset(&extra, SIGHUP);
    REQUIRE(install(SIGUSR1, plain_handler, 0, &extra) == 0);
    reset_record();
    kill(getpid(), SIGUSR1);
    CHECK_EQ(signal_bits(&mask_in_handler),
             signal_bit(SIGUSR1) | signal_bit(SIGUSR2) | signal_bit(SIGHUP));
    CHECK_EQ(current_mask_bits(), 0);

    REQUIRE(install(SIGUSR1, plain_handler, SA_NODEFER, &extra) == 0);
    reset_record();
    kill(getpid(), SIGUSR1);
    CHECK_EQ(signal_bits(&mask_in_handler), signal_bit(SIGUSR2) | signal_bit(SIGHUP));

    /* What was blocked before stays blocked during and after. */
    sigset_t before;
    sigemptyset(&before);
    sigaddset(&before, SIGTERM);
    REQUIRE(sigprocmask(SIG_SETMASK, &before, NULL) == 0);
    REQUIRE(install(SIGUSR1, plain_handler, 0, NULL) == 0);
    reset_record();
    kill(getpid(), SIGUSR1);
    CHECK_EQ(signal_bits(&mask_in_handler), signal_bit(SIGUSR1) | signal_bit(SIGTERM));
    CHECK_EQ(current_mask_bits(), signal_bit(SIGTERM));
    REQUIRE(sigprocmask(SIG_SETMASK, &empty, NULL) == 0);
}

/* SA_RESETHAND: the handler runs once, then the action is SIG_DFL. */
static void test_reset_hand(void)
{
    REQUIRE(install(SIGUSR1, plain_handler, SA_RESETHAND, NULL) == 0);
    reset_record();
    raise(SIGUSR1);
    CHECK_EQ(handled_count, 1);
    struct sigaction now;
    CHECK_EQ(sigaction(SIGUSR1, NULL, &now), 0);
    CHECK(now.sa_handler == SIG_DFL);

    /* The second one takes the default action: it kills. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        install(SIGUSR2, plain_handler, SA_RESETHAND, NULL);
        raise(SIGUSR2);
        raise(SIGUSR2);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2);
}

/* sigaction's third argument is the action it replaced. */
static void test_old_action(void)
{
    struct sigaction old;
    /* A signal never touched reports SIG_DFL with no flags. */
    CHECK_EQ(sigaction(SIGWINCH, NULL, &old), 0);
    CHECK(old.sa_handler == SIG_DFL);

    sigset_t extra;
    sigemptyset(&extra);
    sigaddset(&extra, SIGHUP);
    REQUIRE(install(SIGUSR1, plain_handler, SA_NODEFER, &extra) == 0);

    struct sigaction replacement;
    memset(&replacement, 0, sizeof replacement);
    replacement.sa_handler = SIG_IGN;
    sigemptyset(&replacement.sa_mask);
    memset(&old, 0, sizeof old);
    CHECK_EQ(sigaction(SIGUSR1, &replacement, &old), 0);
    CHECK(old.sa_handler == plain_handler);
    CHECK(old.sa_flags & SA_NODEFER);
    CHECK(!(old.sa_flags & SA_SIGINFO));
    CHECK_EQ(sigismember(&old.sa_mask, SIGHUP), 1);
    CHECK_EQ(sigismember(&old.sa_mask, SIGUSR2), 0);

    /* Now SIG_IGN comes back, and a query changes nothing. */
    CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
    CHECK(old.sa_handler == SIG_IGN);
    CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
    CHECK(old.sa_handler == SIG_IGN);

    /* An SA_SIGINFO action comes back as such. */
    REQUIRE(install_info(SIGUSR1, 0) == 0);
    CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
    CHECK(old.sa_sigaction == info_handler);
    CHECK(old.sa_flags & SA_SIGINFO);

    /* signal() returns the previous handler too. */
    CHECK(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
    CHECK(signal(SIGUSR2, SIG_DFL) == SIG_IGN);
}

/* SIGKILL and SIGSTOP cannot be caught or ignored, only queried; numbers
 * outside 1..64 are not signals. Raw calls, so the kernel's rules are
 * seen and not musl's own checks. */
static void test_sigaction_errors(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = plain_handler;
    CHECK_ERRNO(sigaction(SIGKILL, &action, NULL), EINVAL);
    CHECK_ERRNO(sigaction(SIGSTOP, &action, NULL), EINVAL);
    action.sa_handler = SIG_IGN;
    CHECK_ERRNO(sigaction(SIGKILL, &action, NULL), EINVAL);
    CHECK_ERRNO(sigaction(SIGSTOP, &action, NULL), EINVAL);

    /* The kernel's struct sigaction: handler, flags, restorer, mask. */
    struct kernel_sigaction {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
    } kernel_action = { SIG_IGN, 0, NULL, 0 }, kernel_old;
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGKILL, &kernel_action, NULL, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGSTOP, &kernel_action, NULL, 8), EINVAL);
    CHECK_EQ(syscall(SYS_rt_sigaction, SIGKILL, NULL, &kernel_old, 8), 0);
    CHECK(kernel_old.handler == SIG_DFL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, 0, NULL, &kernel_old, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, 65, NULL, &kernel_old, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, 0, &kernel_action, NULL, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, 65, &kernel_action, NULL, 8), EINVAL);
    /* The set size must be the kernel's (8 bytes). */
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &kernel_old, 4), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &kernel_old, 16), EINVAL);
    /* Signal 64 is the last one. */
    CHECK_EQ(syscall(SYS_rt_sigaction, 64, NULL, &kernel_old, 8), 0);

    CHECK_ERRNO(sigaction(0, NULL, &action), EINVAL);
    CHECK_ERRNO(sigaction(65, NULL, &action), EINVAL);
    CHECK_ERRNO(kill(getpid(), 65), EINVAL);
    CHECK_ERRNO(kill(getpid(), -1), EINVAL);
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), gettid(), 65), EINVAL);
    /* Signal 0 only checks that the target exists. */
    CHECK_EQ(kill(getpid(), 0), 0);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), 0), 0);
}

/* A handler that raises another signal: that handler runs inside it, and
 * the first one goes on afterwards. */
static char nesting_log[16];
static volatile int nesting_length;

static void log_char(char c)
{
    if (nesting_length < (int)sizeof nesting_log - 1)
        nesting_log[nesting_length++] = c;
}

static void inner_handler(int signo)
{
    (void)signo;
    log_char('i');
}

static void outer_handler(int signo)
{
    (void)signo;
    log_char('(');
    raise(SIGUSR2);
    log_char(')');
}

static void test_nested(void)
{
    REQUIRE(install(SIGUSR1, outer_handler, 0, NULL) == 0);
    REQUIRE(install(SIGUSR2, inner_handler, 0, NULL) == 0);
    memset(nesting_log, 0, sizeof nesting_log);
    nesting_length = 0;
    raise(SIGUSR1);
    CHECK_EQ(strcmp(nesting_log, "(i)"), 0);

    /* The same, but the outer handler's sa_mask blocks the inner signal:
     * it waits until the outer handler returns. */
    sigset_t extra;
    sigemptyset(&extra);
    sigaddset(&extra, SIGUSR2);
    REQUIRE(install(SIGUSR1, outer_handler, 0, &extra) == 0);
    memset(nesting_log, 0, sizeof nesting_log);
    nesting_length = 0;
    raise(SIGUSR1);
    CHECK_EQ(strcmp(nesting_log, "()i"), 0);
}

int main(void)
{
    test_plain_handler_runs();
    test_siginfo();
    test_mask_during_handler();
    test_reset_hand();
    test_old_action();
    test_sigaction_errors();
    test_nested();
    printf("handlers run for raise, kill and tgkill with the right siginfo and masks\n");
    return check_finish("signal_handler_basics");
}
