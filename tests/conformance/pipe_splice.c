/* splice, tee and vmsplice: pipe to pipe, pipe to file and file to pipe
 * (with and without offset pointers, which advance instead of the file
 * offset), tee copying without consuming, vmsplice in and out of a pipe;
 * SPLICE_F_NONBLOCK on an empty pipe (EAGAIN), a length of 0, and the
 * errors: EINVAL when neither end is a pipe, for tee of a non-pipe and
 * for unknown flags, ESPIPE for an offset on a pipe, EBADF for closed
 * descriptors and ends the wrong way round. */
#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "check.h"

#define FILE_PATH "/tmp/pipe_splice"

static void test_pipe_to_pipe(void)
{
    int a[2], b[2];
    REQUIRE(pipe(a) == 0 && pipe(b) == 0);
    CHECK_EQ(write(a[1], "0123456789", 10), 10);
    CHECK_EQ(splice(a[0], NULL, b[1], NULL, 4, 0), 4);
    CHECK_EQ(splice(a[0], NULL, b[1], NULL, 100, SPLICE_F_MOVE), 6);
    char buffer[32] = {0};
    CHECK_EQ(read(b[0], buffer, sizeof buffer), 10);
    CHECK(memcmp(buffer, "0123456789", 10) == 0);
    /* Empty, with a writer: SPLICE_F_NONBLOCK says EAGAIN. */
    CHECK_ERRNO(splice(a[0], NULL, b[1], NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);
    /* Empty without writers: 0. */
    close(a[1]);
    CHECK_EQ(splice(a[0], NULL, b[1], NULL, 10, 0), 0);
    close(a[0]);

    /* tee copies and leaves the data. */
    int c[2];
    REQUIRE(pipe(a) == 0 && pipe(c) == 0);
    CHECK_EQ(write(a[1], "teedata", 7), 7);
    CHECK_EQ(tee(a[0], b[1], 100, 0), 7);
    CHECK_EQ(tee(a[0], c[1], 3, 0), 3);
    CHECK_EQ(read(a[0], buffer, sizeof buffer), 7);
    CHECK(memcmp(buffer, "teedata", 7) == 0);
    CHECK_EQ(read(b[0], buffer, sizeof buffer), 7);
    CHECK(memcmp(buffer, "teedata", 7) == 0);
    CHECK_EQ(read(c[0], buffer, sizeof buffer), 3);
    CHECK(memcmp(buffer, "tee", 3) == 0);
    CHECK_ERRNO(tee(a[0], b[1], 10, SPLICE_F_NONBLOCK), EAGAIN);

    /* The same pipe on both sides, and ends the wrong way round. */
    CHECK_EQ(write(a[1], "x", 1), 1);
    CHECK_ERRNO(splice(a[0], NULL, a[1], NULL, 1, 0), EINVAL);
    CHECK_ERRNO(tee(a[0], a[1], 1, 0), EINVAL);
    CHECK_ERRNO(splice(a[1], NULL, b[1], NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(a[0], NULL, b[0], NULL, 1, 0), EBADF);
    CHECK_ERRNO(tee(a[1], b[1], 1, 0), EBADF);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    close(c[0]);
    close(c[1]);
}

static void test_files(void)
{
    int file = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(file >= 0);
    CHECK_EQ(write(file, "abcdefghijklmnopqrstuvwxyz", 26), 26);
    int p[2];
    REQUIRE(pipe(p) == 0);

    /* File to pipe at an offset: the offset pointer moves, the file's
     * own offset does not. */
    loff_t offset = 3;
    CHECK_EQ(splice(file, &offset, p[1], NULL, 5, 0), 5);
    CHECK_EQ(offset, 8);
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 26);
    char buffer[64] = {0};
    CHECK_EQ(read(p[0], buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "defgh", 5) == 0);

    /* Without a pointer: from the file offset, which moves. */
    CHECK_EQ(lseek(file, 20, SEEK_SET), 20);
    CHECK_EQ(splice(file, NULL, p[1], NULL, 100, 0), 6);
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 26);
    CHECK_EQ(read(p[0], buffer, sizeof buffer), 6);
    CHECK(memcmp(buffer, "uvwxyz", 6) == 0);
    /* At the end of the file: 0. */
    CHECK_EQ(splice(file, NULL, p[1], NULL, 100, 0), 0);

    /* Pipe to file, at an offset and at the file offset. */
    CHECK_EQ(write(p[1], "12345", 5), 5);
    offset = 1;
    CHECK_EQ(splice(p[0], NULL, file, &offset, 3, 0), 3);
    CHECK_EQ(offset, 4);
    CHECK_EQ(lseek(file, 0, SEEK_SET), 0);
    CHECK_EQ(splice(p[0], NULL, file, NULL, 100, 0), 2);
    CHECK_EQ(lseek(file, 0, SEEK_CUR), 2);
    CHECK_EQ(pread(file, buffer, 8, 0), 8);
    CHECK(memcmp(buffer, "4523efgh", 8) == 0);
    /* The pipe is empty now: nonblocking says EAGAIN. */
    CHECK_ERRNO(splice(p[0], NULL, file, NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);

    /* Errors. */
    int other = open(FILE_PATH, O_RDONLY);
    REQUIRE(other >= 0);
    CHECK_ERRNO(splice(other, NULL, file, NULL, 1, 0), EINVAL);        /* no pipe */
    CHECK_ERRNO(splice(file, NULL, other, NULL, 1, 0), EBADF);         /* checked first */
    CHECK_ERRNO(splice(p[0], &offset, file, NULL, 1, 0), ESPIPE);
    CHECK_ERRNO(splice(file, NULL, p[1], &offset, 1, 0), ESPIPE);
    CHECK_ERRNO(tee(file, p[1], 1, 0), EINVAL);
    CHECK_ERRNO(splice(p[0], NULL, other, NULL, 1, 0), EBADF);         /* read-only out */
    CHECK_ERRNO(splice(99, NULL, p[1], NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(p[0], NULL, 99, NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(file, NULL, p[1], NULL, 1, 0x100), EINVAL);
    CHECK_EQ(splice(99, NULL, 98, NULL, 0, 0), 0);                      /* nothing asked */
    int appending = open(FILE_PATH, O_WRONLY | O_APPEND);
    CHECK_EQ(write(p[1], "z", 1), 1);
    CHECK_ERRNO(splice(p[0], NULL, appending, NULL, 1, 0), EINVAL);
    close(appending);
    close(other);
    close(file);
    close(p[0]);
    close(p[1]);
    unlink(FILE_PATH);
}

static void test_vmsplice(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct iovec out[2] = {{"vm", 2}, {"splice", 6}};
    CHECK_EQ(vmsplice(p[1], out, 2, 0), 8);
    CHECK_EQ(vmsplice(p[1], out, 1, SPLICE_F_GIFT), 2);
    char first[4] = {0}, second[16] = {0};
    struct iovec in[2] = {{first, 3}, {second, sizeof second}};
    CHECK_EQ(vmsplice(p[0], in, 2, 0), 10);
    CHECK(memcmp(first, "vms", 3) == 0);
    CHECK(memcmp(second, "plicevm", 7) == 0);
    CHECK_ERRNO(vmsplice(p[0], in, 2, SPLICE_F_NONBLOCK), EAGAIN);

    int file = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(file >= 0);
    CHECK_ERRNO(vmsplice(file, out, 2, 0), EBADF);
    CHECK_ERRNO(vmsplice(99, out, 2, 0), EBADF);
    CHECK_ERRNO(vmsplice(p[1], out, 2, 0x100), EINVAL);
    close(file);
    unlink(FILE_PATH);

    /* No readers: EPIPE (SIGPIPE is ignored here). */
    close(p[0]);
    CHECK_ERRNO(vmsplice(p[1], out, 2, 0), EPIPE);
    close(p[1]);
}

/* splice of a larger file through a pipe to another file, a child
 * draining in between: the copy is exact. */
static void test_copy_through_pipe(void)
{
    int source = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(source >= 0);
    static char data[200000], copy[200000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i % 253);
    CHECK_EQ(write(source, data, sizeof data), (ssize_t)sizeof data);
    CHECK_EQ(lseek(source, 0, SEEK_SET), 0);
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(p[1]);
        int target = open(FILE_PATH ".copy", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ssize_t moved;
        while ((moved = splice(p[0], NULL, target, NULL, 65536, 0)) > 0) {
        }
        _exit(moved == 0 ? 0 : 1);
    }
    close(p[0]);
    size_t total = 0;
    ssize_t moved;
    while ((moved = splice(source, NULL, p[1], NULL, sizeof data - total, 0)) > 0)
        total += (size_t)moved;
    CHECK_EQ(total, sizeof data);
    close(p[1]);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int target = open(FILE_PATH ".copy", O_RDONLY);
    CHECK_EQ(read(target, copy, sizeof copy), (ssize_t)sizeof copy);
    CHECK(memcmp(copy, data, sizeof data) == 0);
    close(target);
    close(source);
    unlink(FILE_PATH);
    unlink(FILE_PATH ".copy");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_pipe_to_pipe();
    test_files();
    test_vmsplice();
    test_copy_through_pipe();
    return check_finish("pipe_splice");
}
