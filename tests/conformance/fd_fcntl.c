/* fcntl: F_DUPFD and F_DUPFD_CLOEXEC (lowest free at or above the
 * argument), F_GETFD/F_SETFD, F_GETFL/F_SETFL (O_APPEND and O_NONBLOCK
 * change, the access mode does not); EBADF and EINVAL. */
#include <fcntl.h>
#include <sys/resource.h>

#include "check.h"

int main(void)
{
    int fd = open("/tmp/fcntl", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);

    /* Numbers from 40 up are free (nothing else opens that many). */
    int duplicate = fcntl(fd, F_DUPFD, 40);
    CHECK_EQ(duplicate, 40);
    CHECK_EQ(fcntl(duplicate, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_DUPFD, 40), 41);
    int cloexec = fcntl(fd, F_DUPFD_CLOEXEC, 40);
    CHECK_EQ(cloexec, 42);
    CHECK_EQ(fcntl(cloexec, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(close(41), 0);
    CHECK_EQ(fcntl(fd, F_DUPFD, 40), 41);
    CHECK_EQ(close(41), 0);
    /* From 0: the lowest free number, which is below fd + 1. */
    int lowest = fcntl(fd, F_DUPFD, 0);
    CHECK(lowest >= 0 && lowest <= fd + 1);
    CHECK_EQ(close(lowest), 0);

    /* Descriptor flags. */
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_SETFD, 0), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    int opened_cloexec = open("/tmp/fcntl", O_RDONLY | O_CLOEXEC);
    CHECK_EQ(fcntl(opened_cloexec, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(opened_cloexec, F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(close(opened_cloexec), 0);

    /* Status flags: the access mode, then O_APPEND and O_NONBLOCK. */
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), 0);
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), O_APPEND);
    CHECK_EQ(write(fd, "ab", 2), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(write(fd, "cd", 2), 2);
    char buffer[8] = {0};
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 4);
    CHECK_EQ(strcmp(buffer, "abcd"), 0);
    CHECK_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), O_NONBLOCK);
    /* Changing the access mode is silently ignored. */
    CHECK_EQ(fcntl(fd, F_SETFL, O_RDONLY), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_EQ(fcntl(duplicate, F_GETFL) & O_ACCMODE, O_RDWR);
    /* Write-only and read-only descriptors report their modes. */
    int write_only = open("/tmp/fcntl", O_WRONLY | O_APPEND);
    CHECK_EQ(fcntl(write_only, F_GETFL) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
    CHECK_EQ(close(write_only), 0);

    /* Errors. */
    CHECK_ERRNO(fcntl(999, F_GETFD), EBADF);
    CHECK_ERRNO(fcntl(-1, F_GETFL), EBADF);
    CHECK_ERRNO(fcntl(999, F_SETFD, 0), EBADF);
    CHECK_ERRNO(fcntl(999, F_DUPFD, 0), EBADF);
    CHECK_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL);
    struct rlimit limit;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    CHECK_ERRNO(fcntl(fd, F_DUPFD, (int)limit.rlim_cur), EINVAL);
    CHECK_ERRNO(fcntl(fd, 12345), EINVAL);

    CHECK_EQ(close(fd), 0);
    CHECK_EQ(close(duplicate), 0);
    CHECK_EQ(close(cloexec), 0);
    CHECK_EQ(unlink("/tmp/fcntl"), 0);
    printf("F_DUPFD(_CLOEXEC), F_GETFD/F_SETFD, F_GETFL/F_SETFL, EBADF/EINVAL\n");
    return check_finish("fd_fcntl");
}
