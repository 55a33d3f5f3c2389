/* rename and truncation: rename moves and replaces files and empty
 * directories atomically and fails with ENOENT, EISDIR, ENOTDIR,
 * ENOTEMPTY, EINVAL (into itself); truncate/ftruncate shrink and grow with
 * zeros and fail with EINVAL (negative, not open for writing), EISDIR,
 * EBADF, ENOENT. */
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"

static void write_file(const char *path, const char *contents)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, contents, strlen(contents)) == (ssize_t)strlen(contents));
    REQUIRE(close(fd) == 0);
}

static int contents_are(const char *path, const char *expected)
{
    char buffer[128] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t length = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    return length == (ssize_t)strlen(expected) && memcmp(buffer, expected, (size_t)length) == 0;
}

static off_t size_of(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0 ? status.st_size : -1;
}

int main(void)
{
    REQUIRE(mkdir("/tmp/mv", 0755) == 0);
    REQUIRE(mkdir("/tmp/mv/dir", 0755) == 0);
    REQUIRE(mkdir("/tmp/mv/full", 0755) == 0);
    write_file("/tmp/mv/full/content", "x");
    write_file("/tmp/mv/a", "alpha");
    write_file("/tmp/mv/b", "beta");

    struct stat before, after;
    CHECK_EQ(stat("/tmp/mv/a", &before), 0);
    CHECK_EQ(rename("/tmp/mv/a", "/tmp/mv/c"), 0);
    CHECK_ERRNO(stat("/tmp/mv/a", &after), ENOENT);
    CHECK_EQ(stat("/tmp/mv/c", &after), 0);
    CHECK_EQ(after.st_ino, before.st_ino);
    CHECK(contents_are("/tmp/mv/c", "alpha"));
    /* Replacing an existing file. */
    CHECK_EQ(rename("/tmp/mv/c", "/tmp/mv/b"), 0);
    CHECK(contents_are("/tmp/mv/b", "alpha"));
    CHECK_ERRNO(stat("/tmp/mv/c", &after), ENOENT);
    /* Into a directory, and to itself (nothing happens). */
    CHECK_EQ(rename("/tmp/mv/b", "/tmp/mv/dir/b"), 0);
    CHECK(contents_are("/tmp/mv/dir/b", "alpha"));
    CHECK_EQ(rename("/tmp/mv/dir/b", "/tmp/mv/dir/b"), 0);
    CHECK(contents_are("/tmp/mv/dir/b", "alpha"));
    /* A directory, with its contents, and over an empty directory. */
    CHECK_EQ(rename("/tmp/mv/dir", "/tmp/mv/moved"), 0);
    CHECK(contents_are("/tmp/mv/moved/b", "alpha"));
    REQUIRE(mkdir("/tmp/mv/empty", 0755) == 0);
    CHECK_EQ(rename("/tmp/mv/moved", "/tmp/mv/empty"), 0);
    CHECK(contents_are("/tmp/mv/empty/b", "alpha"));
    CHECK_ERRNO(stat("/tmp/mv/moved", &after), ENOENT);
    /* renameat relative to directory descriptors. */
    int directory = open("/tmp/mv/empty", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_EQ(renameat(directory, "b", AT_FDCWD, "/tmp/mv/b"), 0);
    CHECK(contents_are("/tmp/mv/b", "alpha"));
    CHECK_EQ(close(directory), 0);

    /* Errors. */
    CHECK_ERRNO(rename("/tmp/mv/missing", "/tmp/mv/x"), ENOENT);
    CHECK_ERRNO(rename("/tmp/mv/b", "/tmp/mv/no-dir/x"), ENOENT);
    CHECK_ERRNO(rename("/tmp/mv/b", "/tmp/mv/empty"), EISDIR);
    CHECK_ERRNO(rename("/tmp/mv/empty", "/tmp/mv/b"), ENOTDIR);
    CHECK_ERRNO(rename("/tmp/mv/empty", "/tmp/mv/full"), ENOTEMPTY);
    CHECK_ERRNO(rename("/tmp/mv/empty", "/tmp/mv/empty/inside"), EINVAL);
    CHECK_ERRNO(rename("/tmp/mv/b/x", "/tmp/mv/y"), ENOTDIR);
    /* Nothing moved. */
    CHECK(contents_are("/tmp/mv/b", "alpha"));
    CHECK(contents_are("/tmp/mv/full/content", "x"));

    /* Truncation. */
    int fd = open("/tmp/mv/b", O_RDWR);
    REQUIRE(fd >= 0);
    CHECK_EQ(ftruncate(fd, 2), 0);
    CHECK(contents_are("/tmp/mv/b", "al"));
    CHECK_EQ(ftruncate(fd, 6), 0);
    char buffer[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 6);
    CHECK(memcmp(buffer, "al\0\0\0\0", 6) == 0);
    /* The offset is not moved by truncation. */
    CHECK_EQ(lseek(fd, 4, SEEK_SET), 4);
    CHECK_EQ(ftruncate(fd, 1), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    CHECK_EQ(write(fd, "z", 1), 1);
    CHECK_EQ(size_of("/tmp/mv/b"), 5);
    CHECK_EQ(truncate("/tmp/mv/b", 0), 0);
    CHECK_EQ(size_of("/tmp/mv/b"), 0);
    CHECK_EQ(truncate("/tmp/mv/b", 100000), 0);
    CHECK_EQ(size_of("/tmp/mv/b"), 100000);
    CHECK_ERRNO(ftruncate(fd, -1), EINVAL);
    CHECK_EQ(close(fd), 0);
    fd = open("/tmp/mv/b", O_RDONLY);
    CHECK_ERRNO(ftruncate(fd, 0), EINVAL);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(ftruncate(999, 0), EBADF);
    CHECK_ERRNO(truncate("/tmp/mv/empty", 0), EISDIR);
    CHECK_ERRNO(truncate("/tmp/mv/missing", 0), ENOENT);
    CHECK_ERRNO(truncate("/tmp/mv/b", -1), EINVAL);
    CHECK_EQ(size_of("/tmp/mv/b"), 100000);

    unlink("/tmp/mv/b");
    unlink("/tmp/mv/full/content");
    rmdir("/tmp/mv/full");
    rmdir("/tmp/mv/empty");
    CHECK_EQ(rmdir("/tmp/mv"), 0);
    printf("rename moves and replaces; truncate shrinks and zero-fills; errors\n");
    return check_finish("file_rename_truncate");
}
