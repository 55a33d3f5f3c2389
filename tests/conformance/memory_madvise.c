/* madvise: MADV_DONTNEED gives private anonymous memory back as zeros, a
 * private file mapping back as the file's bytes and leaves shared memory
 * as it was; a fork's child that drops its copy leaves its parent's alone;
 * MADV_FREE takes anonymous memory only; hints change nothing; and the
 * errors in Linux's order: unknown advice and an unaligned start EINVAL,
 * length 0 nothing, a hole ENOMEM (with the mapped part advised all the
 * same), locked memory EINVAL unless MADV_DONTNEED_LOCKED, MADV_REMOVE
 * EINVAL on anonymous memory and EACCES on a private mapping. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

#define PAGE 4096
/* Linux 5.18's, which musl's headers do not have yet. */
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif

static void fill(unsigned char *bytes, size_t length, unsigned char value)
{
    memset(bytes, value, length);
}

static int all(const unsigned char *bytes, size_t length, unsigned char value)
{
    for (size_t i = 0; i < length; i++)
        if (bytes[i] != value)
            return 0;
    return 1;
}

static void anonymous_memory_comes_back_as_zeros(void)
{
    unsigned char *memory = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    fill(memory, 4 * PAGE, 0x5a);
    CHECK_OK(madvise(memory + PAGE, 2 * PAGE, MADV_DONTNEED));
    CHECK(all(memory, PAGE, 0x5a));
    CHECK(all(memory + PAGE, 2 * PAGE, 0));
    CHECK(all(memory + 3 * PAGE, PAGE, 0x5a));
    /* Written again, it keeps what is written. */
    fill(memory + PAGE, PAGE, 0x11);
    CHECK(all(memory + PAGE, PAGE, 0x11));
    /* MADV_FREE may keep the bytes or give zeros: either, page by page. */
    CHECK_OK(madvise(memory, PAGE, MADV_FREE));
    CHECK(all(memory, PAGE, 0x5a) || all(memory, PAGE, 0));
    /* Hints change nothing. */
    CHECK_OK(madvise(memory + 3 * PAGE, PAGE, MADV_WILLNEED));
    CHECK_OK(madvise(memory + 3 * PAGE, PAGE, MADV_SEQUENTIAL));
    CHECK_OK(madvise(memory + 3 * PAGE, PAGE, MADV_NORMAL));
    CHECK(all(memory + 3 * PAGE, PAGE, 0x5a));
    CHECK_OK(munmap(memory, 4 * PAGE));
}

static void a_childs_drop_leaves_its_parent_alone(void)
{
    unsigned char *memory = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    fill(memory, 2 * PAGE, 0x77);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        CHECK_OK(madvise(memory, 2 * PAGE, MADV_DONTNEED));
        CHECK(all(memory, 2 * PAGE, 0));
        check_child_exit();
    }
    check_child_passed(child);
    CHECK(all(memory, 2 * PAGE, 0x77));
    CHECK_OK(munmap(memory, 2 * PAGE));
}

static void file_backed_memory(void)
{
    int memfd = memfd_create("madvise", 0);
    REQUIRE(memfd >= 0);
    REQUIRE(ftruncate(memfd, 2 * PAGE) == 0);
    unsigned char *shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    REQUIRE(shared != MAP_FAILED);
    fill(shared, 2 * PAGE, 0x33);
    /* Shared memory keeps its bytes: they are the file's. */
    CHECK_OK(madvise(shared, 2 * PAGE, MADV_DONTNEED));
    CHECK(all(shared, 2 * PAGE, 0x33));
    CHECK_ERRNO(madvise(shared, PAGE, MADV_FREE), EINVAL);

    /* A private mapping's own copy goes; the file's bytes come back. */
    unsigned char *private = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, memfd, 0);
    REQUIRE(private != MAP_FAILED);
    fill(private, PAGE, 0x44);
    CHECK(all(shared, PAGE, 0x33));
    CHECK_OK(madvise(private, 2 * PAGE, MADV_DONTNEED));
    CHECK(all(private, 2 * PAGE, 0x33));
    CHECK_ERRNO(madvise(private, PAGE, MADV_FREE), EINVAL);
    CHECK_ERRNO(madvise(private, PAGE, MADV_REMOVE), EACCES);
    CHECK_OK(munmap(private, 2 * PAGE));
    CHECK_OK(munmap(shared, 2 * PAGE));
    close(memfd);
}

static void errors(void)
{
    unsigned char *memory = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    CHECK_ERRNO(madvise(memory, PAGE, 7), EINVAL);
    CHECK_ERRNO(madvise(memory, PAGE, 999), EINVAL);
    CHECK_ERRNO(madvise(memory + 1, PAGE, MADV_DONTNEED), EINVAL);
    CHECK_ERRNO(madvise(memory, (size_t)-1, MADV_DONTNEED), EINVAL);
    CHECK_OK(madvise(memory, 0, MADV_DONTNEED));
    CHECK_ERRNO(madvise(memory, PAGE, MADV_REMOVE), EINVAL);

    /* A hole: ENOMEM, and the mapped pages around it are dropped. */
    fill(memory, 3 * PAGE, 0x66);
    CHECK_OK(munmap(memory + PAGE, PAGE));
    CHECK_ERRNO(madvise(memory, 3 * PAGE, MADV_DONTNEED), ENOMEM);
    CHECK(all(memory, PAGE, 0));
    CHECK(all(memory + 2 * PAGE, PAGE, 0));
    CHECK_ERRNO(madvise(memory + PAGE, PAGE, MADV_NORMAL), ENOMEM);

    /* Locked memory stays unless the advice allows it. */
    fill(memory, PAGE, 0x12);
    CHECK_OK(mlock(memory, PAGE));
    CHECK_ERRNO(madvise(memory, PAGE, MADV_DONTNEED), EINVAL);
    CHECK(all(memory, PAGE, 0x12));
    CHECK_OK(madvise(memory, PAGE, MADV_DONTNEED_LOCKED));
    CHECK(all(memory, PAGE, 0));
    CHECK_OK(munlock(memory, PAGE));
    CHECK_OK(munmap(memory, PAGE));
    CHECK_OK(munmap(memory + 2 * PAGE, PAGE));
}

int main(void)
{
    anonymous_memory_comes_back_as_zeros();
    a_childs_drop_leaves_its_parent_alone();
    file_backed_memory();
    errors();
    printf("MADV_DONTNEED on anonymous, shared and private file memory, after fork; MADV_FREE; errors\n");
    return check_finish("memory_madvise");
}
