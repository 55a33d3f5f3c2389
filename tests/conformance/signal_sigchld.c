/* SIGCHLD with a handler: the parent is told when a child ends, with
 * SA_SIGINFO the siginfo says which child and how (CLD_EXITED and the
 * exit code, CLD_KILLED and the signal); the shell's idiom works: block
 * SIGCHLD, fork, sigsuspend with an empty mask until the handler saw the
 * child, then waitpid it. SIGCHLD does not queue: three children ending
 * while it is blocked give one delivery. SA_NOCLDSTOP is accepted and
 * changes nothing for exits; SA_NOCLDWAIT still sends SIGCHLD but leaves
 * no zombie to wait for. */
#include <signal.h>
#include <sys/wait.h>

#include "check.h"

static volatile sig_atomic_t handled_count;
static siginfo_t handled_info;

static void child_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    handled_info = *info;
    handled_count++;
}

static void install(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = child_handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGCHLD, &action, NULL) == 0);
}

static sigset_t only_sigchld(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    return set;
}

/* Wait, with SIGCHLD blocked outside, until the handler ran `count`
 * times: the shell idiom. */
static void suspend_until_handled(int count)
{
    sigset_t empty;
    sigemptyset(&empty);
    while (handled_count < count)
        sigsuspend(&empty);
}

static void reset_record(void)
{
    handled_count = 0;
    memset(&handled_info, 0, sizeof handled_info);
}

static void test_exited(int flags)
{
    install(flags);
    sigset_t chld = only_sigchld();
    REQUIRE(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
    reset_record();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(7);
    suspend_until_handled(1);
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_info.si_signo, SIGCHLD);
    CHECK_EQ(handled_info.si_code, CLD_EXITED);
    CHECK_EQ(handled_info.si_pid, child);
    CHECK_EQ(handled_info.si_uid, getuid());
    CHECK_EQ(handled_info.si_status, 7);
    /* The child is a zombie until waited for. */
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    REQUIRE(sigprocmask(SIG_UNBLOCK, &chld, NULL) == 0);
    CHECK_EQ(handled_count, 1);
}

static void test_killed(void)
{
    install(0);
    sigset_t chld = only_sigchld();
    REQUIRE(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
    reset_record();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    CHECK_EQ(kill(child, SIGKILL), 0);
    suspend_until_handled(1);
    CHECK_EQ(handled_info.si_code, CLD_KILLED);
    CHECK_EQ(handled_info.si_pid, child);
    CHECK_EQ(handled_info.si_status, SIGKILL);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* Killed by its own SIGTERM. */
    reset_record();
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);
        raise(SIGTERM);
        _exit(0);
    }
    suspend_until_handled(1);
    CHECK_EQ(handled_info.si_code, CLD_KILLED);
    CHECK_EQ(handled_info.si_pid, child);
    CHECK_EQ(handled_info.si_status, SIGTERM);
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    REQUIRE(sigprocmask(SIG_UNBLOCK, &chld, NULL) == 0);
}

/* Three children end while SIGCHLD is blocked: one SIGCHLD is pending,
 * one delivery when unblocked, and all three are there to be waited for. */
static void test_not_queued(void)
{
    install(0);
    sigset_t chld = only_sigchld();
    REQUIRE(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
    reset_record();
    pid_t children[3];
    for (int i = 0; i < 3; i++) {
        children[i] = fork();
        REQUIRE(children[i] >= 0);
        if (children[i] == 0)
            _exit(20 + i);
    }
    /* WNOWAIT: wait until each has ended, leaving it a zombie. */
    int ended = 0;
    for (int i = 0; i < 3; i++) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_PID, (id_t)children[i], &info, WEXITED | WNOWAIT) == 0 &&
            info.si_pid == children[i])
            ended++;
    }
    CHECK_EQ(ended, 3);
    sigset_t pending;
    sigpending(&pending);
    CHECK_EQ(sigismember(&pending, SIGCHLD), 1);
    CHECK_EQ(handled_count, 0);
    REQUIRE(sigprocmask(SIG_UNBLOCK, &chld, NULL) == 0);
    CHECK_EQ(handled_count, 1);
    int reaped = 0;
    for (int i = 0; i < 3; i++) {
        int status;
        if (waitpid(children[i], &status, 0) == children[i] && WIFEXITED(status) &&
            WEXITSTATUS(status) == 20 + i)
            reaped++;
    }
    CHECK_EQ(reaped, 3);
}

static void test_nocldstop_flag(void)
{
    install(SA_NOCLDSTOP);
    struct sigaction now;
    CHECK_EQ(sigaction(SIGCHLD, NULL, &now), 0);
    CHECK(now.sa_flags & SA_NOCLDSTOP);
    CHECK(now.sa_flags & SA_SIGINFO);
    /* Exits are still reported. */
    test_exited(SA_NOCLDSTOP);
}

/* SA_NOCLDWAIT: the handler still runs, but the child is reaped by the
 * system, so a wait finds no child. */
static void test_nocldwait(void)
{
    install(SA_NOCLDWAIT);
    sigset_t chld = only_sigchld();
    REQUIRE(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
    reset_record();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(3);
    suspend_until_handled(1);
    CHECK_EQ(handled_info.si_code, CLD_EXITED);
    CHECK_EQ(handled_info.si_pid, child);
    CHECK_EQ(handled_info.si_status, 3);
    CHECK_ERRNO(waitpid(child, NULL, 0), ECHILD);
    REQUIRE(sigprocmask(SIG_UNBLOCK, &chld, NULL) == 0);
    signal(SIGCHLD, SIG_DFL);
}

/* Without blocking: the handler interrupts whatever the parent does, here
 * a read of a pipe that the child's end closes (SA_RESTART, so the read
 * then sees the end of file). */
static void test_unblocked(void)
{
    install(SA_RESTART);
    reset_record();
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        _exit(9);
    }
    close(fds[1]);
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 0);
    close(fds[0]);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    /* Sent before the child became waitable, so delivered by now. */
    CHECK_EQ(handled_count, 1);
    CHECK_EQ(handled_info.si_pid, child);
    CHECK_EQ(handled_info.si_status, 9);
    signal(SIGCHLD, SIG_DFL);
}

int main(void)
{
    test_exited(0);
    test_killed();
    test_not_queued();
    test_nocldstop_flag();
    test_nocldwait();
    test_unblocked();
    printf("SIGCHLD handlers see CLD_EXITED and CLD_KILLED with pid and status\n");
    return check_finish("signal_sigchld");
}
