/* stat, fstat, lstat, fstatat: file type and permission bits, size,
 * link count, owner, block size; a directory's link count grows with its
 * subdirectories; ENOENT, ENOTDIR, EBADF, EFAULT. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "check.h"

int main(void)
{
    umask(0);
    REQUIRE(mkdir("/tmp/stat", 0750) == 0);
    int fd = open("/tmp/stat/file", O_RDWR | O_CREAT | O_EXCL, 0640);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "twelve bytes", 12), 12);

    struct stat by_fd, by_path, by_lstat, by_at;
    CHECK_EQ(fstat(fd, &by_fd), 0);
    CHECK(S_ISREG(by_fd.st_mode));
    CHECK_EQ(by_fd.st_mode & 07777, 0640);
    CHECK_EQ(by_fd.st_size, 12);
    CHECK_EQ(by_fd.st_nlink, 1);
    CHECK_EQ(by_fd.st_uid, 0);
    CHECK_EQ(by_fd.st_gid, 0);
    CHECK(by_fd.st_blksize > 0);
    CHECK_EQ(stat("/tmp/stat/file", &by_path), 0);
    CHECK_EQ(lstat("/tmp/stat/file", &by_lstat), 0);
    int directory = open("/tmp/stat", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_EQ(fstatat(directory, "file", &by_at, 0), 0);
    /* All four describe the same file. */
    CHECK(by_path.st_ino == by_fd.st_ino && by_path.st_dev == by_fd.st_dev);
    CHECK(by_lstat.st_ino == by_fd.st_ino && by_at.st_ino == by_fd.st_ino);
    CHECK(by_path.st_mode == by_fd.st_mode && by_at.st_size == 12);
    CHECK(by_path.st_ino != 0);

    /* The size follows writes and truncation. */
    CHECK_EQ(pwrite(fd, "x", 1, 999), 1);
    CHECK_EQ(fstat(fd, &by_fd), 0);
    CHECK_EQ(by_fd.st_size, 1000);
    CHECK_EQ(ftruncate(fd, 3), 0);
    CHECK_EQ(stat("/tmp/stat/file", &by_path), 0);
    CHECK_EQ(by_path.st_size, 3);

    /* chmod and fchmod change the bits stat shows. */
    CHECK_EQ(chmod("/tmp/stat/file", 0604), 0);
    CHECK_EQ(fstat(fd, &by_fd), 0);
    CHECK_EQ(by_fd.st_mode & 07777, 0604);
    CHECK_EQ(fchmod(fd, 0755), 0);
    CHECK_EQ(stat("/tmp/stat/file", &by_path), 0);
    CHECK_EQ(by_path.st_mode & 07777, 0755);
    CHECK(S_ISREG(by_path.st_mode));

    /* Directories: type, bits, link count 2 + subdirectories. */
    struct stat directory_status;
    CHECK_EQ(fstat(directory, &directory_status), 0);
    CHECK(S_ISDIR(directory_status.st_mode));
    CHECK_EQ(directory_status.st_mode & 07777, 0750);
    CHECK_EQ(directory_status.st_nlink, 2);
    CHECK_EQ(mkdir("/tmp/stat/sub", 0700), 0);
    CHECK_EQ(mkdir("/tmp/stat/sub2", 0700), 0);
    CHECK_EQ(stat("/tmp/stat", &directory_status), 0);
    CHECK_EQ(directory_status.st_nlink, 4);
    CHECK_EQ(rmdir("/tmp/stat/sub2"), 0);
    CHECK_EQ(fstatat(AT_FDCWD, "/tmp/stat", &directory_status, 0), 0);
    CHECK_EQ(directory_status.st_nlink, 3);
    CHECK_EQ(stat("/tmp/stat/sub/.", &by_path), 0);
    CHECK(S_ISDIR(by_path.st_mode));
    CHECK_EQ(stat("/tmp/stat/sub/..", &by_path), 0);
    CHECK_EQ(by_path.st_ino, directory_status.st_ino);
    CHECK_EQ(stat("/", &by_path), 0);
    CHECK(S_ISDIR(by_path.st_mode));
    CHECK_EQ(stat("/tmp", &by_path), 0);
    CHECK(S_ISDIR(by_path.st_mode));
    /* fstatat with AT_EMPTY_PATH describes the descriptor itself. */
    CHECK_EQ(fstatat(fd, "", &by_at, AT_EMPTY_PATH), 0);
    CHECK_EQ(by_at.st_ino, by_fd.st_ino);
    CHECK_EQ(fstatat(directory, "sub", &by_at, AT_SYMLINK_NOFOLLOW), 0);
    CHECK(S_ISDIR(by_at.st_mode));

    /* Errors. */
    CHECK_ERRNO(stat("/tmp/stat/missing", &by_path), ENOENT);
    CHECK_ERRNO(stat("", &by_path), ENOENT);
    CHECK_ERRNO(lstat("/tmp/stat/missing", &by_path), ENOENT);
    CHECK_ERRNO(stat("/tmp/stat/file/below", &by_path), ENOTDIR);
    CHECK_ERRNO(fstat(999, &by_path), EBADF);
    CHECK_ERRNO(fstat(-1, &by_path), EBADF);
    CHECK_ERRNO(fstatat(999, "file", &by_path, 0), EBADF);
    CHECK_ERRNO(fstatat(fd, "file", &by_path, 0), ENOTDIR);
    CHECK_ERRNO(fstatat(directory, "file", &by_path, 0x12345000), EINVAL);
    /* Raw: musl's fstat would write the result itself and fault. */
    CHECK_ERRNO(syscall(SYS_fstat, fd, (struct stat *)1), EFAULT);
    CHECK_ERRNO(chmod("/tmp/stat/missing", 0600), ENOENT);
    CHECK_ERRNO(fchmod(999, 0600), EBADF);

    CHECK_EQ(close(fd), 0);
    CHECK_EQ(close(directory), 0);
    CHECK_EQ(unlink("/tmp/stat/file"), 0);
    CHECK_EQ(rmdir("/tmp/stat/sub"), 0);
    CHECK_EQ(rmdir("/tmp/stat"), 0);
    printf("stat family: type, mode, size, nlink, uid; ENOENT/ENOTDIR/EBADF/EFAULT\n");
    return check_finish("file_stat");
}
