/* mprotect and protection faults: a write to a PROT_READ page, any access
 * to a PROT_NONE page and a write to a page made read-only later kill a
 * child with SIGSEGV; mprotect keeps the contents; its errors are EINVAL
 * (misaligned, bad bits) and ENOMEM (not mapped). */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096 };

enum access_kind { READ, WRITE };

static int access_faults(volatile unsigned char *address, enum access_kind kind)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (kind == READ)
            (void)*address;
        else
            *address = 1;
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? 1 : -1;
}

int main(void)
{
    unsigned char *read_only = mmap(NULL, page, PROT_READ,
                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(read_only != MAP_FAILED);
    CHECK_EQ(read_only[0], 0);
    CHECK_EQ(access_faults(read_only, READ), 0);
    CHECK_EQ(access_faults(read_only, WRITE), 1);

    unsigned char *none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(none != MAP_FAILED);
    CHECK_EQ(access_faults(none, READ), 1);
    CHECK_EQ(access_faults(none, WRITE), 1);
    /* Made accessible, it reads as zero. */
    CHECK_EQ(mprotect(none, page, PROT_READ | PROT_WRITE), 0);
    CHECK_EQ(none[100], 0);
    none[100] = 9;
    CHECK_EQ(access_faults(none, WRITE), 0);

    /* Three pages; the middle one made read-only then none, contents kept. */
    unsigned char *three = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(three != MAP_FAILED);
    memset(three, 0x42, 3 * page);
    CHECK_EQ(mprotect(three + page, page, PROT_READ), 0);
    CHECK_EQ(three[page], 0x42);
    CHECK_EQ(access_faults(three + page, WRITE), 1);
    CHECK_EQ(access_faults(three, WRITE), 0);
    CHECK_EQ(access_faults(three + 2 * page, WRITE), 0);
    CHECK_EQ(mprotect(three + page, page, PROT_NONE), 0);
    CHECK_EQ(access_faults(three + page, READ), 1);
    CHECK_EQ(mprotect(three, 3 * page, PROT_READ | PROT_WRITE), 0);
    CHECK_EQ(three[page + 17], 0x42);
    three[page] = 1;
    CHECK_EQ(three[page], 1);

    /* Shared memory made read-only in the child only. */
    unsigned char *shared = mmap(NULL, page, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    pid_t pid = fork();
    if (pid == 0) {
        mprotect(shared, page, PROT_READ);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    shared[0] = 5;
    CHECK_EQ(shared[0], 5);

    /* Errors. */
    /* Raw: musl's mprotect rounds the address down to a page itself. */
    CHECK_ERRNO(syscall(SYS_mprotect, three + 1, page, PROT_READ), EINVAL);
    CHECK_ERRNO(mprotect(three, page, 0x100), EINVAL);
    CHECK_EQ(munmap(three, 3 * page), 0);
    CHECK_ERRNO(mprotect(three, page, PROT_READ), ENOMEM);
    CHECK_ERRNO(mprotect((void *)(uintptr_t)0x1000, page, PROT_READ), ENOMEM);
    /* A length of 0 is accepted and does nothing. */
    CHECK_EQ(mprotect(read_only, 0, PROT_NONE), 0);
    CHECK_EQ(read_only[0], 0);

    printf("PROT_READ write, PROT_NONE access fault with SIGSEGV; mprotect keeps data\n");
    return check_finish("memory_protection");
}
