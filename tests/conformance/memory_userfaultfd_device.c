/* /dev/userfaultfd (Linux 6.1): root's alone (mode 0600, as devtmpfs
 * makes it: EACCES for others); USERFAULTFD_IOC_NEW makes a userfaultfd
 * with the flags in its argument, without userfaultfd(2)'s privilege
 * rule; EINVAL for unknown flags and other requests, and for read and
 * write of the device. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"
#include "userfault.h"

#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)

int main(void)
{
    struct stat status;
    CHECK_OK(stat("/dev/userfaultfd", &status));
    CHECK(S_ISCHR(status.st_mode));
    CHECK_EQ(status.st_mode & 07777, 0600);
    int device = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
    REQUIRE(device >= 0);
    CHECK_ERRNO(ioctl(device, USERFAULTFD_IOC_NEW, 0x10), EINVAL);
    CHECK_ERRNO(ioctl(device, _IO(0xAA, 0x01), 0), EINVAL);
    char byte;
    CHECK_ERRNO(read(device, &byte, 1), EINVAL);
    CHECK_ERRNO(write(device, &byte, 1), EINVAL);
    int fd = (int)ioctl(device, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
    struct uffdio_api api = { .api = UFFD_API };
    CHECK_OK(ioctl(fd, UFFDIO_API, &api));
    char *area = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_OK(userfault_register(fd, area, 4096));
    struct uffdio_zeropage zero = { { (uint64_t)(uintptr_t)area, 4096 }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    CHECK_EQ(area[7], 0);
    close(fd);
    fd = (int)ioctl(device, USERFAULTFD_IOC_NEW, 0);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    close(fd);
    close(device);

    pid_t child = fork();
    if (child == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        CHECK_ERRNO(open("/dev/userfaultfd", O_RDWR), EACCES);
        check_child_exit();
    }
    check_child_passed(child);
    return check_finish("memory_userfaultfd_device");
}
