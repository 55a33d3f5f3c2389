/* 1 MiB through a pipe, byte for byte: a child writes it in one write,
 * then in many small uneven writes, then by writev of large pieces, while
 * the parent reads with buffers of varying sizes and checks every byte
 * and the total. */
#include <stdint.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "check.h"

#define SIZE (1 << 20)

static unsigned char data[SIZE];
static unsigned char received[SIZE];

enum how { ONE_WRITE, SMALL_WRITES, WRITEV };

static int send_all(int fd, enum how how)
{
    if (how == ONE_WRITE)
        return write(fd, data, SIZE) == SIZE ? 0 : 1;
    if (how == SMALL_WRITES) {
        size_t offset = 0, step = 1;
        while (offset < SIZE) {
            size_t length = step < SIZE - offset ? step : SIZE - offset;
            if (write(fd, data + offset, length) != (ssize_t)length)
                return 1;
            offset += length;
            step = step * 3 % 7919 + 1;
        }
        return 0;
    }
    struct iovec parts[4] = {{data, 100000},
                             {data + 100000, 300000},
                             {data + 400000, 1},
                             {data + 400001, SIZE - 400001}};
    return writev(fd, parts, 4) == SIZE ? 0 : 1;
}

static void transfer(enum how how)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        _exit(send_all(fds[1], how));
    }
    close(fds[1]);
    memset(received, 0, sizeof received);
    size_t total = 0, chunk = 1;
    ssize_t got;
    while ((got = read(fds[0], received + total,
                       chunk < SIZE + 1 - total ? chunk : SIZE + 1 - total)) > 0) {
        total += (size_t)got;
        if (total > SIZE)
            break;
        chunk = chunk * 5 % 100003 + 1;
    }
    CHECK_EQ(total, SIZE);
    CHECK(memcmp(received, data, SIZE) == 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
}

int main(void)
{
    uint32_t state = 12345;
    for (size_t i = 0; i < SIZE; i++) {
        state = state * 1103515245 + 12345;
        data[i] = (unsigned char)(state >> 16);
    }
    transfer(ONE_WRITE);
    transfer(SMALL_WRITES);
    transfer(WRITEV);
    return check_finish("pipe_big_transfer");
}
