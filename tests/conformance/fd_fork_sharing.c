/* Descriptors across fork: the child gets copies of the descriptors that
 * share the open files (offsets and status flags) with the parent, while
 * its closes and new descriptors are its own. Processes writing through
 * one shared descriptor append one after another. */
#include <fcntl.h>
#include <sys/wait.h>

#include "check.h"

static int reap(pid_t pid)
{
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

int main(void)
{
    int fd = open("/tmp/fork-fd", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "parent:", 7), 7);

    /* The child's writes move the parent's offset. */
    pid_t pid = fork();
    if (pid == 0) {
        int ok = lseek(fd, 0, SEEK_CUR) == 7;
        ok &= write(fd, "child:", 6) == 6;
        _exit(ok ? 0 : 1);
    }
    CHECK_EQ(reap(pid), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13);
    CHECK_EQ(write(fd, "parent", 6), 6);
    char buffer[64] = {0};
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 19);
    CHECK_EQ(strcmp(buffer, "parent:child:parent"), 0);

    /* Status flags set in the child are seen by the parent. */
    pid = fork();
    if (pid == 0)
        _exit(fcntl(fd, F_SETFL, O_APPEND) == 0 ? 0 : 1);
    CHECK_EQ(reap(pid), 0);
    CHECK(fcntl(fd, F_GETFL) & O_APPEND);
    CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);

    /* Closing in the child, and descriptor flags set there, stay there. */
    pid = fork();
    if (pid == 0) {
        int ok = close(fd) == 0;
        ok &= fcntl(fd, F_GETFD) == -1 && errno == EBADF;
        int other = open("/tmp/fork-fd", O_RDONLY);
        ok &= other == fd;
        ok &= fcntl(other, F_SETFD, FD_CLOEXEC) == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK_EQ(reap(pid), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 19);

    /* Several children append through the one descriptor in turn. */
    CHECK_EQ(ftruncate(fd, 0), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    for (int i = 0; i < 5; i++) {
        pid = fork();
        if (pid == 0) {
            char piece[4] = {(char)('A' + i), (char)('A' + i), (char)('A' + i), '|'};
            _exit(write(fd, piece, 4) == 4 ? 0 : 1);
        }
        CHECK_EQ(reap(pid), 0);
    }
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 20);
    CHECK_EQ(strcmp(buffer, "AAA|BBB|CCC|DDD|EEE|"), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 20);

    /* Concurrent children with their own descriptors and pwrite to
     * separate places. */
    pid_t pids[4];
    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            int own = open("/tmp/fork-fd", O_WRONLY);
            char digit = (char)('0' + i);
            int ok = own >= 0;
            for (int n = 0; n < 10 && ok; n++)
                ok &= pwrite(own, &digit, 1, 100 + i * 10 + n) == 1;
            _exit(ok ? 0 : 1);
        }
    }
    for (int i = 0; i < 4; i++)
        CHECK_EQ(reap(pids[i]), 0);
    CHECK_EQ(pread(fd, buffer, 40, 100), 40);
    CHECK_EQ(memcmp(buffer, "0000000000111111111122222222223333333333", 40), 0);

    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink("/tmp/fork-fd"), 0);
    printf("offsets and status flags shared across fork; closes and fd flags not\n");
    return check_finish("fd_fork_sharing");
}
