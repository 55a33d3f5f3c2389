/* mremap: a shrink unmaps the tail (whatever mappings it reaches past
 * the first), a grow extends in place when the range after is free,
 * else moves with MREMAP_MAYMOVE (ENOMEM without it) and the pages go
 * along: private anonymous memory, shared anonymous memory a fork's
 * child still sees at its old address, a file's shared and private
 * mappings; MREMAP_FIXED puts it where asked, replacing what was there;
 * MREMAP_DONTUNMAP leaves the old range mapped but empty (a file's
 * mapping as the file has it); an old length of 0 duplicates a shared
 * mapping; RLIMIT_AS limits a grow; and the errors in Linux 6.1's
 * order. musl's realloc of a large block keeps its bytes. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "bus_error.h"
#include "check.h"

#define PAGE 4096
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static void fill(char *bytes, size_t length, char value)
{
    memset(bytes, value, length);
}

static int all(const char *bytes, size_t length, char value)
{
    for (size_t i = 0; i < length; i++)
        if (bytes[i] != value)
            return 0;
    return 1;
}

/* Whether the page at address is mapped (madvise's hint fails with
 * ENOMEM on a hole). */
static int mapped(const char *address)
{
    return madvise((void *)address, PAGE, MADV_NORMAL) == 0;
}

static char *anonymous(size_t length, int flags)
{
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    return memory;
}

/* pages of private memory whose last page is read-only: a mapping of
 * its own right after the first pages - 1, which blocks their growth. */
static char *blocked(unsigned pages)
{
    char *memory = anonymous(pages * PAGE, MAP_PRIVATE);
    REQUIRE(mprotect(memory + (pages - 1) * PAGE, PAGE, PROT_READ) == 0);
    return memory;
}

static void shrink_unmaps_the_tail(void)
{
    char *memory = anonymous(4 * PAGE, MAP_PRIVATE);
    fill(memory, 4 * PAGE, 's');
    CHECK(mremap(memory, 4 * PAGE, 2 * PAGE, 0) == memory);
    CHECK(all(memory, 2 * PAGE, 's'));
    CHECK(!mapped(memory + 2 * PAGE));
    CHECK(!mapped(memory + 3 * PAGE));
    /* The same length changes nothing; a length is rounded up. */
    CHECK(mremap(memory, 2 * PAGE, 2 * PAGE, 0) == memory);
    CHECK(mremap(memory, 2 * PAGE, PAGE + 1, 0) == memory);
    CHECK(mapped(memory + PAGE));
    CHECK_OK(munmap(memory, 2 * PAGE));

    /* Only the first mapping must hold the address: the tail goes from
     * every mapping it reaches, as munmap's. */
    memory = blocked(4);
    CHECK(mremap(memory, 4 * PAGE, PAGE, 0) == memory);
    CHECK(mapped(memory));
    CHECK(!mapped(memory + 3 * PAGE));
    CHECK_OK(munmap(memory, PAGE));

    /* Shared memory keeps its bytes. */
    memory = anonymous(3 * PAGE, MAP_SHARED);
    fill(memory, 3 * PAGE, 'h');
    CHECK(mremap(memory, 3 * PAGE, PAGE, 0) == memory);
    CHECK(all(memory, PAGE, 'h'));
    CHECK(!mapped(memory + PAGE));
    CHECK_OK(munmap(memory, PAGE));
}

static void grow_in_place_when_the_range_after_is_free(void)
{
    char *memory = anonymous(4 * PAGE, MAP_PRIVATE);
    fill(memory, 2 * PAGE, 'g');
    REQUIRE(munmap(memory + 2 * PAGE, 2 * PAGE) == 0);
    CHECK(mremap(memory, 2 * PAGE, 4 * PAGE, 0) == memory);
    CHECK(all(memory, 2 * PAGE, 'g'));
    CHECK(all(memory + 2 * PAGE, 2 * PAGE, 0));
    fill(memory + 3 * PAGE, PAGE, 'n');
    CHECK(all(memory + 3 * PAGE, PAGE, 'n'));
    CHECK_OK(munmap(memory, 4 * PAGE));

    /* A mapping right after: ENOMEM without MREMAP_MAYMOVE, and nothing
     * changes; so too when the old range ends before its mapping does. */
    memory = blocked(3);
    fill(memory, 2 * PAGE, 'b');
    CHECK_ERRNO(mremap(memory, 2 * PAGE, 3 * PAGE, 0), ENOMEM);
    CHECK_ERRNO(mremap(memory, PAGE, 2 * PAGE, 0), ENOMEM);
    CHECK(all(memory, 2 * PAGE, 'b'));
    CHECK_OK(munmap(memory, 3 * PAGE));
}

static void a_move_takes_private_pages_along(void)
{
    char *memory = blocked(3);
    fill(memory, PAGE, 'm');
    fill(memory + PAGE, PAGE, 'p');
    char *moved = mremap(memory, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    REQUIRE(moved != MAP_FAILED);
    CHECK(moved != memory);
    CHECK(all(moved, PAGE, 'm'));
    CHECK(all(moved + PAGE, PAGE, 'p'));
    CHECK(all(moved + 2 * PAGE, 6 * PAGE, 0));
    fill(moved + 7 * PAGE, PAGE, 'w');
    CHECK(all(moved + 7 * PAGE, PAGE, 'w'));
    CHECK(!mapped(memory));
    CHECK(!mapped(memory + PAGE));
    CHECK(mapped(memory + 2 * PAGE));   /* the blocker stays */
    CHECK_OK(munmap(moved, 8 * PAGE));
    CHECK_OK(munmap(memory + 2 * PAGE, PAGE));

    /* Pages a fork shares copy-on-write move too, and stay the
     * parent's: the child's copy is its own. */
    memory = blocked(2);
    fill(memory, PAGE, 'f');
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char *own = mremap(memory, PAGE, 4 * PAGE, MREMAP_MAYMOVE);
        CHECK(own != MAP_FAILED && all(own, PAGE, 'f'));
        if (own != MAP_FAILED)
            fill(own, PAGE, 'c');
        check_child_exit();
    }
    check_child_passed(child);
    CHECK(all(memory, PAGE, 'f'));
    /* The parent's move of them, the child gone. */
    char *own = mremap(memory, PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    REQUIRE(own != MAP_FAILED);
    CHECK(all(own, PAGE, 'f'));
    fill(own, PAGE, 'q');
    CHECK(all(own, PAGE, 'q'));
    CHECK_OK(munmap(own, 4 * PAGE));
    CHECK_OK(munmap(memory + PAGE, PAGE));
}

/* Shared memory moves as a mapping of the same memory: a fork's child,
 * still mapping it at the old address, sees the parent's writes at the
 * new one and the parent the child's. A grow past the end of shared
 * anonymous memory maps nothing there (SIGBUS). */
static void a_move_keeps_shared_memory_shared(void)
{
    char *memory = anonymous(3 * PAGE, MAP_SHARED);
    REQUIRE(mprotect(memory + 2 * PAGE, PAGE, PROT_READ) == 0);
    fill(memory, 2 * PAGE, 'a');
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte;
        CHECK_EQ(read(go[0], &byte, 1), 1);
        CHECK(all(memory, 2 * PAGE, 'b'));
        fill(memory, PAGE, 'c');
        check_child_exit();
    }
    char *moved = mremap(memory, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    REQUIRE(moved != MAP_FAILED);
    CHECK(moved != memory);
    CHECK(all(moved, 2 * PAGE, 'a'));
    fill(moved, 2 * PAGE, 'b');
    CHECK_EQ(write(go[1], "g", 1), 1);
    check_child_passed(child);
    CHECK(all(moved, PAGE, 'c'));
    CHECK(all(moved + PAGE, PAGE, 'b'));
    REQUIRE(bus_error_catch() == 0);
    CHECK_EQ(read_faults(moved + 3 * PAGE), 1);
    signal(SIGBUS, SIG_DFL);
    signal(SIGSEGV, SIG_DFL);
    close(go[0]);
    close(go[1]);
    CHECK_OK(munmap(moved, 4 * PAGE));
    CHECK_OK(munmap(memory + 2 * PAGE, PAGE));
}

/* A file's mappings move with their offsets: a shared one writes the
 * file at the new address, a private one keeps the pages it copied. */
static void a_move_keeps_a_files_mapping(void)
{
    int file = memfd_create("mremap", 0);
    REQUIRE(file >= 0);
    REQUIRE(ftruncate(file, 4 * PAGE) == 0);
    char page[PAGE];
    for (int i = 0; i < 4; i++) {
        fill(page, PAGE, (char)('0' + i));
        REQUIRE(pwrite(file, page, PAGE, i * PAGE) == PAGE);
    }
    char *shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, file, PAGE);
    REQUIRE(shared != MAP_FAILED);
    char *blocker = mmap(shared + 2 * PAGE, PAGE, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    char *moved = mremap(shared, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE);
    REQUIRE(moved != MAP_FAILED);
    CHECK(blocker == MAP_FAILED || moved != shared);
    CHECK(all(moved, PAGE, '1'));
    CHECK(all(moved + PAGE, PAGE, '2'));
    CHECK(all(moved + 2 * PAGE, PAGE, '3'));
    fill(moved + PAGE, PAGE, 'W');
    CHECK_EQ(pread(file, page, PAGE, 2 * PAGE), PAGE);
    CHECK(all(page, PAGE, 'W'));
    CHECK_OK(munmap(moved, 3 * PAGE));
    if (blocker != MAP_FAILED)
        CHECK_OK(munmap(blocker, PAGE));

    char *private = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
    REQUIRE(private != MAP_FAILED);
    REQUIRE(mprotect(private + 2 * PAGE, PAGE, PROT_READ) == 0);
    fill(private, PAGE, 'P');      /* the mapping's own copy */
    char *target = anonymous(2 * PAGE, MAP_PRIVATE);
    moved = mremap(private, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    CHECK(moved == target);
    CHECK(all(moved, PAGE, 'P'));
    CHECK(all(moved + PAGE, PAGE, '1'));
    CHECK_EQ(pread(file, page, PAGE, 0), PAGE);
    CHECK(all(page, PAGE, '0'));
    CHECK_OK(munmap(moved, 2 * PAGE));
    CHECK_OK(munmap(private + 2 * PAGE, PAGE));
    close(file);
}

static void fixed_replaces_what_was_there(void)
{
    char *target = anonymous(4 * PAGE, MAP_PRIVATE);
    fill(target, 4 * PAGE, 't');
    char *source = anonymous(2 * PAGE, MAP_PRIVATE);
    fill(source, 2 * PAGE, 's');
    CHECK(mremap(source, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + PAGE)
          == target + PAGE);
    CHECK(all(target, PAGE, 't'));
    CHECK(all(target + PAGE, 2 * PAGE, 's'));
    CHECK(all(target + 3 * PAGE, PAGE, 't'));
    CHECK(!mapped(source));

    /* Growing and shrinking on the way. */
    source = anonymous(3 * PAGE, MAP_PRIVATE);
    fill(source, 3 * PAGE, 'u');
    CHECK(mremap(source, PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target) == target);
    CHECK(all(target, PAGE, 'u'));
    CHECK(all(target + PAGE, 2 * PAGE, 0));
    CHECK(all(target + 3 * PAGE, PAGE, 't'));
    CHECK(!mapped(source));
    CHECK(mapped(source + PAGE));
    CHECK(mremap(source + PAGE, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + PAGE)
          == target + PAGE);
    CHECK(all(target + PAGE, PAGE, 'u'));
    CHECK(all(target + 2 * PAGE, PAGE, 0));
    CHECK(!mapped(source + PAGE));
    CHECK(!mapped(source + 2 * PAGE));

    /* Overlapping ranges, an unaligned target, no MREMAP_MAYMOVE. */
    CHECK_ERRNO(mremap(target, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + PAGE),
                EINVAL);
    CHECK_ERRNO(mremap(target + PAGE, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target),
                EINVAL);
    CHECK_ERRNO(mremap(target, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + 8 * PAGE + 1),
                EINVAL);
    CHECK_ERRNO(mremap(target, PAGE, PAGE, MREMAP_FIXED, target + 8 * PAGE), EINVAL);
    CHECK(all(target, PAGE, 'u'));
    CHECK_OK(munmap(target, 4 * PAGE));
}

static void dontunmap_leaves_the_old_range_empty(void)
{
    char *memory = anonymous(2 * PAGE, MAP_PRIVATE);
    fill(memory, 2 * PAGE, 'd');
    char *moved = mremap(memory, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    REQUIRE(moved != MAP_FAILED);
    CHECK(moved != memory);
    CHECK(all(moved, 2 * PAGE, 'd'));
    CHECK(mapped(memory));
    CHECK(all(memory, 2 * PAGE, 0));
    fill(memory, PAGE, 'o');
    CHECK(all(moved, PAGE, 'd'));
    CHECK_OK(munmap(memory, 2 * PAGE));

    /* With MREMAP_FIXED; and the lengths must be the same, MAYMOVE given. */
    char *target = anonymous(2 * PAGE, MAP_PRIVATE);
    CHECK(mremap(moved, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP | MREMAP_FIXED,
                 target) == target);
    CHECK(all(target, 2 * PAGE, 'd'));
    CHECK(all(moved, 2 * PAGE, 0));
    CHECK_ERRNO(mremap(target, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EINVAL);
    CHECK_ERRNO(mremap(target, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EINVAL);
    CHECK_ERRNO(mremap(target, PAGE, PAGE, MREMAP_DONTUNMAP), EINVAL);
    CHECK_OK(munmap(moved, 2 * PAGE));
    CHECK_OK(munmap(target, 2 * PAGE));

    /* 6.1 takes a shared mapping too (5.13 on): the old range still
     * maps the memory. */
    memory = anonymous(PAGE, MAP_SHARED);
    fill(memory, PAGE, 'x');
    moved = mremap(memory, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    REQUIRE(moved != MAP_FAILED);
    CHECK(all(moved, PAGE, 'x'));
    CHECK(all(memory, PAGE, 'x'));
    fill(moved, PAGE, 'y');
    CHECK(all(memory, PAGE, 'y'));
    CHECK_OK(munmap(moved, PAGE));
    CHECK_OK(munmap(memory, PAGE));
}

/* An old length of 0 maps the same shared memory again (MREMAP_MAYMOVE
 * needed); a private mapping cannot be so (EINVAL). */
static void old_length_zero_duplicates_shared_memory(void)
{
    char *memory = anonymous(2 * PAGE, MAP_SHARED);
    fill(memory, 2 * PAGE, 'a');
    char *again = mremap(memory, 0, 2 * PAGE, MREMAP_MAYMOVE);
    REQUIRE(again != MAP_FAILED);
    CHECK(again != memory);
    CHECK(all(again, 2 * PAGE, 'a'));
    fill(again + PAGE, PAGE, 'z');
    CHECK(all(memory + PAGE, PAGE, 'z'));
    CHECK(mapped(memory));
    CHECK_ERRNO(mremap(memory, 0, PAGE, 0), ENOMEM);
    CHECK_OK(munmap(again, 2 * PAGE));
    CHECK_OK(munmap(memory, 2 * PAGE));

    memory = anonymous(PAGE, MAP_PRIVATE);
    CHECK_ERRNO(mremap(memory, 0, PAGE, MREMAP_MAYMOVE), EINVAL);
    CHECK_OK(munmap(memory, PAGE));

    /* An empty old range is no overlap, but a MREMAP_FIXED target
     * holding it unmaps the mapping first: none is left to map again. */
    memory = anonymous(2 * PAGE, MAP_SHARED);
    CHECK_ERRNO(mremap(memory, 0, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, memory), EFAULT);
    CHECK(!mapped(memory));
    CHECK(mapped(memory + PAGE));
    CHECK_OK(munmap(memory + PAGE, PAGE));
}

static void errors_in_linux_order(void)
{
    char *memory = blocked(3);
    CHECK_ERRNO(mremap(memory, PAGE, PAGE, 8), EINVAL);
    CHECK_ERRNO(mremap(memory + 1, PAGE, PAGE, 0), EINVAL);
    CHECK_ERRNO(mremap(memory, PAGE, 0, 0), EINVAL);
    CHECK_ERRNO(mremap(memory, PAGE, 0, MREMAP_MAYMOVE), EINVAL);
    /* No mapping at the address, before the target's checks. */
    char *hole = anonymous(PAGE, MAP_PRIVATE);
    REQUIRE(munmap(hole, PAGE) == 0);
    CHECK_ERRNO(mremap(hole, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT);
    CHECK_ERRNO(mremap(hole, PAGE, PAGE, 0), EFAULT);
    CHECK_ERRNO(mremap(hole, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, hole), EFAULT);
    /* A grow or move whose old range runs past its mapping. */
    CHECK_ERRNO(mremap(memory, 3 * PAGE, 4 * PAGE, MREMAP_MAYMOVE), EFAULT);
    CHECK_ERRNO(mremap(memory, 3 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EFAULT);
    /* MREMAP_FIXED unmaps the target before it finds that out. */
    char *target = anonymous(2 * PAGE, MAP_PRIVATE);
    CHECK_ERRNO(mremap(memory + PAGE, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target),
                EFAULT);
    CHECK(!mapped(target));
    /* A target beyond the user address space. */
    CHECK_ERRNO(mremap(memory, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(1UL << 60)),
                EINVAL);
    CHECK(mapped(memory) && mapped(memory + 2 * PAGE));
    CHECK_OK(munmap(memory, 3 * PAGE));
}

/* RLIMIT_AS counts what a grow adds (ENOMEM), in a child so that the
 * limit stays its own. */
static void address_space_limit_refuses_a_grow(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct rlimit limit = { 256 << 20, RLIM_INFINITY };
        CHECK_OK(setrlimit(RLIMIT_AS, &limit));
        char *memory = anonymous(PAGE, MAP_PRIVATE);
        fill(memory, PAGE, 'l');
        CHECK_ERRNO(mremap(memory, PAGE, 512 << 20, MREMAP_MAYMOVE), ENOMEM);
        CHECK_ERRNO(mremap(memory, PAGE, 512 << 20, 0), ENOMEM);
        CHECK(all(memory, PAGE, 'l'));
        char *grown = mremap(memory, PAGE, 16 * PAGE, MREMAP_MAYMOVE);
        CHECK(grown != MAP_FAILED);
        check_child_exit();
    }
    check_child_passed(child);
}

/* musl's realloc of a block it mapped (above 128 KiB) keeps the bytes. */
static void realloc_of_a_large_block(void)
{
    size_t size = 1 << 20;
    char *block = malloc(size);
    REQUIRE(block != NULL);
    fill(block, size, 'r');
    char *bigger = realloc(block, 8 * size);
    REQUIRE(bigger != NULL);
    CHECK(all(bigger, size, 'r'));
    fill(bigger + 7 * size, size, 'e');
    char *smaller = realloc(bigger, 2 * size);
    REQUIRE(smaller != NULL);
    CHECK(all(smaller, size, 'r'));
    free(smaller);
}

int main(void)
{
    shrink_unmaps_the_tail();
    grow_in_place_when_the_range_after_is_free();
    a_move_takes_private_pages_along();
    a_move_keeps_shared_memory_shared();
    a_move_keeps_a_files_mapping();
    fixed_replaces_what_was_there();
    dontunmap_leaves_the_old_range_empty();
    old_length_zero_duplicates_shared_memory();
    errors_in_linux_order();
    address_space_limit_refuses_a_grow();
    realloc_of_a_large_block();
    return check_finish("memory_mremap");
}
