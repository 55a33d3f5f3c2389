/* pread of every size around the ones the system treats specially (0, 1,
 * 24, 25, 504, 505 bytes: tern carries up to 504 in the message
 * registers, up to 24 in the CPU registers) at offsets before, across
 * and past the end of a file and of a memfd, and what pread answers for
 * what cannot be read at a position: a pipe, an eventfd (ESPIPE), a
 * directory (EISDIR), a file open only for writing (EBADF), a negative
 * offset (EINVAL). */
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"

#define FILE_SIZE 1000

static const size_t sizes[] = {0, 1, 7, 8, 9, 24, 25, 100, 504, 505, 1000};
static const off_t offsets[] = {0, 1, 500, 990, 999, 1000, 5000};

static unsigned char pattern(size_t at)
{
    return (unsigned char)(at * 7 + 3);
}

/* Every size at every offset returns what lies there and leaves the
 * bytes after it in the buffer untouched. */
static void read_everywhere(int fd)
{
    unsigned char buffer[1100];
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++) {
            size_t size = sizes[s];
            off_t offset = offsets[o];
            memset(buffer, 0xee, sizeof buffer);
            ssize_t expected = offset >= FILE_SIZE ? 0
                               : (ssize_t)(size < (size_t)(FILE_SIZE - offset) ? size
                                                                               : (size_t)(FILE_SIZE - offset));
            ssize_t got = pread(fd, buffer, size, offset);
            CHECK_EQ(got, expected);
            int same = 1;
            for (ssize_t i = 0; i < expected; i++)
                same &= buffer[i] == pattern((size_t)offset + (size_t)i);
            CHECK(same);
            CHECK_EQ(buffer[expected < 0 ? 0 : expected], 0xee);
        }
    }
    /* The descriptor's own offset never moved. */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
}

static void fill(int fd)
{
    unsigned char contents[FILE_SIZE];
    for (size_t i = 0; i < FILE_SIZE; i++)
        contents[i] = pattern(i);
    REQUIRE(write(fd, contents, FILE_SIZE) == FILE_SIZE);
    REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
}

int main(void)
{
    char buffer[1100];
    int file = open("/tmp/pread-small", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(file >= 0);
    fill(file);
    read_everywhere(file);

    int memfd = memfd_create("pread-small", 0);
    REQUIRE(memfd >= 0);
    fill(memfd);
    read_everywhere(memfd);

    /* A negative offset, whatever the file. */
    CHECK_ERRNO(pread(file, buffer, 1, -1), EINVAL);
    CHECK_ERRNO(pread(memfd, buffer, 1, -5), EINVAL);

    /* Only for writing. */
    int writer = open("/tmp/pread-small", O_WRONLY);
    REQUIRE(writer >= 0);
    CHECK_ERRNO(pread(writer, buffer, 1, 0), EBADF);
    CHECK_ERRNO(pread(writer, buffer, 600, 0), EBADF);

    /* Nothing to read at a position. */
    int ends[2];
    REQUIRE(pipe(ends) == 0);
    REQUIRE(write(ends[1], "x", 1) == 1);
    CHECK_ERRNO(pread(ends[0], buffer, 1, 0), ESPIPE);
    CHECK_ERRNO(pread(ends[0], buffer, 600, 0), ESPIPE);
    CHECK_EQ(read(ends[0], buffer, 1), 1);      /* the byte stayed */
    int counter = eventfd(3, 0);
    REQUIRE(counter >= 0);
    CHECK_ERRNO(pread(counter, buffer, 8, 0), ESPIPE);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_ERRNO(pread(directory, buffer, 8, 0), EISDIR);
    CHECK_ERRNO(pread(-1, buffer, 8, 0), EBADF);
    CHECK_ERRNO(pread(1000, buffer, 8, 0), EBADF);

    close(directory);
    close(counter);
    close(ends[0]);
    close(ends[1]);
    close(writer);
    close(memfd);
    close(file);
    CHECK_OK(unlink("/tmp/pread-small"));
    printf("pread of 0..1000 bytes before, across and past the end; ESPIPE, EISDIR, EBADF, EINVAL\n");
    return check_finish("file_pread_small");
}
