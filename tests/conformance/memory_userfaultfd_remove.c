/* UFFD_EVENT_REMOVE (UFFD_FEATURE_EVENT_REMOVE): madvise(MADV_DONTNEED)
 * over memory registered with a userfaultfd that asked for the event
 * queues a REMOVE message for each registered region the range covers
 * (the range clipped to it), and returns only once the monitor read it;
 * the pages are gone afterwards, so the next touch is a MISSING fault
 * again. Memory of a descriptor without the feature, or not registered,
 * makes no event; a madvise that drops nothing (a hint) makes none. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#define UFFD_FEATURE_EVENT_REMOVE (1ULL << 3)
#define UFFD_EVENT_REMOVE 0x15

struct advice {
    void *start;
    size_t length;
    int advice;
    volatile int done;
    int result;
};

static void *advise(void *argument)
{
    struct advice *call = argument;
    call->result = madvise(call->start, call->length, call->advice);
    __atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
    return 0;
}

/* Fills the page at address through the pager (UFFDIO_COPY of value). */
static void fill_page(int fd, char *address, char value)
{
    static char source[PAGE];
    memset(source, value, PAGE);
    struct uffdio_copy copy = { address_of(address), address_of(source), PAGE, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_COPY, &copy));
    CHECK_EQ(copy.copy, PAGE);
}

static void dontneed_waits_for_its_event(int fd)
{
    char *area = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(userfault_register(fd, area, 2 * PAGE) == 0);
    fill_page(fd, area, 'a');
    fill_page(fd, area + PAGE, 'b');
    CHECK_EQ(area[PAGE], 'b');
    area[2 * PAGE] = 'c';           /* not registered */

    /* The range reaches past the registered memory: the event has the
     * registered part. */
    struct advice call = { area, 3 * PAGE, MADV_DONTNEED, 0, -1 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, advise, &call) == 0);
    CHECK(message_waits(fd));
    pause_briefly();
    CHECK_EQ(__atomic_load_n(&call.done, __ATOMIC_ACQUIRE), 0);
    struct remove_message message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_REMOVE);
    CHECK(message.start == address_of(area));
    CHECK(message.end == address_of(area + 2 * PAGE));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(call.result, 0);
    CHECK_EQ(area[2 * PAGE], 0);    /* dropped too, with no event */

    /* The registered pages are missing again: filled anew by the pager. */
    fill_page(fd, area + PAGE, 'd');
    CHECK_EQ(area[PAGE], 'd');
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);

    /* A hint drops nothing and says nothing. */
    CHECK_OK(madvise(area, 2 * PAGE, MADV_WILLNEED));
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    CHECK_EQ(area[PAGE], 'd');
    CHECK_OK(munmap(area, 4 * PAGE));
}

static void no_event_without_the_feature(void)
{
    int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(userfault_register(fd, area, 2 * PAGE) == 0);
    fill_page(fd, area, 'x');
    CHECK_OK(madvise(area, 2 * PAGE, MADV_DONTNEED));
    struct remove_message message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    /* The page went all the same. */
    fill_page(fd, area, 'y');
    CHECK_EQ(area[0], 'y');
    CHECK_OK(munmap(area, 2 * PAGE));
    close(fd);
}

int main(void)
{
    int fd = userfaultfd(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    REQUIRE(fd >= 0);
    struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_EVENT_REMOVE };
    CHECK_OK(ioctl(fd, UFFDIO_API, &api));
    CHECK(api.features & UFFD_FEATURE_EVENT_REMOVE);
    dontneed_waits_for_its_event(fd);
    no_event_without_the_feature();
    close(fd);
    printf("MADV_DONTNEED's REMOVE events: the registered part, waited for; none without the feature\n");
    return check_finish("memory_userfaultfd_remove");
}
