/* process_vm_readv's permission, Linux's PTRACE_MODE_ATTACH_REALCREDS
 * (Debian leaves Yama's ptrace_scope at 0): a user (65534) may not read
 * root's process, nor its own child while that is not dumpable (setuid
 * from root made the user's process not dumpable, and fork keeps that),
 * but may once it made itself dumpable again before the fork; that child
 * may read its parent too, and kcmp it; root reads the user's process,
 * dumpable or not. */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "check.h"
#include "idle_child.h"

static char word[8] = "visible";

static long read_word(pid_t pid, char *into)
{
    struct iovec local = { into, sizeof word }, remote = { word, sizeof word };
    return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* The user's process (the root parent's child). */
static void user_role(pid_t root_parent, int to_parent, int from_parent)
{
    REQUIRE(setgid(65534) == 0 && setuid(65534) == 0);
    char seen[8] = {0};
    CHECK_ERRNO(read_word(root_parent, seen), EPERM);
    CHECK_EQ(read_word(getpid(), seen), 8);

    pid_t undumpable = idle_child();
    CHECK_ERRNO(read_word(undumpable, seen), EPERM);
    end_idle_child(undumpable);

    REQUIRE(prctl(PR_SET_DUMPABLE, 1) == 0);
    pid_t self = getpid();
    int done[2];
    REQUIRE(pipe(done) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char mine[8] = {0};
        CHECK_EQ(read_word(self, mine), 8);
        long order = syscall(SYS_kcmp, getpid(), self, 1, 0, 0);
        CHECK(order == 1 || order == 2);
        char byte;
        CHECK_EQ(read(done[0], &byte, 1), 1);     /* alive while its parent reads it */
        check_child_exit();
    }
    memset(seen, 0, sizeof seen);
    CHECK_EQ(read_word(child, seen), 8);
    CHECK(memcmp(seen, "visible", 8) == 0);
    REQUIRE(write(done[1], "x", 1) == 1);
    check_child_passed(child);

    /* Not dumpable again while root reads it. */
    REQUIRE(prctl(PR_SET_DUMPABLE, 0) == 0);
    REQUIRE(write(to_parent, "u", 1) == 1);
    char byte;
    CHECK_EQ(read(from_parent, &byte, 1), 1);
    check_child_exit();
}

int main(void)
{
    int up[2], down[2];
    REQUIRE(pipe(up) == 0 && pipe(down) == 0);
    pid_t parent = getpid();
    pid_t user = fork();
    REQUIRE(user >= 0);
    if (user == 0)
        user_role(parent, up[1], down[0]);
    char byte;
    REQUIRE(read(up[0], &byte, 1) == 1);
    char seen[8] = {0};
    CHECK_EQ(read_word(user, seen), 8);
    CHECK(memcmp(seen, "visible", 8) == 0);
    REQUIRE(write(down[1], "r", 1) == 1);
    check_child_passed(user);
    return check_finish("process_vm_permissions");
}
