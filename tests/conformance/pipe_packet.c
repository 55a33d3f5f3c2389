/* Packet mode (O_DIRECT): each write is a packet that one read returns
 * alone; a read shorter than the packet takes its start and the rest is
 * dropped; writes longer than PIPE_BUF are split into PIPE_BUF packets.
 * The mode is the writer's: O_DIRECT set and cleared by F_SETFL. */
#include <fcntl.h>
#include <limits.h>

#include "check.h"

int main(void)
{
    int fds[2];
    REQUIRE(pipe2(fds, O_DIRECT | O_NONBLOCK) == 0);
    char buffer[10000];
    CHECK_EQ(write(fds[1], "first", 5), 5);
    CHECK_EQ(write(fds[1], "second!", 7), 7);
    CHECK_EQ(write(fds[1], "third packet", 12), 12);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 5);
    CHECK(memcmp(buffer, "first", 5) == 0);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 7);
    CHECK(memcmp(buffer, "second!", 7) == 0);
    /* Short read: the packet's tail is gone. */
    CHECK_EQ(read(fds[0], buffer, 5), 5);
    CHECK(memcmp(buffer, "third", 5) == 0);
    CHECK_ERRNO(read(fds[0], buffer, sizeof buffer), EAGAIN);

    /* Bigger than PIPE_BUF: PIPE_BUF-sized packets. */
    static char block[PIPE_BUF + 904];
    memset(block, 'p', sizeof block);
    CHECK_EQ(write(fds[1], block, sizeof block), (ssize_t)sizeof block);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), PIPE_BUF);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 904);

    /* The writer leaves packet mode: writes merge again. */
    CHECK_OK(fcntl(fds[1], F_SETFL, O_NONBLOCK));
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY | O_NONBLOCK);
    CHECK_EQ(write(fds[1], "ab", 2), 2);
    CHECK_EQ(write(fds[1], "cd", 2), 2);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 4);

    /* Back into packet mode. */
    CHECK_OK(fcntl(fds[1], F_SETFL, O_NONBLOCK | O_DIRECT));
    CHECK_EQ(fcntl(fds[1], F_GETFL), O_WRONLY | O_NONBLOCK | O_DIRECT);
    CHECK_EQ(write(fds[1], "xy", 2), 2);
    CHECK_EQ(write(fds[1], "z", 1), 1);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 2);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 1);
    close(fds[0]);
    close(fds[1]);
    return check_finish("pipe_packet");
}
