/* A memfd far bigger than any fixed share a server could be given: 150
 * MiB, half written with write() and half through a shared mapping, read
 * back through a child's own mapping and with pread, three times over
 * (450 MiB in all, more than half of the 1 GiB machine, so the memory of
 * one that was closed must serve the next). On tern the memfd server
 * borrows this memory from procmgr as it fills (SERVER_TAKE_MEMORY). */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096, mib = 1 << 20, size = 150 * mib, half = size / 2 };

/* Page n's first word: a value no other page of any round has. */
static uint64_t mark(int round, uint64_t n)
{
    return (uint64_t)round << 32 | n;
}

/* Writes the first half with write() in 64 KiB pieces; false on a
 * short or failed write. */
static int write_first_half(int fd, int round)
{
    static uint64_t piece[16 * page / sizeof(uint64_t)];
    for (uint64_t at = 0; at < half; at += sizeof piece) {
        for (uint64_t n = 0; n < sizeof piece / page; n++)
            piece[n * page / sizeof(uint64_t)] = mark(round, at / page + n);
        if (write(fd, piece, sizeof piece) != (ssize_t)sizeof piece)
            return 0;
    }
    return 1;
}

/* The number of pages of the whole memfd whose mark is wrong. */
static uint64_t wrong_marks(const uint8_t *memory, int round)
{
    uint64_t wrong = 0;
    for (uint64_t n = 0; n < size / page; n++)
        wrong += *(const uint64_t *)(memory + n * page) != mark(round, n);
    return wrong;
}

static void one_round(int round)
{
    int fd = memfd_create("large", 0);
    REQUIRE(fd >= 0);
    CHECK_EQ(ftruncate(fd, size), 0);
    CHECK(write_first_half(fd, round));
    uint8_t *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(memory != MAP_FAILED);
    for (uint64_t n = half / page; n < size / page; n++)
        *(uint64_t *)(memory + n * page) = mark(round, n);
    CHECK_EQ(munmap(memory, size), 0);

    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const uint8_t *seen = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
        REQUIRE(seen != MAP_FAILED);
        CHECK_EQ(wrong_marks(seen, round), 0);
        check_child_exit();
    }
    check_child_passed(child);
    uint64_t last = 0;
    CHECK_EQ(pread(fd, &last, sizeof last, size - page), sizeof last);
    CHECK_EQ(last, mark(round, size / page - 1));
    CHECK_EQ(close(fd), 0);
}

int main(void)
{
    for (int round = 1; round <= 3; round++)
        one_round(round);
    return check_finish("memory_memfd_large");
}
