/* RLIMIT_DATA, as Linux 6.1's may_expand_vm holds data (private,
 * writable memory but the stack) to it: with 64 MiB, a 128 MiB private
 * writable mmap fails with ENOMEM, while a read-only or a shared one of
 * that size maps; making the read-only one writable (mprotect), growing
 * a private mapping past the limit (mremap) and a brk past it fail too
 * (brk keeps the old break); what fits maps, what munmap frees maps
 * again; a fork child inherits the limit; unlimited again, the big
 * mapping goes through. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "check.h"

enum { mib = 1 << 20 };

static void *map(size_t length, int prot, int flags)
{
    return mmap(NULL, length, prot, flags | MAP_ANONYMOUS, -1, 0);
}

static void *map_data(size_t length)
{
    return map(length, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

static void set_limit(rlim_t soft)
{
    struct rlimit limit = {soft, RLIM_INFINITY};
    REQUIRE(setrlimit(RLIMIT_DATA, &limit) == 0);
}

#define CHECK_ENOMEM(call)                                                  \
    do {                                                                    \
        errno = 0;                                                          \
        CHECK((call) == MAP_FAILED);                                        \
        CHECK_EQ(errno, ENOMEM);                                            \
    } while (0)

static void inherits_the_limit(void)
{
    struct rlimit inherited;
    CHECK_EQ(getrlimit(RLIMIT_DATA, &inherited), 0);
    CHECK_EQ(inherited.rlim_cur, 64 * mib);
    CHECK_ENOMEM(map_data(48 * mib));
}

static void limited(void)
{
    set_limit(64 * mib);
    CHECK_ENOMEM(map_data(128 * mib));
    char *read_only = map(128 * mib, PROT_READ, MAP_PRIVATE);
    CHECK(read_only != MAP_FAILED);
    char *shared = map(128 * mib, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK(shared != MAP_FAILED);
    shared[0] = 1;
    errno = 0;
    CHECK_EQ(mprotect(read_only, 128 * mib, PROT_READ | PROT_WRITE), -1);
    CHECK_EQ(errno, ENOMEM);
    CHECK_EQ(mprotect(read_only, 16 * mib, PROT_READ | PROT_WRITE), 0);
    read_only[0] = 1;
    CHECK_EQ(munmap(read_only, 128 * mib), 0);
    CHECK_EQ(munmap(shared, 128 * mib), 0);

    char *fits = map_data(16 * mib);
    REQUIRE(fits != MAP_FAILED);
    fits[0] = 1;
    CHECK_ENOMEM(mremap(fits, 16 * mib, 100 * mib, MREMAP_MAYMOVE));
    char *grown = mremap(fits, 16 * mib, 32 * mib, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED);
    if (grown != MAP_FAILED)
        fits = grown;
    CHECK_ENOMEM(map_data(32 * mib));
    /* The break cannot grow past it either: brk answers the old break. */
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    CHECK_EQ(syscall(SYS_brk, start + 40 * mib), start);
    CHECK_EQ(syscall(SYS_brk, start + 4 * mib), start + 4 * mib);
    CHECK_EQ(syscall(SYS_brk, start), start);
    /* What munmap frees maps again. */
    CHECK_EQ(munmap(fits, 32 * mib), 0);
    char *again = map_data(32 * mib);
    CHECK(again != MAP_FAILED);

    check_in_child(inherits_the_limit);

    set_limit(RLIM_INFINITY);
    char *big = map_data(128 * mib);
    CHECK(big != MAP_FAILED);
    CHECK_EQ(munmap(big, 128 * mib), 0);
    CHECK_EQ(munmap(again, 32 * mib), 0);
}

int main(void)
{
    check_in_child(limited);    /* the limit is the child's alone */
    return check_finish("memory_rlimit_data");
}
