/* dup, dup2, dup3: the lowest free descriptor, the same open file (shared
 * offset and flags) behind both numbers, dup2 onto an open descriptor
 * closes it first, dup2 to itself, dup3 with O_CLOEXEC; errors EBADF and
 * EINVAL. */
#include <fcntl.h>

#include "check.h"

int main(void)
{
    int fd = open("/tmp/dup", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 3);
    CHECK_EQ(write(fd, "0123456789", 10), 10);

    int copy = dup(fd);
    CHECK_EQ(copy, fd + 1);
    /* One offset for both. */
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    CHECK_EQ(lseek(copy, 0, SEEK_CUR), 2);
    char byte;
    CHECK_EQ(read(copy, &byte, 1), 1);
    CHECK_EQ(byte, '2');
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);
    /* One set of status flags... */
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
    CHECK(fcntl(copy, F_GETFL) & O_APPEND);
    CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);
    /* ...but descriptor flags each their own. */
    CHECK_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(fcntl(copy, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_SETFD, 0), 0);
    /* Closing one leaves the other. */
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(read(copy, &byte, 1), 1);
    CHECK_EQ(byte, '3');
    /* The freed number is the lowest free one again. */
    int again = dup(copy);
    CHECK_EQ(again, fd);
    CHECK_EQ(close(again), 0);

    /* dup2 to a chosen number, closing what was there. */
    int other = open("/tmp/dup-other", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(other >= 0);
    CHECK_EQ(dup2(copy, other), other);
    CHECK_EQ(lseek(other, 0, SEEK_CUR), 4);
    CHECK_EQ(dup2(copy, 50), 50);
    CHECK_EQ(lseek(50, 0, SEEK_CUR), 4);
    CHECK_EQ(fcntl(50, F_GETFD), 0);
    /* dup2 to itself: no change, the number returned. */
    CHECK_EQ(dup2(copy, copy), copy);
    CHECK_EQ(lseek(copy, 0, SEEK_CUR), 4);
    CHECK_ERRNO(dup2(999, 999), EBADF);
    CHECK_ERRNO(dup2(999, 51), EBADF);
    CHECK_ERRNO(fcntl(51, F_GETFD), EBADF);
    CHECK_ERRNO(dup2(copy, -1), EBADF);
    CHECK_ERRNO(dup2(copy, 1 << 30), EBADF);
    CHECK_ERRNO(dup(999), EBADF);
    CHECK_ERRNO(dup(-1), EBADF);

    /* dup3. */
    CHECK_EQ(dup3(copy, 60, O_CLOEXEC), 60);
    CHECK_EQ(fcntl(60, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(dup3(copy, 60, 0), 60);
    CHECK_EQ(fcntl(60, F_GETFD), 0);
    CHECK_ERRNO(dup3(copy, copy, 0), EINVAL);
    CHECK_ERRNO(dup3(copy, 61, O_APPEND), EINVAL);
    CHECK_ERRNO(dup3(999, 61, 0), EBADF);

    /* Filling the gaps: dup returns 3, 4, ... in order of what is free. */
    CHECK_EQ(close(50), 0);
    CHECK_EQ(close(60), 0);
    CHECK_EQ(close(other), 0);
    int lowest = dup(copy);
    CHECK_EQ(lowest, other < copy ? other : copy + 1);
    CHECK_EQ(close(lowest), 0);

    /* stdout duplicated: writes through the copy reach stdout. */
    int out = dup(1);
    CHECK(out >= 0);
    CHECK_EQ(write(out, "written through dup(1)\n", 23), 23);
    CHECK_EQ(close(out), 0);

    CHECK_EQ(close(copy), 0);
    CHECK_ERRNO(close(copy), EBADF);
    unlink("/tmp/dup");
    unlink("/tmp/dup-other");
    return check_finish("fd_dup");
}
