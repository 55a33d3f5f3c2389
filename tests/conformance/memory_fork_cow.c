/* fork shares private memory copy-on-write: a child sees the parent's
 * private pages as they were at fork (anonymous memory, the heap, a
 * private file mapping's written pages, pages never touched reading as
 * zeros), and from then on each side's writes are its own, whichever
 * writes first, through stores, read() into the memory, mprotect'ed
 * pages or a grandchild's fork; munmap in one leaves the other's pages;
 * MAP_SHARED memory stays shared. The copies go back when their process
 * does: children that each write a parent's 16 MiB, 24 times over, need
 * no more memory than one of them. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096, pages = 64 };

static char *anonymous(size_t length)
{
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    return memory;
}

/* Whether every page i of memory holds byte value(i) at offsets 0 and 100. */
static int pages_hold(const char *memory, int count, char base)
{
    for (int i = 0; i < count; i++)
        if (memory[i * page] != (char)(base + i) || memory[i * page + 100] != (char)(base + i))
            return 0;
    return 1;
}

static void fill(char *memory, int count, char base)
{
    for (int i = 0; i < count; i++)
        memory[i * page] = memory[i * page + 100] = (char)(base + i);
}

static void each_side_writes_its_own_copy(void)
{
    char *memory = anonymous(pages * page);
    fill(memory, pages, 'A');
    int to_child[2], to_parent[2];
    REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t child = fork();
    if (child == 0) {
        char token;
        CHECK(pages_hold(memory, pages, 'A'));
        fill(memory, pages / 2, 'a');       /* the child writes first here */
        CHECK_EQ(write(to_parent[1], "w", 1), 1);
        CHECK_EQ(read(to_child[0], &token, 1), 1);
        /* The parent wrote the second half meanwhile: not here. */
        CHECK(pages_hold(memory, pages / 2, 'a'));
        CHECK(pages_hold(memory + pages / 2 * page, pages / 2, 'A' + pages / 2));
        check_child_exit();
    }
    char token;
    CHECK_EQ(read(to_parent[0], &token, 1), 1);
    CHECK(pages_hold(memory, pages, 'A'));      /* the child's writes are not here */
    fill(memory + pages / 2 * page, pages / 2, '0');
    CHECK_EQ(write(to_child[1], "p", 1), 1);
    check_child_passed(child);
    CHECK(pages_hold(memory + pages / 2 * page, pages / 2, '0'));
    /* The child is gone: the pages are the parent's alone again. */
    fill(memory, pages, 'Z');
    CHECK(pages_hold(memory, pages, 'Z'));
    CHECK_EQ(munmap(memory, pages * page), 0);
    close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
}

static void the_heap_and_untouched_pages_too(void)
{
    size_t length = 32 * page;
    unsigned char *heap = malloc(length);
    REQUIRE(heap != NULL);
    for (size_t i = 0; i < length; i++)
        heap[i] = (unsigned char)(i * 13);
    char *untouched = anonymous(4 * page);
    pid_t child = fork();
    if (child == 0) {
        int same = 1;
        for (size_t i = 0; i < length; i++)
            same &= heap[i] == (unsigned char)(i * 13);
        CHECK(same);
        memset(heap, 0xee, length);
        CHECK_EQ(untouched[page], 0);
        untouched[page] = 'c';
        check_child_exit();
    }
    check_child_passed(child);
    int same = 1;
    for (size_t i = 0; i < length; i++)
        same &= heap[i] == (unsigned char)(i * 13);
    CHECK(same);
    CHECK_EQ(untouched[page], 0);
    free(heap);
    CHECK_EQ(munmap(untouched, 4 * page), 0);
}

/* read() into shared-at-fork memory writes the caller's copy only. */
static void a_read_into_the_memory_copies_it(void)
{
    char *memory = anonymous(2 * page);
    memcpy(memory, "parent", 7);
    int ends[2];
    REQUIRE(pipe(ends) == 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(read(ends[0], memory, 6), 6);
        CHECK(memcmp(memory, "kernel", 6) == 0);
        check_child_exit();
    }
    CHECK_EQ(write(ends[1], "kernel", 6), 6);
    check_child_passed(child);
    CHECK(memcmp(memory, "parent", 7) == 0);
    close(ends[0]), close(ends[1]);
    CHECK_EQ(munmap(memory, 2 * page), 0);
}

static void mprotect_and_munmap_touch_one_side(void)
{
    char *memory = anonymous(4 * page);
    fill(memory, 4, 'm');
    CHECK_EQ(mprotect(memory, 4 * page, PROT_READ), 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK(pages_hold(memory, 4, 'm'));
        CHECK_EQ(mprotect(memory, 2 * page, PROT_READ | PROT_WRITE), 0);
        fill(memory, 2, 'x');
        CHECK(pages_hold(memory, 2, 'x'));
        CHECK_EQ(munmap(memory + 2 * page, 2 * page), 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK(pages_hold(memory, 4, 'm'));
    CHECK_EQ(mprotect(memory, 4 * page, PROT_READ | PROT_WRITE), 0);
    fill(memory, 4, 'M');
    CHECK(pages_hold(memory, 4, 'M'));
    CHECK_EQ(munmap(memory, 4 * page), 0);
}

/* A grandchild forked from a child shares the child's copy as it was. */
static void forks_of_forks(void)
{
    char *memory = anonymous(8 * page);
    fill(memory, 8, 'g');
    pid_t child = fork();
    if (child == 0) {
        fill(memory, 4, 'c');
        pid_t grandchild = fork();
        if (grandchild == 0) {
            CHECK(pages_hold(memory, 4, 'c'));
            CHECK(pages_hold(memory + 4 * page, 4, 'g' + 4));
            fill(memory, 8, 'G');
            check_child_exit();
        }
        fill(memory + 4 * page, 4, 'C');
        check_child_passed(grandchild);
        CHECK(pages_hold(memory, 4, 'c'));
        CHECK(pages_hold(memory + 4 * page, 4, 'C'));
        check_child_exit();
    }
    check_child_passed(child);
    CHECK(pages_hold(memory, 8, 'g'));
    CHECK_EQ(munmap(memory, 8 * page), 0);
}

static void private_file_pages_and_shared_memory(void)
{
    int fd = open("/tmp/memory_fork_cow", O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    char *file = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(file != MAP_FAILED);
    file[0] = 'w';                  /* the parent's private copy of page 0 */
    char *shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(file[0], 'w');
        CHECK_EQ(file[page], 0);
        file[0] = 'c';
        file[page] = 'c';
        shared[0] = 's';
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(file[0], 'w');
    CHECK_EQ(file[page], 0);
    CHECK_EQ(shared[0], 's');
    char byte = 1;
    CHECK_EQ(pread(fd, &byte, 1, 0), 1);
    CHECK_EQ(byte, 0);              /* private writes never reach the file */
    CHECK_EQ(munmap(file, 2 * page), 0);
    CHECK_EQ(munmap(shared, page), 0);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink("/tmp/memory_fork_cow"), 0);
}

/* 24 children each copy all 16 MiB: 384 MiB of copies in all, more than
 * the machine has if they stayed after their process. */
static void copies_go_with_their_process(void)
{
    size_t length = 16 << 20;
    char *memory = anonymous(length);
    for (size_t offset = 0; offset < length; offset += page)
        memory[offset] = 1;
    int failed = 0;
    for (int round = 0; round < 24; round++) {
        pid_t child = fork();
        if (child == 0) {
            for (size_t offset = 0; offset < length; offset += page)
                memory[offset] = 2;
            _exit(0);
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            failed++;
    }
    CHECK_EQ(failed, 0);
    int ones = 1;
    for (size_t offset = 0; offset < length; offset += page)
        ones &= memory[offset] == 1;
    CHECK(ones);
    CHECK_EQ(munmap(memory, length), 0);
}

int main(void)
{
    each_side_writes_its_own_copy();
    the_heap_and_untouched_pages_too();
    a_read_into_the_memory_copies_it();
    mprotect_and_munmap_touch_one_side();
    forks_of_forks();
    private_file_pages_and_shared_memory();
    copies_go_with_their_process();
    return check_finish("memory_fork_cow");
}
