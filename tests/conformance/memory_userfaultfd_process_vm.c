/* process_vm_readv and process_vm_writev on a page of a userfaultfd's
 * MISSING range: the copy waits for the pager, as a system call's own
 * access does. The pager gets a PAGEFAULT message (flags 0 for a read,
 * WRITE for a write; with UFFD_FEATURE_THREAD_ID the id of the thread
 * that made the call, another process's as well), and the call returns
 * every byte once the page is filled, the readable vectors before it
 * included. The wait is killable only: a handled signal runs once the
 * call returns, which it does with its bytes; SIGKILL ends the caller.
 * A page of a MINOR range of shared memory waits the same way (flags
 * MINOR) until UFFDIO_CONTINUE, and so do iovec arrays in a missing
 * page (the call goes on with what the pager put there). A pager that closes its descriptor
 * releases the waiter (the page is then a zero page). With UFFD_USER_MODE_ONLY such an access is not the
 * pager's: EFAULT. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096

struct transfer {
    pid_t pid;
    struct iovec local[2], remote[2];
    int local_count, remote_count;
    int write;
    volatile int tid;
    ssize_t result;
    int error;
};

static void *transfer(void *argument)
{
    struct transfer *call = argument;
    call->tid = (int)syscall(SYS_gettid);
    errno = 0;
    call->result = call->write
                       ? process_vm_writev(call->pid, call->local, call->local_count,
                                           call->remote, call->remote_count, 0)
                       : process_vm_readv(call->pid, call->local, call->local_count,
                                          call->remote, call->remote_count, 0);
    call->error = errno;
    return 0;
}

/* transfer, with the local array at the registered area's page 7. */
static char *array_area;

static void *transfer_from_array(void *argument)
{
    struct transfer *call = argument;
    call->tid = (int)syscall(SYS_gettid);
    errno = 0;
    call->result = process_vm_readv(call->pid, (struct iovec *)(array_area + 7 * PAGE), 1,
                                    call->remote, 1, 0);
    call->error = errno;
    return 0;
}

/* Reads the next message, which must be a fault at address. */
static void expect_fault(int fd, const void *address, uint64_t flags, int tid)
{
    struct uffd_msg message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_PAGEFAULT);
    CHECK_EQ(message.arg.pagefault.flags, flags);
    CHECK(message.arg.pagefault.address == address_of(address));
    CHECK_EQ(message.arg.pagefault.ptid, tid);
}

static void fill(int fd, void *page, char byte)
{
    static char source[PAGE] __attribute__((aligned(PAGE)));
    memset(source, byte, sizeof source);
    struct uffdio_copy copy = { address_of(page), address_of(source), PAGE, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_COPY, &copy));
    CHECK_EQ(copy.copy, PAGE);
}

/* A thread of this process reads a missing page, then one vector that
 * is there and one that is missing; another writes a missing page. */
static void a_thread_waits_for_the_pager(int fd, char *area)
{
    static char into[3 * PAGE], from[PAGE];
    static char present[PAGE];
    memset(present, 'p', sizeof present);

    struct transfer call = { .pid = getpid(), .local_count = 1, .remote_count = 1 };
    call.local[0] = (struct iovec){ into, PAGE };
    call.remote[0] = (struct iovec){ area, PAGE };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, transfer, &call) == 0);
    while (!__atomic_load_n(&call.tid, __ATOMIC_ACQUIRE))
        pause_briefly();
    expect_fault(fd, area, 0, call.tid);
    fill(fd, area, 'a');
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, PAGE);
    CHECK_EQ(into[0], 'a');
    CHECK_EQ(into[PAGE - 1], 'a');

    call = (struct transfer){ .pid = getpid(), .local_count = 1, .remote_count = 2 };
    call.local[0] = (struct iovec){ into, 3 * PAGE };
    call.remote[0] = (struct iovec){ present, PAGE };
    call.remote[1] = (struct iovec){ area + PAGE, 2 * PAGE };
    REQUIRE(pthread_create(&thread, 0, transfer, &call) == 0);
    while (!__atomic_load_n(&call.tid, __ATOMIC_ACQUIRE))
        pause_briefly();
    expect_fault(fd, area + PAGE, 0, call.tid);
    fill(fd, area + PAGE, 'b');
    expect_fault(fd, area + 2 * PAGE, 0, call.tid);
    fill(fd, area + 2 * PAGE, 'c');
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, 3 * PAGE);
    CHECK_EQ(into[0], 'p');
    CHECK_EQ(into[PAGE], 'b');
    CHECK_EQ(into[2 * PAGE], 'c');

    memset(from, 'w', sizeof from);
    call = (struct transfer){ .pid = getpid(), .local_count = 1, .remote_count = 1, .write = 1 };
    call.local[0] = (struct iovec){ from, 100 };
    call.remote[0] = (struct iovec){ area + 3 * PAGE + 8, 100 };
    REQUIRE(pthread_create(&thread, 0, transfer, &call) == 0);
    while (!__atomic_load_n(&call.tid, __ATOMIC_ACQUIRE))
        pause_briefly();
    expect_fault(fd, area + 3 * PAGE, UFFD_PAGEFAULT_FLAG_WRITE, call.tid);
    fill(fd, area + 3 * PAGE, 'd');
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, 100);
    CHECK_EQ(area[3 * PAGE], 'd');
    CHECK_EQ(area[3 * PAGE + 8], 'w');
    CHECK_EQ(area[3 * PAGE + 107], 'w');
    CHECK_EQ(area[3 * PAGE + 108], 'd');
}

static volatile sig_atomic_t signalled;

static void note_signal(int signal)
{
    (void)signal;
    signalled = 1;
}

/* A child reads the parent's missing page: its message carries the
 * child's id. A handled signal does not end the wait; SIGKILL does. */
static void another_process_waits_killably(int fd, char *area)
{
    int verdict[2];
    REQUIRE(pipe(verdict) == 0);
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct sigaction action = { .sa_handler = note_signal };
        sigaction(SIGUSR1, &action, 0);
        static char into[PAGE];
        struct iovec local = { into, PAGE }, remote = { area + 4 * PAGE, PAGE };
        errno = 0;
        ssize_t result = process_vm_readv(parent, &local, 1, &remote, 1, 0);
        CHECK_EQ(result, PAGE);
        CHECK_EQ(errno, 0);
        CHECK_EQ(into[0], 'e');
        CHECK_EQ(signalled, 1);
        char passed = check_failures == 0;
        REQUIRE(write(verdict[1], &passed, 1) == 1);
        remote.iov_base = area + 5 * PAGE;
        process_vm_readv(parent, &local, 1, &remote, 1, 0);
        check_child_exit();
    }
    expect_fault(fd, area + 4 * PAGE, 0, child);
    CHECK_OK(kill(child, SIGUSR1));
    pause_briefly();
    fill(fd, area + 4 * PAGE, 'e');
    char passed = 0;
    CHECK_EQ(read(verdict[0], &passed, 1), 1);
    CHECK_EQ(passed, 1);
    expect_fault(fd, area + 5 * PAGE, 0, child);
    CHECK_OK(kill(child, SIGKILL));
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(verdict[0]);
    close(verdict[1]);
}

#define UFFD_PAGEFAULT_FLAG_MINOR 4

/* A page the memfd has, not mapped in the MINOR-registered mapping. */
static void a_minor_page_waits_too(int fd)
{
    int memfd = memfd_create("process_vm", 0);
    REQUIRE(memfd >= 0);
    REQUIRE(ftruncate(memfd, PAGE) == 0 && pwrite(memfd, "m", 1, 0) == 1);
    char *alias = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    char *registered = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    REQUIRE(alias != MAP_FAILED && registered != MAP_FAILED);
    struct uffdio_register minor = { { address_of(registered), PAGE },
                                     UFFDIO_REGISTER_MODE_MINOR, 0 };
    REQUIRE(ioctl(fd, UFFDIO_REGISTER, &minor) == 0);
    static char into[PAGE];
    struct transfer call = { .pid = getpid(), .local_count = 1, .remote_count = 1 };
    call.local[0] = (struct iovec){ into, PAGE };
    call.remote[0] = (struct iovec){ registered, PAGE };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, transfer, &call) == 0);
    while (!__atomic_load_n(&call.tid, __ATOMIC_ACQUIRE))
        pause_briefly();
    expect_fault(fd, registered, UFFD_PAGEFAULT_FLAG_MINOR, call.tid);
    alias[1] = 'n';
    struct uffdio_continue next = { { address_of(registered), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_CONTINUE, &next));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, PAGE);
    CHECK_EQ(into[0], 'm');
    CHECK_EQ(into[1], 'n');
    struct uffdio_range range = { address_of(registered), PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
    munmap(alias, PAGE);
    munmap(registered, PAGE);
    close(memfd);
}

/* The local iovec array lies in a missing page: the pager fills it with
 * the array, and the call goes on. */
static void an_iovec_array_waits_too(int fd, char *area)
{
    static char into[PAGE], present[PAGE];
    memset(present, 'q', sizeof present);
    struct iovec *array = (struct iovec *)(area + 7 * PAGE);
    struct transfer call = { .pid = getpid(), .local_count = 1, .remote_count = 1 };
    call.remote[0] = (struct iovec){ present, PAGE };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, transfer_from_array, &call) == 0);
    while (!__atomic_load_n(&call.tid, __ATOMIC_ACQUIRE))
        pause_briefly();
    expect_fault(fd, array, 0, call.tid);
    static struct iovec source[PAGE / sizeof(struct iovec)] __attribute__((aligned(PAGE)));
    source[0] = (struct iovec){ into, PAGE };
    struct uffdio_copy copy = { address_of(array), address_of(source), PAGE, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_COPY, &copy));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, PAGE);
    CHECK_EQ(into[0], 'q');
}

/* Closing the descriptor lets a waiting call go on: a zero page. */
static void closing_the_descriptor_releases_the_waiter(int fd, char *area)
{
    static char into[PAGE];
    memset(into, 'x', sizeof into);
    struct transfer call = { .pid = getpid(), .local_count = 1, .remote_count = 1 };
    call.local[0] = (struct iovec){ into, PAGE };
    call.remote[0] = (struct iovec){ area + 6 * PAGE, PAGE };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, transfer, &call) == 0);
    while (!__atomic_load_n(&call.tid, __ATOMIC_ACQUIRE))
        pause_briefly();
    expect_fault(fd, area + 6 * PAGE, 0, call.tid);
    CHECK_OK(close(fd));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, PAGE);
    CHECK_EQ(into[0], 0);
    CHECK_EQ(into[PAGE - 1], 0);
}

/* UFFD_USER_MODE_ONLY: process_vm's access is not the pager's. */
static void user_mode_only_is_efault(void)
{
    int fd = userfault_open(UFFD_USER_MODE_ONLY, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(userfault_register(fd, area, 2 * PAGE) == 0);
    static char into[2 * PAGE], present[PAGE];
    struct iovec local = { into, PAGE }, remote = { area, PAGE };
    CHECK_ERRNO(process_vm_readv(getpid(), &local, 1, &remote, 1, 0), EFAULT);
    struct iovec two_local = { into, 2 * PAGE };
    struct iovec two_remote[2] = { { present, PAGE }, { area + PAGE, PAGE } };
    CHECK_EQ(process_vm_readv(getpid(), &two_local, 1, two_remote, 2, 0), PAGE);
    CHECK_OK(close(fd));
}

int main(void)
{
    int fd = userfault_open(O_CLOEXEC, UFFD_FEATURE_THREAD_ID);
    REQUIRE(fd >= 0);
    char *area = mmap(0, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(userfault_register(fd, area, 8 * PAGE) == 0);
    a_thread_waits_for_the_pager(fd, area);
    another_process_waits_killably(fd, area);
    a_minor_page_waits_too(fd);
    array_area = area;
    an_iovec_array_waits_too(fd, area);
    closing_the_descriptor_releases_the_waiter(fd, area);
    user_mode_only_is_efault();
    return check_finish("memory_userfaultfd_process_vm");
}
