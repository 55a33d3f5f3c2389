/* A child that takes memory (private, or shared anonymous) until none
 * is left does not take the system with it. As Linux's OOM killer, procmgr ends the process that holds the
 * most memory with SIGKILL when a page cannot be had (or mmap answers
 * ENOMEM: no chunk left for it, docs/limits.md): the hog itself, when it
 * is the largest. Once it is reaped the system forks, pipes and maps
 * again, and the free memory sysinfo reports is back to what it was
 * before (less a little slack: Linux's own bookkeeping may keep a few
 * pages). And when a process that holds more than half of the memory
 * waits while another one needs more than is left, the holder, the
 * largest, is the one killed, and the other goes on to the end.
 *
 * It passes on Linux too, but filling a machine's memory takes minutes
 * under QEMU on a busy host, so it is not a conformance program: ctest's
 * exec.memory-exhaustion runs it on tern with 256 MiB (tools/exec). */
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

#include "check.h"

enum { out_of_memory = 3 };
#define BIG     (64UL << 20)
#define SMALL   (1UL << 20)
#define SLACK   (4UL << 20)

static unsigned long free_bytes(void)
{
    struct sysinfo info;
    REQUIRE(sysinfo(&info) == 0);
    return info.freeram * info.mem_unit;
}

/* Maps and fills pieces of size, private or shared (sharing), until a
 * mapping is refused. */
static void take_all(unsigned long size, int sharing)
{
    for (;;) {
        char *piece = mmap(NULL, size, PROT_READ | PROT_WRITE,
                           sharing | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (piece == MAP_FAILED)
            return;
        for (unsigned long at = 0; at < size; at += 4096)
            piece[at] = 1;          /* populated or not, every page is real */
    }
}

static void hog(int sharing)
{
    take_all(BIG, sharing);
    take_all(SMALL, sharing);
    _exit(errno == ENOMEM ? out_of_memory : 1);
}

/* What a healthy system does: fork, a pipe between two processes, a
 * mapping of a few MiB written and read back. */
static void still_works(void)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char *memory = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(memory != MAP_FAILED);
        if (memory != MAP_FAILED) {
            memset(memory, 7, 8 << 20);
            CHECK_EQ(memory[(8 << 20) - 1], 7);
        }
        CHECK_EQ(write(fds[1], "ok", 2), 2);
        check_child_exit();
    }
    char answer[2] = {0};
    CHECK_EQ(read(fds[0], answer, 2), 2);
    CHECK(answer[0] == 'o' && answer[1] == 'k');
    check_child_passed(child);
    close(fds[0]);
    close(fds[1]);
}

/* Runs a hog of private or shared memory (sharing) and checks what it
 * came to. */
static void run_hog(int sharing)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        hog(sharing);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    bool refused = WIFEXITED(status) && WEXITSTATUS(status) == out_of_memory;
    bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    CHECK(refused || killed);
    fprintf(stderr, "the hog %s\n", refused ? "was refused (ENOMEM)" : strsignal(WTERMSIG(status)));
}

/* Maps and touches size bytes. */
static void touch(unsigned long size)
{
    char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        _exit(out_of_memory);
    for (unsigned long at = 0; at < size; at += 4096)
        memory[at] = 1;
}

/* A holder takes six tenths of the free memory and waits; a grower then
 * takes five tenths, more than is left: the holder is killed, the grower
 * finishes. */
static void run_largest_goes(void)
{
    unsigned long free = free_bytes();
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t holder = fork();
    REQUIRE(holder >= 0);
    if (holder == 0) {
        touch(free / 10 * 6);
        write(ready[1], "r", 1);
        for (;;)
            pause();
    }
    char byte = 0;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    pid_t grower = fork();
    REQUIRE(grower >= 0);
    if (grower == 0) {
        touch(free / 10 * 5);
        _exit(0);
    }
    int status = 0;
    CHECK_EQ(waitpid(grower, &status, 0), grower);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(waitpid(holder, &status, 0), holder);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    fprintf(stderr, "the holder %s, the grower finished\n",
            WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "lived");
    close(ready[0]);
    close(ready[1]);
}

int main(void)
{
    still_works();
    /* The first time the system may keep some of what it needed to
     * serve so much memory (its own tables, its page cache): after that,
     * a hog takes nothing away for good. */
    run_hog(MAP_PRIVATE);
    still_works();
    unsigned long before = free_bytes();
    run_hog(MAP_PRIVATE);
    still_works();
    unsigned long after = free_bytes();
    fprintf(stderr, "free before %lu KiB, after %lu KiB\n", before >> 10, after >> 10);
    CHECK(after + SLACK >= before);
    /* Shared anonymous memory only the hog maps is its own as well. */
    run_hog(MAP_SHARED);
    still_works();
    after = free_bytes();
    fprintf(stderr, "free after a shared hog %lu KiB\n", after >> 10);
    CHECK(after + SLACK >= before);
    run_largest_goes();
    still_works();
    unsigned long at_last = free_bytes();
    fprintf(stderr, "free after the holder %lu KiB\n", at_last >> 10);
    CHECK(at_last + SLACK >= before);

    printf("a process that took all memory was killed, or the largest one for it; the system "
           "still forks, pipes and maps\n");
    return check_finish("memory_exhaustion");
}
