/* Process file descriptors: pidfd_open (flags 0 or PIDFD_NONBLOCK, which
 * is O_NONBLOCK in F_GETFL; FD_CLOEXEC always set; O_RDWR; EINVAL for any
 * other flag, for a pid of 0 or below and for a thread that is not a
 * process; ESRCH for no such process or one already reaped); fstat (mode
 * 0600, no file type); read and write EINVAL, lseek ESPIPE; poll: nothing
 * while the process runs, POLLIN | POLLRDNORM once it exited, reaped or
 * not (no POLLHUP); a zombie can still be opened, readable at once, and
 * signalled (0, even with a real signal); pidfd_send_signal: 0 tests
 * existence, a plain signal arrives as SI_USER from the sender, a siginfo
 * of SI_QUEUE arrives as given (si_code, si_value, si_pid untouched),
 * EPERM for a non-negative si_code to another process, EINVAL for a
 * si_signo other than the signal or for flags, ESRCH once reaped, EBADF
 * for a pipe, EPERM from an unprivileged user to root (who may still open
 * a pidfd of root); waitid(P_PIDFD): WNOHANG before the exit is 0 with
 * si_pid 0, a nonblocking pidfd is EAGAIN, the exit status and pid, then
 * ECHILD, EBADF for a pipe or a closed fd, ECHILD from a process that is
 * not the parent; clone(CLONE_PIDFD) stores a close-on-exec pidfd at
 * parent_tid, EINVAL with CLONE_THREAD or with CLONE_PARENT_SETTID (the
 * pidfd slot untouched); dup and fork share the open file (O_NONBLOCK),
 * dup's copy without FD_CLOEXEC; close-on-exec across execve of argv[0],
 * a pidfd kept without it still working. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "check.h"

#define PIDFD_NONBLOCK O_NONBLOCK      /* musl has no <sys/pidfd.h> */

#define EXITED (POLLIN | POLLRDNORM)

static long pidfd_open(pid_t pid, unsigned flags)
{
    return syscall(SYS_pidfd_open, pid, flags);
}

static long send_signal(int pidfd, int signal, siginfo_t *info, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, pidfd, signal, info, flags);
}

static short poll_events(int fd)
{
    struct pollfd entry = {fd, POLLIN | POLLOUT | POLLPRI | POLLRDNORM | POLLWRNORM | POLLRDBAND, 0};
    return poll(&entry, 1, 0) == -1 ? -1 : entry.revents;
}

/* A child that waits for a byte (or end of file) on gate[0], then exits
 * with this status. */
static pid_t waiting_child(int gate[2], int status)
{
    REQUIRE(pipe(gate) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte;
        close(gate[1]);
        _exit(read(gate[0], &byte, 1) >= 0 ? status : 99);
    }
    close(gate[0]);
    return child;
}

/* A second thread's id names a thread, not a process. */
static void *open_own_thread(void *unused)
{
    CHECK(gettid() != getpid());
    CHECK_ERRNO(pidfd_open(gettid(), 0), EINVAL);
    return unused;
}

static void test_open(void)
{
    int fd = pidfd_open(getpid(), 0);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL), O_RDWR);
    CHECK_EQ(poll_events(fd), 0);
    int nonblocking = pidfd_open(getpid(), PIDFD_NONBLOCK);
    CHECK_EQ(fcntl(nonblocking, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(nonblocking, F_GETFL), O_RDWR | O_NONBLOCK);
    close(nonblocking);

    CHECK_ERRNO(pidfd_open(getpid(), 1), EINVAL);
    CHECK_ERRNO(pidfd_open(getpid(), O_CLOEXEC), EINVAL);
    CHECK_ERRNO(pidfd_open(0, 0), EINVAL);
    CHECK_ERRNO(pidfd_open(-1, 0), EINVAL);
    CHECK_ERRNO(pidfd_open(INT_MAX, 0), ESRCH);

    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, open_own_thread, NULL) == 0);
    CHECK_EQ(pthread_join(thread, NULL), 0);

    struct stat status;
    CHECK_OK(fstat(fd, &status));
    CHECK_EQ(status.st_mode, 0600);
    CHECK_EQ(status.st_nlink, 1);
    char buffer[8] = {0};
    CHECK_ERRNO(read(fd, buffer, sizeof buffer), EINVAL);
    CHECK_ERRNO(write(fd, buffer, sizeof buffer), EINVAL);
    CHECK_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE);
    close(fd);
}

static void test_lifecycle(void)
{
    int gate[2];
    pid_t child = waiting_child(gate, 7);
    int fd = pidfd_open(child, 0), nonblocking = pidfd_open(child, PIDFD_NONBLOCK);
    REQUIRE(fd >= 0 && nonblocking >= 0);
    CHECK_EQ(poll_events(fd), 0);
    siginfo_t info;
    memset(&info, 0x55, sizeof info);
    CHECK_EQ(waitid(P_PIDFD, fd, &info, WEXITED | WNOHANG), 0);
    CHECK_EQ(info.si_pid, 0);
    CHECK_ERRNO(waitid(P_PIDFD, nonblocking, &info, WEXITED), EAGAIN);
    CHECK_EQ(send_signal(fd, 0, NULL, 0), 0);
    CHECK_ERRNO(send_signal(fd, 0, NULL, 1), EINVAL);
    CHECK_ERRNO(send_signal(gate[1], 0, NULL, 0), EBADF);
    CHECK_ERRNO(waitid(P_PIDFD, gate[1], &info, WEXITED | WNOHANG), EBADF);

    /* Exited, not yet reaped. */
    CHECK_EQ(write(gate[1], "x", 1), 1);
    struct pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(poll(&entry, 1, -1), 1);
    CHECK_EQ(poll_events(fd), EXITED);
    CHECK_EQ(poll_events(nonblocking), EXITED);
    int zombie = pidfd_open(child, 0);
    REQUIRE(zombie >= 0);
    CHECK_EQ(poll_events(zombie), EXITED);
    CHECK_EQ(send_signal(zombie, 0, NULL, 0), 0);
    CHECK_EQ(send_signal(fd, SIGUSR1, NULL, 0), 0);

    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PIDFD, zombie, &info, WEXITED), 0);
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_signo, SIGCHLD);
    CHECK_EQ(info.si_code, CLD_EXITED);
    CHECK_EQ(info.si_status, 7);

    /* Reaped. */
    CHECK_EQ(poll_events(fd), EXITED);
    CHECK_ERRNO(send_signal(fd, 0, NULL, 0), ESRCH);
    CHECK_ERRNO(waitid(P_PIDFD, fd, &info, WEXITED), ECHILD);
    CHECK_ERRNO(waitid(P_PIDFD, nonblocking, &info, WEXITED), ECHILD);
    CHECK_ERRNO(pidfd_open(child, 0), ESRCH);
    close(fd);
    CHECK_ERRNO(waitid(P_PIDFD, fd, &info, WEXITED | WNOHANG), EBADF);
    close(nonblocking);
    close(zombie);
    close(gate[1]);
}

static volatile sig_atomic_t handled_code, handled_value, handled_pid;

static void handler(int signal, siginfo_t *info, void *context)
{
    (void)signal;
    (void)context;
    handled_code = info->si_code;
    handled_value = info->si_value.sival_int;
    handled_pid = info->si_pid;
}

/* The child blocks SIGUSR1 but in sigsuspend and says "ready" before each
 * wait: a signal sent before the wait stays pending until then. */
static void test_signals(void)
{
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct sigaction action = {.sa_sigaction = handler, .sa_flags = SA_SIGINFO};
        sigaction(SIGUSR1, &action, NULL);
        sigset_t none, usr1;
        sigemptyset(&none);
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, NULL);
        CHECK_EQ(write(ready[1], "1", 1), 1);
        sigsuspend(&none);
        CHECK_EQ(handled_code, SI_USER);
        CHECK_EQ(handled_pid, getppid());
        CHECK_EQ(write(ready[1], "2", 1), 1);
        sigsuspend(&none);
        CHECK_EQ(handled_code, SI_QUEUE);
        CHECK_EQ(handled_value, 4242);
        CHECK_EQ(handled_pid, 12345);
        check_child_exit();
    }
    int fd = pidfd_open(child, 0);
    REQUIRE(fd >= 0);
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(send_signal(fd, SIGUSR1, NULL, 0), 0);
    CHECK_EQ(read(ready[0], &byte, 1), 1);

    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_USER;
    CHECK_ERRNO(send_signal(fd, SIGUSR1, &info, 0), EPERM);
    info.si_code = SI_QUEUE;
    CHECK_ERRNO(send_signal(fd, SIGUSR2, &info, 0), EINVAL);
    info.si_value.sival_int = 4242;
    info.si_pid = 12345;                 /* passed on as given */
    CHECK_EQ(send_signal(fd, SIGUSR1, &info, 0), 0);
    check_child_passed(child);
    close(fd);
    close(ready[0]);
    close(ready[1]);
}

/* Anyone may open a pidfd; signalling through it takes kill's rights. */
static void test_unprivileged(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        REQUIRE(setgid(65534) == 0 && setuid(65534) == 0);
        int parent = pidfd_open(getppid(), 0);
        CHECK(parent >= 0);
        CHECK_ERRNO(send_signal(parent, 0, NULL, 0), EPERM);
        CHECK_EQ(send_signal(pidfd_open(getpid(), 0), 0, NULL, 0), 0);
        check_child_exit();
    }
    check_child_passed(child);
}

static void test_clone(void)
{
    int pidfd = -1;
    long child = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
    if (child == 0)
        _exit(5);
    REQUIRE(child > 0 && pidfd >= 0);
    CHECK_EQ(fcntl(pidfd, F_GETFD), FD_CLOEXEC);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PIDFD, pidfd, &info, WEXITED), 0);
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_status, 5);
    close(pidfd);

    pidfd = -1;
    long wrong = syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pidfd, 0, 0);
    if (wrong == 0)
        _exit(0);
    CHECK(wrong == -1 && errno == EINVAL);
    CHECK_EQ(pidfd, -1);

    /* In a child of its own: a thread made by mistake would crash it. */
    pid_t tester = fork();
    REQUIRE(tester >= 0);
    if (tester == 0) {
        CHECK_ERRNO(syscall(SYS_clone, CLONE_PIDFD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
                            0, &pidfd, 0, 0), EINVAL);
        CHECK_EQ(pidfd, -1);
        check_child_exit();
    }
    check_child_passed(tester);
}

/* dup and fork share the open file; dup's copy, without FD_CLOEXEC,
 * outlives an execve of argv[0] that closes the original. */
static void test_sharing(const char *self)
{
    int gate[2];
    pid_t child = waiting_child(gate, 3);
    int fd = pidfd_open(child, 0);
    REQUIRE(fd >= 0);
    int copy = dup(fd);
    CHECK_EQ(fcntl(copy, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(fcntl(copy, F_GETFL), O_RDWR | O_NONBLOCK);
    siginfo_t info;
    CHECK_ERRNO(waitid(P_PIDFD, copy, &info, WEXITED), EAGAIN);

    /* A sibling holds it too: it may signal and poll, not wait. */
    pid_t sibling = fork();
    REQUIRE(sibling >= 0);
    if (sibling == 0) {
        CHECK_EQ(send_signal(fd, 0, NULL, 0), 0);
        CHECK_EQ(poll_events(fd), 0);
        CHECK_ERRNO(waitid(P_PIDFD, fd, &info, WEXITED), ECHILD);
        CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);
        char closed[12], kept[12];
        snprintf(closed, sizeof closed, "%d", fd);
        snprintf(kept, sizeof kept, "%d", copy);
        char *arguments[] = {(char *)self, "--after-exec", closed, kept, NULL};
        if (check_failures == 0)
            execv(self, arguments);
        _exit(1);
    }
    check_child_passed(sibling);
    CHECK_EQ(fcntl(copy, F_GETFL), O_RDWR);
    close(gate[1]);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PIDFD, copy, &info, WEXITED), 0);
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_status, 3);
    close(fd);
    close(copy);
}

/* The sibling after execve: argv = self --after-exec CLOSED KEPT. */
static int after_exec(char **argv)
{
    int closed = atoi(argv[2]), kept = atoi(argv[3]);
    CHECK_ERRNO(fcntl(closed, F_GETFD), EBADF);
    CHECK_EQ(fcntl(kept, F_GETFD), 0);
    CHECK_EQ(send_signal(kept, 0, NULL, 0), 0);
    CHECK_EQ(poll_events(kept), 0);
    return check_failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argv);
    test_open();
    test_lifecycle();
    test_signals();
    test_unprivileged();
    test_clone();
    test_sharing(argv[0]);
    return check_finish("event_pidfd");
}
