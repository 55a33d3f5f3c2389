/* Permission checks by mode bits: root passes read/write checks whatever
 * the bits; an unprivileged child (uid 1000) gets EACCES for a 0600 root
 * file, for writing a 0644 one, for searching a 0700 directory and for
 * creating or removing in a 0755 one; access/faccessat answer the same. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

static void make_file(const char *path, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, "secret", 6) == 6);
    REQUIRE(close(fd) == 0);
    REQUIRE(chmod(path, mode) == 0);
}

static int opens(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

int main(void)
{
    umask(0);
    REQUIRE(mkdir("/tmp/perm", 0755) == 0);
    REQUIRE(mkdir("/tmp/perm/closed", 0700) == 0);
    REQUIRE(mkdir("/tmp/perm/open", 0777) == 0);
    make_file("/tmp/perm/owner-only", 0600);
    make_file("/tmp/perm/world-readable", 0644);
    make_file("/tmp/perm/no-bits", 0000);
    make_file("/tmp/perm/closed/inside", 0644);
    make_file("/tmp/perm/executable", 0755);

    /* Root: read and write whatever the bits, execute needs some x bit. */
    CHECK(opens("/tmp/perm/no-bits", O_RDWR));
    CHECK(opens("/tmp/perm/owner-only", O_RDWR));
    CHECK_EQ(access("/tmp/perm/no-bits", R_OK | W_OK), 0);
    CHECK_ERRNO(access("/tmp/perm/no-bits", X_OK), EACCES);
    CHECK_EQ(access("/tmp/perm/executable", X_OK), 0);
    CHECK_EQ(access("/tmp/perm/closed/inside", R_OK), 0);
    CHECK_EQ(access("/tmp/perm/no-bits", F_OK), 0);
    CHECK_ERRNO(access("/tmp/perm/missing", F_OK), ENOENT);
    CHECK_ERRNO(access("/tmp/perm/no-bits", 0x10), EINVAL);
    CHECK_EQ(faccessat(AT_FDCWD, "/tmp/perm/owner-only", R_OK | W_OK, 0), 0);

    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(open("/tmp/perm/owner-only", O_RDONLY), EACCES);
        CHECK_ERRNO(open("/tmp/perm/owner-only", O_WRONLY), EACCES);
        CHECK_ERRNO(open("/tmp/perm/no-bits", O_RDONLY), EACCES);
        CHECK(opens("/tmp/perm/world-readable", O_RDONLY));
        CHECK_ERRNO(open("/tmp/perm/world-readable", O_WRONLY), EACCES);
        CHECK_ERRNO(open("/tmp/perm/world-readable", O_RDWR), EACCES);
        CHECK_ERRNO(open("/tmp/perm/world-readable", O_RDONLY | O_TRUNC), EACCES);
        /* No search permission on the directory. */
        CHECK_ERRNO(open("/tmp/perm/closed/inside", O_RDONLY), EACCES);
        struct stat status;
        CHECK_ERRNO(stat("/tmp/perm/closed/inside", &status), EACCES);
        CHECK_ERRNO(chdir("/tmp/perm/closed"), EACCES);
        CHECK_EQ(stat("/tmp/perm/closed", &status), 0);
        /* No write permission on the directory. */
        CHECK_ERRNO(open("/tmp/perm/new", O_WRONLY | O_CREAT, 0644), EACCES);
        CHECK_ERRNO(mkdir("/tmp/perm/new-dir", 0755), EACCES);
        CHECK_ERRNO(unlink("/tmp/perm/world-readable"), EACCES);
        CHECK_ERRNO(rmdir("/tmp/perm/open"), EACCES);
        /* A world-writable directory lets us create and remove our own. */
        int fd = open("/tmp/perm/open/mine", O_WRONLY | O_CREAT | O_EXCL, 0600);
        CHECK(fd >= 0);
        CHECK_EQ(fstat(fd, &status), 0);
        CHECK_EQ(status.st_uid, 1000);
        CHECK_EQ(status.st_gid, 1000);
        CHECK_EQ(close(fd), 0);
        CHECK(opens("/tmp/perm/open/mine", O_RDWR));
        /* Our own file, made 0000, is closed to us too. */
        CHECK_EQ(chmod("/tmp/perm/open/mine", 0), 0);
        CHECK_ERRNO(open("/tmp/perm/open/mine", O_RDONLY), EACCES);
        /* Only the owner may chmod. */
        CHECK_ERRNO(chmod("/tmp/perm/world-readable", 0777), EPERM);
        CHECK_EQ(unlink("/tmp/perm/open/mine"), 0);
        /* access answers with the real ids. */
        CHECK_ERRNO(access("/tmp/perm/owner-only", R_OK), EACCES);
        CHECK_EQ(access("/tmp/perm/world-readable", R_OK), 0);
        CHECK_ERRNO(access("/tmp/perm/world-readable", W_OK), EACCES);
        CHECK_EQ(access("/tmp/perm/executable", R_OK | X_OK), 0);
        CHECK_ERRNO(faccessat(AT_FDCWD, "/tmp/perm/closed/inside", F_OK, 0), EACCES);
        CHECK_EQ(access("/tmp/perm/no-bits", F_OK), 0);
        check_child_exit();
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Group bits apply to a member of the file's group. */
    REQUIRE(chown("/tmp/perm/owner-only", 0, 1000) == 0);
    REQUIRE(chmod("/tmp/perm/owner-only", 0640) == 0);
    pid = fork();
    if (pid == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK(opens("/tmp/perm/owner-only", O_RDONLY));
        CHECK_ERRNO(open("/tmp/perm/owner-only", O_WRONLY), EACCES);
        check_child_exit();
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    unlink("/tmp/perm/owner-only");
    unlink("/tmp/perm/world-readable");
    unlink("/tmp/perm/no-bits");
    unlink("/tmp/perm/executable");
    unlink("/tmp/perm/closed/inside");
    rmdir("/tmp/perm/closed");
    rmdir("/tmp/perm/open");
    CHECK_EQ(rmdir("/tmp/perm"), 0);
    printf("root bypasses read/write bits; uid 1000 gets EACCES by mode bits\n");
    return check_finish("file_permissions");
}
