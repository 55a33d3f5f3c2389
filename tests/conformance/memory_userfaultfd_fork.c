/* UFFD_FEATURE_EVENT_FORK: a fork's child keeps the registrations of a
 * userfaultfd that asked for it, under a context of its own, and the
 * reader of the parent's descriptor gets a UFFD_EVENT_FORK message with a
 * new descriptor of that context (taken as the read returns), through
 * which it serves the child's faults; the fork returns only once the
 * event is read. Without the feature the child's
 * memory is its own (the parent's pager sees nothing). While the event is
 * unread, UFFDIO_COPY and ZEROPAGE of the parent's are EAGAIN (nothing
 * written back), and the child has not run yet. Only a privileged caller may ask for it (EPERM, Linux's
 * CAP_SYS_PTRACE). */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <time.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#define UFFD_FEATURE_EVENT_FORK (1ULL << 1)
#define UFFD_EVENT_FORK 0x13

struct monitor {
    int fd;
    int from_child;             /* a pipe the child writes to first thing */
    uint8_t fork_event;
    int child_fd;
    uint64_t child_address;
    int served;
    volatile int reading;       /* set just before the fork event's read */
};

/* Reads the fork event (arg.fork.ufd: the child's descriptor) into
 * monitor: false if no message came. */
static bool take_fork_event(struct monitor *monitor)
{
    struct uffd_msg message;
    if (read(monitor->fd, &message, sizeof message) != sizeof message)
        return false;
    monitor->fork_event = message.event;
    monitor->child_fd = (int)message.arg.reserved[0];
    return true;
}

/* Reads the fork event, then serves the child's one fault through the
 * new descriptor. */
static void *monitor(void *argument)
{
    struct monitor *monitor = argument;
    static char source[PAGE] __attribute__((aligned(PAGE)));
    memset(source, 'F', sizeof source);
    struct timespec pause = { 0, 100 * 1000 * 1000 };
    nanosleep(&pause, 0);       /* the fork is under way by now, most likely */
    monitor->reading = 1;
    if (!take_fork_event(monitor))
        return 0;
    struct uffd_msg message;
    if (read(monitor->child_fd, &message, sizeof message) != sizeof message)
        return 0;
    monitor->child_address = message.arg.pagefault.address;
    struct uffdio_copy copy = { message.arg.pagefault.address & ~(uint64_t)(PAGE - 1),
                                (uint64_t)(uintptr_t)source, PAGE, 0, 0 };
    if (ioctl(monitor->child_fd, UFFDIO_COPY, &copy) == 0)
        monitor->served = 1;
    return 0;
}

static void fork_events(void)
{
    int fd = userfault_open(O_CLOEXEC, UFFD_FEATURE_EVENT_FORK);
    REQUIRE(fd >= 0);
    char *area = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, 2 * PAGE) == 0);
    struct monitor state = { fd, -1, 0, -1, 0, 0, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, monitor, &state) == 0);
    pid_t child = fork();
    if (child == 0)
        _exit(area[PAGE + 5] == 'F' ? 0 : 1);
    CHECK_EQ(state.reading, 1);         /* fork returned after the read began */
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pthread_join(thread, 0);
    CHECK_EQ(state.fork_event, UFFD_EVENT_FORK);
    CHECK(state.child_fd > fd);
    CHECK_EQ(fcntl(state.child_fd, F_GETFD), FD_CLOEXEC);   /* as the parent's */
    CHECK_EQ(state.child_address, (uint64_t)(uintptr_t)area + PAGE);
    CHECK_EQ(state.served, 1);
    /* The parent's registration is as it was. */
    struct uffd_msg message;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    struct uffdio_zeropage zero = { { (uint64_t)(uintptr_t)area, PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    close(state.child_fd);
    close(fd);
    munmap(area, 2 * PAGE);
}

/* Polls for the fork event, tries ZEROPAGE, then reads the event. */
static void *zero_before_reading(void *argument)
{
    struct monitor *monitor = argument;
    struct pollfd poller = { monitor->fd, POLLIN, 0 };
    if (poll(&poller, 1, 10000) != 1 || poller.revents != POLLIN)
        return 0;
    struct uffdio_zeropage zero = { { monitor->child_address, PAGE }, 0, 7 };
    if (ioctl(monitor->fd, UFFDIO_ZEROPAGE, &zero) == -1 && errno == EAGAIN && zero.zeropage == 7)
        monitor->served = 1;
    pause_briefly();            /* time enough for the child, were it running */
    char byte;
    monitor->reading = read(monitor->from_child, &byte, 1) == -1 && errno == EAGAIN;
    take_fork_event(monitor);
    return 0;
}

static void zeropage_waits_for_the_fork_event(void)
{
    int fd = userfault_open(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_FORK);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, PAGE) == 0);
    int from_child[2];
    REQUIRE(pipe2(from_child, O_NONBLOCK) == 0);
    struct monitor state = { fd, from_child[0], 0, -1, (uint64_t)(uintptr_t)area, 0, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, zero_before_reading, &state) == 0);
    pid_t child = fork();
    if (child == 0)
        _exit(write(from_child[1], "c", 1) == 1 ? 0 : 1);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pthread_join(thread, 0);
    CHECK_EQ(state.served, 1);
    CHECK_EQ(state.reading, 1);         /* the child had not run */
    close(from_child[0]);
    close(from_child[1]);
    CHECK_EQ(state.fork_event, UFFD_EVENT_FORK);
    struct uffdio_zeropage zero = { { (uint64_t)(uintptr_t)area, PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    close(state.child_fd);
    close(fd);
    munmap(area, PAGE);
}

/* Reads the fork event, already waiting in read when the fork comes. */
static void *read_at_once(void *argument)
{
    struct monitor *monitor = argument;
    __atomic_store_n(&monitor->reading, 1, __ATOMIC_RELEASE);
    take_fork_event(monitor);
    return 0;
}

/* A reader already waiting takes the event as it comes; the fork goes on. */
static void a_waiting_reader_takes_the_event(void)
{
    int fd = userfault_open(O_CLOEXEC, UFFD_FEATURE_EVENT_FORK);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, PAGE) == 0);
    struct monitor state = { fd, -1, 0, -1, 0, 0, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, read_at_once, &state) == 0);
    while (!__atomic_load_n(&state.reading, __ATOMIC_ACQUIRE))
        sched_yield();
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    nanosleep(&pause, 0);       /* in read by now */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK(child > 0);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pthread_join(thread, 0);
    CHECK_EQ(state.fork_event, UFFD_EVENT_FORK);
    close(state.child_fd);
    close(fd);
    munmap(area, PAGE);
}

static void unprivileged(void)
{
    pid_t child = fork();
    if (child == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        int fd = userfaultfd(UFFD_USER_MODE_ONLY);
        CHECK(fd >= 0);
        struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_EVENT_FORK };
        CHECK_ERRNO(ioctl(fd, UFFDIO_API, &api), EPERM);
        api = (struct uffdio_api){ .api = UFFD_API };
        CHECK_OK(ioctl(fd, UFFDIO_API, &api));
        check_child_exit();
    }
    check_child_passed(child);
}

int main(void)
{
    fork_events();
    zeropage_waits_for_the_fork_event();
    a_waiting_reader_takes_the_event();
    unprivileged();
    return check_finish("memory_userfaultfd_fork");
}
