/* fork and wait: exit statuses, waiting for a given child or any child,
 * WNOHANG, ECHILD, wait4's rusage, and that the child is a copy. */
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

static volatile int *shared_flag;

static pid_t spawn_exiting(int status)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(status);
    return pid;
}

int main(void)
{
    shared_flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared_flag != MAP_FAILED);

    /* Exit statuses 0..255 come back intact. */
    static const int statuses[] = {0, 1, 2, 42, 127, 128, 200, 255};
    for (unsigned i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        pid_t pid = spawn_exiting(statuses[i]);
        CHECK(pid > 0);
        int status = -1;
        CHECK_EQ(waitpid(pid, &status, 0), pid);
        CHECK(WIFEXITED(status));
        CHECK(!WIFSIGNALED(status));
        CHECK_EQ(WEXITSTATUS(status), statuses[i]);
    }

    /* Only the low 8 bits of the status are kept. */
    pid_t pid = spawn_exiting(256 + 7);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK_EQ(WEXITSTATUS(status), 7);

    /* The child sees fork() return 0 and a copy of the parent's memory. */
    int copied = 1234;
    pid = fork();
    if (pid == 0)
        _exit(copied == 1234 ? 0 : 1);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Waiting for a specific child among several. */
    pid_t first = spawn_exiting(11), second = spawn_exiting(22),
          third = spawn_exiting(33);
    CHECK_EQ(waitpid(second, &status, 0), second);
    CHECK_EQ(WEXITSTATUS(status), 22);
    CHECK_EQ(waitpid(third, &status, 0), third);
    CHECK_EQ(WEXITSTATUS(status), 33);
    CHECK_EQ(waitpid(first, &status, 0), first);
    CHECK_EQ(WEXITSTATUS(status), 11);

    /* Waiting for any child: each is reported once. */
    first = spawn_exiting(1);
    second = spawn_exiting(2);
    int seen_mask = 0;
    for (int i = 0; i < 2; i++) {
        pid_t reaped = wait(&status);
        if (reaped == first && WEXITSTATUS(status) == 1)
            seen_mask |= 1;
        else if (reaped == second && WEXITSTATUS(status) == 2)
            seen_mask |= 2;
    }
    CHECK_EQ(seen_mask, 3);

    /* No children left. */
    CHECK_ERRNO(wait(&status), ECHILD);
    CHECK_ERRNO(waitpid(-1, &status, 0), ECHILD);
    CHECK_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);
    /* A reaped child is no longer ours to wait for. */
    CHECK_ERRNO(waitpid(first, &status, 0), ECHILD);
    /* Nor is a process that is not our child. */
    CHECK_ERRNO(waitpid(getpid(), &status, 0), ECHILD);

    /* WNOHANG on a running child returns 0, then the status once it
     * exits. */
    *shared_flag = 0;
    pid = fork();
    if (pid == 0) {
        while (__atomic_load_n(shared_flag, __ATOMIC_ACQUIRE) == 0)
            sched_yield();
        _exit(9);
    }
    CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
    CHECK_EQ(waitpid(-1, &status, WNOHANG), 0);
    __atomic_store_n(shared_flag, 1, __ATOMIC_RELEASE);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK_EQ(WEXITSTATUS(status), 9);

    /* wait4 with rusage. */
    pid = spawn_exiting(5);
    struct rusage usage;
    memset(&usage, 0xff, sizeof usage);
    CHECK_EQ(wait4(pid, &status, 0, &usage), pid);
    CHECK_EQ(WEXITSTATUS(status), 5);
    CHECK(usage.ru_utime.tv_sec >= 0 && usage.ru_utime.tv_usec >= 0);
    CHECK(usage.ru_utime.tv_usec < 1000000);

    /* A null status pointer is allowed. */
    pid = spawn_exiting(0);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);

    /* Bad options. */
    CHECK_ERRNO(waitpid(-1, &status, 0x100), EINVAL);

    printf("exit statuses 0..255 round-trip, specific/any child, WNOHANG, ECHILD\n");
    return check_finish("process_fork_wait");
}
