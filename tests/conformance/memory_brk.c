/* The program break (raw SYS_brk: musl's brk() always fails and its
 * sbrk() only reports): it starts page-aligned-or-not but sane, grows and
 * shrinks on request, new memory reads as zero and is writable, and a
 * request it cannot honour leaves the break where it was. */
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

static uintptr_t set_break(uintptr_t address)
{
    return (uintptr_t)syscall(SYS_brk, address);
}

int main(void)
{
    uintptr_t initial = set_break(0);
    CHECK(initial != 0);
    CHECK_EQ(set_break(0), initial);
    CHECK((uintptr_t)sbrk(0) == initial);
    CHECK_ERRNO((long)sbrk(4096), ENOMEM); /* musl refuses to move it */

    /* Grow by 64 KiB: zeroed and writable. */
    uintptr_t grown = set_break(initial + 65536);
    CHECK_EQ(grown, initial + 65536);
    unsigned char *memory = (unsigned char *)initial;
    int all_zero = 1;
    for (size_t i = 0; i < 65536; i++)
        all_zero &= memory[i] == 0;
    CHECK(all_zero);
    memset(memory, 0xab, 65536);
    CHECK_EQ(memory[0], 0xab);
    CHECK_EQ(memory[65535], 0xab);

    /* Shrink, then grow again: the memory comes back zeroed. */
    CHECK_EQ(set_break(initial + 4096), initial + 4096);
    CHECK_EQ(memory[0], 0xab);
    CHECK_EQ(set_break(initial + 65536), initial + 65536);
    CHECK_EQ(memory[8192], 0);
    CHECK_EQ(memory[65535], 0);

    /* The break is inherited across fork, and the child's own changes do
     * not touch the parent's. */
    pid_t pid = fork();
    if (pid == 0) {
        int ok = set_break(0) == initial + 65536 && memory[0] == 0xab;
        memory[0] = 1;
        ok &= set_break(initial + 2 * 65536) == initial + 2 * 65536;
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(memory[0], 0xab);
    CHECK_EQ(set_break(0), initial + 65536);

    /* Past the memory there is: the break stays put. */
    CHECK_EQ(set_break(initial + (1ULL << 46)), initial + 65536);
    /* Below the start of the heap: refused too. */
    CHECK_EQ(set_break(initial - (1ULL << 30)), initial + 65536);

    /* Back to where it started. */
    CHECK_EQ(set_break(initial), initial);

    /* Freed break memory is gone: touching it in a child is a SIGSEGV. */
    pid = fork();
    if (pid == 0) {
        memory[16384] = 1;
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == 11);

    printf("brk grows 64 KiB zeroed, shrinks, refuses impossible requests\n");
    return check_finish("memory_brk");
}
