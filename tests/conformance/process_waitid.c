/* waitid: P_PID and P_ALL, WEXITED, WNOHANG, WNOWAIT, the siginfo it fills
 * (CLD_EXITED, CLD_KILLED), and its errors. */
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

int main(void)
{
    volatile int *release = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(release != MAP_FAILED);

    pid_t pid = fork();
    if (pid == 0)
        _exit(17);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED), 0);
    CHECK_EQ(info.si_pid, pid);
    CHECK_EQ(info.si_signo, SIGCHLD);
    CHECK_EQ(info.si_code, CLD_EXITED);
    CHECK_EQ(info.si_status, 17);
    CHECK_EQ(info.si_uid, getuid());

    /* WNOWAIT leaves the child waitable. */
    pid = fork();
    if (pid == 0)
        _exit(3);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED | WNOWAIT), 0);
    CHECK_EQ(info.si_pid, pid);
    CHECK_EQ(info.si_status, 3);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_ALL, 0, &info, WEXITED), 0);
    CHECK_EQ(info.si_pid, pid);
    CHECK_EQ(info.si_status, 3);

    /* WNOHANG with a running child: success and si_pid 0. */
    *release = 0;
    pid = fork();
    if (pid == 0) {
        while (__atomic_load_n(release, __ATOMIC_ACQUIRE) == 0)
            sched_yield();
        _exit(0);
    }
    memset(&info, 0xff, sizeof info);
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED | WNOHANG), 0);
    CHECK_EQ(info.si_pid, 0);
    __atomic_store_n(release, 1, __ATOMIC_RELEASE);
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED), 0);
    CHECK_EQ(info.si_code, CLD_EXITED);
    CHECK_EQ(info.si_status, 0);

    /* A child killed by a signal: CLD_KILLED and the signal number. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK_EQ(kill(pid, SIGKILL), 0);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED), 0);
    CHECK_EQ(info.si_code, CLD_KILLED);
    CHECK_EQ(info.si_status, SIGKILL);

    /* Errors. */
    CHECK_ERRNO(waitid(P_ALL, 0, &info, WEXITED), ECHILD);
    CHECK_ERRNO(waitid(P_PID, pid, &info, WEXITED), ECHILD);
    CHECK_ERRNO(waitid(P_ALL, 0, &info, 0), EINVAL);
    CHECK_ERRNO(waitid((idtype_t)42, 0, &info, WEXITED), EINVAL);

    printf("waitid: CLD_EXITED, CLD_KILLED, WNOWAIT, WNOHANG, errors\n");
    return check_finish("process_waitid");
}
