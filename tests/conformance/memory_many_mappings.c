/* Many mappings at once. 1,200 shared anonymous mappings (each its own
 * object), each written, shared with a fork child that writes its last
 * page, and cut by unmapping its first page: every one keeps its pages
 * while any part of it is mapped, whatever forks came and went, and
 * memory for one page each is all they take. Then 3,000 one-page
 * private mappings that cannot merge (their protections alternate): a
 * fork child sees them all, mprotect and munmap split them, and a
 * neighbour's bytes never move. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096, shared_count = 1200, private_count = 3000 };

static char *shared_memory[shared_count];

static size_t shared_pages(int i)
{
    return 1 + (size_t)(i % 8);
}

/* What the last page of shared mapping i holds once its child wrote it
 * (odd i), or its parent (even i). */
static char last_value(int i)
{
    return (char)(i % 2 ? 0x40 + i % 61 : 0x10 + i % 31);
}

/* Each shared mapping's first byte and last page written; every other
 * one handed to a child that writes its last page and leaves at once
 * (waited for at once, or a round later); its first page unmapped. */
static void map_shared_and_fork(void)
{
    int failed_mappings = 0, failed_children = 0, wrong_values = 0;
    pid_t previous = 0;
    for (int i = 0; i < shared_count; i++) {
        size_t pages = shared_pages(i);
        char *memory = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) {
            failed_mappings++;
            shared_memory[i] = NULL;
            continue;
        }
        shared_memory[i] = memory;
        char *last = memory + (pages - 1) * page;
        memory[0] = 1;
        if (i % 2 == 0) {
            *last = last_value(i);
        } else {
            pid_t child = fork();
            if (child == 0) {
                *last = last_value(i);
                _exit(0);
            }
            if (child < 0)
                failed_children++;
            int status;
            if (child > 0 && i % 4 == 1 && (waitpid(child, &status, 0) != child || status != 0))
                failed_children++;
            if (previous > 0 && (waitpid(previous, &status, 0) != previous || status != 0))
                failed_children++;
            previous = child > 0 && i % 4 == 3 ? child : 0;
            if (i % 4 == 1 && *last != last_value(i))
                wrong_values++;
        }
        if (pages > 1) {
            munmap(memory, page);
            shared_memory[i] = last;
        }
    }
    int status;
    if (previous > 0 && (waitpid(previous, &status, 0) != previous || status != 0))
        failed_children++;
    CHECK_EQ(failed_mappings, 0);
    CHECK_EQ(failed_children, 0);
    CHECK_EQ(wrong_values, 0);
}

static void shared_mappings_keep_their_pages(void)
{
    map_shared_and_fork();
    int wrong = 0;
    for (int i = 0; i < shared_count; i++)
        if (shared_memory[i] && *shared_memory[i] != last_value(i))
            wrong++;
    CHECK_EQ(wrong, 0);
    /* A last child sees every mapping that is left, and its writes are
     * the parent's. */
    pid_t child = fork();
    if (child == 0) {
        int seen = 0;
        for (int i = 0; i < shared_count; i++)
            if (shared_memory[i] && *shared_memory[i] == last_value(i)) {
                *shared_memory[i] = 0x7f;
                seen++;
            }
        _exit(seen == shared_count ? 0 : 1);
    }
    check_child_passed(child);
    int changed = 0;
    for (int i = 0; i < shared_count; i++)
        changed += shared_memory[i] && *shared_memory[i] == 0x7f;
    CHECK_EQ(changed, shared_count);
    for (int i = 0; i < shared_count; i++)
        if (shared_memory[i])
            CHECK_OK(munmap(shared_memory[i], page));
}

static char *private_memory[private_count];

static int writable(int i)
{
    return i % 2 == 0;
}

static void private_mappings_do_not_run_out(void)
{
    int failed = 0;
    for (int i = 0; i < private_count; i++) {
        int prot = writable(i) ? PROT_READ | PROT_WRITE : PROT_READ;
        private_memory[i] = mmap(NULL, page, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (private_memory[i] == MAP_FAILED) {
            failed++;
            private_memory[i] = NULL;
        } else if (writable(i)) {
            private_memory[i][100] = (char)(i % 127 + 1);
        }
    }
    CHECK_EQ(failed, 0);
    pid_t child = fork();
    if (child == 0) {
        int right = 0;
        for (int i = 0; i < private_count; i++)
            right += private_memory[i] &&
                     private_memory[i][100] == (writable(i) ? (char)(i % 127 + 1) : 0);
        _exit(right == private_count ? 0 : 1);
    }
    check_child_passed(child);

    /* Three pages, protected in the middle: three regions among
     * thousands; its middle page unmapped: a hole. */
    char *three = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(three != MAP_FAILED);
    three[0] = 'a';
    three[page] = 'b';
    three[2 * page] = 'c';
    CHECK_OK(mprotect(three + page, page, PROT_READ));
    CHECK_EQ(three[0] + three[page] + three[2 * page], 'a' + 'b' + 'c');
    CHECK_OK(munmap(three + page, page));
    CHECK_EQ(three[0], 'a');
    CHECK_EQ(three[2 * page], 'c');
    CHECK_OK(munmap(three, 3 * page));

    int unmapped = 0, kept = 0;
    for (int i = 0; i < private_count; i++) {
        if (!private_memory[i])
            continue;
        kept += private_memory[i][100] == (writable(i) ? (char)(i % 127 + 1) : 0);
        unmapped += munmap(private_memory[i], page) == 0;
    }
    CHECK_EQ(kept, private_count);
    CHECK_EQ(unmapped, private_count);
}

int main(void)
{
    shared_mappings_keep_their_pages();
    private_mappings_do_not_run_out();
    return check_finish("memory_many_mappings");
}
