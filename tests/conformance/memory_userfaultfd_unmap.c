/* UFFD_EVENT_UNMAP (UFFD_FEATURE_EVENT_UNMAP): munmap of a range that
 * holds memory registered with a userfaultfd that asked for the event
 * queues an UNMAP message with the call's whole range (start, end), and
 * returns only once the monitor has read it (so does a MAP_FIXED mmap
 * over such memory, with the new mapping's range); meanwhile UFFDIO_COPY and
 * ZEROPAGE are EAGAIN, with nothing written back. A read gives waiting
 * faults before events. A munmap that touches no registered memory, or
 * memory of a descriptor without the feature, makes no event. Closing
 * the descriptor lets a waiting munmap return. The wait is killable
 * only: a handled signal runs once munmap returns 0; SIGKILL ends it. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#define UFFD_FEATURE_EVENT_UNMAP (1ULL << 6)
#define UFFD_EVENT_UNMAP 0x16

struct unmapping {
    void *start;
    size_t length;
    volatile int done;
    int result;
    int error;
};

static void *unmap(void *argument)
{
    struct unmapping *call = argument;
    errno = 0;
    call->result = munmap(call->start, call->length);
    call->error = errno;
    __atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
    return 0;
}

/* unmap, in a thread that takes SIGUSR1 (the others block it). */
static void *unmap_taking_usr1(void *argument)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &usr1, 0);
    return unmap(argument);
}

struct fixed_mapping {
    void *start;
    size_t length;
    void *result;
};

static void *map_over(void *argument)
{
    struct fixed_mapping *call = argument;
    call->result = mmap(call->start, call->length, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return 0;
}

static void *touch(void *argument)
{
    volatile char *address = argument;
    (void)*address;
    return 0;
}

/* pages of memory, the first `registered` of them registered. */
static char *registered_area(int fd, unsigned pages, unsigned registered)
{
    char *area = mmap(0, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(userfault_register(fd, area, registered * PAGE) == 0);
    return area;
}

/* A munmap of part of the area waits until its event is read. */
static void munmap_waits_for_its_event(int fd)
{
    char *area = registered_area(fd, 6, 4);
    struct unmapping call = { area + PAGE, 2 * PAGE, 0, -1, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, unmap, &call) == 0);
    CHECK(message_waits(fd));
    pause_briefly();
    CHECK_EQ(__atomic_load_n(&call.done, __ATOMIC_ACQUIRE), 0);
    static char source[PAGE];
    struct uffdio_copy copy = { address_of(area), address_of(source), PAGE, 0, 7 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), EAGAIN);
    CHECK_EQ(copy.copy, 7);
    struct uffdio_zeropage zero = { { address_of(area), PAGE }, 0, 7 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_ZEROPAGE, &zero), EAGAIN);
    CHECK_EQ(zero.zeropage, 7);
    struct remove_message message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_UNMAP);
    CHECK(message.start == address_of(area + PAGE));
    CHECK(message.end == address_of(area + 3 * PAGE));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, 0);
    /* The rest is registered still, and COPY works again. */
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    CHECK_EQ(zero.zeropage, PAGE);
    CHECK_EQ(area[0], 0);

    /* A munmap reaching past the registered memory: the call's range. */
    call = (struct unmapping){ area + 3 * PAGE, 3 * PAGE, 0, -1, 0 };
    REQUIRE(pthread_create(&thread, 0, unmap, &call) == 0);
    CHECK(message_waits(fd));
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_UNMAP);
    CHECK(message.start == address_of(area + 3 * PAGE));
    CHECK(message.end == address_of(area + 6 * PAGE));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, 0);
    /* Unregistered first, the last page goes with no event. */
    struct uffdio_range range = { address_of(area), PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
    CHECK_OK(munmap(area, PAGE));
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
}

/* A MAP_FIXED mmap over registered memory unmaps it: the event has the
 * new mapping's range, and the new memory is not registered. */
static void map_fixed_unmaps(int fd)
{
    char *area = registered_area(fd, 4, 2);
    struct fixed_mapping call = { area + PAGE, 2 * PAGE, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, map_over, &call) == 0);
    CHECK(message_waits(fd));
    struct remove_message message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_UNMAP);
    CHECK(message.start == address_of(area + PAGE));
    CHECK(message.end == address_of(area + 3 * PAGE));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK(call.result == area + PAGE);
    area[PAGE] = 'n';               /* not registered: no fault */
    CHECK_EQ(area[PAGE], 'n');
    struct uffdio_range range = { address_of(area), PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
    CHECK_OK(munmap(area, 4 * PAGE));
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
}

/* Faults come before events in a read. */
static void faults_are_read_before_events(int fd)
{
    char *area = registered_area(fd, 2, 2);
    pthread_t toucher, unmapper;
    REQUIRE(pthread_create(&toucher, 0, touch, area) == 0);
    CHECK(message_waits(fd));
    struct unmapping call = { area + PAGE, PAGE, 0, -1, 0 };
    REQUIRE(pthread_create(&unmapper, 0, unmap, &call) == 0);
    pause_briefly();
    struct uffd_msg messages[2];
    CHECK_EQ(read(fd, messages, sizeof messages), 2 * sizeof messages[0]);
    CHECK_EQ(messages[0].event, UFFD_EVENT_PAGEFAULT);
    CHECK(messages[0].arg.pagefault.address == address_of(area));
    CHECK_EQ(messages[1].event, UFFD_EVENT_UNMAP);
    REQUIRE(pthread_join(unmapper, 0) == 0);
    CHECK_EQ(call.result, 0);
    struct uffdio_zeropage zero = { { address_of(area), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    REQUIRE(pthread_join(toucher, 0) == 0);
    struct uffdio_range range = { address_of(area), PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
    CHECK_OK(munmap(area, PAGE));
}

/* No event where nothing registered goes, or without the feature. */
static void no_event_otherwise(int fd)
{
    char *plain = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(plain != MAP_FAILED);
    CHECK_OK(munmap(plain, PAGE));
    struct remove_message message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    int without = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
    REQUIRE(without >= 0);
    char *area = registered_area(without, 2, 2);
    CHECK_OK(munmap(area, 2 * PAGE));
    CHECK_ERRNO(read(without, &message, sizeof message), EAGAIN);
    close(without);
}

/* Closing the descriptor lets a waiting munmap return. */
static void closing_releases_a_waiting_munmap(void)
{
    int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, UFFD_FEATURE_EVENT_UNMAP);
    REQUIRE(fd >= 0);
    char *area = registered_area(fd, 2, 2);
    struct unmapping call = { area, 2 * PAGE, 0, -1, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, unmap, &call) == 0);
    CHECK(message_waits(fd));
    CHECK_OK(close(fd));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, 0);
}

static volatile sig_atomic_t signalled;

static void note_signal(int signal)
{
    (void)signal;
    signalled = 1;
}

/* In a child: a thread's munmap waits; SIGUSR1 (which only that thread
 * takes) does not end it, and its handler runs once munmap returns 0
 * after the event is read. Another munmap waits until SIGKILL. */
static void the_wait_is_killable_only(void)
{
    int go[2], waiting[2];
    REQUIRE(pipe(go) == 0 && pipe(waiting) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &usr1, 0);
        struct sigaction action = { .sa_handler = note_signal };
        sigaction(SIGUSR1, &action, 0);
        int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, UFFD_FEATURE_EVENT_UNMAP);
        REQUIRE(fd >= 0);
        char *area = registered_area(fd, 2, 2);
        struct unmapping call = { area, PAGE, 0, -1, 0 };
        pthread_t thread;
        REQUIRE(pthread_create(&thread, 0, unmap_taking_usr1, &call) == 0);
        CHECK(message_waits(fd));
        char byte = 'w';
        REQUIRE(write(waiting[1], &byte, 1) == 1);
        REQUIRE(read(go[0], &byte, 1) == 1);
        CHECK_EQ(__atomic_load_n(&call.done, __ATOMIC_ACQUIRE), 0);
        struct remove_message message;
        CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
        REQUIRE(pthread_join(thread, 0) == 0);
        CHECK_EQ(call.result, 0);
        CHECK_EQ(call.error, 0);
        CHECK_EQ(signalled, 1);
        byte = check_failures == 0 ? 'p' : 'f';     /* its verdict, as SIGKILL ends it */
        REQUIRE(write(waiting[1], &byte, 1) == 1);
        munmap(area + PAGE, PAGE);      /* waits for good */
        check_child_exit();
    }
    char byte;
    CHECK_EQ(read(waiting[0], &byte, 1), 1);
    CHECK_OK(kill(child, SIGUSR1));
    pause_briefly();
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK_EQ(read(waiting[0], &byte, 1), 1);
    CHECK_EQ(byte, 'p');
    pause_briefly();
    CHECK_OK(kill(child, SIGKILL));
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(go[0]);
    close(go[1]);
    close(waiting[0]);
    close(waiting[1]);
}

int main(void)
{
    int fd = userfaultfd(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    REQUIRE(fd >= 0);
    struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_EVENT_UNMAP };
    CHECK_OK(ioctl(fd, UFFDIO_API, &api));
    CHECK(api.features & UFFD_FEATURE_EVENT_UNMAP);
    munmap_waits_for_its_event(fd);
    map_fixed_unmaps(fd);
    faults_are_read_before_events(fd);
    no_event_otherwise(fd);
    closing_releases_a_waiting_munmap();
    the_wait_is_killable_only();
    close(fd);
    return check_finish("memory_userfaultfd_unmap");
}
