/* userfaultfd's MINOR mode on shared memory, as arm64's Linux 6.1 has it
 * (UFFD_FEATURE_MINOR_SHMEM): a MAP_SHARED mapping of a memfd (or of
 * shared anonymous memory) registered with UFFDIO_REGISTER_MODE_MINOR
 * answers ioctls WAKE, COPY, ZEROPAGE and CONTINUE. A fault on a page the
 * file has (written through another mapping, or by write(2)) but this
 * mapping does not map yet waits for the pager: a PAGEFAULT message with
 * UFFD_PAGEFAULT_FLAG_MINOR (and WRITE for a write). The pager may change
 * the page through its own mapping first; UFFDIO_CONTINUE then maps the
 * file's page, and the thread sees the pager's bytes (a write lands in
 * the file). A page the file does not have (a hole) is no minor fault:
 * it is made, zeroed, at once. UFFDIO_CONTINUE: EEXIST for a page mapped
 * already, EFAULT for a hole, each written in `mapped`; a range that
 * stops at one maps what it can and says EAGAIN with the bytes done;
 * ENOENT outside the registered range. POSIX shared memory (shm_open)
 * is shmem too; System V segments and private anonymous memory are not
 * (EINVAL). */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#define PAGES 8
#define UFFD_FEATURE_MINOR_SHMEM (1ULL << 10)
#define UFFD_PAGEFAULT_FLAG_MINOR 4
#define MINOR_IOCTLS (UFFD_MISSING_IOCTLS | (1ULL << _UFFDIO_CONTINUE))

static int register_minor(int fd, void *start, uint64_t length, uint64_t *ioctls)
{
    struct uffdio_register argument = { { (uint64_t)(uintptr_t)start, length },
                                        UFFDIO_REGISTER_MODE_MINOR, 0 };
    int result = ioctl(fd, UFFDIO_REGISTER, &argument);
    *ioctls = argument.ioctls;
    return result;
}

static int continue_pages(int fd, char *start, uint64_t length, int64_t *mapped)
{
    struct uffdio_continue argument = { { (uint64_t)(uintptr_t)start, length }, 0, 0 };
    int result = ioctl(fd, UFFDIO_CONTINUE, &argument);
    *mapped = argument.mapped;
    return result;
}

/* A thread touches page of the registered mapping; the pager reads its
 * message, writes `pager_byte` through its own mapping, and CONTINUEs. */
static void minor_fault(int fd, char *registered, char *alias, unsigned page, int write,
                        char pager_byte)
{
    struct byte_touch toucher = { .address = registered + page * PAGE, .write = write };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, touch_byte, &toucher) == 0);
    struct uffd_msg message;
    CHECK_EQ(read(fd, &message, sizeof message), sizeof message);
    CHECK_EQ(message.event, UFFD_EVENT_PAGEFAULT);
    CHECK_EQ(message.arg.pagefault.flags,
             UFFD_PAGEFAULT_FLAG_MINOR | (write ? UFFD_PAGEFAULT_FLAG_WRITE : 0));
    CHECK(message.arg.pagefault.address == (uint64_t)(uintptr_t)(registered + page * PAGE));
    alias[page * PAGE] = pager_byte;
    int64_t mapped = 0;
    CHECK_OK(continue_pages(fd, registered + page * PAGE, PAGE, &mapped));
    CHECK_EQ(mapped, PAGE);
    REQUIRE(pthread_join(thread, 0) == 0);
    CHECK_EQ(toucher.seen, write ? 'w' : pager_byte);
    CHECK_EQ(alias[page * PAGE], write ? 'w' : pager_byte);
}

/* Two mappings of one object, two pages: the first written through
 * alias, the second a hole; registered takes MINOR faults on the first. */
static void two_mappings(int fd, char *alias, char *registered)
{
    alias[0] = 'o';
    uint64_t ioctls = 0;
    CHECK_OK(register_minor(fd, registered, 2 * PAGE, &ioctls));
    CHECK_EQ(ioctls, MINOR_IOCTLS);
    minor_fault(fd, registered, alias, 0, 0, 'O');
    CHECK_EQ(registered[PAGE], 0);
    CHECK_EQ(alias[PAGE], 0);
    struct uffdio_range range = { (uint64_t)(uintptr_t)registered, 2 * PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
}

int main(void)
{
    int fd = userfaultfd(O_CLOEXEC | UFFD_USER_MODE_ONLY);
    REQUIRE(fd >= 0);
    struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MINOR_SHMEM };
    CHECK_OK(ioctl(fd, UFFDIO_API, &api));
    CHECK(api.features & UFFD_FEATURE_MINOR_SHMEM);

    /* Pages 0 to 5 are the file's (written), 6 and 7 holes. */
    int memfd = memfd_create("minor", 0);
    REQUIRE(memfd >= 0);
    REQUIRE(ftruncate(memfd, PAGES * PAGE) == 0);
    static char bytes[6 * PAGE];
    for (unsigned page = 0; page < 6; page++)
        bytes[page * PAGE] = (char)('a' + page);
    REQUIRE(pwrite(memfd, bytes, sizeof bytes, 0) == (ssize_t)sizeof bytes);
    char *alias = mmap(0, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    char *registered = mmap(0, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    REQUIRE(alias != MAP_FAILED && registered != MAP_FAILED);

    uint64_t ioctls = 0;
    CHECK_OK(register_minor(fd, registered, PAGES * PAGE, &ioctls));
    CHECK_EQ(ioctls, MINOR_IOCTLS);

    /* Minor faults, read and write. */
    minor_fault(fd, registered, alias, 0, 0, 'R');
    minor_fault(fd, registered, alias, 1, 1, 'W');

    /* A hole is made at once, zeroed, and seen through both mappings. */
    CHECK_EQ(registered[6 * PAGE], 0);
    registered[6 * PAGE + 1] = 'h';
    CHECK_EQ(alias[6 * PAGE + 1], 'h');

    /* CONTINUE's errors. */
    int64_t mapped = 0;
    CHECK_ERRNO(continue_pages(fd, registered, PAGE, &mapped), EEXIST);
    CHECK_EQ(mapped, -EEXIST);
    CHECK_ERRNO(continue_pages(fd, registered + 7 * PAGE, PAGE, &mapped), EFAULT);
    CHECK_EQ(mapped, -EFAULT);
    CHECK_ERRNO(continue_pages(fd, registered + 6 * PAGE, 2 * PAGE, &mapped), EEXIST);
    CHECK_EQ(mapped, -EEXIST);
    /* Pages 4 and 5 are the file's, not mapped yet, and 6 is mapped:
     * two pages done, then EEXIST, so EAGAIN. */
    CHECK_ERRNO(continue_pages(fd, registered + 4 * PAGE, 3 * PAGE, &mapped), EAGAIN);
    CHECK_EQ(mapped, 2 * PAGE);
    CHECK_EQ(registered[4 * PAGE], 'e');
    CHECK_EQ(registered[5 * PAGE], 'f');
    CHECK_ERRNO(continue_pages(fd, registered + PAGES * PAGE, PAGE, &mapped), ENOENT);
    CHECK_EQ(mapped, -ENOENT);
    CHECK_ERRNO(continue_pages(fd, registered + 7 * PAGE, 2 * PAGE, &mapped), ENOENT);
    CHECK_EQ(mapped, -ENOENT);

    /* POSIX shared memory is shmem; a System V segment's mapping is not
     * (Linux maps it through operations of its own): EINVAL, even to
     * unregister it. */
    int shm = shm_open("/userfaultfd_minor", O_RDWR | O_CREAT | O_EXCL, 0600);
    REQUIRE(shm >= 0);
    REQUIRE(shm_unlink("/userfaultfd_minor") == 0);
    REQUIRE(ftruncate(shm, 2 * PAGE) == 0);
    char *posix_alias = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
    char *posix = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
    REQUIRE(posix_alias != MAP_FAILED && posix != MAP_FAILED);
    two_mappings(fd, posix_alias, posix);
    int segment = shmget(IPC_PRIVATE, 2 * PAGE, IPC_CREAT | 0600);
    REQUIRE(segment >= 0);
    char *sysv_alias = shmat(segment, 0, 0), *sysv = shmat(segment, 0, 0);
    REQUIRE(sysv_alias != (char *)-1 && sysv != (char *)-1);
    REQUIRE(shmctl(segment, IPC_RMID, 0) == 0);
    CHECK_ERRNO(register_minor(fd, sysv, 2 * PAGE, &ioctls), EINVAL);
    struct uffdio_range segment_range = { (uint64_t)(uintptr_t)sysv, 2 * PAGE };
    CHECK_ERRNO(ioctl(fd, UFFDIO_UNREGISTER, &segment_range), EINVAL);
    sysv_alias[0] = 'v';
    CHECK_EQ(sysv[0], 'v');

    /* A page CONTINUE mapped before any fault: no message for it. */
    CHECK_OK(continue_pages(fd, registered + 2 * PAGE, PAGE, &mapped));
    CHECK_EQ(registered[2 * PAGE], 'c');
    int nonblocking = fcntl(fd, F_GETFL);
    REQUIRE(fcntl(fd, F_SETFL, nonblocking | O_NONBLOCK) == 0);
    struct uffd_msg message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);

    /* Shared anonymous memory takes MINOR too; private anonymous does
     * not. */
    char *shared = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *private = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED && private != MAP_FAILED);
    shared[0] = 's';
    ioctls = 0;
    CHECK_OK(register_minor(fd, shared, 2 * PAGE, &ioctls));
    CHECK_EQ(ioctls, MINOR_IOCTLS);
    CHECK_EQ(shared[0], 's');           /* mapped already: no fault */
    CHECK_EQ(shared[PAGE], 0);          /* a hole */
    CHECK_ERRNO(register_minor(fd, private, 2 * PAGE, &ioctls), EINVAL);
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);

    /* Unregistered, the mapping faults as any other. */
    struct uffdio_range range = { (uint64_t)(uintptr_t)registered, PAGES * PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
    CHECK_EQ(registered[3 * PAGE], 'd');
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    close(fd);
    return check_finish("memory_userfaultfd_minor");
}
