/* A msgrcv or msgsnd that waits goes on waiting when its process is
 * stopped (SIGSTOP) and continued (SIGCONT): no EINTR, the call restarts
 * unseen, as Linux's -ERESTARTNOHAND does when no handler runs. Skipped,
 * with the reason, on a system that cannot stop a process. */
#include <signal.h>
#include <sys/wait.h>

#include "sysv_msg.h"

/* Whether SIGSTOP stops a process here (waitpid's WUNTRACED sees it
 * within a second). */
static int can_stop(void)
{
    pid_t child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, SIGSTOP);
    int status = 0, stopped = 0;
    for (int tries = 0; tries < 100 && !stopped; tries++) {
        if (waitpid(child, &status, WUNTRACED | WNOHANG) == child && WIFSTOPPED(status))
            stopped = 1;
        else
            sleep_milliseconds(10);
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return stopped;
}

/* Stopped and continued, and sent a signal whose default is to ignore
 * it, a waiter waits on: no EINTR. */
static void stopped_and_continued(pid_t child)
{
    CHECK_EQ(kill(child, SIGSTOP), 0);
    int wait_status = 0;
    CHECK_EQ(waitpid(child, &wait_status, WUNTRACED), child);
    CHECK(WIFSTOPPED(wait_status));
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK_EQ(kill(child, SIGWINCH), 0);
}

int main(void)
{
    if (!can_stop())
        check_skip("stopping a process (SIGSTOP, SIGCONT) is not implemented yet");
    waiting_map();
    waiters_outlast(stopped_and_continued);
    return check_finish("sysv_msg_stopped");
}
