/* Waiting for file locks: F_SETLKW between two processes that would wait
 * for each other fails with EDEADLK; a signal with a handler interrupts
 * F_SETLKW, F_OFD_SETLKW and a blocking flock (EINTR), or restarts them
 * under SA_RESTART; a waiter killed while it waits is never granted the
 * lock. */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

#define PATH "/tmp/file_locks_waiting"

static int set_lock(int fd, int command, short type, off_t start, off_t length)
{
    struct flock lock = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = length};
    return fcntl(fd, command, &lock);
}

static void deadlock(int fd)
{
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 0, 1), 0);
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 1, 1), 0);
        CHECK_EQ(write(ready[1], "x", 1), 1);
        /* Waits for the parent's byte 0, until the parent lets it go. */
        CHECK_EQ(set_lock(fd, F_SETLKW, F_WRLCK, 0, 1), 0);
        check_child_exit();
    }
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    sleep_milliseconds(300);            /* the child is waiting by now */
    CHECK_ERRNO(set_lock(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK);
    /* Not waiting, it is only a conflict. */
    CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, 1, 1), EAGAIN);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, 0, 0), 0);
    check_child_passed(child);
    close(ready[0]);
    close(ready[1]);
}

/* The handler tells the parent it ran, so the parent lets the lock go
 * only once the signal came. */
static int signalled_fd = -1;

static void tell_parent(int signo)
{
    (void)signo;
    write(signalled_fd, "s", 1);
}

/* kind: 0 F_SETLKW, 1 F_OFD_SETLKW, 2 flock. A child waits for the
 * parent's lock with an alarm coming; restart: the handler has
 * SA_RESTART, and the wait goes on until the parent lets go. */
static void interrupted(int fd, int kind, bool restart)
{
    int own = open(PATH, O_RDWR);
    REQUIRE(own >= 0);
    if (kind == 2)
        CHECK_EQ(flock(own, LOCK_EX), 0);
    else
        CHECK_EQ(set_lock(own, kind == 0 ? F_SETLK : F_OFD_SETLK, F_WRLCK, 0, 0), 0);
    int signalled[2];
    REQUIRE(pipe(signalled) == 0);
    pid_t child = fork();
    if (child == 0) {
        signalled_fd = signalled[1];
        struct sigaction action = {.sa_handler = tell_parent,
                                   .sa_flags = restart ? SA_RESTART : 0};
        sigaction(SIGALRM, &action, NULL);
        /* Again and again: one that comes before the wait began does
         * not leave the child waiting for ever. */
        struct itimerval timer = {.it_value = {.tv_usec = 200000},
                                  .it_interval = {.tv_usec = 200000}};
        setitimer(ITIMER_REAL, &timer, NULL);
        int result;
        if (kind == 2)
            result = flock(fd, LOCK_EX);
        else
            result = set_lock(fd, kind == 0 ? F_SETLKW : F_OFD_SETLKW, F_WRLCK, 0, 1);
        if (restart)
            CHECK_EQ(result, 0);
        else
            CHECK(result == -1 && errno == EINTR);
        check_child_exit();
    }
    char byte;
    CHECK_EQ(read(signalled[0], &byte, 1), 1);
    sleep_milliseconds(100);
    if (!restart)
        check_child_passed(child);
    if (kind == 2)
        CHECK_EQ(flock(own, LOCK_UN), 0);
    else
        CHECK_EQ(set_lock(own, kind == 0 ? F_SETLK : F_OFD_SETLK, F_UNLCK, 0, 0), 0);
    if (restart) {
        check_child_passed(child);
        /* The child's OFD or flock lock is fd's description's: it stays. */
        if (kind == 1)
            CHECK_ERRNO(set_lock(own, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);
        if (kind == 2)
            CHECK_ERRNO(flock(own, LOCK_EX | LOCK_NB), EWOULDBLOCK);
        if (kind == 1)
            CHECK_EQ(set_lock(fd, F_OFD_SETLK, F_UNLCK, 0, 0), 0);
        if (kind == 2)
            CHECK_EQ(flock(fd, LOCK_UN), 0);
    }
    CHECK_EQ(close(own), 0);
    close(signalled[0]);
    close(signalled[1]);
}

/* A waiter killed while it waits: the next one gets the lock, and once
 * that one is done the lock is free (nobody dead holds it). */
static void killed_waiter(int fd)
{
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 0, 1), 0);
    pid_t killed = fork();
    if (killed == 0) {
        set_lock(fd, F_SETLKW, F_WRLCK, 0, 1);
        _exit(1);
    }
    sleep_milliseconds(200);
    pid_t survivor = fork();
    if (survivor == 0) {
        CHECK_EQ(set_lock(fd, F_SETLKW, F_WRLCK, 0, 1), 0);
        check_child_exit();
    }
    sleep_milliseconds(100);
    CHECK_EQ(kill(killed, SIGKILL), 0);
    int status = 0;
    CHECK_EQ(waitpid(killed, &status, 0), killed);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, 0, 0), 0);
    check_child_passed(survivor);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 0, 0), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, 0, 0), 0);
}

int main(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    deadlock(fd);
    for (int kind = 0; kind < 3; kind++) {
        interrupted(fd, kind, false);
        interrupted(fd, kind, true);
    }
    killed_waiter(fd);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(PATH), 0);
    return check_finish("file_locks_waiting");
}
