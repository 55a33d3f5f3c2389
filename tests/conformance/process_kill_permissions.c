/* kill's permission rule against pid 1 and the caller's own kin: pid 1
 * exists and belongs to root, so root may probe it (signal 0) and anyone
 * else gets EPERM, for signal 0 and real signals alike; an unprivileged
 * process may not signal its root parent but may signal itself and its
 * own children; kill(-1) reaches everything the caller may signal but
 * itself and pid 1, and succeeds even when every other process refuses.
 *
 * No real signal ever goes to pid 1: only signal 0, or signals sent
 * where they fail with EPERM, and kill(-1) with a real signal only once
 * the caller is known to be unprivileged. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

/* Drop to uid and gid 1000 for good, or leave at once: what follows must
 * never run as root. */
static void become_unprivileged(void)
{
    if (setgid(1000) != 0 || setuid(1000) != 0 || getuid() != 1000 || geteuid() != 1000)
        _exit(2);
}

static int child_status(pid_t pid)
{
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

/* A child that waits until released through shared memory, so it is
 * alive for the kills that follow. */
static pid_t spawn_waiting(volatile int *release)
{
    pid_t pid = fork();
    if (pid == 0) {
        while (!__atomic_load_n(release, __ATOMIC_ACQUIRE))
            usleep(1000);
        _exit(0);
    }
    return pid;
}

int main(void)
{
    volatile int *release = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(release != MAP_FAILED);
    REQUIRE(getuid() == 0 && geteuid() == 0);

    /* Root: pid 1 is there to probe. */
    CHECK_EQ(kill(1, 0), 0);
    CHECK_EQ(sigqueue(1, 0, (union sigval){ .sival_int = 0 }), 0);
    /* A bad signal number is EINVAL whoever the target. */
    CHECK_ERRNO(kill(1, 65), EINVAL);

    /* Root's kill(-1) with another process alive reaches it. */
    pid_t waiting = spawn_waiting(release);
    REQUIRE(waiting > 0);
    CHECK_EQ(kill(-1, 0), 0);
    CHECK_ERRNO(kill(-1, 65), EINVAL);
    __atomic_store_n(release, 1, __ATOMIC_RELEASE);
    int status = child_status(waiting);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Unprivileged: pid 1 and the root parent are not its to signal. */
    pid_t pid = fork();
    if (pid == 0) {
        become_unprivileged();
        CHECK_ERRNO(kill(1, 0), EPERM);
        CHECK_ERRNO(kill(1, SIGTERM), EPERM);
        CHECK_ERRNO(kill(1, SIGKILL), EPERM);
        CHECK_ERRNO(sigqueue(1, 0, (union sigval){ .sival_int = 0 }), EPERM);
        CHECK_ERRNO(kill(getppid(), 0), EPERM);
        CHECK_ERRNO(kill(getppid(), SIGTERM), EPERM);
        CHECK_EQ(kill(getpid(), 0), 0);
        /* Every other process is root's: kill(-1) still succeeds, as on
         * Linux (it fails only when there is no other process at all). */
        CHECK_EQ(kill(-1, 0), 0);
        CHECK_ERRNO(kill(-1, 65), EINVAL);
        check_child_exit();
    }
    status = child_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* kill(-1, SIGTERM) from an unprivileged process ends its own child,
     * not itself, nor its root parent, nor pid 1 (EPERM for those). */
    pid = fork();
    if (pid == 0) {
        become_unprivileged();
        __atomic_store_n(release, 0, __ATOMIC_RELEASE);
        pid_t own = spawn_waiting(release);
        REQUIRE(own > 0);
        CHECK_EQ(kill(own, 0), 0);
        CHECK_EQ(kill(-1, SIGTERM), 0);
        int own_status = child_status(own);
        CHECK(WIFSIGNALED(own_status) && WTERMSIG(own_status) == SIGTERM);
        check_child_exit();
    }
    status = child_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The parent is still root and still here. */
    CHECK_EQ(kill(getpid(), 0), 0);

    printf("root may probe pid 1; anyone else gets EPERM from it and from root's processes\n");
    printf("kill(-1) skips the caller and pid 1, and succeeds when the rest refuse\n");
    return check_finish("process_kill_permissions");
}
