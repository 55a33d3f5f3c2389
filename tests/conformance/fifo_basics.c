/* FIFOs: mkfifo makes a node fstat and stat call S_IFIFO; opening blocks
 * until the other end is open (a child opens the other end); O_NONBLOCK
 * read opens succeed alone, O_NONBLOCK write opens without a reader fail
 * with ENXIO and succeed with one; O_RDWR opens at once; data passes in
 * order, EOF once the writers are gone; the FIFO keeps working after
 * unlink; mkfifo on an existing name is EEXIST; the opens of both ends
 * are separate descriptions with the pipe's flags. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

#define PATH "/tmp/fifo_basics"
#define PATH2 "/tmp/fifo_basics2"

/* F_GETFL without O_LARGEFILE, which musl's open adds and Linux keeps. */
static int status_flags(int fd)
{
    return fcntl(fd, F_GETFL) & ~O_LARGEFILE;
}

static void test_node(void)
{
    CHECK_OK(mkfifo(PATH, 0644));
    struct stat status;
    CHECK_OK(stat(PATH, &status));
    CHECK(S_ISFIFO(status.st_mode));
    CHECK_EQ(status.st_mode & 0777, 0644);
    CHECK_EQ(status.st_size, 0);
    CHECK_ERRNO(mkfifo(PATH, 0644), EEXIST);
    CHECK_OK(mknod(PATH2, S_IFIFO | 0600, 0));
    CHECK_OK(stat(PATH2, &status));
    CHECK(S_ISFIFO(status.st_mode));
    CHECK_OK(unlink(PATH2));
}

static void test_nonblocking_opens(void)
{
    CHECK_ERRNO(open(PATH, O_WRONLY | O_NONBLOCK), ENXIO);
    int reader = open(PATH, O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0);
    char byte;
    /* No writer ever: a nonblocking read is EOF, not EAGAIN. */
    CHECK_EQ(read(reader, &byte, 1), 0);
    int writer = open(PATH, O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0);
    CHECK_EQ(status_flags(reader), O_RDONLY | O_NONBLOCK);
    CHECK_EQ(status_flags(writer), O_WRONLY | O_NONBLOCK);
    struct stat status;
    CHECK_OK(fstat(writer, &status));
    CHECK(S_ISFIFO(status.st_mode));
    /* With a writer open and nothing written: EAGAIN. */
    CHECK_ERRNO(read(reader, &byte, 1), EAGAIN);
    CHECK_EQ(write(writer, "fifo", 4), 4);
    char buffer[8] = {0};
    CHECK_EQ(read(reader, buffer, sizeof buffer), 4);
    CHECK(memcmp(buffer, "fifo", 4) == 0);
    close(writer);
    CHECK_EQ(read(reader, buffer, sizeof buffer), 0);
    close(reader);

    /* O_RDWR needs nobody else. */
    int both = open(PATH, O_RDWR);
    CHECK(both >= 0);
    CHECK_EQ(write(both, "rw", 2), 2);
    CHECK_EQ(read(both, buffer, sizeof buffer), 2);
    close(both);
}

static void test_blocking_reader_open(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        /* The child is the writer: its open waits for the parent's. */
        int writer = open(PATH, O_WRONLY);
        if (writer < 0)
            _exit(10);
        for (int i = 0; i < 100; i++) {
            char line[16];
            int length = snprintf(line, sizeof line, "%d,", i);
            if (write(writer, line, (size_t)length) != length)
                _exit(11);
        }
        _exit(0);
    }
    int reader = open(PATH, O_RDONLY);
    CHECK(reader >= 0);
    CHECK_EQ(status_flags(reader), O_RDONLY);
    char all[512] = {0};
    size_t total = 0;
    ssize_t got;
    while ((got = read(reader, all + total, sizeof all - 1 - total)) > 0)
        total += (size_t)got;
    CHECK_EQ(got, 0);
    CHECK_EQ(total, 290);
    CHECK(strncmp(all, "0,1,2,", 6) == 0);
    CHECK(strcmp(all + total - 6, "98,99,") == 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(reader);
}

/* The reader is the child this time: the parent's write open waits. */
static void test_blocking_writer_open(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int reader = open(PATH, O_RDONLY);
        if (reader < 0)
            _exit(10);
        char buffer[16] = {0};
        size_t total = 0;
        ssize_t got;
        while ((got = read(reader, buffer + total, sizeof buffer - 1 - total)) > 0)
            total += (size_t)got;
        _exit(total == 5 && memcmp(buffer, "hello", 5) == 0 ? 0 : 11);
    }
    int writer = open(PATH, O_WRONLY);
    CHECK(writer >= 0);
    CHECK_EQ(write(writer, "hello", 5), 5);
    close(writer);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_unlink_while_open(void)
{
    int reader = open(PATH, O_RDONLY | O_NONBLOCK);
    int writer = open(PATH, O_WRONLY);
    CHECK(reader >= 0 && writer >= 0);
    CHECK_OK(unlink(PATH));
    struct stat status;
    CHECK_ERRNO(stat(PATH, &status), ENOENT);
    CHECK_EQ(write(writer, "still", 5), 5);
    char buffer[8] = {0};
    CHECK_EQ(read(reader, buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "still", 5) == 0);
    CHECK_OK(fstat(reader, &status));
    CHECK(S_ISFIFO(status.st_mode));
    close(writer);
    CHECK_EQ(read(reader, buffer, sizeof buffer), 0);
    close(reader);
    /* A new FIFO of the same name is a new pipe. */
    CHECK_OK(mkfifo(PATH, 0600));
    CHECK_ERRNO(open(PATH, O_WRONLY | O_NONBLOCK), ENXIO);
    CHECK_OK(unlink(PATH));
}

int main(void)
{
    unlink(PATH);
    unlink(PATH2);
    test_node();
    test_nonblocking_opens();
    test_blocking_reader_open();
    test_blocking_writer_open();
    test_unlink_while_open();
    return check_finish("fifo_basics");
}
