/* A msgrcv or msgsnd that waits goes on waiting when its process is
 * stopped (SIGSTOP) and continued (SIGCONT): no EINTR, the call restarts
 * unseen, as Linux's -ERESTARTNOHAND does when no handler runs. */
#include <signal.h>
#include <sys/wait.h>

#include "sysv_msg.h"

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
    waiting_map();
    waiters_outlast(stopped_and_continued);
    return check_finish("sysv_msg_stopped");
}
