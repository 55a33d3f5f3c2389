/* kcmp: a process and its threads share every object (KCMP_VM, _FILES,
 * _FS, _SIGHAND, _IO, _SYSVSEM answer 0, whichever id names them); a
 * fork child has its own address space, descriptor table, fs and signal
 * actions (1 or 2, the reverse question the other way); neither has an
 * I/O context (equal), and only the parent, which made a thread
 * (CLONE_SYSVSEM), has a SEM_UNDO list (not equal). A child that made no
 * thread and its own fork child have none (equal). KCMP_FILE
 * is 0 for one open file description however it is reached: an
 * inherited descriptor, a dup, one passed with SCM_RIGHTS; two opens of
 * one file, and a pipe's two ends, are two, and the order is consistent
 * (a < b < c means a < c). KCMP_EPOLL_TFD compares with what an epoll
 * watches. EBADF, ESRCH, EINVAL, EFAULT and ENOENT; EPERM for a user
 * looking at root's process or at its child that is not dumpable. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "check.h"
#include "idle_child.h"

#define KCMP_FILE       0
#define KCMP_VM         1
#define KCMP_FILES      2
#define KCMP_FS         3
#define KCMP_SIGHAND    4
#define KCMP_IO         5
#define KCMP_SYSVSEM    6
#define KCMP_EPOLL_TFD  7

struct kcmp_epoll_slot {
    unsigned efd, tfd, toff;
};

static long kcmp(pid_t a, pid_t b, int type, unsigned long x, unsigned long y)
{
    return syscall(SYS_kcmp, a, b, type, x, y);
}

static pid_t thread_id;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int stage;

static void *thread_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&lock);
    thread_id = (pid_t)syscall(SYS_gettid);
    stage = 1;
    pthread_cond_broadcast(&changed);
    while (stage != 2)
        pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void test_threads(int fd)
{
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, thread_main, NULL) == 0);
    pthread_mutex_lock(&lock);
    while (stage != 1)
        pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    for (int type = KCMP_VM; type <= KCMP_SYSVSEM; type++) {
        CHECK_EQ(kcmp(getpid(), thread_id, type, 0, 0), 0);
        CHECK_EQ(kcmp(thread_id, getpid(), type, 0, 0), 0);
    }
    CHECK_EQ(kcmp(thread_id, getpid(), KCMP_FILE, fd, fd), 0);
    pthread_mutex_lock(&lock);
    stage = 2;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    REQUIRE(pthread_join(thread, NULL) == 0);
}

/* 1 or 2, and the other one the other way round. */
static int differ(pid_t a, pid_t b, int type, unsigned long x, unsigned long y)
{
    long forward = kcmp(a, b, type, x, y), backward = kcmp(b, a, type, y, x);
    return (forward == 1 || forward == 2) && forward + backward == 3;
}

static void test_fork(int file)
{
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte;
        (void)read(go[0], &byte, 1);
        _exit(0);
    }
    pid_t self = getpid();
    CHECK(differ(self, child, KCMP_VM, 0, 0));
    CHECK(differ(self, child, KCMP_FILES, 0, 0));
    CHECK(differ(self, child, KCMP_FS, 0, 0));
    CHECK(differ(self, child, KCMP_SIGHAND, 0, 0));
    CHECK_EQ(kcmp(self, child, KCMP_IO, 0, 0), 0);
    /* The thread made earlier (CLONE_SYSVSEM) gave this process a
     * SEM_UNDO list to share; the child has none. */
    CHECK(differ(self, child, KCMP_SYSVSEM, 0, 0));
    /* The descriptor it inherited is the parent's description. */
    CHECK_EQ(kcmp(self, child, KCMP_FILE, file, file), 0);
    CHECK(differ(self, child, KCMP_FILE, file, go[0]));
    CHECK_ERRNO(kcmp(self, child, KCMP_FILE, file, 900), EBADF);
    CHECK_ERRNO(kcmp(self, child, KCMP_FILE, 900, file), EBADF);
    CHECK_ERRNO(kcmp(self, child, 8, 0, 0), EINVAL);
    CHECK_ERRNO(kcmp(self, child, -1, 0, 0), EINVAL);

    /* What the parent's epoll watches, asked from the child's side. */
    int epoll = epoll_create1(0);
    (void)epoll;
    CHECK_EQ(write(go[1], "x", 1), 1);
    check_child_passed(child);
    CHECK_ERRNO(kcmp(self, child, KCMP_VM, 0, 0), ESRCH);
    CHECK_ERRNO(kcmp(child, self, KCMP_FILE, 0, 0), ESRCH);
    close(epoll);
    close(go[0]);
    close(go[1]);
}

/* The same description through dup and SCM_RIGHTS; others differ, in
 * one consistent order. */
static void test_descriptions(int file)
{
    pid_t self = getpid();
    int copy = dup(file);
    int again = open("/tmp/process_kcmp", O_RDONLY);
    REQUIRE(copy >= 0 && again >= 0);
    CHECK_EQ(kcmp(self, self, KCMP_FILE, file, copy), 0);
    CHECK(differ(self, self, KCMP_FILE, file, again));

    int pair[2], ends[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0 && pipe(ends) == 0);
    char byte = 'r';
    struct iovec iov = { &byte, 1 };
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
                              .msg_controllen = sizeof control.space };
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &ends[1], sizeof(int));
    REQUIRE(sendmsg(pair[0], &message, 0) == 1);
    memset(&control, 0, sizeof control);
    message.msg_controllen = sizeof control.space;
    REQUIRE(recvmsg(pair[1], &message, 0) == 1);
    header = CMSG_FIRSTHDR(&message);
    REQUIRE(header && header->cmsg_type == SCM_RIGHTS);
    int received;
    memcpy(&received, CMSG_DATA(header), sizeof received);
    CHECK(received != ends[1]);
    CHECK_EQ(kcmp(self, self, KCMP_FILE, ends[1], received), 0);
    CHECK(differ(self, self, KCMP_FILE, ends[0], ends[1]));
    CHECK(differ(self, self, KCMP_FILE, pair[0], pair[1]));

    /* Transitive: three descriptions put in kcmp's order by exchanging
     * neighbours, then every pair is in that order. */
    int three[3] = { file, again, ends[0] };
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 2; i++)
            if (kcmp(self, self, KCMP_FILE, three[i], three[i + 1]) == 2) {
                int t = three[i];
                three[i] = three[i + 1];
                three[i + 1] = t;
            }
    int sorted = 1;
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            sorted &= kcmp(self, self, KCMP_FILE, three[i], three[j]) == 1;
    CHECK(sorted);

    /* An epoll watching the pipe's read end. */
    int epoll = epoll_create1(0);
    REQUIRE(epoll >= 0);
    struct epoll_event event = { .events = EPOLLIN };
    REQUIRE(epoll_ctl(epoll, EPOLL_CTL_ADD, ends[0], &event) == 0);
    struct kcmp_epoll_slot slot = { epoll, ends[0], 0 };
    CHECK_EQ(kcmp(self, self, KCMP_EPOLL_TFD, ends[0], (unsigned long)&slot), 0);
    CHECK(kcmp(self, self, KCMP_EPOLL_TFD, ends[1], (unsigned long)&slot) > 0);
    CHECK_ERRNO(kcmp(self, self, KCMP_EPOLL_TFD, 900, (unsigned long)&slot), EBADF);
    struct kcmp_epoll_slot not_watched = { epoll, ends[1], 0 };
    CHECK_ERRNO(kcmp(self, self, KCMP_EPOLL_TFD, ends[0], (unsigned long)&not_watched), ENOENT);
    struct kcmp_epoll_slot not_epoll = { ends[1], ends[0], 0 };
    CHECK_ERRNO(kcmp(self, self, KCMP_EPOLL_TFD, ends[0], (unsigned long)&not_epoll), EINVAL);
    struct kcmp_epoll_slot no_epoll = { 900, ends[0], 0 };
    CHECK_ERRNO(kcmp(self, self, KCMP_EPOLL_TFD, ends[0], (unsigned long)&no_epoll), EBADF);
    CHECK_ERRNO(kcmp(self, self, KCMP_EPOLL_TFD, ends[0], 16), EFAULT);

    /* ... and asked by a child about its parent's epoll. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        CHECK_EQ(kcmp(getpid(), getppid(), KCMP_EPOLL_TFD, ends[0], (unsigned long)&slot), 0);
        CHECK(kcmp(getpid(), getppid(), KCMP_EPOLL_TFD, ends[1], (unsigned long)&slot) > 0);
        check_child_exit();
    }
    check_child_passed(child);
}

/* A user's process may not look at root's, nor at its own child while
 * that is not dumpable. */
static void test_permission(void)
{
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        REQUIRE(setgid(65534) == 0 && setuid(65534) == 0);
        CHECK_ERRNO(kcmp(getpid(), parent, KCMP_VM, 0, 0), EPERM);
        CHECK_ERRNO(kcmp(parent, getpid(), KCMP_FILES, 0, 0), EPERM);
        CHECK_EQ(kcmp(getpid(), getpid(), KCMP_VM, 0, 0), 0);
        CHECK_ERRNO(kcmp(getpid(), -3, KCMP_VM, 0, 0), ESRCH);
        /* Its own child, as setuid left it, is not dumpable: root's alone. */
        pid_t grandchild = idle_child();
        CHECK_ERRNO(kcmp(getpid(), grandchild, KCMP_VM, 0, 0), EPERM);
        end_idle_child(grandchild);
        REQUIRE(prctl(PR_SET_DUMPABLE, 1) == 0);
        grandchild = idle_child();
        CHECK_EQ(kcmp(getpid(), grandchild, KCMP_SYSVSEM, 0, 0), 0);
        CHECK(differ(getpid(), grandchild, KCMP_VM, 0, 0));
        end_idle_child(grandchild);
        check_child_exit();
    }
    check_child_passed(child);
}

int main(void)
{
    int file = open("/tmp/process_kcmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    test_threads(file);
    test_fork(file);
    test_descriptions(file);
    test_permission();
    unlink("/tmp/process_kcmp");
    return check_finish("process_kcmp");
}
