/* flock(2) on a tmpfs file and a memfd: shared and exclusive locks of
 * open file descriptions, LOCK_NB's EWOULDBLOCK, conversions (which give
 * up the old lock first, as Linux's do), a dup and a forked child sharing
 * the lock, release at the description's last close, a waiter let in
 * when the lock goes, flock and POSIX locks independent, and the errors. */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

#define PATH "/tmp/file_locks_flock"

static void errors(int fd)
{
    CHECK_ERRNO(flock(fd, 0), EINVAL);
    CHECK_ERRNO(flock(fd, LOCK_SH | LOCK_EX), EINVAL);
    CHECK_ERRNO(flock(fd, LOCK_NB), EINVAL);
    CHECK_ERRNO(flock(99, LOCK_SH), EBADF);
    CHECK_ERRNO(flock(99, 0), EINVAL);          /* the command first */
    CHECK_EQ(flock(fd, LOCK_UN), 0);            /* nothing to give up */
}

/* Two descriptions of PATH in one process. */
static void two_opens(void)
{
    int first = open(PATH, O_RDONLY), second = open(PATH, O_WRONLY);
    REQUIRE(first >= 0 && second >= 0);
    /* Any mode locks either way. */
    CHECK_EQ(flock(first, LOCK_EX), 0);
    CHECK_ERRNO(flock(second, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERRNO(flock(second, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_EQ(flock(first, LOCK_SH), 0);             /* a downgrade */
    CHECK_EQ(flock(second, LOCK_SH | LOCK_NB), 0);
    CHECK_EQ(flock(first, LOCK_SH), 0);             /* again: nothing changes */
    /* An upgrade that cannot be had has given up the shared lock. */
    CHECK_ERRNO(flock(first, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_EQ(flock(second, LOCK_EX | LOCK_NB), 0);
    CHECK_ERRNO(flock(first, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    /* Another descriptor of the file closing changes nothing; the
     * description's last close lets the lock go. */
    int other = open(PATH, O_RDONLY);
    CHECK_EQ(close(other), 0);
    CHECK_ERRNO(flock(first, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_EQ(close(second), 0);
    CHECK_EQ(flock(first, LOCK_EX | LOCK_NB), 0);
    CHECK_EQ(close(first), 0);
}

/* A dup and a forked child hold the description's lock; the child can
 * give it up for the parent. observer: another description of the file
 * that sees it (-1: none, a memfd's). */
static void shared_description(int fd, int observer)
{
    CHECK_EQ(flock(fd, LOCK_EX), 0);
    int copy = dup(fd);
    REQUIRE(copy >= 0);
    CHECK_EQ(flock(copy, LOCK_EX | LOCK_NB), 0);
    CHECK_EQ(close(copy), 0);
    if (observer >= 0)
        CHECK_ERRNO(flock(observer, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
        CHECK_EQ(flock(fd, LOCK_UN), 0);
        check_child_exit();
    }
    check_child_passed(child);
    if (observer >= 0) {
        CHECK_EQ(flock(observer, LOCK_SH | LOCK_NB), 0);
        CHECK_EQ(flock(observer, LOCK_UN), 0);
    }
    /* A child's exit leaves a lock its description still has. */
    child = fork();
    if (child == 0) {
        CHECK_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
        check_child_exit();
    }
    check_child_passed(child);
    if (observer >= 0)
        CHECK_ERRNO(flock(observer, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_EQ(flock(fd, LOCK_UN), 0);
}

/* A child waits for another description's exclusive lock. */
static void waiting(void)
{
    int fd = open(PATH, O_RDWR);
    REQUIRE(fd >= 0);
    CHECK_EQ(flock(fd, LOCK_EX), 0);
    int done[2];
    REQUIRE(pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) {
        int own = open(PATH, O_RDONLY);
        CHECK_EQ(flock(own, LOCK_SH), 0);
        CHECK_EQ(write(done[1], "x", 1), 1);
        check_child_exit();
    }
    close(done[1]);
    sleep_milliseconds(200);
    CHECK_EQ(fcntl(done[0], F_SETFL, O_NONBLOCK), 0);
    char byte;
    CHECK_ERRNO(read(done[0], &byte, 1), EAGAIN);
    CHECK_EQ(fcntl(done[0], F_SETFL, 0), 0);
    CHECK_EQ(flock(fd, LOCK_UN), 0);
    CHECK_EQ(read(done[0], &byte, 1), 1);
    check_child_passed(child);
    close(done[0]);
    CHECK_EQ(close(fd), 0);
}

/* flock and POSIX locks never meet. */
static void independent_of_posix(void)
{
    int first = open(PATH, O_RDWR), second = open(PATH, O_RDWR);
    REQUIRE(first >= 0 && second >= 0);
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    CHECK_EQ(fcntl(first, F_OFD_SETLK, &lock), 0);
    CHECK_EQ(flock(second, LOCK_EX | LOCK_NB), 0);
    CHECK_EQ(flock(first, LOCK_UN), 0);                 /* not the OFD lock */
    CHECK_ERRNO(fcntl(second, F_OFD_SETLK, &lock), EAGAIN);
    CHECK_EQ(close(first), 0);
    CHECK_EQ(close(second), 0);
}

int main(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    errors(fd);
    two_opens();
    int observer = open(PATH, O_RDONLY);
    REQUIRE(observer >= 0);
    shared_description(fd, observer);
    CHECK_EQ(close(observer), 0);
    waiting();
    independent_of_posix();
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(PATH), 0);

    int memory = memfd_create("file_locks_flock", 0);
    REQUIRE(memory >= 0);
    errors(memory);
    shared_description(memory, -1);
    CHECK_EQ(close(memory), 0);
    return check_finish("file_locks_flock");
}
