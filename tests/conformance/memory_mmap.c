/* Anonymous mmap and munmap: fresh memory is zeroed, mappings are
 * page-aligned, MAP_FIXED replaces what was there, munmap of part of a
 * mapping leaves the rest, a hint is only a hint; and the errors: EINVAL
 * for length 0, misaligned addresses, missing MAP_PRIVATE/MAP_SHARED,
 * ENOMEM for too much, EBADF for a file mapping without a file. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096 };

/* Whether reading the byte at `address` kills a child with SIGSEGV. */
static int read_faults(volatile unsigned char *address)
{
    pid_t pid = fork();
    if (pid == 0) {
        (void)*address;
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

int main(void)
{
    const int private_anonymous = MAP_PRIVATE | MAP_ANONYMOUS;

    unsigned char *memory = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE,
                                 private_anonymous, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    CHECK_EQ((uintptr_t)memory % page, 0);
    int zero = 1;
    for (size_t i = 0; i < 16 * page; i++)
        zero &= memory[i] == 0;
    CHECK(zero);
    memset(memory, 0x11, 16 * page);
    CHECK_EQ(memory[16 * page - 1], 0x11);

    /* A length that is not a page multiple is rounded up. */
    unsigned char *odd = mmap(NULL, 100, PROT_READ | PROT_WRITE,
                              private_anonymous, -1, 0);
    CHECK(odd != MAP_FAILED);
    odd[page - 1] = 1;
    CHECK_EQ(munmap(odd, 100), 0);

    /* MAP_FIXED over the middle: those pages become fresh zeroed ones. */
    unsigned char *fixed = mmap(memory + 4 * page, 2 * page, PROT_READ | PROT_WRITE,
                                private_anonymous | MAP_FIXED, -1, 0);
    CHECK(fixed == memory + 4 * page);
    CHECK_EQ(memory[4 * page], 0);
    CHECK_EQ(memory[6 * page - 1], 0);
    CHECK_EQ(memory[4 * page - 1], 0x11);
    CHECK_EQ(memory[6 * page], 0x11);

    /* munmap of a middle page leaves both sides. */
    CHECK_EQ(munmap(memory + 8 * page, page), 0);
    CHECK_EQ(memory[8 * page - 1], 0x11);
    CHECK_EQ(memory[9 * page], 0x11);
    CHECK_EQ(read_faults(memory + 8 * page), 1);
    CHECK_EQ(read_faults(memory + 9 * page), 0);
    /* Unmapping what is already unmapped is fine. */
    CHECK_EQ(munmap(memory + 8 * page, page), 0);
    /* The hole can be mapped again at that address with MAP_FIXED. */
    CHECK(mmap(memory + 8 * page, page, PROT_READ, private_anonymous | MAP_FIXED,
               -1, 0) == memory + 8 * page);
    CHECK_EQ(memory[8 * page], 0);

    /* munmap of the whole range, even across the pieces. */
    CHECK_EQ(munmap(memory, 16 * page), 0);
    CHECK_EQ(read_faults(memory), 1);
    CHECK_EQ(read_faults(memory + 15 * page), 1);

    /* A hint at a free, aligned address: used when free. */
    void *hint = memory;
    unsigned char *hinted = mmap(hint, page, PROT_READ, private_anonymous, -1, 0);
    CHECK(hinted != MAP_FAILED);
    CHECK_EQ(munmap(hinted, page), 0);
    /* A misaligned hint without MAP_FIXED is rounded or ignored. */
    unsigned char *rounded = mmap(memory + 1, page, PROT_READ, private_anonymous, -1, 0);
    CHECK(rounded != MAP_FAILED && (uintptr_t)rounded % page == 0);
    CHECK_EQ(munmap(rounded, page), 0);

    /* Many mappings. */
    void *many[64];
    int all_mapped = 1;
    for (int i = 0; i < 64; i++) {
        many[i] = mmap(NULL, page * (1 + i % 4), PROT_READ | PROT_WRITE,
                       private_anonymous, -1, 0);
        if (many[i] == MAP_FAILED)
            all_mapped = 0;
        else
            *(int *)many[i] = i;
    }
    CHECK(all_mapped);
    int contents_right = 1;
    for (int i = 0; i < 64 && all_mapped; i++) {
        contents_right &= *(int *)many[i] == i;
        munmap(many[i], page * (1 + i % 4));
    }
    CHECK(contents_right);

    /* Errors. */
    CHECK_PTR_ERRNO(mmap(NULL, 0, PROT_READ, private_anonymous, -1, 0), MAP_FAILED, EINVAL);
    CHECK_PTR_ERRNO(mmap((void *)(0x40000000 + 1), page, PROT_READ,
                         private_anonymous | MAP_FIXED, -1, 0), MAP_FAILED, EINVAL);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_ANONYMOUS, -1, 0), MAP_FAILED, EINVAL);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS,
                         -1, 0), MAP_FAILED, EINVAL);
    CHECK_PTR_ERRNO(mmap(NULL, (size_t)1 << 50, PROT_READ | PROT_WRITE,
                         private_anonymous, -1, 0), MAP_FAILED, ENOMEM);
    CHECK_PTR_ERRNO(mmap(NULL, SIZE_MAX - page, PROT_READ, private_anonymous, -1, 0),
                    MAP_FAILED, ENOMEM);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_PRIVATE, -1, 0), MAP_FAILED, EBADF);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 999, 0), MAP_FAILED, EBADF);
    CHECK_ERRNO(munmap(memory + 1, page), EINVAL);
    CHECK_ERRNO(munmap(memory, 0), EINVAL);
    CHECK_ERRNO(munmap((void *)(uintptr_t)0xffff000000000000ull, page), EINVAL);

    printf("anonymous mmap zeroed, MAP_FIXED replaces, partial munmap, EINVAL/ENOMEM/EBADF\n");
    return check_finish("memory_mmap");
}
