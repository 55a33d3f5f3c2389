/* process_vm_readv and process_vm_writev between a root parent and its
 * fork child: scattered iovecs on both sides; the child's own copy of a
 * page it changed after the fork is what the parent reads, untouched
 * anonymous memory reads as zeros, and a write lands in the child's own
 * copy of a page it shares copy-on-write with the parent (the parent's
 * stays) or in a MAP_SHARED page both see; a transfer stops at the first
 * remote page that faults and returns the bytes before it (at a local
 * iovec that faults, likewise), EFAULT only when nothing moved; EFAULT
 * for bad iovec arrays and a read-only page written; EINVAL for flags,
 * more than IOV_MAX iovecs and negative lengths; ESRCH for a zombie and a
 * reaped child; 0 at once when either side asks for no bytes. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "check.h"

#define PAGE 4096

static char changed[PAGE] __attribute__((aligned(PAGE)));     /* the child rewrites it */
static char shared_cow[PAGE] __attribute__((aligned(PAGE)));  /* written into the child's */

struct layout {
    char *untouched;        /* 4 anonymous pages nobody touches before the test */
    char *written;          /* 2 anonymous pages the parent writes into the child's */
    char *edge;             /* a read-write page, then a PROT_NONE one */
    char *read_only;        /* a PROT_READ page */
    char *both;             /* MAP_SHARED: both processes see it */
};

static struct iovec vec(void *base, size_t length)
{
    return (struct iovec){ base, length };
}

static void signal_byte(int fd, char byte)
{
    REQUIRE(write(fd, &byte, 1) == 1);
}

static char wait_byte(int fd)
{
    char byte = 0;
    return read(fd, &byte, 1) == 1 ? byte : 0;
}

static void child_role(struct layout *at, int from_parent, int to_parent)
{
    memset(changed, 'c', sizeof changed);
    signal_byte(to_parent, 'r');
    /* The parent reads and writes; then the child checks what it wrote. */
    CHECK_EQ(wait_byte(from_parent), 'w');
    CHECK(memcmp(shared_cow, "into the child", 15) == 0);
    CHECK(memcmp(at->written + PAGE - 3, "across", 6) == 0);
    CHECK_EQ(at->written[0], 0);
    CHECK(memcmp(at->both, "shared", 6) == 0);
    signal_byte(to_parent, 'd');
    check_child_exit();
}

static void test_transfers(pid_t child, struct layout *at)
{
    /* Scattered: 3 + 5 + 8 local bytes from 10 + 6 remote ones. */
    char a[3], b[5], c[8];
    struct iovec local[] = { vec(a, 3), vec(b, 5), vec(c, 8) };
    struct iovec remote[] = { vec(changed, 10), vec(changed + 100, 6) };
    CHECK_EQ(process_vm_readv(child, local, 3, remote, 2, 0), 16);
    CHECK(memcmp(a, "ccc", 3) == 0 && memcmp(b, "ccccc", 5) == 0 && memcmp(c, "cccccccc", 8) == 0);
    CHECK_EQ(changed[0], 'p');      /* the parent's own copy is untouched */

    /* Untouched anonymous memory is zeros, four pages at once. */
    static char big[4 * PAGE];
    memset(big, 0x77, sizeof big);
    struct iovec whole = vec(big, sizeof big), there = vec(at->untouched, 4 * PAGE);
    CHECK_EQ(process_vm_readv(child, &whole, 1, &there, 1, 0), 4 * PAGE);
    int zeros = 1;
    for (size_t i = 0; i < sizeof big; i++)
        zeros &= big[i] == 0;
    CHECK(zeros);

    /* Writes: a page shared copy-on-write, two untouched pages (across
     * their boundary), a MAP_SHARED page. */
    struct iovec text = vec("into the child", 15);
    struct iovec cow = vec(shared_cow, 15);
    CHECK_EQ(process_vm_writev(child, &text, 1, &cow, 1, 0), 15);
    CHECK_EQ(shared_cow[0], 'P');
    struct iovec across = vec("across", 6), target = vec(at->written + PAGE - 3, 6);
    CHECK_EQ(process_vm_writev(child, &across, 1, &target, 1, 0), 6);
    struct iovec word = vec("shared", 6), both = vec(at->both, 6);
    CHECK_EQ(process_vm_writev(child, &word, 1, &both, 1, 0), 6);
    CHECK(memcmp(at->both, "shared", 6) == 0);

    /* A process may read itself. */
    char mine[4];
    struct iovec own = vec(mine, 4), source = vec(shared_cow, 4);
    CHECK_EQ(process_vm_readv(getpid(), &own, 1, &source, 1, 0), 4);
    CHECK(memcmp(mine, "PPPP", 4) == 0);
}

static void test_partial(pid_t child, struct layout *at)
{
    char buffer[512];
    /* Up to the PROT_NONE page: the bytes before it. */
    struct iovec into = vec(buffer, 200), edge = vec(at->edge + PAGE - 96, 200);
    CHECK_EQ(process_vm_readv(child, &into, 1, &edge, 1, 0), 96);
    /* A remote iovec that faults ends the transfer; later ones are not tried. */
    struct iovec remote[] = { vec(changed, 100), vec(at->edge + PAGE, 10), vec(changed, 50) };
    struct iovec local = vec(buffer, 512);
    CHECK_EQ(process_vm_readv(child, &local, 1, remote, 3, 0), 100);
    /* A local iovec that faults ends it too. */
    struct iovec locals[] = { vec(buffer, 50), vec((void *)16, 100), vec(buffer + 50, 100) };
    struct iovec plenty = vec(changed, 300);
    CHECK_EQ(process_vm_readv(child, locals, 3, &plenty, 1, 0), 50);
    /* Nothing at all: EFAULT. */
    struct iovec none = vec(at->edge + PAGE, 10);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &none, 1, 0), EFAULT);
    CHECK_ERRNO(process_vm_writev(child, &local, 1, &none, 1, 0), EFAULT);
    struct iovec fixed = vec(at->read_only, 8);
    CHECK_ERRNO(process_vm_writev(child, &local, 1, &fixed, 1, 0), EFAULT);
    CHECK_EQ(process_vm_readv(child, &local, 1, &fixed, 1, 0), 8);
    struct iovec wild = vec((void *)(UINTPTR_MAX - 4096), 100);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &wild, 1, 0), EFAULT);
}

static void test_errors(pid_t child)
{
    char buffer[16];
    struct iovec local = vec(buffer, 16), remote = vec(changed, 16);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &remote, 1, 1), EINVAL);
    CHECK_ERRNO(process_vm_writev(child, &local, 1, &remote, 1, 1), EINVAL);
    CHECK_ERRNO(process_vm_readv(child, &local, 1025, &remote, 1, 0), EINVAL);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &remote, 1025, 0), EINVAL);
    struct iovec negative = vec(buffer, (size_t)-1);
    CHECK_ERRNO(process_vm_readv(child, &negative, 1, &remote, 1, 0), EINVAL);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &negative, 1, 0), EINVAL);
    CHECK_ERRNO(process_vm_readv(child, (void *)16, 1, &remote, 1, 0), EFAULT);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, (void *)16, 1, 0), EFAULT);
    struct iovec beyond = vec((void *)(1ULL << 62), 16);
    CHECK_ERRNO(process_vm_readv(child, &beyond, 1, &remote, 1, 0), EFAULT);
    /* Nothing asked: 0, before the arrays or the process are looked at. */
    struct iovec empty = vec(buffer, 0);
    CHECK_EQ(process_vm_readv(-5, &empty, 1, (void *)16, 1, 0), 0);
    CHECK_EQ(process_vm_readv(child, &local, 0, &remote, 1, 0), 0);
    struct iovec empty_remote = vec(changed, 0);
    CHECK_EQ(process_vm_readv(-5, &local, 1, &empty_remote, 1, 0), 0);
    CHECK_ERRNO(process_vm_readv(-5, &local, 1, &remote, 1, 0), ESRCH);
}

int main(void)
{
    memset(changed, 'p', sizeof changed);
    memset(shared_cow, 'P', sizeof shared_cow);
    struct layout at;
    at.untouched = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    at.written = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    at.edge = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    at.read_only = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    at.both = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(at.untouched != MAP_FAILED && at.written != MAP_FAILED && at.edge != MAP_FAILED &&
            at.read_only != MAP_FAILED && at.both != MAP_FAILED);
    REQUIRE(mprotect(at.edge + PAGE, PAGE, PROT_NONE) == 0);
    memset(at.edge, 'e', PAGE);

    int to_child[2], to_parent[2];
    REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        child_role(&at, to_child[0], to_parent[1]);
    REQUIRE(wait_byte(to_parent[0]) == 'r');
    test_transfers(child, &at);
    test_partial(child, &at);
    test_errors(child);
    signal_byte(to_child[1], 'w');
    CHECK_EQ(wait_byte(to_parent[0]), 'd');

    /* A zombie has no memory to read; a reaped child is no process. */
    char buffer[8];
    struct iovec local = vec(buffer, 8), remote = vec(changed, 8);
    siginfo_t info;
    CHECK_EQ(waitid(P_PID, child, &info, WEXITED | WNOWAIT), 0);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &remote, 1, 0), ESRCH);
    check_child_passed(child);
    CHECK_ERRNO(process_vm_readv(child, &local, 1, &remote, 1, 0), ESRCH);
    return check_finish("process_vm_readv");
}
