/* Writing to a pipe nobody reads: EPIPE, and SIGPIPE, whose default
 * action kills the writer (write, writev and a large write alike) while
 * SIG_IGN leaves the call failing with EPIPE. A writer blocked on a full
 * pipe gets the same once the last reader goes. A handler runs once, with
 * Linux's siginfo for it: SI_USER from the writer's own process. */
#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "check.h"

enum how { BY_WRITE, BY_WRITEV, BY_BIG_WRITE };

/* A child that writes with the default SIGPIPE action to a pipe whose
 * read end is closed; it must die of SIGPIPE, not exit. */
static void check_killed(enum how how)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    close(fds[0]);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        static char big[100000];
        struct iovec parts[2] = {{"ab", 2}, {"cd", 2}};
        if (how == BY_WRITE)
            write(fds[1], "x", 1);
        else if (how == BY_WRITEV)
            writev(fds[1], parts, 2);
        else
            write(fds[1], big, sizeof big);
        _exit(42);      /* not reached on Linux */
    }
    close(fds[1]);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGPIPE);
}

static void test_ignored(void)
{
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    close(fds[0]);
    CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
    struct iovec parts[2] = {{"ab", 2}, {"cd", 2}};
    CHECK_ERRNO(writev(fds[1], parts, 2), EPIPE);
    /* Still EPIPE the second time, and for an empty write too? Linux
     * returns 0 for a zero-length write before looking at readers. */
    CHECK_ERRNO(write(fds[1], "y", 1), EPIPE);
    CHECK_EQ(write(fds[1], "", 0), 0);
    close(fds[1]);

    /* Data left in the pipe does not matter once the readers are gone. */
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(write(fds[1], "kept", 4), 4);
    close(fds[0]);
    CHECK_ERRNO(write(fds[1], "z", 1), EPIPE);
    close(fds[1]);
    signal(SIGPIPE, SIG_DFL);
}

/* A writer blocked on a full pipe: the reader reads a little, then closes;
 * the writer's write ends short (what went in) or with EPIPE. Here the
 * child ignores SIGPIPE and reports through its exit status. */
static void test_blocked_writer(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGPIPE, SIG_IGN);
        close(fds[0]);
        close(go[0]);
        static char fill[65536];
        if (write(fds[1], fill, sizeof fill) != (ssize_t)sizeof fill)
            _exit(10);
        if (write(go[1], "f", 1) != 1)
            _exit(11);
        /* Blocks: the pipe is full. */
        errno = 0;
        ssize_t result = write(fds[1], fill, 10);
        _exit(result == -1 && errno == EPIPE ? 0 : 12);
    }
    close(fds[1]);
    close(go[1]);
    char flag;
    CHECK_EQ(read(go[0], &flag, 1), 1);     /* the pipe is full now */
    close(fds[0]);                          /* the child wakes with EPIPE */
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    close(go[0]);
}

static volatile sig_atomic_t handled;
static volatile int seen_code, seen_pid, seen_uid;

static void on_sigpipe(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    handled++;
    seen_code = info->si_code;
    seen_pid = info->si_pid;
    seen_uid = (int)info->si_uid;
}

static void test_handled(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigpipe;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGPIPE, &action, NULL) == 0);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    close(fds[0]);
    CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
    CHECK_EQ(handled, 1);
    CHECK_EQ(seen_code, SI_USER);
    CHECK_EQ(seen_pid, getpid());
    CHECK_EQ(seen_uid, (int)getuid());
    close(fds[1]);
    signal(SIGPIPE, SIG_DFL);
}

int main(void)
{
    check_killed(BY_WRITE);
    check_killed(BY_WRITEV);
    check_killed(BY_BIG_WRITE);
    test_ignored();
    test_blocked_writer();
    test_handled();
    return check_finish("pipe_sigpipe");
}
