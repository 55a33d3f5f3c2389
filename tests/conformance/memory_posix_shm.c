/* POSIX shared memory (shm_open, shm_unlink: files in /dev/shm). An object
 * is made with O_CREAT (O_EXCL: EEXIST), close-on-exec, sized by
 * ftruncate, and shared through MAP_SHARED with a child that opens the
 * name itself; fstat shows its size and mode; after shm_unlink the name is
 * gone (ENOENT) while a mapping keeps the object, and the name can be
 * made again for a new, separate object; an unprivileged user cannot open
 * root's 0600 object (EACCES) nor unlink it from the sticky /dev/shm
 * (EPERM), but makes and unlinks its own. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096 };

static const char name[] = "/memory_posix_shm";
static const char user_name[] = "/memory_posix_shm.user";

static void waits_for_child(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static char *map_object(int fd, size_t length)
{
    char *mapped = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(mapped != MAP_FAILED);
    return mapped;
}

/* A child opens the object by name, maps it, sees the parent's bytes and
 * writes its own, which the parent sees in its mapping and by read. */
static void a_child_shares_it_by_name(char *mapped, int fd)
{
    strcpy(mapped, "from the parent");
    strcpy(mapped + page, "second page");
    pid_t child = fork();
    if (child == 0) {
        int own = shm_open(name, O_RDWR, 0);
        CHECK(own >= 0);
        struct stat status;
        CHECK_EQ(fstat(own, &status), 0);
        CHECK_EQ(status.st_size, 2 * page);
        char *own_mapping = map_object(own, 2 * page);
        CHECK_EQ(close(own), 0);
        CHECK(strcmp(own_mapping, "from the parent") == 0);
        CHECK(strcmp(own_mapping + page, "second page") == 0);
        strcpy(own_mapping + 100, "from the child");
        check_child_exit();
    }
    waits_for_child(child);
    CHECK(strcmp(mapped + 100, "from the child") == 0);
    char bytes[15] = {0};
    CHECK_EQ(pread(fd, bytes, 14, 100), 14);
    CHECK(strcmp(bytes, "from the child") == 0);
}

static void an_unprivileged_user_keeps_to_its_own(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(shm_open(name, O_RDWR, 0), EACCES);
        CHECK_ERRNO(shm_open(name, O_RDONLY, 0), EACCES);
        CHECK_ERRNO(shm_unlink(name), EPERM);
        int fd = shm_open(user_name, O_RDWR | O_CREAT | O_EXCL, 0644);
        CHECK(fd >= 0);
        struct stat status;
        CHECK_EQ(fstat(fd, &status), 0);
        CHECK_EQ(status.st_uid, 1000);
        CHECK_EQ(status.st_gid, 1000);
        CHECK_EQ(close(fd), 0);
        check_child_exit();
    }
    waits_for_child(child);
    /* Root may read it (0644) and remove it. */
    int fd = shm_open(user_name, O_RDWR, 0);
    CHECK(fd >= 0);
    CHECK_EQ(close(fd), 0);
    child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_EQ(shm_unlink(user_name), 0);
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_ERRNO(shm_open(user_name, O_RDONLY, 0), ENOENT);
}

int main(void)
{
    umask(0);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_ERRNO(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
    struct stat status;
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_mode, S_IFREG | 0600);
    CHECK_EQ(status.st_size, 0);
    CHECK_EQ(status.st_uid, 0);
    CHECK_EQ(status.st_nlink, 1);
    /* It is a file in /dev/shm. */
    struct stat by_path;
    CHECK_EQ(stat("/dev/shm/memory_posix_shm", &by_path), 0);
    CHECK_EQ(by_path.st_ino, status.st_ino);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_size, 2 * page);
    char *mapped = map_object(fd, 2 * page);
    CHECK_EQ(mapped[page + 10], 0);

    a_child_shares_it_by_name(mapped, fd);
    an_unprivileged_user_keeps_to_its_own();

    /* Opening without O_CREAT finds it; O_TRUNC would empty it. */
    int again = shm_open(name, O_RDONLY, 0);
    CHECK(again >= 0);
    CHECK_EQ(fstat(again, &by_path), 0);
    CHECK_EQ(by_path.st_ino, status.st_ino);
    CHECK_EQ(close(again), 0);
    CHECK_ERRNO(shm_open("/memory_posix_shm.missing", O_RDWR, 0), ENOENT);
    /* Names with a slash inside are not names of objects. */
    CHECK_ERRNO(shm_open("/memory/posix_shm", O_RDWR | O_CREAT, 0600), EINVAL);

    /* Unlinked, the name is gone but the mapping keeps the object. */
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(shm_unlink(name), 0);
    CHECK_ERRNO(shm_open(name, O_RDWR, 0), ENOENT);
    CHECK_ERRNO(shm_unlink(name), ENOENT);
    CHECK(strcmp(mapped, "from the parent") == 0);
    strcpy(mapped + 200, "still here");

    /* The name again: a new, empty object, apart from the old one. */
    int fresh = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0640);
    REQUIRE(fresh >= 0);
    struct stat fresh_status;
    CHECK_EQ(fstat(fresh, &fresh_status), 0);
    CHECK(fresh_status.st_ino != status.st_ino);
    CHECK_EQ(fresh_status.st_size, 0);
    CHECK_EQ(fresh_status.st_mode, S_IFREG | 0640);
    CHECK_EQ(ftruncate(fresh, page), 0);
    char *fresh_mapping = map_object(fresh, page);
    CHECK_EQ(fresh_mapping[0], 0);
    strcpy(fresh_mapping, "new object");
    CHECK(strcmp(mapped, "from the parent") == 0);
    CHECK(strcmp(mapped + 200, "still here") == 0);
    CHECK(strcmp(fresh_mapping, "new object") == 0);
    /* O_TRUNC empties it. */
    int truncating = shm_open(name, O_RDWR | O_TRUNC, 0);
    CHECK(truncating >= 0);
    CHECK_EQ(fstat(fresh, &fresh_status), 0);
    CHECK_EQ(fresh_status.st_size, 0);
    CHECK_EQ(close(truncating), 0);

    CHECK_EQ(munmap(fresh_mapping, page), 0);
    CHECK_EQ(close(fresh), 0);
    CHECK_EQ(shm_unlink(name), 0);
    CHECK_EQ(munmap(mapped, 2 * page), 0);
    printf("shm_open objects are /dev/shm files: shared by name, kept by mappings after "
           "shm_unlink, private to their owner\n");
    return check_finish("memory_posix_shm");
}
