/* pidfd_getfd: a root parent takes a child's pipe end and file (their
 * numbers passed in MAP_SHARED memory); each new fd is a new number with
 * FD_CLOEXEC set, the child's access mode, the same inode, and the same
 * open file description: what the parent writes to the pipe the child
 * reads, the file offset moves for both (lseek in one, a write in the
 * other), and the file stays usable after the child is gone. EINVAL for
 * flags, EBADF for a fd the child does not have and for a pipe in place
 * of the pidfd; ESRCH once the child exited (a zombie) and once reaped.
 * Permission is ptrace's (PTRACE_MODE_ATTACH_REALCREDS): an unprivileged
 * user (65534) taking from root is EPERM; from its own child also EPERM
 * while that child is not dumpable (setuid from root made the user's
 * process non-dumpable, and fork keeps that), allowed once the process
 * made itself dumpable again (prctl PR_SET_DUMPABLE) before the fork. */
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "check.h"

#define FILE_NAME "/tmp/event_pidfd_getfd"

static long pidfd_open(pid_t pid)
{
    return syscall(SYS_pidfd_open, pid, 0);
}

static long getfd(int pidfd, int target, unsigned flags)
{
    return syscall(SYS_pidfd_getfd, pidfd, target, flags);
}

struct shared {
    int pipe_write;
    int file;
};

static char take_byte(int fd)
{
    char byte = 0;
    return read(fd, &byte, 1) == 1 ? byte : 0;
}

/* The child of test_take: it opens, reports, then checks what the parent
 * did through its fds at each step. */
static void child_role(struct shared *shared, int to_child, int to_parent)
{
    int data[2];
    REQUIRE(pipe(data) == 0);
    int file = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    CHECK_EQ(write(file, "0123456789", 10), 10);
    shared->pipe_write = data[1];
    shared->file = file;
    CHECK_EQ(write(to_parent, "a", 1), 1);

    CHECK_EQ(take_byte(to_child), 'b');
    char text[8] = {0};
    CHECK_EQ(read(data[0], text, sizeof text), 5);
    CHECK(strcmp(text, "hello") == 0);
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 3);
    CHECK_EQ(write(file, "ab", 2), 2);
    CHECK_EQ(fcntl(data[1], F_GETFD), 0);
    CHECK_EQ(write(to_parent, "c", 1), 1);

    CHECK_EQ(take_byte(to_child), 'd');
    check_child_exit();
}

static void test_take(void)
{
    struct shared *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    int to_child[2], to_parent[2];
    REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        child_role(shared, to_child[0], to_parent[1]);
    int pidfd = pidfd_open(child);
    REQUIRE(pidfd >= 0);
    REQUIRE(take_byte(to_parent[0]) == 'a');

    int pipe_write = getfd(pidfd, shared->pipe_write, 0);
    int file = getfd(pidfd, shared->file, 0);
    REQUIRE(pipe_write >= 0 && file >= 0);
    CHECK_EQ(fcntl(pipe_write, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(file, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(pipe_write, F_GETFL), O_WRONLY);
    CHECK_EQ(fcntl(file, F_GETFL), O_RDWR | O_LARGEFILE);   /* musl's open */
    struct stat taken, named;
    CHECK_OK(fstat(file, &taken));
    CHECK_OK(stat(FILE_NAME, &named));
    CHECK(taken.st_ino == named.st_ino && taken.st_dev == named.st_dev);

    /* One open file description: the offset is the child's. */
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 10);
    CHECK_EQ(write(pipe_write, "hello", 5), 5);
    CHECK_EQ(lseek(file, 3, SEEK_SET), 3);
    CHECK_EQ(write(to_child[1], "b", 1), 1);
    CHECK_EQ(take_byte(to_parent[0]), 'c');
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 5);

    CHECK_ERRNO(getfd(pidfd, shared->file, 1), EINVAL);
    CHECK_ERRNO(getfd(pidfd, shared->file, O_CLOEXEC), EINVAL);
    CHECK_ERRNO(getfd(pidfd, 999, 0), EBADF);
    CHECK_ERRNO(getfd(pidfd, -1, 0), EBADF);
    CHECK_ERRNO(getfd(to_child[1], shared->file, 0), EBADF);

    /* Exited: a zombie has no fds to give. */
    CHECK_EQ(write(to_child[1], "d", 1), 1);
    struct pollfd entry = {pidfd, POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, -1), 1);
    CHECK_ERRNO(getfd(pidfd, shared->file, 0), ESRCH);
    check_child_passed(child);
    CHECK_ERRNO(getfd(pidfd, shared->file, 0), ESRCH);

    char text[11] = {0};
    CHECK_EQ(pread(file, text, 10, 0), 10);
    CHECK(strcmp(text, "012ab56789") == 0);
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 5);
    for (int i = 0; i < 2; i++) {
        close(to_child[i]);
        close(to_parent[i]);
    }
    close(pipe_write);
    close(file);
    close(pidfd);
    unlink(FILE_NAME);
    munmap(shared, sizeof *shared);
}

/* A child of the unprivileged process, holding copies of its fds until
 * gate's write end closes. */
static pid_t holder(int gate[2])
{
    REQUIRE(pipe(gate) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(gate[1]);
        take_byte(gate[0]);
        _exit(0);
    }
    close(gate[0]);
    return child;
}

static void unprivileged_role(int parent_fd)
{
    REQUIRE(setgid(65534) == 0 && setuid(65534) == 0);
    int parent = pidfd_open(getppid());
    REQUIRE(parent >= 0);
    CHECK_ERRNO(getfd(parent, parent_fd, 0), EPERM);

    int data[2], gate[2];
    REQUIRE(pipe(data) == 0);
    pid_t child = holder(gate);
    int pidfd = pidfd_open(child);
    CHECK_ERRNO(getfd(pidfd, data[1], 0), EPERM);
    close(gate[1]);
    check_child_passed(child);
    close(pidfd);

    CHECK_EQ(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
    child = holder(gate);
    close(data[1]);
    pidfd = pidfd_open(child);
    int taken = getfd(pidfd, data[1], 0);
    CHECK(taken >= 0);
    CHECK_EQ(fcntl(taken, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(write(taken, "x", 1), 1);
    CHECK_EQ(take_byte(data[0]), 'x');
    close(gate[1]);
    check_child_passed(child);
    close(taken);

    /* The holder's copy and ours are gone: end of file. */
    char byte;
    CHECK_EQ(read(data[0], &byte, 1), 0);
    check_child_exit();
}

static void test_unprivileged(void)
{
    int mine[2];
    REQUIRE(pipe(mine) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        unprivileged_role(mine[1]);
    check_child_passed(child);
    close(mine[0]);
    close(mine[1]);
}

int main(void)
{
    test_take();
    test_unprivileged();
    return check_finish("event_pidfd_getfd");
}
