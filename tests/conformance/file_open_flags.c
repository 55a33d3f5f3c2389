/* open and openat flags under /tmp: O_CREAT with its mode (less the
 * umask), O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, access modes; and the
 * errors ENOENT, EEXIST, EISDIR, ENOTDIR, EBADF, ENAMETOOLONG, EINVAL. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "check.h"

static off_t size_of(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0 ? status.st_size : -1;
}

int main(void)
{
    umask(022);
    REQUIRE(mkdir("/tmp/open", 0755) == 0);
    const char *path = "/tmp/open/file";

    CHECK_ERRNO(open(path, O_RDONLY), ENOENT);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK(fd >= 0);
    struct stat status;
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_mode & 07777, 0644);
    CHECK(S_ISREG(status.st_mode));
    CHECK_EQ(write(fd, "hello", 5), 5);
    /* Write-only: reading is EBADF. */
    char buffer[32];
    CHECK_ERRNO(read(fd, buffer, sizeof buffer), EBADF);
    CHECK_EQ(close(fd), 0);

    CHECK_ERRNO(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    /* O_CREAT alone on an existing file opens it, mode ignored. */
    fd = open(path, O_RDONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buffer, sizeof buffer), 5);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(stat(path, &status), 0);
    CHECK_EQ(status.st_mode & 07777, 0644);

    /* O_APPEND: every write goes to the end, whatever the offset. */
    fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(write(fd, " world", 6), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(size_of(path), 11);

    /* O_RDWR. */
    fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buffer, 5), 5);
    CHECK_EQ(write(fd, "_", 1), 1);
    CHECK_EQ(pread(fd, buffer, 11, 0), 11);
    CHECK_EQ(memcmp(buffer, "hello_world", 11), 0);
    CHECK_EQ(close(fd), 0);

    /* O_TRUNC empties it. */
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    CHECK_EQ(size_of(path), 0);
    CHECK_EQ(close(fd), 0);

    /* The umask applies to the creation mode. */
    umask(077);
    fd = open("/tmp/open/private", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_mode & 07777, 0600);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(umask(022), 077);

    /* Directories. */
    fd = open("/tmp/open", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_ERRNO(read(fd, buffer, sizeof buffer), EISDIR);
    /* openat relative to it. */
    int relative = openat(fd, "file", O_RDONLY);
    CHECK(relative >= 0);
    CHECK_EQ(close(relative), 0);
    relative = openat(fd, "created-at", O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(relative >= 0);
    CHECK_EQ(close(relative), 0);
    CHECK_EQ(size_of("/tmp/open/created-at"), 0);
    CHECK_ERRNO(openat(fd, "missing", O_RDONLY), ENOENT);
    /* An absolute path ignores the directory descriptor. */
    relative = openat(999, "/tmp/open/file", O_RDONLY);
    CHECK(relative >= 0);
    CHECK_EQ(close(relative), 0);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(openat(999, "file", O_RDONLY), EBADF);
    int file_fd = open(path, O_RDONLY);
    CHECK_ERRNO(openat(file_fd, "file", O_RDONLY), ENOTDIR);
    CHECK_EQ(close(file_fd), 0);
    CHECK_EQ(chdir("/tmp/open"), 0);
    relative = openat(AT_FDCWD, "file", O_RDONLY);
    CHECK(relative >= 0);
    CHECK_EQ(close(relative), 0);
    CHECK_EQ(chdir("/"), 0);

    CHECK_ERRNO(open(path, O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERRNO(open("/tmp/open", O_WRONLY), EISDIR);
    CHECK_ERRNO(open("/tmp/open", O_RDWR), EISDIR);
    CHECK_ERRNO(open("/tmp/open/file/below", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("/tmp/open/file/below", O_CREAT | O_WRONLY, 0644), ENOTDIR);
    CHECK_ERRNO(open("/tmp/open/no-dir/file", O_CREAT | O_WRONLY, 0644), ENOENT);
    CHECK_ERRNO(open("", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("/tmp/open/", O_CREAT | O_WRONLY, 0644), EISDIR);
    CHECK_ERRNO(open("/tmp/open/new-dir/", O_CREAT | O_WRONLY, 0644), EISDIR);
    CHECK_ERRNO(open("/tmp/open/file", O_RDONLY | O_CREAT | O_EXCL | O_DIRECTORY, 0644), EINVAL);
    char long_component[NAME_MAX + 16] = "/tmp/open/";
    memset(long_component + 10, 'n', NAME_MAX + 1);
    long_component[10 + NAME_MAX + 1] = '\0';
    CHECK_ERRNO(open(long_component, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    static char long_path[PATH_MAX + 2];
    memset(long_path, '/', PATH_MAX + 1);
    CHECK_ERRNO(open(long_path, O_RDONLY), ENAMETOOLONG);
    /* "." and ".." resolve. */
    fd = open("/tmp/open/../open/./file", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(close(fd), EBADF);

    CHECK_EQ(unlink("/tmp/open/file"), 0);
    CHECK_EQ(unlink("/tmp/open/private"), 0);
    CHECK_EQ(unlink("/tmp/open/created-at"), 0);
    CHECK_EQ(rmdir("/tmp/open"), 0);
    printf("O_CREAT/O_EXCL/O_TRUNC/O_APPEND/O_DIRECTORY and openat under /tmp\n");
    return check_finish("file_open_flags");
}
