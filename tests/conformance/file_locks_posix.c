/* POSIX record locks (fcntl F_SETLK, F_SETLKW, F_GETLK) on a tmpfs file
 * and a memfd: ranges from every l_whence, negative and zero lengths,
 * Linux's errors, splitting and merging as another process sees them,
 * a lock not inherited by fork, F_GETLK's l_pid, two processes contending,
 * and locks released by any close of the file by their process and at
 * exit, SIGKILL included. */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"
#include "signals.h"

#define PATH "/tmp/file_locks_posix"

static int set_lock(int fd, int command, short type, short whence, off_t start, off_t length)
{
    struct flock lock = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = length};
    return fcntl(fd, command, &lock);
}

/* F_GETLK for a write lock on [start, start + length): what is in the way. */
static struct flock get_lock(int fd, off_t start, off_t length)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start,
                         .l_len = length, .l_pid = 12345};
    CHECK_EQ(fcntl(fd, F_GETLK, &lock), 0);
    return lock;
}

/* Another process's view of [start, start + length) of fd's file: 0 if
 * free, else its owner is this process (1) and the lock is (type, start,
 * length), checked by a child; the child's verdict. */
static void child_sees(int fd, off_t start, off_t length, short type, off_t lock_start,
                       off_t lock_length)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        struct flock lock = get_lock(fd, start, length);
        CHECK_EQ(lock.l_type, type);
        if (type == F_UNLCK) {
            /* Only l_type changes when nothing is in the way. */
            CHECK_EQ(lock.l_start, start);
            CHECK_EQ(lock.l_len, length);
            CHECK_EQ(lock.l_pid, 12345);
        } else {
            CHECK_EQ(lock.l_whence, SEEK_SET);
            CHECK_EQ(lock.l_start, lock_start);
            CHECK_EQ(lock.l_len, lock_length);
            CHECK_EQ(lock.l_pid, parent);
            CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, start, length), EAGAIN);
        }
        check_child_exit();
    }
    check_child_passed(child);
}

static void errors(int fd)
{
    CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, 7, 0, 1), EINVAL);
    CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL);
    CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 2, -5), EINVAL);
    CHECK_ERRNO(set_lock(fd, F_SETLK, 9, SEEK_SET, 0, 1), EINVAL);
    CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, LLONG_MAX, 2), EOVERFLOW);
    CHECK_ERRNO(set_lock(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), EINVAL);
    CHECK_ERRNO(set_lock(99, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERRNO(fcntl(fd, F_SETLK, (struct flock *)8), EFAULT);
    int reader = open(PATH, O_RDONLY), writer = open(PATH, O_WRONLY);
    REQUIRE(reader >= 0 && writer >= 0);
    CHECK_ERRNO(set_lock(reader, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERRNO(set_lock(writer, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_EQ(set_lock(reader, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), 0);
    CHECK_EQ(set_lock(writer, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), 0);
    CHECK_EQ(close(reader), 0);
    CHECK_EQ(close(writer), 0);
    /* An O_PATH descriptor locks nothing, and tests nothing. */
    int path = open(PATH, O_PATH);
    REQUIRE(path >= 0);
    CHECK_ERRNO(set_lock(path, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERRNO(set_lock(path, F_GETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERRNO(set_lock(path, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERRNO(flock(path, LOCK_SH), EBADF);
    CHECK_EQ(close(path), 0);
}

static void ranges(int fd)
{
    /* Whence: the offset, the end (the file has 100 bytes). */
    CHECK_EQ(lseek(fd, 50, SEEK_SET), 50);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_CUR, 0, 5), 0);
    child_sees(fd, 0, 0, F_WRLCK, 50, 5);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_END, -10, 10), 0);
    child_sees(fd, 0, 0, F_WRLCK, 90, 10);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_END, -10, 0), 0);
    child_sees(fd, 0, 0, F_UNLCK, 0, 0);
    /* A negative length ends before l_start; zero goes on for ever. */
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, -5), 0);
    child_sees(fd, 0, 0, F_WRLCK, 5, 5);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 1000, 0), 0);
    child_sees(fd, 500, 0, F_WRLCK, 1000, 0);
    child_sees(fd, 10, 990, F_UNLCK, 0, 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
}

static void split_and_merge(int fd)
{
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20), 0);
    child_sees(fd, 40, 20, F_UNLCK, 0, 0);
    child_sees(fd, 30, 20, F_WRLCK, 0, 40);
    child_sees(fd, 50, 20, F_WRLCK, 60, 40);
    /* A read lock in the middle of a write lock: three locks. */
    CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10), 0);
    child_sees(fd, 10, 10, F_RDLCK, 10, 10);
    child_sees(fd, 15, 10, F_RDLCK, 10, 10);
    child_sees(fd, 20, 5, F_WRLCK, 20, 20);
    /* Read locks that touch merge into one. */
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 20, 10), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10), 0);
    child_sees(fd, 0, 0, F_RDLCK, 0, 30);
    /* Upgraded in place, as its own locks never conflict. */
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 30), 0);
    child_sees(fd, 0, 0, F_WRLCK, 0, 30);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
}

/* A child's read lock shares with the parent's; its write lock waits
 * for the parent's to go. */
static void contention(int fd)
{
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    int done[2];
    REQUIRE(pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) {
        /* Not inherited: the parent's lock is in the child's way. */
        CHECK_ERRNO(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN);
        CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10), 0);
        CHECK_EQ(set_lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 10), 0);
        CHECK_EQ(write(done[1], "x", 1), 1);
        check_child_exit();
    }
    close(done[1]);
    sleep_milliseconds(200);
    CHECK_EQ(fcntl(done[0], F_SETFL, O_NONBLOCK), 0);
    char byte;
    CHECK_ERRNO(read(done[0], &byte, 1), EAGAIN);
    CHECK_EQ(fcntl(done[0], F_SETFL, 0), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10), 0);
    CHECK_EQ(read(done[0], &byte, 1), 1);
    check_child_passed(child);
    close(done[0]);
    /* The child's locks went with it. */
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
}

/* Any close of the file by the process lets its locks go: a dup, or
 * another open of the same file. */
static void released_by_any_close(int fd, const char *path)
{
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    int copy = dup(fd);
    REQUIRE(copy >= 0);
    CHECK_EQ(close(copy), 0);
    child_sees(fd, 0, 0, F_UNLCK, 0, 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    if (path) {
        int other = open(path, O_RDONLY);
        REQUIRE(other >= 0);
        child_sees(fd, 0, 0, F_WRLCK, 0, 10);
        CHECK_EQ(close(other), 0);
        child_sees(fd, 0, 0, F_UNLCK, 0, 0);
    }
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
}

/* A child takes a lock and then exits, or is killed: the lock goes. */
static void released_at_exit(int fd, bool killed)
{
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t child = fork();
    if (child == 0) {
        int ok = set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0;
        write(ready[1], ok ? "y" : "n", 1);
        if (killed)
            for (;;)
                pause();
        _exit(0);
    }
    char byte = 0;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(byte, 'y');
    if (killed) {
        CHECK_ERRNO(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
        CHECK_EQ(kill(child, SIGKILL), 0);
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(killed ? WIFSIGNALED(status) : WIFEXITED(status));
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
    close(ready[0]);
    close(ready[1]);
}

static void all(int fd, const char *path)
{
    char bytes[100] = {0};
    REQUIRE(write(fd, bytes, sizeof bytes) == (ssize_t)sizeof bytes);
    ranges(fd);
    split_and_merge(fd);
    contention(fd);
    released_by_any_close(fd, path);
    released_at_exit(fd, false);
    released_at_exit(fd, true);
}

int main(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    errors(fd);
    all(fd, PATH);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(PATH), 0);

    int memory = memfd_create("file_locks_posix", 0);
    REQUIRE(memory >= 0);
    all(memory, NULL);
    CHECK_EQ(close(memory), 0);
    return check_finish("file_locks_posix");
}
