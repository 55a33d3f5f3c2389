/* A caller that dies in the middle of a call leaves the servers whole:
 * a child killed while it waits on a shared futex is no longer a waiter
 * (FUTEX_WAKE finds nobody), the futex keeps working for the next
 * waiter; a child killed while it waits in wait4 for its own child leaves
 * that grandchild to be killed and reaped normally; a child killed while
 * it sleeps dies of the signal; a reader killed while it waits on a pipe
 * takes no data with it, and a writer killed while it waits on a full
 * pipe leaves what it had put in. */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
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

    /* A reader killed while it waits on an empty pipe takes nothing. */
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t reader = fork();
    if (reader == 0) {
        char byte;
        _exit(read(fds[0], &byte, 1) == 1 ? 3 : 4);
    }
    usleep(20000);      /* let it reach read: either way nothing may be lost */
    CHECK_EQ(kill(reader, SIGKILL), 0);
    CHECK(killed_by(reader, SIGKILL));
    CHECK_EQ(write(fds[1], "data", 4), 4);
    char back[8] = { 0 };
    CHECK_EQ(read(fds[0], back, sizeof back), 4);
    CHECK(memcmp(back, "data", 4) == 0);

    /* A writer killed while it waits on a full pipe leaves its bytes. */
    pid_t writer = fork();
    if (writer == 0) {
        static char lots[65536 + 4096];
        memset(lots, 'w', sizeof lots);
        write(fds[1], lots, sizeof lots);
        _exit(5);
    }
    int held = 0;
    while (ioctl(fds[0], FIONREAD, &held) == 0 && held < 65536)
        usleep(1000);       /* until the pipe is full and the writer waits */
    CHECK_EQ(held, 65536);
    CHECK_EQ(kill(writer, SIGKILL), 0);
    CHECK(killed_by(writer, SIGKILL));
    static char drained[65536 + 4096];
    ssize_t total = 0, got;
    int flags = fcntl(fds[0], F_GETFL);
    CHECK_EQ(fcntl(fds[0], F_SETFL, flags | O_NONBLOCK), 0);
    while ((got = read(fds[0], drained + total, sizeof drained - (size_t)total)) > 0)
        total += got;
    CHECK_EQ(total, 65536);
    CHECK(drained[0] == 'w' && drained[total - 1] == 'w');
    /* The pipe still works. */
    CHECK_EQ(write(fds[1], "ok", 2), 2);
    CHECK_EQ(read(fds[0], back, sizeof back), 2);
    close(fds[0]);
    close(fds[1]);

    printf("futex waiters, wait4 callers, sleepers and pipe readers and writers killed"
           " mid-call leave all working\n");
    return check_finish("process_killed_while_blocked");
}
