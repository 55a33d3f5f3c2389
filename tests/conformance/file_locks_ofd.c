/* Open file description locks (F_OFD_SETLK, F_OFD_SETLKW, F_OFD_GETLK)
 * on a tmpfs file and a memfd: owned by the description, so two opens in
 * one process conflict, a dup or a forked child shares the lock, closing
 * another descriptor of the file leaves it, and it goes with the
 * description's last close; l_pid must be 0 and F_OFD_GETLK shows -1;
 * OFD and POSIX locks of one process conflict. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

#define PATH "/tmp/file_locks_ofd"

static int set_lock(int fd, int command, short type, off_t start, off_t length)
{
    struct flock lock = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = length};
    return fcntl(fd, command, &lock);
}

/* Another description of the same file. (A memfd has one only: its
 * tests go through dup and fork.) */
static int reopen(const char *path)
{
    return open(path, O_RDWR);
}

static void errors(int fd)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1, .l_pid = 1};
    CHECK_ERRNO(fcntl(fd, F_OFD_SETLK, &lock), EINVAL);
    CHECK_ERRNO(fcntl(fd, F_OFD_SETLKW, &lock), EINVAL);
    CHECK_ERRNO(fcntl(fd, F_OFD_GETLK, &lock), EINVAL);
}

/* A description open only for reading takes no write lock, and Linux
 * says so before it looks at l_pid. */
static void read_only(void)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1, .l_pid = 1};
    int reader = open(PATH, O_RDONLY);
    REQUIRE(reader >= 0);
    CHECK_ERRNO(fcntl(reader, F_OFD_SETLK, &lock), EBADF);     /* the mode first */
    CHECK_ERRNO(set_lock(reader, F_OFD_SETLK, F_WRLCK, 0, 1), EBADF);
    CHECK_EQ(set_lock(reader, F_OFD_SETLK, F_RDLCK, 0, 1), 0);
    CHECK_EQ(close(reader), 0);
}

static void two_opens(int first)
{
    int second = reopen(PATH);
    REQUIRE(second >= 0);
    CHECK_EQ(set_lock(first, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
    CHECK_ERRNO(set_lock(second, F_OFD_SETLK, F_RDLCK, 5, 1), EAGAIN);
    struct flock lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    CHECK_EQ(fcntl(second, F_OFD_GETLK, &lock), 0);
    CHECK_EQ(lock.l_type, F_WRLCK);
    CHECK_EQ(lock.l_start, 0);
    CHECK_EQ(lock.l_len, 10);
    CHECK_EQ(lock.l_pid, -1);
    /* A POSIX lock of the same process conflicts with it too. */
    CHECK_ERRNO(set_lock(second, F_SETLK, F_WRLCK, 0, 1), EAGAIN);
    lock = (struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    CHECK_EQ(fcntl(second, F_GETLK, &lock), 0);
    CHECK_EQ(lock.l_pid, -1);
    /* A dup is the same owner; closing it, or another descriptor of the
     * file, leaves the lock. */
    int copy = dup(first);
    REQUIRE(copy >= 0);
    CHECK_EQ(set_lock(copy, F_OFD_SETLK, F_WRLCK, 0, 20), 0);
    CHECK_EQ(close(copy), 0);
    int other = reopen(PATH);
    CHECK_EQ(close(other), 0);
    CHECK_ERRNO(set_lock(second, F_OFD_SETLK, F_WRLCK, 15, 1), EAGAIN);
    /* An OFD lock waits for another description's. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(set_lock(second, F_OFD_SETLKW, F_WRLCK, 0, 1), 0);
        check_child_exit();
    }
    sleep_milliseconds(200);
    CHECK_EQ(set_lock(first, F_OFD_SETLK, F_UNLCK, 0, 0), 0);
    check_child_passed(child);
    /* The child's lock is its description's: still there after it exits. */
    CHECK_ERRNO(set_lock(first, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);
    /* The description's last close lets it go. */
    CHECK_EQ(close(second), 0);
    CHECK_EQ(set_lock(first, F_OFD_SETLK, F_WRLCK, 0, 1), 0);
    CHECK_EQ(set_lock(first, F_OFD_SETLK, F_UNLCK, 0, 0), 0);
}

/* A forked child shares the description, so the lock is its too; the
 * parent's close is not the last while the child holds it. */
static void across_fork(int fd)
{
    int copy = dup(fd);
    REQUIRE(copy >= 0);
    CHECK_EQ(set_lock(copy, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
    int ready[2], go[2];
    REQUIRE(pipe(ready) == 0 && pipe(go) == 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(set_lock(copy, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
        CHECK_EQ(close(fd), 0);
        CHECK_EQ(write(ready[1], "x", 1), 1);
        char byte;
        CHECK_EQ(read(go[0], &byte, 1), 1);
        check_child_exit();
    }
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(close(copy), 0);
    /* fd is the same description as copy: the lock is its own. */
    CHECK_EQ(set_lock(fd, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
    pid_t other = fork();
    if (other == 0) {
        /* Not the description's: a POSIX lock of another process. */
        CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, 0, 1), EAGAIN);
        check_child_exit();
    }
    check_child_passed(other);
    CHECK_EQ(write(go[1], "x", 1), 1);
    check_child_passed(child);
    CHECK_EQ(set_lock(fd, F_OFD_SETLK, F_UNLCK, 0, 0), 0);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
}

int main(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    errors(fd);
    read_only();
    two_opens(fd);
    across_fork(fd);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(PATH), 0);

    int memory = memfd_create("file_locks_ofd", 0);
    REQUIRE(memory >= 0);
    errors(memory);
    across_fork(memory);
    CHECK_EQ(close(memory), 0);
    return check_finish("file_locks_ofd");
}
