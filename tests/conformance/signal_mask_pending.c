/* The blocked mask and the pending set: a blocked signal stays pending
 * (sigpending shows it) and standard signals do not queue (sending twice
 * leaves one); unblocking delivers it before sigprocmask returns; two
 * pending standard signals go lowest number first; SIG_IGN discards a
 * pending signal; SIGKILL and SIGSTOP cannot be blocked; a bad `how` is
 * EINVAL. fork gives the child the parent's mask and an empty pending set;
 * execve keeps both the mask and the pending set. The test execs itself
 * (argv[0] must be a path execve can open) for the execve part. */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

static uint64_t pending_bits(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigpending(&set);
    return signal_bits(&set);
}

static sigset_t set_of(int first, int second)
{
    sigset_t set;
    sigemptyset(&set);
    if (first)
        sigaddset(&set, first);
    if (second)
        sigaddset(&set, second);
    return set;
}

/* The order handlers ran in, one letter per signal. */
static char delivery_log[16];
static volatile int delivery_length;

static void logging_handler(int signo)
{
    if (delivery_length < (int)sizeof delivery_log - 1)
        delivery_log[delivery_length++] = signo == SIGUSR1 ? '1' : signo == SIGUSR2 ? '2' : '?';
}

static void reset_log(void)
{
    memset(delivery_log, 0, sizeof delivery_log);
    delivery_length = 0;
}

static int install(int signo, void (*handler)(int), const sigset_t *mask)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    if (mask)
        action.sa_mask = *mask;
    else
        sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL);
}

static void unblock_all(void)
{
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
}

/* SIG_BLOCK, SIG_UNBLOCK and SIG_SETMASK, and the old mask they return. */
static void test_mask_operations(void)
{
    unblock_all();
    CHECK_EQ(blocked_bits(), 0);
    sigset_t set = set_of(SIGUSR1, SIGHUP), old;
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK_EQ(signal_bits(&old), 0);
    set = set_of(SIGUSR2, 0);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK_EQ(signal_bits(&old), signal_bit(SIGUSR1) | signal_bit(SIGHUP));
    set = set_of(SIGHUP, SIGTERM);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, &old), 0);
    CHECK_EQ(signal_bits(&old), signal_bit(SIGUSR1) | signal_bit(SIGHUP) | signal_bit(SIGUSR2));
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1) | signal_bit(SIGUSR2));
    set = set_of(SIGTERM, 0);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
    CHECK_EQ(blocked_bits(), signal_bit(SIGTERM));
    /* Real-time signals can be blocked too. */
    set = set_of(SIGRTMIN, SIGRTMAX);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
    CHECK_EQ(blocked_bits(), signal_bit(SIGRTMIN) | signal_bit(SIGRTMAX));
    unblock_all();
}

/* A blocked signal stays pending, once however often it is sent, and is
 * delivered before the unblocking sigprocmask returns. */
static void test_blocked_stays_pending(void)
{
    REQUIRE(install(SIGUSR1, logging_handler, NULL) == 0);
    sigset_t usr1 = set_of(SIGUSR1, 0);
    REQUIRE(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
    CHECK_EQ(pending_bits(), 0);
    reset_log();
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(delivery_length, 0);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    CHECK_EQ(delivery_length, 0);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &usr1, NULL), 0);
    CHECK_EQ(strcmp(delivery_log, "1"), 0);
    CHECK_EQ(pending_bits(), 0);

    /* The same for process-directed kill()s. */
    REQUIRE(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
    reset_log();
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &usr1, NULL), 0);
    CHECK_EQ(strcmp(delivery_log, "1"), 0);

    /* A thread-directed signal (raise, tgkill) and a process-directed one
     * (kill) wait in two different sets, the thread's and the
     * process's: sigpending shows their union, and each is delivered. */
    REQUIRE(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
    reset_log();
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &usr1, NULL), 0);
    CHECK_EQ(strcmp(delivery_log, "11"), 0);
    CHECK_EQ(pending_bits(), 0);

    /* A real-time signal queues: each one sent is delivered. */
    REQUIRE(install(SIGRTMIN, logging_handler, NULL) == 0);
    sigset_t realtime = set_of(SIGRTMIN, 0);
    REQUIRE(sigprocmask(SIG_BLOCK, &realtime, NULL) == 0);
    reset_log();
    kill(getpid(), SIGRTMIN);
    kill(getpid(), SIGRTMIN);
    kill(getpid(), SIGRTMIN);
    CHECK_EQ(pending_bits(), signal_bit(SIGRTMIN));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &realtime, NULL), 0);
    CHECK_EQ(strcmp(delivery_log, "???"), 0);
    CHECK_EQ(pending_bits(), 0);
}

/* Two pending standard signals unblocked at once: the lower number is
 * taken first. When each handler blocks the other signal, they run one
 * after the other, SIGUSR1 (10) then SIGUSR2 (12). When they do not,
 * Linux sets up SIGUSR1's frame first and then SIGUSR2's on top of it
 * before returning to user mode, so SIGUSR2's handler runs first, at the
 * very start of SIGUSR1's. */
static void test_delivery_order(void)
{
    sigset_t both = set_of(SIGUSR1, SIGUSR2);
    REQUIRE(install(SIGUSR1, logging_handler, &both) == 0);
    REQUIRE(install(SIGUSR2, logging_handler, &both) == 0);
    REQUIRE(sigprocmask(SIG_BLOCK, &both, NULL) == 0);
    reset_log();
    raise(SIGUSR2);
    raise(SIGUSR1);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1) | signal_bit(SIGUSR2));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &both, NULL), 0);
    CHECK_EQ(strcmp(delivery_log, "12"), 0);

    REQUIRE(install(SIGUSR1, logging_handler, NULL) == 0);
    REQUIRE(install(SIGUSR2, logging_handler, NULL) == 0);
    REQUIRE(sigprocmask(SIG_BLOCK, &both, NULL) == 0);
    reset_log();
    raise(SIGUSR1);
    raise(SIGUSR2);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &both, NULL), 0);
    CHECK_EQ(strcmp(delivery_log, "21"), 0);
}

/* Setting SIG_IGN discards a pending signal, and so does SIG_DFL for a
 * signal whose default is to ignore (SIGWINCH); a handler installed
 * afterwards never sees them. */
static void test_ignore_discards_pending(void)
{
    sigset_t both = set_of(SIGUSR1, SIGWINCH);
    REQUIRE(install(SIGWINCH, logging_handler, NULL) == 0);
    REQUIRE(install(SIGUSR1, logging_handler, NULL) == 0);
    REQUIRE(sigprocmask(SIG_BLOCK, &both, NULL) == 0);
    reset_log();
    raise(SIGUSR1);
    raise(SIGWINCH);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1) | signal_bit(SIGWINCH));
    CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
    CHECK_EQ(pending_bits(), signal_bit(SIGWINCH));
    CHECK(signal(SIGWINCH, SIG_DFL) != SIG_ERR);
    CHECK_EQ(pending_bits(), 0);
    REQUIRE(install(SIGUSR1, logging_handler, NULL) == 0);
    REQUIRE(install(SIGWINCH, logging_handler, NULL) == 0);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &both, NULL), 0);
    CHECK_EQ(delivery_length, 0);

    /* But an ignored signal sent while blocked is queued (the action may
     * change before it is unblocked), and unblocking it while still
     * ignored throws it away. */
    CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
    REQUIRE(sigprocmask(SIG_BLOCK, &both, NULL) == 0);
    raise(SIGUSR1);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    unblock_all();
    CHECK_EQ(pending_bits(), 0);
    /* Not blocked and ignored: dropped at once. */
    raise(SIGUSR1);
    CHECK_EQ(pending_bits(), 0);
    CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
    CHECK(signal(SIGWINCH, SIG_DFL) != SIG_ERR);
}

/* SIGKILL and SIGSTOP are silently left out of any mask. */
static void test_unblockable(void)
{
    sigset_t set;
    sigfillset(&set);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
    uint64_t blocked = blocked_bits();
    CHECK_EQ(blocked & (signal_bit(SIGKILL) | signal_bit(SIGSTOP)), 0);
    CHECK(blocked & signal_bit(SIGUSR1));
    CHECK(blocked & signal_bit(SIGTERM));
    CHECK(blocked & signal_bit(SIGCONT));
    unblock_all();

    set = set_of(SIGKILL, SIGSTOP);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1));
    unblock_all();

    /* The raw call with the kernel's 8-byte set, every bit on. */
    uint64_t all = ~0ull, old = 0;
    CHECK_EQ(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8), 0);
    CHECK_EQ(syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &old, 8), 0);
    CHECK_EQ(old, ~(signal_bit(SIGKILL) | signal_bit(SIGSTOP)));
    unblock_all();

    /* A blocked-everything child still dies of SIGKILL. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        sigset_t everything;
        sigfillset(&everything);
        sigprocmask(SIG_SETMASK, &everything, NULL);
        raise(SIGKILL);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* Bad `how`, bad set size, bad pointers. */
static void test_errors(void)
{
    uint64_t set = signal_bit(SIGUSR1), old = 0;
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, 3, &set, NULL, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, -1, &set, NULL, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, 99, &set, &old, 8), EINVAL);
    CHECK_EQ(blocked_bits(), 0);
    /* Without a new set, `how` is not looked at. */
    CHECK_EQ(syscall(SYS_rt_sigprocmask, 99, NULL, &old, 8), 0);
    CHECK_EQ(old, 0);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8), EFAULT);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, (void *)8, 8), EFAULT);
    /* sigpending takes a smaller set (it writes that much), not a larger. */
    CHECK_ERRNO(syscall(SYS_rt_sigpending, &old, 16), EINVAL);
    CHECK_EQ(syscall(SYS_rt_sigpending, &old, 4), 0);
    CHECK_ERRNO(syscall(SYS_rt_sigpending, (void *)8, 8), EFAULT);
    CHECK_EQ(blocked_bits(), 0);

    sigset_t usr1 = set_of(SIGUSR1, 0);
    CHECK_ERRNO(sigprocmask(3, &usr1, NULL), EINVAL);
    CHECK_EQ(pthread_sigmask(3, &usr1, NULL), EINVAL);
    CHECK_EQ(pthread_sigmask(SIG_BLOCK, &usr1, NULL), 0);
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1));
    unblock_all();
}

/* fork: the child has the parent's mask and nothing pending; the
 * parent's pending signal stays with the parent. */
static void test_fork(void)
{
    REQUIRE(install(SIGUSR1, logging_handler, NULL) == 0);
    sigset_t blocked = set_of(SIGUSR1, SIGHUP);
    REQUIRE(sigprocmask(SIG_BLOCK, &blocked, NULL) == 0);
    reset_log();
    raise(SIGUSR1);
    REQUIRE(pending_bits() == signal_bit(SIGUSR1));
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        CHECK_EQ(pending_bits(), 0);
        CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1) | signal_bit(SIGHUP));
        unblock_all();
        CHECK_EQ(delivery_length, 0);
        check_child_exit();
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    unblock_all();
    CHECK_EQ(strcmp(delivery_log, "1"), 0);
}

/* The exec'd image: SIGUSR1 and SIGHUP still blocked, SIGUSR1 still
 * pending. Unblocking it now (its handler is gone) kills us with it. */
static int exec_target(void)
{
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1) | signal_bit(SIGHUP));
    CHECK_EQ(pending_bits(), signal_bit(SIGUSR1));
    if (check_failures != 0)
        return 1;
    unblock_all();
    return 2;       /* not reached: SIGUSR1's default action kills */
}

static void test_execve(const char *self)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        install(SIGUSR1, logging_handler, NULL);
        sigset_t blocked = set_of(SIGUSR1, SIGHUP);
        sigprocmask(SIG_SETMASK, &blocked, NULL);
        raise(SIGUSR1);
        char *argv[] = {(char *)self, "--exec-target", NULL};
        char *envp[] = {NULL};
        execve(self, argv, envp);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-target") == 0)
        return exec_target();

    test_mask_operations();
    test_blocked_stays_pending();
    test_delivery_order();
    test_ignore_discards_pending();
    test_unblockable();
    test_errors();
    test_fork();
    test_execve(argv[0]);
    printf("blocked signals wait in the pending set; fork clears it, execve keeps it\n");
    return check_finish("signal_mask_pending");
}
