/* UFFD_EVENT_REMAP (UFFD_FEATURE_EVENT_REMAP): an mremap that moves
 * memory registered with a userfaultfd that asked for the event queues a
 * REMAP message (the old address, the new, the old length) and returns
 * only once the monitor has read it; the registration moves with the
 * memory, over its whole new length. Without the feature the new memory
 * is not registered, and with UFFD_FEATURE_EVENT_UNMAP alone the move
 * unmaps the old range as munmap would (an UNMAP event). A shrinking
 * mremap unmaps its tail (UNMAP). MREMAP_DONTUNMAP leaves the old range
 * registered, and empty. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define UFFD_FEATURE_EVENT_REMAP (1ULL << 2)
#define UFFD_FEATURE_EVENT_UNMAP (1ULL << 6)
#define UFFD_EVENT_REMAP 0x14
#define UFFD_EVENT_UNMAP 0x16

/* A REMAP event's message. */
struct remap_message {
    uint8_t event, reserved1;
    uint16_t reserved2;
    uint32_t reserved3;
    uint64_t from, to, length;
} __attribute__((packed));

struct remapping {
    void *address;
    size_t old_length, new_length;
    int flags;
    volatile int done;
    void *result;
};

static void *remap(void *argument)
{
    struct remapping *call = argument;
    call->result = mremap(call->address, call->old_length, call->new_length, call->flags);
    __atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
    return 0;
}

static void *touch(void *argument)
{
    volatile char *address = argument;
    (void)*address;
    return 0;
}

/* pages + 1 pages of memory, the first `pages` registered with fd and
 * the last read-only, so that a grow must move. */
static char *registered_area(int fd, unsigned pages)
{
    char *area = mmap(0, (pages + 1) * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    REQUIRE(mprotect(area + pages * PAGE, PAGE, PROT_READ) == 0);
    REQUIRE(userfault_register(fd, area, pages * PAGE) == 0);
    return area;
}

/* A page of the registered memory at address is missing: a thread that
 * touches it waits for the pager, whose message names it. */
static void page_faults_to_the_pager(int fd, char *address)
{
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, touch, address) == 0);
    CHECK(message_waits(fd));
    struct uffd_msg message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_PAGEFAULT);
    CHECK(message.arg.pagefault.address == address_of(address));
    /* Linux's mremap may not yet have ended an event's EAGAIN for the
     * ioctls when its event was read: again until it has. */
    struct uffdio_zeropage zero = { { address_of(address), PAGE }, 0, 0 };
    int result;
    while ((result = ioctl(fd, UFFDIO_ZEROPAGE, &zero)) != 0 && errno == EAGAIN)
        pause_briefly();
    CHECK_EQ(result, 0);
    REQUIRE(pthread_join(thread, 0) == 0);
}

static void move_sends_remap_and_the_registration_moves(void)
{
    int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, UFFD_FEATURE_EVENT_REMAP);
    REQUIRE(fd >= 0);
    char *area = registered_area(fd, 2);
    static char source[PAGE] = "moved";
    struct uffdio_copy copy = { address_of(area), address_of(source), PAGE, 0, 0 };
    REQUIRE(ioctl(fd, UFFDIO_COPY, &copy) == 0);
    struct remapping call = { area, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, remap, &call) == 0);
    CHECK(message_waits(fd));
    pause_briefly();
    CHECK_EQ(__atomic_load_n(&call.done, __ATOMIC_ACQUIRE), 0);
    struct remap_message message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    REQUIRE(pthread_join(thread, 0) == 0);
    char *moved = call.result;
    REQUIRE(moved != MAP_FAILED);
    CHECK(moved != area);
    CHECK_EQ(message.event, UFFD_EVENT_REMAP);
    CHECK(message.from == address_of(area));
    CHECK(message.to == address_of(moved));
    CHECK_EQ(message.length, 2 * PAGE);
    CHECK(strcmp(moved, "moved") == 0);
    /* Both the moved page that was missing and the grown part fault. */
    page_faults_to_the_pager(fd, moved + PAGE);
    page_faults_to_the_pager(fd, moved + 3 * PAGE);
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    CHECK_OK(munmap(moved, 4 * PAGE));
    CHECK_OK(munmap(area + 2 * PAGE, PAGE));
    close(fd);
}

/* Without EVENT_REMAP the new memory is not registered: no event, no
 * fault, the call does not wait. */
static void move_without_the_feature(void)
{
    int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
    REQUIRE(fd >= 0);
    char *area = registered_area(fd, 2);
    char *moved = mremap(area, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    REQUIRE(moved != MAP_FAILED);
    CHECK_EQ(moved[PAGE], 0);
    struct remap_message message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    CHECK_OK(munmap(moved, 4 * PAGE));
    CHECK_OK(munmap(area + 2 * PAGE, PAGE));
    close(fd);
}

/* Reads the events of an mremap in a thread (which waits for them):
 * up to `wanted` messages into messages; the call's result. */
static void *remap_reading(int fd, struct remapping *call, struct remap_message *messages,
                           unsigned wanted)
{
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, remap, call) == 0);
    for (unsigned i = 0; i < wanted; i++) {
        CHECK(message_waits(fd));
        CHECK_EQ(read(fd, &messages[i], sizeof messages[i]), sizeof messages[i]);
    }
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_ERRNO(read(fd, &messages[0], sizeof messages[0]), EAGAIN);
    return call->result;
}

/* With EVENT_UNMAP, a move unmaps the old range: an UNMAP event for it
 * (after the REMAP with both features); a shrink unmaps its tail. */
static void unmap_events_of_mremap(void)
{
    int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, UFFD_FEATURE_EVENT_UNMAP);
    REQUIRE(fd >= 0);
    char *area = registered_area(fd, 2);
    struct remap_message messages[2];
    struct remapping call = { area, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0, 0 };
    char *moved = remap_reading(fd, &call, messages, 1);
    REQUIRE(moved != MAP_FAILED);
    CHECK_EQ(messages[0].event, UFFD_EVENT_UNMAP);
    CHECK(messages[0].from == address_of(area));
    CHECK(messages[0].to == address_of(area + 2 * PAGE));
    CHECK_EQ(moved[PAGE], 0);       /* not registered */
    CHECK_OK(munmap(moved, 4 * PAGE));
    CHECK_OK(munmap(area + 2 * PAGE, PAGE));
    close(fd);

    fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, UFFD_FEATURE_EVENT_UNMAP | UFFD_FEATURE_EVENT_REMAP);
    REQUIRE(fd >= 0);
    area = registered_area(fd, 2);
    call = (struct remapping){ area, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0, 0 };
    moved = remap_reading(fd, &call, messages, 2);
    REQUIRE(moved != MAP_FAILED);
    CHECK_EQ(messages[0].event, UFFD_EVENT_REMAP);
    CHECK(messages[0].to == address_of(moved));
    CHECK_EQ(messages[1].event, UFFD_EVENT_UNMAP);
    CHECK(messages[1].from == address_of(area));
    CHECK(messages[1].to == address_of(area + 2 * PAGE));

    /* A shrink: the tail's range. */
    call = (struct remapping){ moved, 4 * PAGE, PAGE, 0, 0, 0 };
    CHECK(remap_reading(fd, &call, messages, 1) == moved);
    CHECK_EQ(messages[0].event, UFFD_EVENT_UNMAP);
    CHECK(messages[0].from == address_of(moved + PAGE));
    CHECK(messages[0].to == address_of(moved + 4 * PAGE));
    page_faults_to_the_pager(fd, moved);
    close(fd);                      /* else munmap would wait for its event */
    CHECK_OK(munmap(moved, PAGE));
    CHECK_OK(munmap(area + 2 * PAGE, PAGE));
}

/* MREMAP_DONTUNMAP: the old range stays registered and empty (its
 * pages fault to the pager), the new one has the pages. */
static void dontunmap_keeps_the_old_range_registered(void)
{
    int fd = userfault_open(O_NONBLOCK | UFFD_USER_MODE_ONLY, UFFD_FEATURE_EVENT_REMAP);
    REQUIRE(fd >= 0);
    char *area = registered_area(fd, 1);
    static char source[PAGE] = "kept";
    struct uffdio_copy copy = { address_of(area), address_of(source), PAGE, 0, 0 };
    REQUIRE(ioctl(fd, UFFDIO_COPY, &copy) == 0);
    struct remap_message message;
    struct remapping call = { area, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0, 0 };
    char *moved = remap_reading(fd, &call, &message, 1);
    REQUIRE(moved != MAP_FAILED);
    CHECK_EQ(message.event, UFFD_EVENT_REMAP);
    CHECK(message.from == address_of(area));
    CHECK(message.to == address_of(moved));
    CHECK_EQ(message.length, PAGE);
    CHECK(strcmp(moved, "kept") == 0);
    page_faults_to_the_pager(fd, area);
    CHECK_EQ(area[0], 0);
    CHECK_OK(munmap(moved, PAGE));
    CHECK_OK(munmap(area, 2 * PAGE));
    close(fd);
}

int main(void)
{
    move_sends_remap_and_the_registration_moves();
    move_without_the_feature();
    unmap_events_of_mremap();
    dontunmap_keeps_the_old_range_registered();
    return check_finish("memory_userfaultfd_remap");
}
