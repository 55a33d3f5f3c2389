/* userfaultfd as a pager: a thread's fault on a missing page of a
 * registered range waits until the pager, another thread, reads the
 * UFFD_EVENT_PAGEFAULT message (the page's address, WRITE for a write,
 * the thread's id with UFFD_FEATURE_THREAD_ID, the exact address with
 * UFFD_FEATURE_EXACT_ADDRESS) and fills the page: UFFDIO_COPY with its
 * bytes, UFFDIO_ZEROPAGE with zeroes; poll says POLLIN while a message
 * waits. UFFDIO_COPY is EEXIST for a page already there and returns the
 * bytes done, EAGAIN, when it stops at one; with MODE_DONTWAKE the thread
 * sleeps on until UFFDIO_WAKE. A blocking read waits for the next fault.
 * A signal for a waiting thread runs its handler, and the access faults
 * again after (a new message), as Linux's interruptible user faults do.
 * A process killed while one of its threads waits, and another waits in
 * read, dies as any other.
 * epoll reports EPOLLIN while a message waits (EPOLLERR for a descriptor
 * without O_NONBLOCK).
 * Closing the descriptor lets every waiting thread go on (its page filled
 * as any other). */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096

struct toucher {
    volatile char *address;
    int write;                  /* write 'w' instead of reading */
    volatile int tid;
    volatile int done;
    volatile char seen;
};

static void *touch(void *argument)
{
    struct toucher *toucher = argument;
    toucher->tid = (int)syscall(SYS_gettid);
    if (toucher->write)
        *toucher->address = 'w';
    toucher->seen = *toucher->address;
    __atomic_store_n(&toucher->done, 1, __ATOMIC_RELEASE);
    return 0;
}

static void start_touching(pthread_t *thread, struct toucher *toucher, char *address, int write)
{
    *toucher = (struct toucher){ .address = address, .write = write };
    REQUIRE(pthread_create(thread, 0, touch, toucher) == 0);
}

/* The next message, waiting for it with poll. */
static int next_message(int fd, struct uffd_msg *message)
{
    struct pollfd poller = { fd, POLLIN, 0 };
    if (poll(&poller, 1, 10000) != 1 || poller.revents != POLLIN)
        return -1;
    return (int)read(fd, message, sizeof *message);
}

static void copy_and_zero(int fd, char *area)
{
    static char source[PAGE] __attribute__((aligned(PAGE)));
    memset(source, 'A', sizeof source);
    pthread_t thread;
    struct toucher toucher;

    /* A read fault, filled with UFFDIO_COPY. */
    start_touching(&thread, &toucher, area + 100, 0);
    struct uffd_msg message;
    CHECK_EQ(next_message(fd, &message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_PAGEFAULT);
    CHECK_EQ(message.arg.pagefault.address, address_of(area + 100));
    CHECK_EQ(message.arg.pagefault.flags, 0);
    CHECK_EQ(toucher.done, 0);
    struct uffdio_copy copy = { address_of(area), address_of(source), PAGE, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_COPY, &copy));
    CHECK_EQ(copy.copy, PAGE);
    pthread_join(thread, 0);
    CHECK_EQ(message.arg.pagefault.ptid, toucher.tid);
    CHECK_EQ(toucher.seen, 'A');
    CHECK_EQ(area[PAGE - 1], 'A');

    /* A write fault, filled with UFFDIO_ZEROPAGE; the write then lands. */
    start_touching(&thread, &toucher, area + PAGE + 8, 1);
    CHECK_EQ(next_message(fd, &message), sizeof message);
    CHECK_EQ(message.arg.pagefault.address, address_of(area + PAGE + 8));
    CHECK_EQ(message.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE, UFFD_PAGEFAULT_FLAG_WRITE);
    struct uffdio_zeropage zero = { { address_of(area + PAGE), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    CHECK_EQ(zero.zeropage, PAGE);
    pthread_join(thread, 0);
    CHECK_EQ(toucher.seen, 'w');
    CHECK_EQ(area[PAGE + 9], 0);

    /* A page already there: EEXIST; a copy that reaches one: the bytes
     * before it, and EAGAIN. */
    copy = (struct uffdio_copy){ address_of(area), address_of(source), PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), EEXIST);
    CHECK_EQ(copy.copy, -EEXIST);
    zero = (struct uffdio_zeropage){ { address_of(area + 3 * PAGE), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    copy = (struct uffdio_copy){ address_of(area + 2 * PAGE), address_of(source), 2 * PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), EAGAIN);
    CHECK_EQ(copy.copy, PAGE);
    CHECK_EQ(area[2 * PAGE], 'A');
    CHECK_EQ(area[3 * PAGE], 0);
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
}

static void dont_wake_then_wake(int fd, char *area)
{
    static char source[PAGE] __attribute__((aligned(PAGE)));
    memset(source, 'B', sizeof source);
    pthread_t thread;
    struct toucher toucher;
    start_touching(&thread, &toucher, area + 4 * PAGE, 0);
    struct uffd_msg message;
    CHECK_EQ(next_message(fd, &message), sizeof message);
    struct uffdio_copy copy = { address_of(area + 4 * PAGE), address_of(source), PAGE,
                                UFFDIO_COPY_MODE_DONTWAKE, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_COPY, &copy));
    pause_briefly();
    CHECK_EQ(__atomic_load_n(&toucher.done, __ATOMIC_ACQUIRE), 0);   /* still asleep */
    struct uffdio_range range = { address_of(area + 4 * PAGE), PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_WAKE, &range));
    pthread_join(thread, 0);
    CHECK_EQ(toucher.seen, 'B');
    /* UFFDIO_WAKE without a page: the thread faults again, a new message. */
    start_touching(&thread, &toucher, area + 5 * PAGE, 0);
    CHECK_EQ(next_message(fd, &message), sizeof message);
    range = (struct uffdio_range){ address_of(area + 5 * PAGE), PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_WAKE, &range));
    CHECK_EQ(next_message(fd, &message), sizeof message);
    CHECK_EQ(message.arg.pagefault.address, address_of(area + 5 * PAGE));
    struct uffdio_zeropage zero = { range, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    pthread_join(thread, 0);
    CHECK_EQ(toucher.seen, 0);
}

/* The pager blocks in read; the main thread is the one that faults. */
struct pager { int fd; char fill; volatile int served; };

static void *serve_one(void *argument)
{
    struct pager *pager = argument;
    static char source[PAGE] __attribute__((aligned(PAGE)));
    struct uffd_msg message;
    if (read(pager->fd, &message, sizeof message) != sizeof message)
        return 0;
    memset(source, pager->fill, sizeof source);
    struct uffdio_copy copy = { message.arg.pagefault.address & ~(uint64_t)(PAGE - 1),
                                address_of(source), PAGE, 0, 0 };
    if (ioctl(pager->fd, UFFDIO_COPY, &copy) == 0)
        pager->served = 1;
    return 0;
}

static void blocking_pager(void)
{
    int fd = userfault_open(0, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, PAGE) == 0);
    struct pager pager = { fd, 'C', 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, serve_one, &pager) == 0);
    pause_briefly();            /* the pager waits in read by now, most likely */
    CHECK_EQ(area[123], 'C');
    pthread_join(thread, 0);
    CHECK_EQ(pager.served, 1);
    close(fd);
    munmap(area, PAGE);
}

/* Closing the descriptor lets the waiting thread go on: its page is
 * made as any other then (zeroes). */
static void close_releases(void)
{
    int fd = userfault_open(O_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, PAGE) == 0);
    pthread_t thread;
    struct toucher toucher;
    start_touching(&thread, &toucher, area + 7, 0);
    struct uffd_msg message;
    CHECK_EQ(next_message(fd, &message), sizeof message);
    CHECK_EQ(message.arg.pagefault.address, address_of(area));     /* no EXACT_ADDRESS */
    close(fd);
    pthread_join(thread, 0);
    CHECK_EQ(toucher.seen, 0);
    munmap(area, PAGE);
}

static volatile int handled;

static void note_signal(int signal)
{
    (void)signal;
    handled++;
}

static void a_signal_interrupts_the_wait(void)
{
    int fd = userfault_open(O_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, PAGE) == 0);
    struct sigaction action = { .sa_handler = note_signal };
    sigaction(SIGUSR1, &action, 0);
    pthread_t thread;
    struct toucher toucher;
    start_touching(&thread, &toucher, area + 3, 0);
    struct uffd_msg message;
    CHECK_EQ(next_message(fd, &message), sizeof message);
    pthread_kill(thread, SIGUSR1);
    for (int i = 0; i < 200 && !handled; i++)
        pause_briefly();
    CHECK_EQ(handled, 1);
    CHECK_EQ(toucher.done, 0);
    /* Back from the handler, the load faults again. */
    CHECK_EQ(next_message(fd, &message), sizeof message);
    CHECK_EQ(message.arg.pagefault.address, address_of(area));
    struct uffdio_zeropage zero = { { address_of(area), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    pthread_join(thread, 0);
    CHECK_EQ(toucher.done, 1);
    close(fd);
    munmap(area, PAGE);
}

static void killed_while_waiting(void)
{
    pid_t child = fork();
    if (child == 0) {
        int fd = userfault_open(0, 0);
        char *area = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                          -1, 0);
        if (fd < 0 || userfault_register(fd, area, 2 * PAGE) != 0)
            _exit(1);
        pthread_t thread;
        struct toucher toucher;
        start_touching(&thread, &toucher, area, 1);
        struct uffd_msg message;
        if (read(fd, &message, sizeof message) != sizeof message)
            _exit(1);
        struct pager pager = { fd, 'D', 0 };
        pthread_t reader;
        pthread_create(&reader, 0, serve_one, &pager);      /* waits in read */
        pause_briefly();
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* The pager waits in epoll_wait. */
static void epoll_pager(void)
{
    int fd = userfault_open(O_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(userfault_register(fd, area, PAGE) == 0);
    int epoll = epoll_create1(0);
    struct epoll_event event = { .events = EPOLLIN, .data.u64 = 77 };
    CHECK_OK(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event));
    CHECK_EQ(epoll_wait(epoll, &event, 1, 0), 0);
    pthread_t thread;
    struct toucher toucher;
    start_touching(&thread, &toucher, area + 9, 0);
    event = (struct epoll_event){ 0 };
    CHECK_EQ(epoll_wait(epoll, &event, 1, 10000), 1);
    CHECK_EQ(event.events, EPOLLIN);
    CHECK_EQ(event.data.u64, 77);
    struct uffd_msg message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(epoll_wait(epoll, &event, 1, 0), 0);
    struct uffdio_zeropage zero = { { address_of(area), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    pthread_join(thread, 0);
    CHECK_EQ(toucher.seen, 0);
    CHECK_OK(epoll_ctl(epoll, EPOLL_CTL_DEL, fd, 0));
    close(fd);
    /* Without O_NONBLOCK: EPOLLERR, as poll's POLLERR. */
    fd = userfault_open(0, 0);
    REQUIRE(fd >= 0);
    event = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 78 };
    CHECK_OK(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event));
    CHECK_EQ(epoll_wait(epoll, &event, 1, 0), 1);
    CHECK_EQ(event.events, EPOLLERR);
    close(fd);
    close(epoll);
    munmap(area, PAGE);
}

int main(void)
{
    int fd = userfault_open(O_NONBLOCK | O_CLOEXEC,
                            UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS);
    REQUIRE(fd >= 0);
    char *area = mmap(0, 6 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(userfault_register(fd, area, 6 * PAGE) == 0);
    copy_and_zero(fd, area);
    dont_wake_then_wake(fd, area);
    close(fd);
    blocking_pager();
    close_releases();
    epoll_pager();
    a_signal_interrupts_the_wait();
    killed_while_waiting();
    blocking_pager();       /* and all is as before */
    return check_finish("memory_userfaultfd_pager");
}
