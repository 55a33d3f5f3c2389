/* RLIMIT_SIGPENDING counts the signals pending for a real user, in all
 * its processes: as uid 2305 with a limit of 8, sigqueue of a blocked
 * real-time signal works 8 times and is EAGAIN the 9th, from another
 * process of the same user too; kill is never refused; taking the
 * signals makes room again; another user is not charged. */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

enum { user = 2305, other_user = 2306, limit = 8 };

static int queue_to(pid_t pid, int signal, int value)
{
    union sigval payload = {.sival_int = value};
    return sigqueue(pid, signal, payload);
}

int main(void)
{
    struct rlimit pending = {limit, limit};
    REQUIRE(setrlimit(RLIMIT_SIGPENDING, &pending) == 0);
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    sigaddset(&rt, SIGRTMIN + 1);
    sigaddset(&rt, SIGUSR1);
    REQUIRE(sigprocmask(SIG_BLOCK, &rt, NULL) == 0);

    int ready[2], release[2];
    REQUIRE(pipe(ready) == 0 && pipe(release) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        REQUIRE(setgid(user) == 0 && setuid(user) == 0);
        int queued = 0;
        while (queued < 32 && queue_to(getpid(), SIGRTMIN, queued) == 0)
            queued++;
        CHECK_EQ(errno, EAGAIN);
        CHECK_EQ(queued, limit);
        CHECK_ERRNO(queue_to(getpid(), SIGRTMIN + 1, 0), EAGAIN);
        /* kill is not refused, real-time or not. */
        CHECK_EQ(kill(getpid(), SIGRTMIN + 1), 0);
        CHECK_EQ(kill(getpid(), SIGUSR1), 0);

        /* Another process of the same user is over the limit too. */
        pid_t sibling = fork();
        if (sibling == 0) {
            CHECK_ERRNO(queue_to(getpid(), SIGRTMIN, 0), EAGAIN);
            check_child_exit();
        }
        check_child_passed(sibling);

        /* Taking them all gives the room back. */
        siginfo_t info;
        struct timespec now = {0, 0};
        int taken = 0;
        while (sigtimedwait(&rt, &info, &now) > 0)
            taken++;
        CHECK_EQ(taken, limit + 2);
        for (int i = 0; i < limit; i++)
            CHECK_EQ(queue_to(getpid(), SIGRTMIN, 100 + i), 0);
        CHECK_ERRNO(queue_to(getpid(), SIGRTMIN, 0), EAGAIN);
        /* The user stays at its limit while the other one tries. */
        CHECK_EQ(write(ready[1], "x", 1), 1);
        char byte;
        read(release[0], &byte, 1);
        check_child_exit();
    }
    char byte;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    pid_t other = fork();
    REQUIRE(other >= 0);
    if (other == 0) {
        REQUIRE(setgid(other_user) == 0 && setuid(other_user) == 0);
        for (int i = 0; i < limit; i++)
            CHECK_EQ(queue_to(getpid(), SIGRTMIN, i), 0);
        check_child_exit();
    }
    check_child_passed(other);
    CHECK_EQ(write(release[1], "x", 1), 1);
    check_child_passed(child);

    printf("RLIMIT_SIGPENDING %d: the user's queued signals, EAGAIN past it\n", limit);
    return check_finish("signal_rlimit_sigpending");
}
