/* kill with default actions: SIGKILL, SIGTERM, SIGINT, SIGUSR1, SIGALRM
 * terminate (WIFSIGNALED, WTERMSIG) whether the target is running, blocked
 * in a system call or sleeping; SIGCHLD and SIGURG are ignored by default;
 * signal 0 probes; errors ESRCH, EINVAL, EPERM. */
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

enum waiting_kind { SPINNING, PAUSED, SLEEPING };

static volatile int *ready;

static pid_t spawn_waiting(enum waiting_kind kind)
{
    __atomic_store_n(ready, 0, __ATOMIC_RELEASE);
    pid_t pid = fork();
    if (pid == 0) {
        __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
        for (;;) {
            if (kind == SPINNING) {
                sched_yield();
            } else if (kind == PAUSED) {
                pause();
            } else {
                struct timespec long_time = {1000, 0};
                nanosleep(&long_time, NULL);
            }
        }
    }
    while (!__atomic_load_n(ready, __ATOMIC_ACQUIRE))
        sched_yield();
    return pid;
}

/* Kill a child of the given kind with the signal; its wait status. */
static int kill_and_reap(enum waiting_kind kind, int signal_number)
{
    pid_t pid = spawn_waiting(kind);
    CHECK_EQ(kill(pid, signal_number), 0);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

int main(void)
{
    ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(ready != MAP_FAILED);

    static const int terminating[] = {SIGKILL, SIGTERM, SIGINT, SIGUSR1,
                                      SIGALRM, SIGHUP};
    static const enum waiting_kind kinds[] = {SPINNING, PAUSED, SLEEPING};
    for (unsigned s = 0; s < sizeof terminating / sizeof terminating[0]; s++) {
        for (unsigned k = 0; k < 3; k++) {
            int status = kill_and_reap(kinds[k], terminating[s]);
            CHECK(WIFSIGNALED(status));
            CHECK(!WIFEXITED(status));
            CHECK_EQ(WTERMSIG(status), terminating[s]);
        }
    }

    /* Ignored by default: the child survives and exits by itself. */
    __atomic_store_n(ready, 0, __ATOMIC_RELEASE);
    volatile int *release = ready + 1;
    pid_t pid = fork();
    if (pid == 0) {
        __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
        while (!__atomic_load_n(release, __ATOMIC_ACQUIRE))
            usleep(1000);
        _exit(21);
    }
    while (!__atomic_load_n(ready, __ATOMIC_ACQUIRE))
        sched_yield();
    CHECK_EQ(kill(pid, SIGCHLD), 0);
    CHECK_EQ(kill(pid, SIGURG), 0);
    CHECK_EQ(kill(pid, SIGWINCH), 0);
    /* Signal 0 checks that the process exists. */
    CHECK_EQ(kill(pid, 0), 0);
    __atomic_store_n(release, 1, __ATOMIC_RELEASE);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 21);

    /* A reaped child no longer exists. */
    CHECK_ERRNO(kill(pid, 0), ESRCH);
    CHECK_ERRNO(kill(pid, SIGKILL), ESRCH);
    CHECK_ERRNO(kill(4194304 + 5, 0), ESRCH);
    /* Bad signal numbers. */
    CHECK_ERRNO(kill(getpid(), -1), EINVAL);
    CHECK_ERRNO(kill(getpid(), 65), EINVAL);
    CHECK_ERRNO(kill(getpid(), 1000), EINVAL);
    /* Signal 0 to ourselves. */
    CHECK_EQ(kill(getpid(), 0), 0);

    /* An unprivileged process may not signal root's processes. */
    pid_t victim = spawn_waiting(PAUSED);
    pid = fork();
    if (pid == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(kill(victim, SIGKILL), EPERM);
        CHECK_ERRNO(kill(victim, 0), EPERM);
        CHECK_EQ(kill(getpid(), 0), 0);
        check_child_exit();
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The victim survived and still answers. */
    CHECK_EQ(kill(victim, 0), 0);
    CHECK_EQ(kill(victim, SIGTERM), 0);
    CHECK_EQ(waitpid(victim, &status, 0), victim);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    /* A process may kill itself; raise() in a child. */
    pid = fork();
    if (pid == 0) {
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    printf("default actions terminate running, paused and sleeping children\n");
    printf("ignored-by-default signals leave the child alone; ESRCH, EINVAL, EPERM\n");
    return check_finish("process_kill");
}
