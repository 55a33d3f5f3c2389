/* RLIMIT_AS: with the address space limited to 64 MiB, a 128 MiB mmap,
 * a mapping that would cross the limit, and a brk past it fail with
 * ENOMEM (brk keeps the old break), while what fits maps; what munmap
 * frees can be mapped again; MAP_FIXED over a mapping counts only what
 * it adds; a fork child inherits the limit; raising the soft limit lets
 * the big mapping through. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "check.h"

enum { mib = 1 << 20 };

static void *map(size_t length)
{
    return mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void set_limit(rlim_t soft)
{
    struct rlimit limit = { soft, RLIM_INFINITY };
    REQUIRE(setrlimit(RLIMIT_AS, &limit) == 0);
}

static void inherits_the_limit(void)
{
    struct rlimit inherited;
    CHECK_EQ(getrlimit(RLIMIT_AS, &inherited), 0);
    CHECK_EQ(inherited.rlim_cur, 64 * mib);
    errno = 0;
    CHECK(map(32 * mib) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
}

static void limited(void)
{
    set_limit(64 * mib);
    errno = 0;
    CHECK(map(128 * mib) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    char *fits = map(16 * mib);
    REQUIRE(fits != MAP_FAILED);
    fits[0] = 1;
    /* Mapped over itself, the same 16 MiB add nothing. */
    CHECK(mmap(fits, 16 * mib, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == fits);
    /* Two more of 16 fit under 64 with the program's own few MiB; a third does not. */
    char *second = map(16 * mib), *third = map(16 * mib);
    CHECK(second != MAP_FAILED);
    CHECK(third != MAP_FAILED);
    errno = 0;
    CHECK(map(16 * mib) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    /* The break cannot grow past it either: brk answers the old break. */
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    CHECK_EQ(syscall(SYS_brk, start + 32 * mib), start);
    /* What munmap frees maps again. */
    CHECK_EQ(munmap(third, 16 * mib), 0);
    CHECK(map(16 * mib) != MAP_FAILED);

    check_in_child(inherits_the_limit);

    set_limit(RLIM_INFINITY);
    char *big = map(128 * mib);
    CHECK(big != MAP_FAILED);
    CHECK_EQ(munmap(big, 128 * mib), 0);
}

int main(void)
{
    check_in_child(limited);    /* the limit is the child's alone */
    return check_finish("memory_rlimit_as");
}
