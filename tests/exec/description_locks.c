/* A description's flock lock goes with the description, also when its
 * last reference is one a server held: a read that a signal interrupted
 * leaves its waiter in the server, holding the description, until the
 * server lets go of it (a write wakes it, or the process ends). Then the
 * event and unix servers hold what they held before (SERVER_STATISTICS),
 * and new objects, perhaps made where the old ones were, are not locked.
 * tern only. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_statistics.h"

#define SETTLE_TRIES    50          /* tenths of a second for servers to let go */

static const unsigned watched[] = { SERVER_EVENT, SERVER_UNIX };
#define WATCHED (sizeof watched / sizeof watched[0])

static void wake(int signal)
{
    (void)signal;
}

/* A read of fd that waits in its server until SIGALRM ends it. */
static int interrupted_read(int fd)
{
    struct itimerval soon = { { 0, 0 }, { 0, 20000 } };
    uint64_t value;
    if (setitimer(ITIMER_REAL, &soon, 0) != 0)
        return 0;
    return read(fd, &value, sizeof value) < 0 && errno == EINTR;
}

/* An eventfd and a socket, each read until SIGALRM, then locked and
 * closed: the waiters the reads left hold the last references. The socket's waiter is
 * let go when its peer writes, the eventfd's when the process ends. The
 * locks are asked for without waiting: one left on an object that went
 * before, where the new one was made, would be in the way. 0, or the
 * step that failed. */
static int lock_while_reading(void)
{
    int event = eventfd(0, 0), pair[2];
    if (event < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        return 1;
    if (!interrupted_read(event))
        return 2;
    if (flock(event, LOCK_EX | LOCK_NB) != 0)
        return 3;
    if (!interrupted_read(pair[0]))
        return 4;
    if (flock(pair[0], LOCK_EX | LOCK_NB) != 0)
        return 5;
    if (close(event) != 0 || close(pair[0]) != 0 || write(pair[1], "x", 1) != 1 ||
        close(pair[1]) != 0)
        return 6;
    return 0;
}

static const char *const steps[] = {
    [1] = "making an eventfd and a socket pair",
    [2] = "the eventfd's read, which SIGALRM should end",
    [3] = "the eventfd's flock",
    [4] = "the socket's read, which SIGALRM should end",
    [5] = "the socket's flock",
    [6] = "closing them",
};

/* lock_while_reading in a child of its own, which then ends; false, and
 * what failed said, if it did not go through. */
static int run_child(const char *which)
{
    pid_t child = fork();
    if (child == 0)
        _exit(lock_while_reading());
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
        printf("description_locks: FAIL: the %s child did not end well\n", which);
        return 0;
    }
    int step = WEXITSTATUS(status);
    if (step != 0)
        printf("description_locks: FAIL: in the %s child, %s failed\n", which,
               step < (int)(sizeof steps / sizeof steps[0]) ? steps[step] : "something");
    return step == 0;
}

static void read_holdings(struct server_holdings holdings[WATCHED])
{
    for (unsigned i = 0; i < WATCHED; i++)
        if (!server_holdings(watched[i], &holdings[i]))
            holdings[i] = (struct server_holdings){ ~0ULL, ~0ULL, ~0ULL };
}

static int same(const struct server_holdings *a, const struct server_holdings *b)
{
    return a->pages == b->pages && a->heap_bytes == b->heap_bytes && a->waiting == b->waiting;
}

/* Whether every watched server is back where before was, within
 * SETTLE_TRIES tenths (procmgr's notice of the child's end reaches them
 * in time); if not, what they hold is said. */
static int holdings_settle(const struct server_holdings before[WATCHED])
{
    struct server_holdings after[WATCHED];
    for (int tries = 0;; tries++) {
        read_holdings(after);
        int settled = 1;
        for (unsigned i = 0; i < WATCHED; i++)
            settled &= same(&before[i], &after[i]);
        if (settled)
            return 1;
        if (tries == SETTLE_TRIES)
            break;
        struct timespec tenth = { 0, 100 * 1000 * 1000 };
        nanosleep(&tenth, 0);
    }
    for (unsigned i = 0; i < WATCHED; i++)
        if (!same(&before[i], &after[i]))
            printf("description_locks: %s held %llu pages, %llu heap bytes, %llu callers "
                   "before and %llu, %llu, %llu after\n", server_names[watched[i]],
                   (unsigned long long)before[i].pages,
                   (unsigned long long)before[i].heap_bytes,
                   (unsigned long long)before[i].waiting,
                   (unsigned long long)after[i].pages,
                   (unsigned long long)after[i].heap_bytes,
                   (unsigned long long)after[i].waiting);
    return 0;
}

int main(void)
{
    struct sigaction action = { 0 };
    action.sa_handler = wake;       /* no SA_RESTART: the read ends with EINTR */
    if (sigaction(SIGALRM, &action, 0) != 0)
        return 1;
    /* A first run makes what the servers make once and keep (a free
     * list's page, a waiter kept for reuse) before they are counted. */
    struct server_holdings before[WATCHED];
    if (!run_child("first"))
        return 1;
    read_holdings(before);
    int failed = !run_child("second");
    failed |= !holdings_settle(before);
    printf("description_locks: %s\n", failed ? "FAILED" : "passed");
    return failed;
}
