/* An open file lives until its last descriptor closes: an unlinked file
 * stays readable and writable through descriptors kept by dup, by fork
 * and by the process itself, and a new file of the same name is a
 * different file. The lowest free number is reused after close. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

int main(void)
{
    int fd = open("/tmp/last-close", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "still here", 10), 10);
    int copy = dup(fd);
    CHECK(copy >= 0);
    struct stat before;
    CHECK_EQ(fstat(fd, &before), 0);
    CHECK_EQ(before.st_nlink, 1);

    CHECK_EQ(unlink("/tmp/last-close"), 0);
    struct stat status;
    CHECK_ERRNO(stat("/tmp/last-close", &status), ENOENT);
    CHECK_ERRNO(open("/tmp/last-close", O_RDONLY), ENOENT);
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_nlink, 0);
    CHECK_EQ(status.st_size, 10);

    /* Readable and writable through either descriptor. */
    char buffer[32] = {0};
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 10);
    CHECK_EQ(strcmp(buffer, "still here"), 0);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(pwrite(copy, "STILL", 5, 0), 5);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(pread(copy, buffer, sizeof buffer, 0), 10);
    CHECK_EQ(strcmp(buffer, "STILL here"), 0);

    /* A new file of the same name is another file. */
    int fresh = open("/tmp/last-close", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fresh >= 0);
    CHECK_EQ(fstat(fresh, &status), 0);
    CHECK_EQ(status.st_size, 0);
    CHECK_EQ(status.st_nlink, 1);
    CHECK_EQ(close(fresh), 0);
    CHECK_EQ(unlink("/tmp/last-close"), 0);

    /* A child keeps the unlinked file after the parent closes it. */
    fd = open("/tmp/last-close-2", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "shared", 6), 6);
    volatile int *parent_closed = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(parent_closed != MAP_FAILED);
    pid_t pid = fork();
    if (pid == 0) {
        while (!__atomic_load_n(parent_closed, __ATOMIC_ACQUIRE))
            usleep(1000);
        char child_buffer[8] = {0};
        int ok = pread(fd, child_buffer, sizeof child_buffer, 0) == 6 &&
                 strcmp(child_buffer, "shared") == 0;
        struct stat child_status;
        ok &= fstat(fd, &child_status) == 0 && child_status.st_nlink == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK_EQ(unlink("/tmp/last-close-2"), 0);
    CHECK_EQ(close(fd), 0);
    __atomic_store_n(parent_closed, 1, __ATOMIC_RELEASE);
    int wait_status;
    CHECK_EQ(waitpid(pid, &wait_status, 0), pid);
    CHECK(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);

    /* The lowest free number is reused. */
    CHECK_EQ(close(copy), 0);
    int first = open("/", O_RDONLY);
    int second = open("/", O_RDONLY);
    int third = open("/", O_RDONLY);
    CHECK(first >= 0 && second == first + 1 && third == second + 1);
    CHECK_EQ(close(second), 0);
    CHECK_EQ(open("/", O_RDONLY), second);
    CHECK_EQ(close(first), 0);
    CHECK_EQ(close(second), 0);
    CHECK_EQ(dup(third), first);
    CHECK_EQ(open("/", O_RDONLY), second);
    CHECK_EQ(close(first), 0);
    CHECK_EQ(close(second), 0);
    CHECK_EQ(close(third), 0);
    CHECK_ERRNO(close(third), EBADF);
    CHECK_ERRNO(close(-1), EBADF);

    printf("unlinked files live until the last close, across dup and fork\n");
    return check_finish("fd_last_close");
}
