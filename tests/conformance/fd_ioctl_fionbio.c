/* ioctl(FIONBIO): Linux's generic ioctl turns O_NONBLOCK on and off on any
 * open file (a regular file, /dev/null, a directory, a pipe end), as
 * F_SETFL would; it is shared by every descriptor of the open file
 * description; a bad argument pointer is EFAULT, an O_PATH or closed
 * descriptor EBADF. */
#include <fcntl.h>
#include <sys/ioctl.h>

#include "check.h"

/* FIONBIO on fd with *on, then whether F_GETFL shows O_NONBLOCK. */
static int set_and_get(int fd, int on)
{
    if (ioctl(fd, FIONBIO, &on) != 0)
        return -1;
    return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

static void toggles(int fd)
{
    CHECK_EQ(set_and_get(fd, 1), 1);
    CHECK_EQ(set_and_get(fd, 0), 0);
    CHECK_EQ(set_and_get(fd, 42), 1);   /* any non-zero int means on */
    CHECK_EQ(set_and_get(fd, 0), 0);
}

int main(void)
{
    int file = open("/tmp/fionbio", O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    toggles(file);
    /* The access mode and the other status flags stay. */
    int on = 1;
    CHECK_EQ(fcntl(file, F_SETFL, O_APPEND), 0);
    CHECK_EQ(ioctl(file, FIONBIO, &on), 0);
    CHECK_EQ(fcntl(file, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
             O_RDWR | O_APPEND | O_NONBLOCK);

    /* A dup shares the open file description, and so the flag. */
    int copy = dup(file);
    REQUIRE(copy >= 0);
    on = 0;
    CHECK_EQ(ioctl(copy, FIONBIO, &on), 0);
    CHECK_EQ(fcntl(file, F_GETFL) & O_NONBLOCK, 0);
    CHECK_EQ(close(copy), 0);

    int null = open("/dev/null", O_RDWR);
    REQUIRE(null >= 0);
    toggles(null);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    toggles(directory);

    /* On a pipe it makes an empty read fail with EAGAIN instead of waiting. */
    int ends[2];
    REQUIRE(pipe(ends) == 0);
    toggles(ends[0]);
    on = 1;
    CHECK_EQ(ioctl(ends[0], FIONBIO, &on), 0);
    char byte;
    CHECK_ERRNO(read(ends[0], &byte, 1), EAGAIN);
    CHECK_EQ(fcntl(ends[1], F_GETFL) & O_NONBLOCK, 0);   /* the other end is its own OFD */

    CHECK_ERRNO(ioctl(file, FIONBIO, (int *)8), EFAULT);
    int path_only = open("/tmp/fionbio", O_PATH);
    REQUIRE(path_only >= 0);
    CHECK_ERRNO(ioctl(path_only, FIONBIO, &on), EBADF);
    CHECK_EQ(close(path_only), 0);
    CHECK_EQ(close(null), 0);
    CHECK_ERRNO(ioctl(null, FIONBIO, &on), EBADF);

    CHECK_EQ(close(directory), 0);
    CHECK_EQ(close(ends[0]), 0);
    CHECK_EQ(close(ends[1]), 0);
    CHECK_EQ(close(file), 0);
    CHECK_EQ(unlink("/tmp/fionbio"), 0);
    return check_finish("fd_ioctl_fionbio");
}
