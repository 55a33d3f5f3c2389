/* Pipes: pipe and pipe2 (the two lowest free descriptors, O_CLOEXEC,
 * O_NONBLOCK, O_DIRECT, EINVAL for other flags), data in order, EOF once
 * every writer is closed, the ends' access modes (EBADF the wrong way),
 * readv/writev across buffers, FIONREAD, fstat's S_IFIFO, ESPIPE for
 * seeks and positioned I/O, and a fork sharing the pipe. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "check.h"

static void test_descriptors_and_flags(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_EQ(fds[0], 3);
    CHECK_EQ(fds[1], 4);
    CHECK_EQ(fcntl(fds[0], F_GETFL), O_RDONLY);
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY);
    CHECK_EQ(fcntl(fds[0], F_GETFD), 0);
    close(fds[0]);
    close(fds[1]);

    /* The lowest free ones, wherever they are. */
    int hole = dup(1);
    int above = dup(1);
    close(hole);
    CHECK_OK(pipe(fds));
    CHECK_EQ(fds[0], hole);
    CHECK_EQ(fds[1], above + 1);
    close(fds[0]);
    close(fds[1]);
    close(above);

    CHECK_OK(pipe2(fds, O_CLOEXEC | O_NONBLOCK));
    CHECK_EQ(fcntl(fds[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fds[1], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fds[0], F_GETFL), O_RDONLY | O_NONBLOCK);
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY | O_NONBLOCK);
    close(fds[0]);
    close(fds[1]);

    CHECK_OK(pipe2(fds, O_DIRECT));
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY | O_DIRECT);
    close(fds[0]);
    close(fds[1]);

    CHECK_ERRNO(pipe2(fds, O_APPEND), EINVAL);
    CHECK_ERRNO(pipe2(fds, O_TRUNC), EINVAL);
    CHECK_ERRNO(pipe2(fds, 0x40000000), EINVAL);
    int *volatile unmapped = (int *)8;     /* volatile: GCC would check a constant */
    CHECK_ERRNO(pipe2(unmapped, 0), EFAULT);
    /* Nothing leaked: the next descriptor is still 3. */
    int next = dup(0);
    CHECK_EQ(next, 3);
    close(next);
}

static void test_data_and_eof(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(write(fds[1], "hello", 5), 5);
    CHECK_EQ(write(fds[1], ", world", 7), 7);
    char buffer[64] = {0};
    CHECK_EQ(read(fds[0], buffer, 3), 3);
    CHECK(memcmp(buffer, "hel", 3) == 0);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 9);
    CHECK(memcmp(buffer, "lo, world", 9) == 0);
    CHECK_EQ(write(fds[1], "", 0), 0);

    /* The wrong way through each end. */
    CHECK_ERRNO(read(fds[1], buffer, 1), EBADF);
    CHECK_ERRNO(write(fds[0], "x", 1), EBADF);

    /* EOF only once the last writer is gone: a dup keeps it open. */
    int second_writer = dup(fds[1]);
    CHECK_EQ(write(fds[1], "ab", 2), 2);
    close(fds[1]);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 2);
    CHECK_EQ(write(second_writer, "c", 1), 1);
    close(second_writer);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 1);
    CHECK_EQ(buffer[0], 'c');
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 0);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 0);
    close(fds[0]);
}

static void test_vectors(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    struct iovec out[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    CHECK_EQ(writev(fds[1], out, 3), 13);
    char first[6] = {0}, second[20] = {0};
    struct iovec in[2] = {{first, 5}, {second, sizeof second}};
    /* readv takes what is there across the buffers, without waiting. */
    CHECK_EQ(readv(fds[0], in, 2), 13);
    CHECK(memcmp(first, "one t", 5) == 0);
    CHECK(memcmp(second, "wo three", 8) == 0);

    /* Exactly what fills the first buffer: readv returns, not waits. */
    CHECK_EQ(write(fds[1], "12345", 5), 5);
    CHECK_EQ(readv(fds[0], in, 2), 5);

    struct iovec empty[2] = {{first, 0}, {second, 0}};
    CHECK_EQ(writev(fds[1], empty, 2), 0);
    CHECK_EQ(writev(fds[1], out, 0), 0);
    close(fds[0]);
    close(fds[1]);
}

static void test_fionread_fstat_seek(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int available = -1;
    CHECK_OK(ioctl(fds[0], FIONREAD, &available));
    CHECK_EQ(available, 0);
    char block[3000];
    memset(block, 'z', sizeof block);
    CHECK_EQ(write(fds[1], block, sizeof block), 3000);
    CHECK_EQ(write(fds[1], block, 100), 100);
    CHECK_OK(ioctl(fds[0], FIONREAD, &available));
    CHECK_EQ(available, 3100);
    /* FIONREAD on the write end tells the same. */
    CHECK_OK(ioctl(fds[1], FIONREAD, &available));
    CHECK_EQ(available, 3100);

    struct stat status;
    CHECK_OK(fstat(fds[0], &status));
    CHECK(S_ISFIFO(status.st_mode));
    CHECK_OK(fstat(fds[1], &status));
    CHECK(S_ISFIFO(status.st_mode));

    CHECK_ERRNO(lseek(fds[0], 0, SEEK_CUR), ESPIPE);
    CHECK_ERRNO(lseek(fds[1], 0, SEEK_SET), ESPIPE);
    CHECK_ERRNO(pread(fds[0], block, 1, 0), ESPIPE);
    CHECK_ERRNO(pwrite(fds[1], block, 1, 0), ESPIPE);
    close(fds[0]);
    close(fds[1]);
}

static void test_fork_shares_the_pipe(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        for (int i = 0; i < 10; i++) {
            char line[16];
            int length = snprintf(line, sizeof line, "line %d\n", i);
            if (write(fds[1], line, (size_t)length) != length)
                _exit(2);
        }
        _exit(0);
    }
    close(fds[1]);
    char all[256] = {0};
    size_t total = 0;
    ssize_t got;
    while ((got = read(fds[0], all + total, sizeof all - 1 - total)) > 0)
        total += (size_t)got;
    CHECK_EQ(got, 0);
    CHECK_EQ(total, 70);
    CHECK(strncmp(all, "line 0\nline 1\n", 14) == 0);
    CHECK(strcmp(all + 63, "line 9\n") == 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
}

int main(void)
{
    test_descriptors_and_flags();
    test_data_and_eof();
    test_vectors();
    test_fionread_fstat_seek();
    test_fork_shares_the_pipe();
    return check_finish("pipe_basics");
}
