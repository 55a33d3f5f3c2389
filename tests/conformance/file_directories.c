/* mkdir, rmdir, unlink on directories and files, with every error they
 * should give: EEXIST, ENOENT, ENOTEMPTY, ENOTDIR, EISDIR, EINVAL, EBUSY
 * or EINVAL for "." and "..", ENAMETOOLONG. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "check.h"

static void make_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(close(fd) == 0);
}

int main(void)
{
    umask(022);
    CHECK_EQ(mkdir("/tmp/dirs", 0755), 0);
    CHECK_ERRNO(mkdir("/tmp/dirs", 0755), EEXIST);
    CHECK_ERRNO(mkdir("/tmp", 0755), EEXIST);
    CHECK_ERRNO(mkdir("/tmp/missing/sub", 0755), ENOENT);
    CHECK_ERRNO(mkdir("", 0755), ENOENT);

    /* Nested directories, created and removed in order. */
    CHECK_EQ(mkdir("/tmp/dirs/a", 0755), 0);
    CHECK_EQ(mkdir("/tmp/dirs/a/b", 0700), 0);
    CHECK_EQ(mkdir("/tmp/dirs/a/b/c", 0777), 0);
    struct stat status;
    CHECK_EQ(stat("/tmp/dirs/a/b/c", &status), 0);
    CHECK(S_ISDIR(status.st_mode));
    CHECK_EQ(status.st_mode & 07777, 0755);
    /* A trailing slash is fine for directories. */
    CHECK_EQ(mkdir("/tmp/dirs/trailing/", 0755), 0);
    CHECK_EQ(rmdir("/tmp/dirs/trailing/"), 0);

    CHECK_ERRNO(rmdir("/tmp/dirs/a"), ENOTEMPTY);
    CHECK_ERRNO(rmdir("/tmp/dirs/a/b"), ENOTEMPTY);
    CHECK_ERRNO(rmdir("/tmp/dirs/a/b/c/."), EINVAL);
    CHECK_ERRNO(rmdir("/tmp/dirs/a/b/c/.."), ENOTEMPTY);
    CHECK_ERRNO(unlink("/tmp/dirs/a"), EISDIR);
    CHECK_ERRNO(rmdir("/tmp/dirs/missing"), ENOENT);

    /* Files in the way. */
    make_file("/tmp/dirs/file");
    CHECK_ERRNO(rmdir("/tmp/dirs/file"), ENOTDIR);
    CHECK_ERRNO(mkdir("/tmp/dirs/file", 0755), EEXIST);
    CHECK_ERRNO(mkdir("/tmp/dirs/file/sub", 0755), ENOTDIR);
    CHECK_ERRNO(unlink("/tmp/dirs/file/sub"), ENOTDIR);
    CHECK_ERRNO(unlink("/tmp/dirs/file/"), ENOTDIR);
    CHECK_ERRNO(rmdir("/tmp/dirs/file/"), ENOTDIR);
    CHECK_ERRNO(unlinkat(AT_FDCWD, "/tmp/dirs/file", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERRNO(unlinkat(AT_FDCWD, "/tmp/dirs/file", 0x1234), EINVAL);
    CHECK_EQ(unlink("/tmp/dirs/file"), 0);
    CHECK_ERRNO(unlink("/tmp/dirs/file"), ENOENT);

    /* Names too long. */
    char long_name[NAME_MAX + 32] = "/tmp/dirs/";
    memset(long_name + 10, 'd', NAME_MAX + 1);
    long_name[10 + NAME_MAX + 1] = '\0';
    CHECK_ERRNO(mkdir(long_name, 0755), ENAMETOOLONG);
    CHECK_ERRNO(rmdir(long_name), ENAMETOOLONG);
    CHECK_ERRNO(unlink(long_name), ENAMETOOLONG);
    /* NAME_MAX itself is fine. */
    long_name[10 + NAME_MAX] = '\0';
    CHECK_EQ(mkdir(long_name, 0755), 0);
    CHECK_EQ(rmdir(long_name), 0);

    /* mkdirat and unlinkat relative to a directory descriptor. */
    int directory = open("/tmp/dirs/a", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_EQ(mkdirat(directory, "at", 0755), 0);
    CHECK_EQ(stat("/tmp/dirs/a/at", &status), 0);
    CHECK_ERRNO(unlinkat(directory, "at", 0), EISDIR);
    CHECK_EQ(unlinkat(directory, "at", AT_REMOVEDIR), 0);
    CHECK_ERRNO(mkdirat(999, "at", 0755), EBADF);
    CHECK_EQ(close(directory), 0);

    /* A directory removed while open: still a valid descriptor, but empty
     * and nothing can be created in it. */
    directory = open("/tmp/dirs/a/b/c", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_EQ(rmdir("/tmp/dirs/a/b/c"), 0);
    CHECK_EQ(fstat(directory, &status), 0);
    CHECK_EQ(status.st_nlink, 0);
    CHECK_ERRNO(openat(directory, "new", O_CREAT | O_WRONLY, 0644), ENOENT);
    CHECK_EQ(close(directory), 0);

    CHECK_EQ(rmdir("/tmp/dirs/a/b"), 0);
    CHECK_EQ(rmdir("/tmp/dirs/a"), 0);
    CHECK_EQ(rmdir("/tmp/dirs"), 0);
    CHECK_ERRNO(stat("/tmp/dirs", &status), ENOENT);
    printf("mkdir/rmdir/unlink with EEXIST, ENOENT, ENOTEMPTY, ENOTDIR, EISDIR, EINVAL, ENAMETOOLONG\n");
    return check_finish("file_directories");
}
