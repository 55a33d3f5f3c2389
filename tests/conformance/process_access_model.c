/* tern's access model (docs/access.md), which Linux does not have: each
 * process says who may query it (kcmp), read its memory (process_vm_readv,
 * pidfd_getfd) and write it (process_vm_writev), and carries an integrity
 * level a lower level never dominates. The defaults are Linux's rules
 * (the other process_* and event_pidfd_getfd tests hold them to Linux);
 * here each right is taken away on its own and refused with EPERM, even
 * to root, and only tightening is allowed. Skipped on Linux, whose prctl
 * has no such option (EINVAL). */
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "check.h"

#define PR_TERN_ACCESS 0x54450001
#define KCMP_VM 1
#define SAME_USER 1u
#define PRIVILEGED 2u
#define EVERYONE (SAME_USER | PRIVILEGED)
#define DEFAULT_LEVEL 2u

enum { query, vm_read, vm_write };

/* The descriptor as one word: principals of right r in bits 8r.., the level in 24... */
static unsigned long word(unsigned query_to, unsigned read_to, unsigned write_to, unsigned level)
{
    return query_to | read_to << 8 | write_to << 16 | (unsigned long)level << 24;
}

static long access_now(void)
{
    return prctl(PR_TERN_ACCESS, -1L, 0, 0, 0);
}

static long tighten(unsigned long wanted)
{
    return prctl(PR_TERN_ACCESS, wanted, 0, 0, 0);
}

static int secret = 42;

static long read_word(pid_t pid, int *into)
{
    struct iovec local = { into, sizeof *into }, remote = { &secret, sizeof secret };
    return syscall(SYS_process_vm_readv, pid, &local, 1, &remote, 1, 0);
}

static long write_word(pid_t pid, int value)
{
    struct iovec local = { &value, sizeof value }, remote = { &secret, sizeof secret };
    return syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0);
}

static long same_vm(pid_t a, pid_t b)
{
    return syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0);
}

static long take_descriptor(pid_t pid, int fd)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    long taken = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
    close(pidfd);
    if (taken >= 0)
        close((int)taken);
    return taken;
}

/* A child that asks for wanted, says so, and waits to be told to go. */
static pid_t child_with(unsigned long wanted, int ready[2], int go[2])
{
    REQUIRE(pipe(ready) == 0 && pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte = tighten(wanted) >= 0 ? 'y' : 'n';
        REQUIRE(write(ready[1], &byte, 1) == 1);
        REQUIRE(read(go[0], &byte, 1) == 1);
        _exit(0);
    }
    char answer = 0;
    CHECK_EQ(read(ready[0], &answer, 1), 1);
    CHECK_EQ(answer, 'y');
    return child;
}

static void let_go(pid_t child, int ready[2], int go[2])
{
    CHECK_EQ(write(go[1], "g", 1), 1);
    check_child_passed(child);
    close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
}

/* Each right refused alone, to root too (this test runs as root). */
static void each_right_is_its_own(void)
{
    int ready[2], go[2], value = 0;
    pid_t child = child_with(word(EVERYONE, 0, EVERYONE, DEFAULT_LEVEL), ready, go);
    CHECK_EQ(read_word(child, &value), -1);
    CHECK_EQ(errno, EPERM);
    CHECK_EQ(take_descriptor(child, 0), -1);
    CHECK_EQ(errno, EPERM);
    CHECK_EQ(write_word(child, 7), sizeof(int));
    CHECK_EQ(same_vm(getpid(), child), same_vm(getpid(), child));
    CHECK(same_vm(getpid(), child) > 0);
    let_go(child, ready, go);

    child = child_with(word(0, EVERYONE, EVERYONE, DEFAULT_LEVEL), ready, go);
    CHECK_EQ(same_vm(getpid(), child), -1);
    CHECK_EQ(errno, EPERM);
    CHECK_EQ(read_word(child, &value), sizeof(int));
    CHECK_EQ(value, 42);
    let_go(child, ready, go);

    child = child_with(word(EVERYONE, EVERYONE, SAME_USER, DEFAULT_LEVEL), ready, go);
    CHECK_EQ(write_word(child, 7), -1);     /* root is not its own user's principal */
    CHECK_EQ(errno, EPERM);
    CHECK(take_descriptor(child, 0) >= 0);
    let_go(child, ready, go);
}

/* A process that lowered its level cannot touch one above it; the one
 * above still reaches it. */
static void a_lower_level_never_dominates(void)
{
    pid_t parent = getpid();
    int ready[2], go[2], value = 0;
    REQUIRE(pipe(ready) == 0 && pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        CHECK_EQ(tighten(word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL - 1)), (long)word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL));
        CHECK_EQ(read_word(parent, &value), -1);
        CHECK_EQ(errno, EPERM);
        CHECK_EQ(same_vm(parent, getpid()), -1);
        CHECK_EQ(errno, EPERM);
        /* Raising it back needs privilege, which root has. */
        CHECK_EQ(tighten(word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL)), (long)word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL - 1));
        CHECK_EQ(read_word(parent, &value), sizeof(int));
        CHECK_EQ(tighten(word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL - 1)), (long)word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL));
        char byte = 'y';
        REQUIRE(write(ready[1], &byte, 1) == 1);
        REQUIRE(read(go[0], &byte, 1) == 1);
        check_child_exit();
    }
    char answer = 0;
    CHECK_EQ(read(ready[0], &answer, 1), 1);
    CHECK_EQ(read_word(child, &value), sizeof(int));
    let_go(child, ready, go);
}

/* Only tightening: nothing given back, no level raised without
 * privilege, no unknown principal; fork keeps the descriptor. */
static void only_tightening(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        unsigned long narrow = word(EVERYONE, PRIVILEGED, EVERYONE, DEFAULT_LEVEL);
        CHECK_EQ(tighten(narrow), (long)word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL));
        CHECK_EQ(tighten(word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL)), -1);
        CHECK_EQ(errno, EPERM);
        CHECK_EQ(tighten(narrow | 4), -1);
        CHECK_EQ(errno, EINVAL);
        pid_t grandchild = fork();
        REQUIRE(grandchild >= 0);
        if (grandchild == 0) {
            CHECK_EQ(access_now(), (long)narrow);
            REQUIRE(setuid(2201) == 0);
            CHECK_EQ(tighten(word(EVERYONE, PRIVILEGED, EVERYONE, DEFAULT_LEVEL + 1)), -1);
            CHECK_EQ(errno, EPERM);
            CHECK_EQ(tighten(word(SAME_USER, 0, 0, DEFAULT_LEVEL - 1)), (long)narrow);
            check_child_exit();
        }
        check_child_passed(grandchild);
        CHECK_EQ(access_now(), (long)narrow);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK_EQ(access_now(), (long)word(EVERYONE, EVERYONE, EVERYONE, DEFAULT_LEVEL));
}

int main(void)
{
    if (access_now() < 0 && errno == EINVAL)
        check_skip("no PR_TERN_ACCESS: tern's access model (docs/access.md) is not Linux's");
    each_right_is_its_own();
    a_lower_level_never_dominates();
    only_tightening();
    return check_finish("process_access_model");
}
