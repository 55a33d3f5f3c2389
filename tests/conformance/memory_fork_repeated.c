/* fork after fork: a process that forks again and again, writing a few
 * pages or many between forks and while its children run, gives each
 * child its memory exactly as it was at that fork; two children alive at
 * once, a grandchild forked while its grandparent runs on, and a child
 * that unmaps, maps over or shrinks the heap under pages it shares each
 * see their own (new pages read as zeros), and the parent's stay as it
 * left them. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096, pages = 64 };

static char *anonymous(size_t length)
{
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    return memory;
}

/* Writes value to pages [first, first + count) of memory (at offsets 0
 * and 2000) and records it in expected. */
static void write_pages(char *memory, char *expected, int first, int count, char value)
{
    for (int i = first; i < first + count; i++) {
        memory[i * page] = memory[i * page + 2000] = value;
        expected[i] = value;
    }
}

/* Whether every page i holds expected[i]. */
static int pages_are(const char *memory, const char *expected)
{
    for (int i = 0; i < pages; i++)
        if (memory[i * page] != expected[i] || memory[i * page + 2000] != expected[i])
            return 0;
    return 1;
}

static void signal_end(int end)
{
    CHECK_EQ(write(end, "x", 1), 1);
}

static void wait_end(int end)
{
    char token;
    CHECK_EQ(read(end, &token, 1), 1);
}

/* Each round the parent writes some pages (one, a few, all, none), forks,
 * and writes again while the child runs: the child sees the first writes
 * and not the second, and the child's own writes stay its own. */
static void forks_again_and_again(void)
{
    static const int before[] = { 1, 3, 20, 64, 0, 40, 5 };
    static const int during[] = { 2, 64, 0, 7, 30, 1, 64 };
    char *memory = anonymous(pages * page);
    char expected[pages] = { 0 };
    for (unsigned round = 0; round < sizeof before / sizeof before[0]; round++) {
        write_pages(memory, expected, 0, before[round], (char)('a' + round));
        int to_child[2], to_parent[2];
        REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
        pid_t child = fork();
        if (child == 0) {
            char at_fork[pages];
            memcpy(at_fork, expected, pages);
            CHECK(pages_are(memory, at_fork));
            signal_end(to_parent[1]);
            wait_end(to_child[0]);
            CHECK(pages_are(memory, at_fork));
            char mine[pages];
            write_pages(memory, mine, 0, pages, 'z');
            CHECK(pages_are(memory, mine));
            check_child_exit();
        }
        wait_end(to_parent[0]);
        write_pages(memory, expected, pages - during[round], during[round], (char)('A' + round));
        signal_end(to_child[1]);
        check_child_passed(child);
        CHECK(pages_are(memory, expected));
        close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
    }
    CHECK_EQ(munmap(memory, pages * page), 0);
}

/* Pages written before one fork and not since sit beside pages written
 * again before the next: a child of the next fork sees both as they are,
 * however many pages were written. */
static char kept_since_the_first_fork[3 * page];

static void most_pages_written_between_forks(void)
{
    enum { many = 1024 };
    char *memory = anonymous(many * page);
    kept_since_the_first_fork[0] = kept_since_the_first_fork[2 * page] = 'k';
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < many; i++)
            memory[i * page] = (char)(round + i);
        pid_t child = fork();
        if (child == 0) {
            int same = 1;
            for (int i = 0; i < many; i++)
                same &= memory[i * page] == (char)(round + i);
            CHECK(same);
            CHECK_EQ(kept_since_the_first_fork[0], 'k');
            CHECK_EQ(kept_since_the_first_fork[2 * page], 'k');
            memset(memory, 'c', many * page);
            check_child_exit();
        }
        check_child_passed(child);
    }
    int same = 1;
    for (int i = 0; i < many; i++)
        same &= memory[i * page] == (char)(2 + i);
    CHECK(same);
    CHECK_EQ(munmap(memory, many * page), 0);
}

/* A second child forked while the first still shares the parent's pages:
 * each has the pages of its own fork. */
static void two_children_alive_at_once(void)
{
    char *memory = anonymous(pages * page);
    char expected[pages] = { 0 };
    write_pages(memory, expected, 0, pages, '1');
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t children[2];
    for (int which = 0; which < 2; which++) {
        children[which] = fork();
        if (children[which] == 0) {
            char at_fork[pages];
            memcpy(at_fork, expected, pages);
            wait_end(go[0]);
            CHECK(pages_are(memory, at_fork));
            write_pages(memory, at_fork, which * 10, 10, (char)('x' + which));
            CHECK(pages_are(memory, at_fork));
            check_child_exit();
        }
        write_pages(memory, expected, 20 + which * 20, 20, (char)('2' + which));
    }
    signal_end(go[1]);
    signal_end(go[1]);
    check_child_passed(children[0]);
    check_child_passed(children[1]);
    CHECK(pages_are(memory, expected));
    close(go[0]), close(go[1]);
    CHECK_EQ(munmap(memory, pages * page), 0);
}

/* A child forks a grandchild while the parent still runs and writes. */
static void a_grandchild_while_its_grandparent_runs(void)
{
    char *memory = anonymous(pages * page);
    char expected[pages] = { 0 };
    write_pages(memory, expected, 0, pages, 'g');
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    if (child == 0) {
        write_pages(memory, expected, 0, 8, 'c');
        pid_t grandchild = fork();
        if (grandchild == 0) {
            wait_end(go[0]);
            CHECK(pages_are(memory, expected));
            check_child_exit();
        }
        write_pages(memory, expected, 8, 8, 'C');
        check_child_passed(grandchild);
        CHECK(pages_are(memory, expected));
        check_child_exit();
    }
    char mine[pages];
    memcpy(mine, expected, pages);
    write_pages(memory, mine, 0, pages, 'P');
    signal_end(go[1]);
    check_child_passed(child);
    CHECK(pages_are(memory, mine));
    close(go[0]), close(go[1]);
    CHECK_EQ(munmap(memory, pages * page), 0);
}

/* What a child unmaps or maps over while its parent runs goes from the
 * child only. */
static void a_child_unmaps_and_maps_over(void)
{
    char *memory = anonymous(pages * page);
    char expected[pages] = { 0 };
    write_pages(memory, expected, 0, pages, 'm');
    int done[2];
    REQUIRE(pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(munmap(memory, 16 * page), 0);
        char *again = mmap(memory, 16 * page, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK(again == memory);
        CHECK_EQ(again[0], 0);
        CHECK_EQ(again[15 * page], 0);
        char *over = mmap(memory + 16 * page, 16 * page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK(over == memory + 16 * page);
        CHECK_EQ(over[0], 0);
        CHECK_EQ(memory[40 * page], 'm');
        signal_end(done[1]);
        check_child_exit();
    }
    wait_end(done[0]);
    CHECK(pages_are(memory, expected));
    check_child_passed(child);
    CHECK(pages_are(memory, expected));
    close(done[0]), close(done[1]);
    CHECK_EQ(munmap(memory, pages * page), 0);
}

/* A child that shrinks the heap and grows it again gets zeroed pages; the
 * parent's heap is as it was. */
static void a_child_shrinks_the_heap(void)
{
    char *heap = (char *)syscall(SYS_brk, 0);
    char *grown = heap + 8 * page;
    REQUIRE((char *)syscall(SYS_brk, grown) == grown);
    memset(heap, 'h', 8 * page);
    int done[2];
    REQUIRE(pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ((char *)syscall(SYS_brk, heap), heap);
        CHECK_EQ((char *)syscall(SYS_brk, grown), grown);
        CHECK_EQ(heap[0], 0);
        CHECK_EQ(heap[7 * page], 0);
        signal_end(done[1]);
        check_child_exit();
    }
    wait_end(done[0]);
    CHECK_EQ(heap[0], 'h');
    CHECK_EQ(heap[7 * page + 100], 'h');
    check_child_passed(child);
    CHECK_EQ(heap[4 * page], 'h');
    CHECK_EQ((char *)syscall(SYS_brk, heap), heap);
    close(done[0]), close(done[1]);
}

int main(void)
{
    forks_again_and_again();
    most_pages_written_between_forks();
    two_children_alive_at_once();
    a_grandchild_while_its_grandparent_runs();
    a_child_unmaps_and_maps_over();
    a_child_shrinks_the_heap();
    return check_finish("memory_fork_repeated");
}
