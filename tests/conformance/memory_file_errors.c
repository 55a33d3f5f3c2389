/* What mmap of a file refuses, with Linux's errno: a shared writable
 * mapping of a file not open for writing (EACCES), any mapping of a file
 * open only for writing (EACCES), adding PROT_WRITE later to a shared
 * mapping of a read-only file (mprotect: EACCES), files that cannot be
 * mapped (a pipe, a directory, /dev/null: ENODEV), and descriptors that
 * are no files (closed, O_PATH: EBADF). A refused mmap leaves nothing
 * mapped and no descriptor behind. */
#include <fcntl.h>
#include <sys/mman.h>

#include "check.h"

enum { page = 4096 };

static const char path[] = "/tmp/memory_file_errors";

int main(void)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(ftruncate(fd, page), 0);
    CHECK_EQ(close(fd), 0);

    int read_only = open(path, O_RDONLY);
    int write_only = open(path, O_WRONLY);
    REQUIRE(read_only >= 0 && write_only >= 0);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, read_only, 0),
                    MAP_FAILED, EACCES);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, write_only, 0), MAP_FAILED, EACCES);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_PRIVATE, write_only, 0), MAP_FAILED,
                    EACCES);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_WRITE, MAP_SHARED, write_only, 0), MAP_FAILED,
                    EACCES);

    char *shared = mmap(NULL, page, PROT_READ, MAP_SHARED, read_only, 0);
    REQUIRE(shared != MAP_FAILED);
    CHECK_ERRNO(mprotect(shared, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK_EQ(mprotect(shared, page, PROT_NONE), 0);
    CHECK_EQ(mprotect(shared, page, PROT_READ), 0);
    CHECK_EQ(shared[0], 0);
    CHECK_EQ(munmap(shared, page), 0);

    int ends[2];
    REQUIRE(pipe(ends) == 0);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, ends[0], 0), MAP_FAILED, ENODEV);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_PRIVATE, ends[0], 0), MAP_FAILED, ENODEV);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_PRIVATE, directory, 0), MAP_FAILED, ENODEV);
    int null = open("/dev/null", O_RDWR);
    REQUIRE(null >= 0);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, null, 0), MAP_FAILED, ENODEV);

    int path_only = open(path, O_PATH);
    REQUIRE(path_only >= 0);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, path_only, 0), MAP_FAILED, EBADF);
    CHECK_EQ(close(path_only), 0);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, path_only, 0), MAP_FAILED, EBADF);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, -1, 0), MAP_FAILED, EBADF);
    /* The argument checks come first: an unaligned offset, no length. */
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_SHARED, read_only, 100), MAP_FAILED, EINVAL);
    CHECK_PTR_ERRNO(mmap(NULL, 0, PROT_READ, MAP_SHARED, read_only, 0), MAP_FAILED, EINVAL);

    /* Nothing was left open: the lowest free descriptor is as before. */
    CHECK_EQ(close(null), 0);
    CHECK_EQ(close(directory), 0);
    CHECK_EQ(close(ends[0]), 0);
    CHECK_EQ(close(ends[1]), 0);
    CHECK_EQ(close(write_only), 0);
    int next = dup(read_only);
    CHECK_EQ(next, read_only + 1);
    CHECK_EQ(close(next), 0);
    CHECK_EQ(close(read_only), 0);
    CHECK_EQ(unlink(path), 0);
    return check_finish("memory_file_errors");
}
