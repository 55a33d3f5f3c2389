/* RLIMIT_MEMLOCK for mlock, mlock2, mlockall and MAP_LOCKED: a user (not
 * root) may lock up to the limit, a range locked twice counts once,
 * past it mlock and mlockall(MCL_CURRENT) are ENOMEM and a locked mmap
 * EAGAIN, with a limit of 0 any lock is EPERM; munlock gives room back,
 * a hole in the range is ENOMEM, a fork's child locks nothing; root is
 * not limited. */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

enum { user = 2302, page = 4096, limit_pages = 16 };

static char *map_pages(int pages, int flags)
{
    return mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

static void set_limit(rlim_t bytes)
{
    struct rlimit limit = {bytes, bytes};
    REQUIRE(setrlimit(RLIMIT_MEMLOCK, &limit) == 0);
}

static void as_the_user(void)
{
    REQUIRE(setgid(user) == 0 && setuid(user) == 0);
    char *memory = map_pages(32, 0);
    REQUIRE(memory != MAP_FAILED);

    /* Up to the limit, and the same pages again. */
    CHECK_EQ(mlock(memory, limit_pages * page), 0);
    CHECK_EQ(mlock(memory + 100, page), 0);
    CHECK_ERRNO(mlock(memory + limit_pages * page, 1), ENOMEM);
    CHECK_ERRNO(syscall(SYS_mlock2, memory + limit_pages * page, page, 0), ENOMEM);
    CHECK_ERRNO(syscall(SYS_mlock2, memory, page, 2), EINVAL);
    CHECK_PTR_ERRNO(map_pages(1, MAP_LOCKED), MAP_FAILED, EAGAIN);
    CHECK_ERRNO(mlockall(MCL_CURRENT), ENOMEM);

    /* munlock gives room back. */
    CHECK_EQ(munlock(memory, 8 * page), 0);
    CHECK_EQ(mlock(memory + limit_pages * page, 8 * page), 0);
    CHECK_ERRNO(mlock(memory + 24 * page, page), ENOMEM);

    /* A fork's child has nothing locked. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mlock(memory, limit_pages * page), 0);
        check_child_exit();
    }
    check_child_passed(child);

    CHECK_EQ(munlockall(), 0);
    char *locked = map_pages(4, MAP_LOCKED);
    CHECK(locked != MAP_FAILED);
    CHECK_ERRNO(mlock(memory, (limit_pages - 3) * page), ENOMEM);
    CHECK_EQ(munmap(locked, 4 * page), 0);
    CHECK_EQ(mlock(memory, (limit_pages - 3) * page), 0);
    CHECK_EQ(munlockall(), 0);

    /* A hole in the range. */
    CHECK_EQ(munmap(memory + 31 * page, page), 0);
    CHECK_ERRNO(mlock(memory + 30 * page, 2 * page), ENOMEM);
    CHECK_ERRNO(munlock(memory + 30 * page, 2 * page), ENOMEM);

    /* MCL_FUTURE: later mappings are locked, and limited. */
    CHECK_EQ(mlockall(MCL_FUTURE), 0);
    CHECK_PTR_ERRNO(map_pages(limit_pages + 1, 0), MAP_FAILED, EAGAIN);
    char *future = map_pages(4, 0);
    CHECK(future != MAP_FAILED);
    CHECK_ERRNO(mlock(memory, (limit_pages - 3) * page), ENOMEM);
    CHECK_EQ(munlockall(), 0);
    CHECK_EQ(mlock(memory, (limit_pages - 3) * page), 0);
    CHECK_EQ(munlockall(), 0);

    /* mlockall's flags. */
    CHECK_ERRNO(mlockall(0), EINVAL);
    CHECK_ERRNO(mlockall(MCL_ONFAULT), EINVAL);
    CHECK_ERRNO(mlockall(8), EINVAL);

    /* A limit of 0: no locking at all, but unlocking is fine. */
    set_limit(0);
    CHECK_ERRNO(mlock(memory, page), EPERM);
    CHECK_ERRNO(mlockall(MCL_CURRENT), EPERM);
    /* (musl's mmap turns this EPERM into ENOMEM: the system call's own.) */
    CHECK_ERRNO(syscall(SYS_mmap, 0, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
                        -1, 0), EPERM);
    CHECK_EQ(munlock(memory, page), 0);
    CHECK_EQ(munlockall(), 0);
}

int main(void)
{
    set_limit(limit_pages * page);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        as_the_user();
        check_child_exit();
    }
    check_child_passed(child);

    /* Root has CAP_IPC_LOCK: the limit does not hold it, not even 0. */
    char *memory = map_pages(64, 0);
    REQUIRE(memory != MAP_FAILED);
    CHECK_EQ(mlock(memory, 64 * page), 0);
    char *locked = map_pages(8, MAP_LOCKED);
    CHECK(locked != MAP_FAILED);
    CHECK_EQ(munlock(memory, 64 * page), 0);
    set_limit(0);
    CHECK_EQ(mlock(memory, 4 * page), 0);
    CHECK_EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
    CHECK_EQ(munlockall(), 0);

    printf("RLIMIT_MEMLOCK %d pages: a user locks up to it, root beyond\n", limit_pages);
    return check_finish("memory_lock_limits");
}
