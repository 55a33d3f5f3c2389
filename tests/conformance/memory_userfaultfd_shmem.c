/* userfaultfd's MISSING mode on shared memory, as Linux 6.1 has it
 * (UFFD_FEATURE_MISSING_SHMEM): a MAP_SHARED mapping of a memfd (or of
 * shared anonymous memory) registered MISSING answers ioctls WAKE, COPY
 * and ZEROPAGE. A fault on a page the file does not have (a hole) waits
 * for the pager; a page the file has is mapped at once. UFFDIO_COPY and
 * ZEROPAGE put the page in the file, so every mapping and read(2) see
 * it: EEXIST for a page the file has already (mapped here or not),
 * EFAULT past the end of the file. Registered MISSING and MINOR at once,
 * a hole is a MISSING fault and a page the file has a MINOR one.
 * A private mapping of a memfd may be registered too: a hole is a
 * MISSING fault, filled with a page of the mapping's own (the file stays
 * as it was); a page the file has is a MINOR fault, which CONTINUE maps
 * read-only, so that a write copies it. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#define PAGES 6
#define UFFD_FEATURE_MISSING_SHMEM (1ULL << 5)
#define UFFD_FEATURE_MINOR_SHMEM (1ULL << 10)
#define UFFD_PAGEFAULT_FLAG_MINOR 4

static int register_mode(int fd, void *start, uint64_t length, uint64_t mode, uint64_t *ioctls)
{
    struct uffdio_register argument = { { address_of(start), length }, mode, 0 };
    int result = ioctl(fd, UFFDIO_REGISTER, &argument);
    *ioctls = argument.ioctls;
    return result;
}

static int copy_page(int fd, char *page, char byte, int64_t *copied)
{
    static char source[PAGE] __attribute__((aligned(PAGE)));
    memset(source, byte, sizeof source);
    struct uffdio_copy copy = { address_of(page), address_of(source), PAGE, 0, 0 };
    int result = ioctl(fd, UFFDIO_COPY, &copy);
    *copied = copy.copy;
    return result;
}

/* A thread touches page; the pager reads its message (flags) and fills
 * the page with a copy of byte. */
static void missing_fault(int fd, char *page, int write, uint64_t flags, char byte)
{
    struct byte_touch toucher = { .address = page, .write = write };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, touch_byte, &toucher) == 0);
    struct uffd_msg message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_PAGEFAULT);
    CHECK_EQ(message.arg.pagefault.flags, flags);
    CHECK(message.arg.pagefault.address == address_of(page));
    int64_t copied = 0;
    CHECK_OK(copy_page(fd, page, byte, &copied));
    CHECK_EQ(copied, PAGE);
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(toucher.seen, write ? 'w' : byte);
}

int main(void)
{
    int fd = userfaultfd(O_CLOEXEC | UFFD_USER_MODE_ONLY);
    REQUIRE(fd >= 0);
    struct uffdio_api api = { .api = UFFD_API,
                              .features = UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM };
    CHECK_OK(ioctl(fd, UFFDIO_API, &api));
    CHECK(api.features & UFFD_FEATURE_MISSING_SHMEM);

    /* Page 0 is the file's; the rest are holes. */
    int memfd = memfd_create("missing", 0);
    REQUIRE(memfd >= 0);
    REQUIRE(ftruncate(memfd, PAGES * PAGE) == 0);
    REQUIRE(pwrite(memfd, "f", 1, 0) == 1);
    char *alias = mmap(0, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    char *registered = mmap(0, (PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    REQUIRE(alias != MAP_FAILED && registered != MAP_FAILED);
    uint64_t ioctls = 0;
    CHECK_OK(register_mode(fd, registered, (PAGES + 1) * PAGE, UFFDIO_REGISTER_MODE_MISSING,
                           &ioctls));
    CHECK_EQ(ioctls, UFFD_MISSING_IOCTLS);

    /* The file's page is mapped at once; holes wait for the pager. */
    CHECK_EQ(registered[0], 'f');
    missing_fault(fd, registered + PAGE, 0, 0, 'a');
    missing_fault(fd, registered + 2 * PAGE, 1, UFFD_PAGEFAULT_FLAG_WRITE, 'b');
    CHECK_EQ(alias[PAGE], 'a');
    CHECK_EQ(alias[2 * PAGE], 'w');
    char byte = 0;
    CHECK_EQ(pread(memfd, &byte, 1, PAGE + 1), 1);
    CHECK_EQ(byte, 'a');

    /* COPY and ZEROPAGE put pages in the file before any fault. */
    int64_t copied = 0;
    CHECK_OK(copy_page(fd, registered + 3 * PAGE, 'c', &copied));
    CHECK_EQ(alias[3 * PAGE + 5], 'c');
    CHECK_EQ(registered[3 * PAGE + 5], 'c');
    struct uffdio_zeropage zero = { { address_of(registered + 4 * PAGE), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    CHECK_EQ(zero.zeropage, PAGE);
    CHECK_EQ(registered[4 * PAGE], 0);

    /* EEXIST for a page the file has, mapped here or not. */
    CHECK_ERRNO(copy_page(fd, registered, 'x', &copied), EEXIST);
    CHECK_EQ(copied, -EEXIST);
    alias[5 * PAGE] = 'g';          /* the file's now, not mapped in registered */
    CHECK_ERRNO(copy_page(fd, registered + 5 * PAGE, 'x', &copied), EEXIST);
    CHECK_EQ(copied, -EEXIST);
    CHECK_EQ(registered[5 * PAGE], 'g');
    /* Past the end of the file. */
    CHECK_ERRNO(copy_page(fd, registered + PAGES * PAGE, 'x', &copied), EFAULT);
    CHECK_EQ(copied, -EFAULT);
    struct uffdio_range range = { address_of(registered), (PAGES + 1) * PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));

    /* MISSING and MINOR at once, on shared anonymous memory. */
    char *shared = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    CHECK_OK(register_mode(fd, shared, 2 * PAGE,
                           UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR, &ioctls));
    CHECK_EQ(ioctls, UFFD_MISSING_IOCTLS | (1ULL << _UFFDIO_CONTINUE));
    missing_fault(fd, shared, 0, 0, 's');
    CHECK_EQ(shared[PAGE - 1], 's');

    /* A private mapping of the memfd: pages 0 to 5 are the file's now,
     * a hole past them once it grows. */
    REQUIRE(ftruncate(memfd, (PAGES + 1) * PAGE) == 0);
    char *private = mmap(0, (PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, memfd, 0);
    REQUIRE(private != MAP_FAILED);
    CHECK_OK(register_mode(fd, private, (PAGES + 1) * PAGE,
                           UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR, &ioctls));
    CHECK_EQ(ioctls, UFFD_MISSING_IOCTLS | (1ULL << _UFFDIO_CONTINUE));
    missing_fault(fd, private + PAGES * PAGE, 0, 0, 'p');
    CHECK_EQ(pread(memfd, &byte, 1, PAGES * PAGE), 1);
    CHECK_EQ(byte, 0);                  /* the private page is the mapping's */
    struct byte_touch toucher = { .address = private + PAGE, .write = 1 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, touch_byte, &toucher) == 0);
    struct uffd_msg message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_MINOR | UFFD_PAGEFAULT_FLAG_WRITE);
    CHECK(message.arg.pagefault.address == address_of(private + PAGE));
    struct uffdio_continue next = { { address_of(private + PAGE), PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_CONTINUE, &next));
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(toucher.seen, 'w');
    CHECK_EQ(alias[PAGE], 'a');         /* the write copied the page */
    close(fd);
    return check_finish("memory_userfaultfd_shmem");
}
