/* A caller that dies in the middle of a call leaves the servers whole:
 * a child killed while it waits on a shared futex is no longer a waiter
 * (FUTEX_WAKE finds nobody), the futex keeps working for the next
 * waiter; a child killed while it waits in wait4 for its own child leaves
 * that grandchild to be killed and reaped normally; a child killed while
 * it sleeps dies of the signal. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"
#include "futex.h"

struct shared {
    int word;
    int parking;
    pid_t grandchild;
    int grandchild_ready;
};

static void wait_forever_on(struct shared *shared)
{
    for (;;)
        futex_wait(&shared->word, 0, NULL, 0);
}

/* Fork a child that waits on the shared futex; return once it sleeps. */
static pid_t start_waiter(struct shared *shared)
{
    pid_t pid = fork();
    if (pid == 0)
        wait_forever_on(shared);
    futex_park_waiters(&shared->word, &shared->parking, 1, 0);
    return pid;
}

static int killed_by(pid_t pid, int signal)
{
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == signal;
}

int main(void)
{
    struct shared *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);

    /* A futex waiter killed while asleep is not woken later. */
    pid_t waiter = start_waiter(shared);
    CHECK_EQ(kill(waiter, SIGKILL), 0);
    CHECK(killed_by(waiter, SIGKILL));
    CHECK_EQ(futex_wake(&shared->parking, 1, 0), 0);
    /* The futex still serves the next one. */
    waiter = start_waiter(shared);
    CHECK_EQ(futex_wake(&shared->parking, 1, 0), 1);
    CHECK_EQ(kill(waiter, SIGKILL), 0);
    CHECK(killed_by(waiter, SIGKILL));

    /* A parent killed while it waits for its own child. */
    pid_t parent = fork();
    if (parent == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            for (;;)
                pause();
        }
        shared->grandchild = grandchild;
        __atomic_store_n(&shared->grandchild_ready, 1, __ATOMIC_RELEASE);
        waitpid(grandchild, NULL, 0);
        _exit(99);
    }
    while (!__atomic_load_n(&shared->grandchild_ready, __ATOMIC_ACQUIRE))
        usleep(1000);
    usleep(20000);      /* let it reach wait4: either way the outcome is the same */
    CHECK_EQ(kill(parent, SIGKILL), 0);
    CHECK(killed_by(parent, SIGKILL));
    CHECK_EQ(kill(shared->grandchild, SIGTERM), 0);
    /* Not our child: its new parent reaps it, and then it is gone. */
    CHECK_ERRNO(waitpid(shared->grandchild, NULL, WNOHANG), ECHILD);

    /* A sleeper dies of the signal, mid-sleep. */
    pid_t sleeper = fork();
    if (sleeper == 0) {
        sleep(30);
        _exit(1);
    }
    usleep(20000);
    CHECK_EQ(kill(sleeper, SIGTERM), 0);
    CHECK(killed_by(sleeper, SIGTERM));

    printf("futex waiters, wait4 callers and sleepers killed mid-call leave all working\n");
    return check_finish("process_killed_while_blocked");
}
