/* read, write, pread, pwrite, lseek on a /tmp file: offsets move as they
 * should, SEEK_SET/CUR/END, reading past the end returns 0, a hole reads
 * as zeros, pread/pwrite leave the offset alone, a large transfer round
 * trips; EINVAL for bad whence or negative offsets, EBADF. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "check.h"

int main(void)
{
    int fd = open("/tmp/read-write", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    char buffer[256];

    CHECK_EQ(read(fd, buffer, sizeof buffer), 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    CHECK_EQ(read(fd, buffer, sizeof buffer), 0);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    CHECK_EQ(read(fd, buffer, 3), 3);
    CHECK_EQ(memcmp(buffer, "234", 3), 0);
    CHECK_EQ(lseek(fd, -1, SEEK_CUR), 4);
    CHECK_EQ(read(fd, buffer, 1), 1);
    CHECK_EQ(buffer[0], '4');
    CHECK_EQ(lseek(fd, -3, SEEK_END), 7);
    /* A short read at the end. */
    CHECK_EQ(read(fd, buffer, sizeof buffer), 3);
    CHECK_EQ(memcmp(buffer, "789", 3), 0);
    /* Zero-length transfers. */
    CHECK_EQ(read(fd, buffer, 0), 0);
    CHECK_EQ(write(fd, buffer, 0), 0);

    /* Seeking past the end and writing leaves a hole of zeros. */
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);
    CHECK_EQ(write(fd, "end", 3), 3);
    struct stat status;
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_size, 103);
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 103);
    int hole_zero = 1;
    for (int i = 10; i < 100; i++)
        hole_zero &= buffer[i] == 0;
    CHECK(hole_zero);
    CHECK_EQ(memcmp(buffer + 100, "end", 3), 0);
    /* Seeking past the end alone does not grow the file. */
    CHECK_EQ(lseek(fd, 5000, SEEK_SET), 5000);
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_size, 103);
    CHECK_EQ(read(fd, buffer, 10), 0);

    /* pread/pwrite do not move the offset. */
    CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
    CHECK_EQ(pwrite(fd, "AB", 2, 50), 2);
    CHECK_EQ(pread(fd, buffer, 2, 50), 2);
    CHECK_EQ(memcmp(buffer, "AB", 2), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 1);
    CHECK_EQ(pread(fd, buffer, 10, 1000), 0);

    /* writev/readv gather and scatter. */
    struct iovec pieces[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(writev(fd, pieces, 3), 13);
    char first[6] = {0}, second[8] = {0};
    struct iovec targets[2] = {{first, 5}, {second, 8}};
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(readv(fd, targets, 2), 13);
    CHECK_EQ(strcmp(first, "one t"), 0);
    CHECK_EQ(memcmp(second, "wo three", 8), 0);

    /* Errors. */
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERRNO(lseek(fd, -1000, SEEK_CUR), EINVAL);
    CHECK_ERRNO(lseek(fd, -1000, SEEK_END), EINVAL);
    CHECK_ERRNO(lseek(fd, 0, 42), EINVAL);
    CHECK_ERRNO(pread(fd, buffer, 1, -1), EINVAL);
    CHECK_ERRNO(pwrite(fd, buffer, 1, -1), EINVAL);
    CHECK_ERRNO(read(999, buffer, 1), EBADF);
    CHECK_ERRNO(write(-1, buffer, 1), EBADF);
    CHECK_ERRNO(lseek(999, 0, SEEK_SET), EBADF);
    CHECK_ERRNO(read(fd, (void *)1, 10), EFAULT);
    CHECK_EQ(close(fd), 0);

    /* One MiB out and back, in odd-sized pieces. */
    enum { size = 1 << 20 };
    unsigned char *out = malloc(size), *in = malloc(size);
    REQUIRE(out && in);
    for (int i = 0; i < size; i++)
        out[i] = (unsigned char)(i * 7 + i / 4096);
    fd = open("/tmp/read-write", O_RDWR | O_TRUNC);
    REQUIRE(fd >= 0);
    size_t done = 0;
    while (done < size) {
        size_t piece = size - done < 12345 ? size - done : 12345;
        ssize_t written = write(fd, out + done, piece);
        if (written <= 0)
            break;
        done += (size_t)written;
    }
    CHECK_EQ(done, size);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    done = 0;
    while (done < size) {
        ssize_t got = read(fd, in + done, size - done);
        if (got <= 0)
            break;
        done += (size_t)got;
    }
    CHECK_EQ(done, size);
    CHECK_EQ(memcmp(in, out, size), 0);
    CHECK_EQ(close(fd), 0);
    free(in);
    free(out);
    CHECK_EQ(unlink("/tmp/read-write"), 0);

    printf("offsets, holes, pread/pwrite, readv/writev, 1 MiB round trip\n");
    return check_finish("file_read_write");
}
