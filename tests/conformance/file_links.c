/* Hard links: link and linkat give a file another name in the same file
 * system. Both names are one file (inode, data, st_nlink counting the
 * names, ctime moving at link and unlink); unlinking one keeps the other;
 * rename onto another name of the same file does nothing, rename over a
 * link takes that one name; readdir lists every name. Errors: EEXIST,
 * ENOENT, ENOTDIR, EPERM (a directory), EXDEV (/tmp and /dev/shm are two
 * tmpfs mounts), EINVAL (flags), ENAMETOOLONG, EBADF; AT_EMPTY_PATH
 * works for root, even on a descriptor, but not for an unlinked file;
 * an unprivileged user gets EACCES in a directory it cannot write,
 * ENOENT for AT_EMPTY_PATH, and EPERM linking another user's file it
 * could not write (Debian's fs.protected_hardlinks). */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static void write_file(const char *path, const char *contents, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
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

static struct stat status_of(const char *path)
{
    struct stat status;
    memset(&status, 0, sizeof status);
    CHECK_EQ(stat(path, &status), 0);
    return status;
}

static long links_of(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0 ? (long)status.st_nlink : -1;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Long enough for a coarse clock (Linux stamps with the tick) to move. */
static void let_the_clock_move(void)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
}

static int later(struct timespec before, struct timespec after)
{
    return after.tv_sec > before.tv_sec ||
           (after.tv_sec == before.tv_sec && after.tv_nsec > before.tv_nsec);
}

static void two_names_are_one_file(void)
{
    write_file("/tmp/links/a", "alpha", 0644);
    struct stat before = status_of("/tmp/links/a");
    let_the_clock_move();
    CHECK_EQ(link("/tmp/links/a", "/tmp/links/b"), 0);
    struct stat a = status_of("/tmp/links/a"), b = status_of("/tmp/links/b");
    CHECK_EQ(a.st_ino, before.st_ino);
    CHECK_EQ(b.st_ino, a.st_ino);
    CHECK_EQ(b.st_dev, a.st_dev);
    CHECK_EQ(a.st_nlink, 2);
    CHECK_EQ(b.st_nlink, 2);
    CHECK_EQ(b.st_mode, S_IFREG | 0644);
    CHECK_EQ(b.st_size, 5);
    CHECK(later(before.st_ctim, a.st_ctim));
    CHECK(!later(before.st_mtim, a.st_mtim));

    /* What is written through one name is read through the other. */
    int fd = open("/tmp/links/b", O_WRONLY | O_APPEND);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "-beta", 5), 5);
    CHECK_EQ(close(fd), 0);
    CHECK(contents_are("/tmp/links/a", "alpha-beta"));

    /* A third name through linkat and directory descriptors. */
    REQUIRE(mkdir("/tmp/links/sub", 0755) == 0);
    int from = open("/tmp/links", O_RDONLY | O_DIRECTORY);
    int to = open("/tmp/links/sub", O_PATH | O_DIRECTORY);
    REQUIRE(from >= 0 && to >= 0);
    CHECK_EQ(linkat(from, "a", to, "c", 0), 0);
    CHECK_EQ(linkat(from, "a", AT_FDCWD, "/tmp/links/d", AT_SYMLINK_FOLLOW), 0);
    CHECK_EQ(links_of("/tmp/links/b"), 4);
    CHECK_EQ(status_of("/tmp/links/sub/c").st_ino, a.st_ino);
    CHECK_EQ(close(from), 0);
    CHECK_EQ(close(to), 0);
    /* A directory counts its subdirectories, not the links in it. */
    CHECK_EQ(links_of("/tmp/links/sub"), 2);
    CHECK_EQ(links_of("/tmp/links"), 3);
}

/* readdir shows every name, with the one inode. */
static void every_name_is_listed(void)
{
    DIR *directory = opendir("/tmp/links");
    REQUIRE(directory != NULL);
    ino_t a_inode = 0, b_inode = 0;
    int names = 0;
    for (struct dirent *entry; (entry = readdir(directory)) != NULL;) {
        names++;
        if (strcmp(entry->d_name, "a") == 0)
            a_inode = entry->d_ino;
        if (strcmp(entry->d_name, "b") == 0)
            b_inode = entry->d_ino;
    }
    CHECK_EQ(closedir(directory), 0);
    CHECK_EQ(names, 6);    /* ., .., a, b, d, sub */
    CHECK(a_inode != 0);
    CHECK_EQ(b_inode, a_inode);
}

static void unlinking_one_name_keeps_the_others(void)
{
    struct stat before = status_of("/tmp/links/b");
    let_the_clock_move();
    CHECK_EQ(unlink("/tmp/links/a"), 0);
    CHECK(!exists("/tmp/links/a"));
    struct stat b = status_of("/tmp/links/b");
    CHECK_EQ(b.st_nlink, 3);
    CHECK(later(before.st_ctim, b.st_ctim));
    CHECK(contents_are("/tmp/links/b", "alpha-beta"));
    CHECK_EQ(unlink("/tmp/links/sub/c"), 0);
    CHECK_EQ(links_of("/tmp/links/d"), 2);
}

static void rename_and_links(void)
{
    ino_t inode = status_of("/tmp/links/b").st_ino;
    /* Onto another name of the same file: nothing happens. */
    CHECK_EQ(rename("/tmp/links/b", "/tmp/links/d"), 0);
    CHECK(exists("/tmp/links/b"));
    CHECK_EQ(links_of("/tmp/links/d"), 2);
    /* A link renamed moves that name only. */
    CHECK_EQ(rename("/tmp/links/d", "/tmp/links/sub/e"), 0);
    CHECK(!exists("/tmp/links/d"));
    CHECK_EQ(status_of("/tmp/links/sub/e").st_ino, inode);
    CHECK_EQ(links_of("/tmp/links/b"), 2);
    /* Another file renamed over a link takes that name from the file. */
    write_file("/tmp/links/other", "omega", 0644);
    CHECK_EQ(rename("/tmp/links/other", "/tmp/links/sub/e"), 0);
    CHECK_EQ(links_of("/tmp/links/b"), 1);
    CHECK(contents_are("/tmp/links/sub/e", "omega"));
    CHECK(status_of("/tmp/links/sub/e").st_ino != inode);
    CHECK(contents_are("/tmp/links/b", "alpha-beta"));
}

static void the_last_name_goes_but_the_open_file_stays(void)
{
    CHECK_EQ(link("/tmp/links/b", "/tmp/links/f"), 0);
    int fd = open("/tmp/links/b", O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(unlink("/tmp/links/b"), 0);
    CHECK_EQ(unlink("/tmp/links/f"), 0);
    struct stat status;
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_nlink, 0);
    char buffer[16] = {0};
    CHECK_EQ(read(fd, buffer, sizeof buffer), 10);
    /* Root may name a file by descriptor (AT_EMPTY_PATH), but not one
     * whose names are all gone. */
    CHECK_ERRNO(linkat(fd, "", AT_FDCWD, "/tmp/links/revived", AT_EMPTY_PATH), ENOENT);
    CHECK(!exists("/tmp/links/revived"));
    CHECK_EQ(close(fd), 0);

    write_file("/tmp/links/named", "n", 0600);
    fd = open("/tmp/links/named", O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(linkat(fd, "", AT_FDCWD, "/tmp/links/by-descriptor", AT_EMPTY_PATH), 0);
    CHECK_EQ(links_of("/tmp/links/named"), 2);
    CHECK_ERRNO(linkat(fd, "", AT_FDCWD, "/tmp/links/again", 0), ENOENT);
    CHECK_EQ(close(fd), 0);
    /* A directory's descriptor names a directory. */
    int directory = open("/tmp/links/sub", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_ERRNO(linkat(directory, "", AT_FDCWD, "/tmp/links/dir-link", AT_EMPTY_PATH), EPERM);
    CHECK_EQ(close(directory), 0);
}

static void errors(void)
{
    write_file("/tmp/links/x", "x", 0644);
    write_file("/tmp/links/y", "y", 0644);
    /* The new name exists. */
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/y"), EEXIST);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/x"), EEXIST);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/sub"), EEXIST);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/sub/"), EEXIST);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/."), EEXIST);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/.."), EEXIST);
    /* Something is missing. */
    CHECK_ERRNO(link("/tmp/links/missing", "/tmp/links/z"), ENOENT);
    CHECK_ERRNO(link("/tmp/links/no-dir/x", "/tmp/links/z"), ENOENT);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/no-dir/z"), ENOENT);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/z/"), ENOENT);
    CHECK_ERRNO(link("", "/tmp/links/z"), ENOENT);
    CHECK_ERRNO(link("/tmp/links/x", ""), ENOENT);
    /* A file where a directory should be. */
    CHECK_ERRNO(link("/tmp/links/x/", "/tmp/links/z"), ENOTDIR);
    CHECK_ERRNO(link("/tmp/links/x/y", "/tmp/links/z"), ENOTDIR);
    CHECK_ERRNO(link("/tmp/links/x", "/tmp/links/y/z"), ENOTDIR);
    int file = open("/tmp/links/x", O_RDONLY);
    REQUIRE(file >= 0);
    CHECK_ERRNO(linkat(file, "y", AT_FDCWD, "/tmp/links/z", 0), ENOTDIR);
    CHECK_EQ(close(file), 0);
    CHECK_ERRNO(linkat(999, "x", AT_FDCWD, "/tmp/links/z", 0), EBADF);
    CHECK_ERRNO(linkat(AT_FDCWD, "/tmp/links/x", 999, "z", 0), EBADF);
    /* Directories have one name. */
    CHECK_ERRNO(link("/tmp/links/sub", "/tmp/links/z"), EPERM);
    CHECK_ERRNO(link("/tmp/links/sub/", "/tmp/links/z"), EPERM);
    CHECK_ERRNO(link("/tmp", "/tmp/links/z"), EPERM);
    /* /tmp and /dev/shm are two file systems. */
    CHECK_ERRNO(link("/tmp/links/x", "/dev/shm/file_links"), EXDEV);
    write_file("/dev/shm/file_links", "s", 0644);
    CHECK_ERRNO(link("/dev/shm/file_links", "/tmp/links/z"), EXDEV);
    CHECK_EQ(link("/dev/shm/file_links", "/dev/shm/file_links.2"), 0);
    CHECK_EQ(links_of("/dev/shm/file_links"), 2);
    CHECK_EQ(unlink("/dev/shm/file_links"), 0);
    CHECK_EQ(unlink("/dev/shm/file_links.2"), 0);
    /* Flags. */
    CHECK_ERRNO(linkat(AT_FDCWD, "/tmp/links/x", AT_FDCWD, "/tmp/links/z",
                       AT_SYMLINK_NOFOLLOW), EINVAL);
    CHECK_ERRNO(linkat(AT_FDCWD, "/tmp/links/missing", AT_FDCWD, "/tmp/links/z", 0x1),
                EINVAL);
    /* Names too long. */
    char name[300] = "/tmp/links/";
    memset(name + 11, 'n', 256);
    name[267] = 0;
    CHECK_ERRNO(link("/tmp/links/x", name), ENAMETOOLONG);
    name[266] = 0;
    CHECK_EQ(link("/tmp/links/x", name), 0);
    CHECK_EQ(unlink(name), 0);
    /* Nothing was made. */
    CHECK(!exists("/tmp/links/z"));
    CHECK_EQ(links_of("/tmp/links/x"), 1);
}

/* An unprivileged user: write and search permission, AT_EMPTY_PATH, and
 * other users' files. */
static void unprivileged(void)
{
    REQUIRE(mkdir("/tmp/links/closed", 0755) == 0);
    REQUIRE(mkdir("/tmp/links/open", 0777) == 0);
    REQUIRE(mkdir("/tmp/links/private", 0700) == 0);
    write_file("/tmp/links/private/secret", "s", 0666);
    write_file("/tmp/links/open/roots-readable", "r", 0644);
    write_file("/tmp/links/open/roots-writable", "w", 0666);
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        write_file("/tmp/links/open/mine", "m", 0600);
        CHECK_EQ(link("/tmp/links/open/mine", "/tmp/links/open/mine.2"), 0);
        CHECK_ERRNO(link("/tmp/links/open/mine", "/tmp/links/closed/mine"), EACCES);
        CHECK_ERRNO(link("/tmp/links/private/secret", "/tmp/links/open/secret"), EACCES);
        int fd = open("/tmp/links/open/mine", O_RDONLY);
        CHECK(fd >= 0);
        CHECK_ERRNO(linkat(fd, "", AT_FDCWD, "/tmp/links/open/by-fd", AT_EMPTY_PATH), ENOENT);
        CHECK_ERRNO(linkat(AT_FDCWD, "/tmp/links/open/mine", AT_FDCWD, "/tmp/links/open/by-fd",
                           AT_EMPTY_PATH), ENOENT);
        close(fd);
        CHECK_ERRNO(link("/tmp/links/open/roots-readable", "/tmp/links/open/taken"), EPERM);
        CHECK_EQ(link("/tmp/links/open/roots-writable", "/tmp/links/open/shared"), 0);
        check_child_exit();
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(links_of("/tmp/links/open/mine"), 2);
    CHECK_EQ(links_of("/tmp/links/open/roots-writable"), 2);
    CHECK_EQ(status_of("/tmp/links/open/shared").st_uid, 0);
    CHECK(!exists("/tmp/links/closed/mine"));
    CHECK(!exists("/tmp/links/open/taken"));
    CHECK(!exists("/tmp/links/open/by-fd"));
}

int main(void)
{
    umask(0);
    REQUIRE(mkdir("/tmp/links", 0755) == 0);
    two_names_are_one_file();
    every_name_is_listed();
    unlinking_one_name_keeps_the_others();
    rename_and_links();
    the_last_name_goes_but_the_open_file_stays();
    errors();
    unprivileged();
    printf("two names, one file: inode, data and st_nlink shared; unlink and rename "
           "take one name\n");
    printf("link errors: EEXIST ENOENT ENOTDIR EBADF EPERM EXDEV EINVAL ENAMETOOLONG; "
           "unprivileged: EACCES, ENOENT for AT_EMPTY_PATH, EPERM for others' files\n");
    return check_finish("file_links");
}
