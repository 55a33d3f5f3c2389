/* Many children at once: 40 children exit with distinct statuses, some
 * quickly and some after a short sleep; wait() collects every one exactly
 * once with its own status, then ECHILD. */
#include <sys/wait.h>
#include <time.h>

#include "check.h"

enum { children = 40 };

int main(void)
{
    pid_t pids[children];
    for (int i = 0; i < children; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            if (i % 3 == 0) {
                struct timespec pause_time = {0, 2000000 * (i % 7)};
                nanosleep(&pause_time, NULL);
            }
            _exit(100 + i);
        }
        CHECK(pids[i] > 0);
    }
    int reaped[children] = {0};
    int statuses_match = 1, unknown = 0;
    for (int n = 0; n < children; n++) {
        int status;
        pid_t pid = wait(&status);
        int found = 0;
        for (int i = 0; i < children; i++) {
            if (pids[i] == pid) {
                reaped[i]++;
                found = 1;
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 100 + i)
                    statuses_match = 0;
            }
        }
        if (!found)
            unknown++;
    }
    CHECK(statuses_match);
    CHECK_EQ(unknown, 0);
    int each_once = 1;
    for (int i = 0; i < children; i++)
        if (reaped[i] != 1)
            each_once = 0;
    CHECK(each_once);
    int status;
    CHECK_ERRNO(wait(&status), ECHILD);

    /* Children that exited while nobody waited stay waitable, in any
     * order. */
    for (int i = 0; i < 10; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(i);
    }
    struct timespec settle = {0, 100000000};
    nanosleep(&settle, NULL);
    int in_order = 1;
    for (int i = 9; i >= 0; i--) {
        if (waitpid(pids[i], &status, 0) != pids[i] ||
            WEXITSTATUS(status) != i)
            in_order = 0;
    }
    CHECK(in_order);
    CHECK_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);

    printf("40 children reaped once each with their own status\n");
    return check_finish("process_wait_many");
}
