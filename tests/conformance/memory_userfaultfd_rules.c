/* userfaultfd's arguments, judged on Linux 6.1 (vm.unprivileged_userfaultfd
 * 0, its default): EPERM for an unprivileged caller unless
 * UFFD_USER_MODE_ONLY, EINVAL for unknown flags; O_CLOEXEC and O_NONBLOCK
 * as the descriptor's; before UFFDIO_API every other ioctl and read are
 * EINVAL and poll is POLLERR; UFFDIO_API refuses a wrong api, unknown
 * features and a second call; UFFDIO_REGISTER's mode, range and region
 * checks and the ioctls it answers for a MISSING range; UFFDIO_COPY's and
 * ZEROPAGE's checks (ENOENT outside a registered range, EINVAL for modes
 * and alignment); UFFDIO_UNREGISTER and WAKE; a fork's child keeps the
 * descriptor but not the registration (no UFFD_FEATURE_EVENT_FORK).
 * With UFFD_FEATURE_SIGBUS a missing page is SIGBUS (BUS_ADRERR, the
 * address) instead of a message. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096

static void unprivileged(void)
{
    pid_t child = fork();
    if (child == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        CHECK_ERRNO(userfaultfd(0), EPERM);
        CHECK_ERRNO(userfaultfd(O_CLOEXEC), EPERM);
        int fd = userfaultfd(UFFD_USER_MODE_ONLY);
        CHECK(fd >= 0);
        close(fd);
        CHECK_ERRNO(userfaultfd(UFFD_USER_MODE_ONLY | 0x10), EINVAL);
        check_child_exit();
    }
    check_child_passed(child);
}

static void flags(void)
{
    CHECK_ERRNO(userfaultfd(0x10), EINVAL);
    CHECK_ERRNO(userfaultfd(O_APPEND), EINVAL);
    int fd = userfaultfd(O_CLOEXEC | O_NONBLOCK);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
    close(fd);
    fd = userfaultfd(0);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);
}

static void before_the_api(void)
{
    int fd = userfaultfd(O_NONBLOCK);
    REQUIRE(fd >= 0);
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERRNO(userfault_register(fd, area, PAGE), EINVAL);
    struct uffdio_range range = { (uint64_t)(uintptr_t)area, PAGE };
    CHECK_ERRNO(ioctl(fd, UFFDIO_WAKE, &range), EINVAL);
    struct uffd_msg message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EINVAL);
    struct pollfd poller = { fd, POLLIN, 0 };
    CHECK_EQ(poll(&poller, 1, 0), 1);
    CHECK_EQ(poller.revents, POLLERR);

    struct uffdio_api api = { .api = 0xAB };
    CHECK_ERRNO(ioctl(fd, UFFDIO_API, &api), EINVAL);
    api = (struct uffdio_api){ .api = UFFD_API, .features = 1ULL << 62 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_API, &api), EINVAL);
    CHECK_EQ(api.features, 0);
    CHECK_EQ(api.ioctls, 0);
    /* A failed call leaves the descriptor waiting for a good one. */
    api = (struct uffdio_api){ .api = UFFD_API, .features = UFFD_FEATURE_THREAD_ID };
    CHECK_OK(ioctl(fd, UFFDIO_API, &api));
    CHECK((api.features & (UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS)) ==
          (UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS));
    CHECK_EQ(api.ioctls, UFFD_API_IOCTLS);
    api = (struct uffdio_api){ .api = UFFD_API };
    CHECK_ERRNO(ioctl(fd, UFFDIO_API, &api), EINVAL);
    CHECK_EQ(api.ioctls, 0);
    /* Now: nothing to read, and poll says so. */
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    CHECK_ERRNO(read(fd, &message, sizeof message - 1), EINVAL);
    poller.revents = 0;
    CHECK_EQ(poll(&poller, 1, 0), 0);
    close(fd);
    /* Without O_NONBLOCK poll is always POLLERR: a read may block anyway. */
    fd = userfault_open(0, 0);
    REQUIRE(fd >= 0);
    poller = (struct pollfd){ fd, POLLIN, 0 };
    CHECK_EQ(poll(&poller, 1, 0), 1);
    CHECK_EQ(poller.revents, POLLERR);
    close(fd);
    munmap(area, PAGE);
}

static void registration(void)
{
    int fd = userfault_open(O_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    char *area = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED);
    uint64_t start = (uint64_t)(uintptr_t)area;
    struct uffdio_register argument = { { start, 2 * PAGE }, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &argument), EINVAL);
    argument.mode = 1 << 5;
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &argument), EINVAL);
    argument = (struct uffdio_register){ { start + 1, PAGE }, UFFDIO_REGISTER_MODE_MISSING, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &argument), EINVAL);
    argument.range = (struct uffdio_range){ start, PAGE + 1 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &argument), EINVAL);
    argument.range = (struct uffdio_range){ start, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &argument), EINVAL);
    /* A range where nothing is mapped at all. */
    munmap(area + 3 * PAGE, PAGE);
    argument.range = (struct uffdio_range){ start + 3 * PAGE, PAGE };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &argument), EINVAL);   /* regions lie above it */
    argument.range = (struct uffdio_range){ start, 2 * PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_REGISTER, &argument));
    CHECK_EQ(argument.ioctls, UFFD_MISSING_IOCTLS);
    /* The same range again: nothing changes. */
    CHECK_OK(ioctl(fd, UFFDIO_REGISTER, &argument));
    /* Another descriptor cannot take it. */
    int other = userfault_open(O_NONBLOCK, 0);
    REQUIRE(other >= 0);
    CHECK_ERRNO(userfault_register(other, area + PAGE, PAGE), EBUSY);
    close(other);

    char source[PAGE] __attribute__((aligned(16)));
    memset(source, 'x', sizeof source);
    struct uffdio_copy copy = { start + 2 * PAGE, (uint64_t)(uintptr_t)source, PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), ENOENT);
    CHECK_EQ(copy.copy, -ENOENT);
    copy = (struct uffdio_copy){ start + PAGE, (uint64_t)(uintptr_t)source, 2 * PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), ENOENT);
    copy = (struct uffdio_copy){ start + 1, (uint64_t)(uintptr_t)source, PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), EINVAL);
    copy = (struct uffdio_copy){ start, (uint64_t)(uintptr_t)source, PAGE, 1 << 4, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), EINVAL);
    struct uffdio_zeropage zero = { { start, PAGE }, 1 << 4, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_ZEROPAGE, &zero), EINVAL);
    zero = (struct uffdio_zeropage){ { start + 2 * PAGE, PAGE }, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_ZEROPAGE, &zero), ENOENT);
    CHECK_EQ(zero.zeropage, -ENOENT);
    struct uffdio_range range = { start, 3 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_WAKE, &range), EINVAL);
    range.len = PAGE;
    CHECK_OK(ioctl(fd, UFFDIO_WAKE, &range));      /* nobody waits: nothing happens */
    CHECK_ERRNO(ioctl(fd, 0x1234, 0), EINVAL);

    /* A fork's child has the descriptor, not the registration: its
     * touch makes a zero page as anywhere. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(area[10], 0);
        close(fd);
        check_child_exit();
    }
    check_child_passed(child);
    struct uffd_msg message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);

    /* Unregistered, the pages fill as usual. */
    range = (struct uffdio_range){ start, 2 * PAGE };
    CHECK_OK(ioctl(fd, UFFDIO_UNREGISTER, &range));
    CHECK_EQ(area[PAGE + 5], 0);
    copy = (struct uffdio_copy){ start, (uint64_t)(uintptr_t)source, PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), ENOENT);
    close(fd);
    munmap(area, 3 * PAGE);
}

static char *volatile bus_address;     /* read by the handler: stored before the fault */

static void on_bus_error(int signal, siginfo_t *info, void *context)
{
    (void)context;
    _exit(signal != SIGBUS ? 3 : info->si_code != BUS_ADRERR ? 10 + info->si_code
          : info->si_addr != bus_address ? 6 : 0);
}

static void sigbus_feature(void)
{
    pid_t child = fork();
    if (child == 0) {
        int fd = userfaultfd(O_NONBLOCK);
        struct uffdio_api api = { .api = UFFD_API, .features = 1ULL << 7 };  /* SIGBUS */
        if (fd < 0 || ioctl(fd, UFFDIO_API, &api) != 0)
            _exit(1);
        char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (userfault_register(fd, area, PAGE) != 0)
            _exit(2);
        struct sigaction action = { .sa_sigaction = on_bus_error, .sa_flags = SA_SIGINFO };
        sigaction(SIGBUS, &action, 0);
        bus_address = area + 100;
        *(volatile char *)bus_address = 1;
        _exit(4);
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
    unprivileged();
    flags();
    before_the_api();
    registration();
    sigbus_feature();
    return check_finish("memory_userfaultfd_rules");
}
