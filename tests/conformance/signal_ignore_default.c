/* Actions without handlers: a SIG_IGN'd signal has no effect; SIGCHLD,
 * SIGURG, SIGWINCH (and SIGCONT on a running process) are ignored by
 * default; the default action of SIGHUP, SIGINT, SIGQUIT, SIGTERM,
 * SIGUSR1, SIGUSR2, SIGALRM and a real-time signal terminates, and the
 * parent sees which signal did it; a child that blocks SIGTERM survives
 * it until it unblocks it; SIGCHLD set to SIG_IGN reaps children
 * automatically. Across execve, handled signals go back to SIG_DFL and
 * ignored ones stay ignored (the test execs itself: argv[0] must be a path
 * execve can open). */
#include <signal.h>
#include <sys/wait.h>

#include "check.h"

static void unused_handler(int signo)
{
    (void)signo;
}

/* Fork a child that sends itself `signo` with its default action in
 * place; return how it ended. */
static int status_after_raising(int signo, int by_kill)
{
    pid_t child = fork();
    if (child == 0) {
        signal(signo, SIG_DFL);
        if (by_kill)
            kill(getpid(), signo);
        else
            raise(signo);
        _exit(0);
    }
    int status = -1;
    if (waitpid(child, &status, 0) != child)
        return -1;
    return status;
}

static int killed_by(int status, int signo)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == signo;
}

static void test_ignored(void)
{
    CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK(signal(SIGTERM, SIG_IGN) != SIG_ERR);
    CHECK_EQ(kill(getpid(), SIGTERM), 0);
    CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN);
    CHECK(signal(SIGTERM, SIG_DFL) == SIG_IGN);

    /* Ignored by default: nothing happens. */
    CHECK_EQ(raise(SIGCHLD), 0);
    CHECK_EQ(raise(SIGURG), 0);
    CHECK_EQ(raise(SIGWINCH), 0);
    CHECK_EQ(raise(SIGCONT), 0);
    CHECK_EQ(kill(getpid(), SIGCHLD), 0);

    /* A child ignoring SIGTERM and SIGHUP outlives both, and SIGKILL
     * still kills it (SIG_IGN cannot be set for SIGKILL). */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        raise(SIGTERM);
        kill(getpid(), SIGHUP);
        if (signal(SIGKILL, SIG_IGN) != SIG_ERR)
            _exit(2);
        _exit(7);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

static void test_default_kills(void)
{
    CHECK(killed_by(status_after_raising(SIGHUP, 0), SIGHUP));
    CHECK(killed_by(status_after_raising(SIGINT, 0), SIGINT));
    CHECK(killed_by(status_after_raising(SIGTERM, 0), SIGTERM));
    CHECK(killed_by(status_after_raising(SIGTERM, 1), SIGTERM));
    CHECK(killed_by(status_after_raising(SIGUSR1, 0), SIGUSR1));
    CHECK(killed_by(status_after_raising(SIGUSR1, 1), SIGUSR1));
    CHECK(killed_by(status_after_raising(SIGUSR2, 1), SIGUSR2));
    CHECK(killed_by(status_after_raising(SIGALRM, 0), SIGALRM));
    CHECK(killed_by(status_after_raising(SIGPIPE, 0), SIGPIPE));
    /* A core-dumping signal: WTERMSIG is the signal either way. */
    CHECK(killed_by(status_after_raising(SIGQUIT, 0), SIGQUIT));
    CHECK(killed_by(status_after_raising(SIGRTMIN, 1), SIGRTMIN));
    CHECK(killed_by(status_after_raising(SIGRTMAX, 1), SIGRTMAX));

    /* Ignored by default in a child as well: it exits normally. */
    int status = status_after_raising(SIGWINCH, 1);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    status = status_after_raising(SIGURG, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A handler installed and then reset to SIG_DFL kills again. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGUSR1, unused_handler);
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
        _exit(0);
    }
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(killed_by(status, SIGUSR1));
}

/* The child blocks SIGTERM, gets it, reports, unblocks: it dies in the
 * unblocking call and never writes its second byte. */
static void test_dies_at_unblock(void)
{
    int report[2];
    REQUIRE(pipe(report) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(report[0]);
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, NULL);
        raise(SIGTERM);
        kill(getpid(), SIGTERM);
        write(report[1], "b", 1);
        sigprocmask(SIG_UNBLOCK, &term, NULL);
        write(report[1], "a", 1);
        _exit(0);
    }
    close(report[1]);
    char seen[4] = {0};
    CHECK_EQ(read(report[0], seen, sizeof seen), 1);
    CHECK_EQ(read(report[0], seen + 1, sizeof seen - 1), 0);
    CHECK_EQ(seen[0], 'b');
    close(report[0]);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(killed_by(status, SIGTERM));

    /* Sent by the parent to a child that blocks it: the same. */
    int ready[2], go[2];
    REQUIRE(pipe(ready) == 0 && pipe(go) == 0);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(ready[0]);
        close(go[1]);
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, NULL);
        write(ready[1], "r", 1);
        char byte;
        read(go[0], &byte, 1);      /* SIGTERM arrived before this */
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGTERM) != 1)
            _exit(3);
        sigprocmask(SIG_UNBLOCK, &term, NULL);
        _exit(4);
    }
    close(ready[1]);
    close(go[0]);
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(kill(child, SIGTERM), 0);
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(killed_by(status, SIGTERM));
    close(ready[0]);
    close(go[1]);
}

/* SIGCHLD ignored: exited children are reaped at once, and a wait for
 * one finds no child (after waiting for it to go). */
static void test_sigchld_ignored_reaps(void)
{
    CHECK(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(5);
    CHECK_ERRNO(waitpid(child, NULL, 0), ECHILD);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    CHECK(signal(SIGCHLD, SIG_DFL) == SIG_IGN);

    /* With SIG_DFL again, children become zombies to be waited for. */
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(6);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 6);
}

/* The exec'd image: SIGUSR1 had a handler and is SIG_DFL now, SIGUSR2
 * was ignored and still is. Raising SIGUSR2 does nothing; raising
 * SIGUSR1 kills. */
static int exec_target(void)
{
    struct sigaction action;
    CHECK_EQ(sigaction(SIGUSR1, NULL, &action), 0);
    CHECK(action.sa_handler == SIG_DFL);
    CHECK_EQ(sigaction(SIGUSR2, NULL, &action), 0);
    CHECK(action.sa_handler == SIG_IGN);
    CHECK_EQ(sigaction(SIGTERM, NULL, &action), 0);
    CHECK(action.sa_handler == SIG_DFL);
    if (check_failures != 0)
        return 1;
    raise(SIGUSR2);
    raise(SIGUSR1);
    return 2;
}

static void test_execve(const char *self)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = unused_handler;
        sigemptyset(&action.sa_mask);
        sigaction(SIGUSR1, &action, NULL);
        sigaction(SIGTERM, &action, NULL);
        signal(SIGUSR2, SIG_IGN);
        char *argv[] = {(char *)self, "--exec-target", NULL};
        char *envp[] = {NULL};
        execve(self, argv, envp);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(killed_by(status, SIGUSR1));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-target") == 0)
        return exec_target();

    test_ignored();
    test_default_kills();
    test_dies_at_unblock();
    test_sigchld_ignored_reaps();
    test_execve(argv[0]);
    printf("ignored signals do nothing, default actions kill or ignore, execve resets handlers\n");
    return check_finish("signal_ignore_default");
}
