/* User and group ids: root may set them all; an unprivileged process may
 * only move between its real, effective and saved ids, and gets EPERM for
 * anything else. The ids are inherited across fork. */
#include <grp.h>
#include <sys/wait.h>

#include "check.h"

static int child_status(pid_t pid)
{
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

int main(void)
{
    CHECK_EQ(getuid(), 0);
    CHECK_EQ(geteuid(), 0);
    CHECK_EQ(getgid(), 0);
    CHECK_EQ(getegid(), 0);
    uid_t real, effective, saved;
    CHECK_EQ(getresuid(&real, &effective, &saved), 0);
    CHECK(real == 0 && effective == 0 && saved == 0);
    gid_t real_group, effective_group, saved_group;
    CHECK_EQ(getresgid(&real_group, &effective_group, &saved_group), 0);
    CHECK(real_group == 0 && effective_group == 0 && saved_group == 0);

    /* setuid as root sets all three ids: no way back. */
    pid_t pid = fork();
    if (pid == 0) {
        CHECK_EQ(setgid(1000), 0);
        CHECK_EQ(getgid(), 1000);
        CHECK_EQ(getegid(), 1000);
        CHECK_EQ(setuid(1000), 0);
        CHECK_EQ(getuid(), 1000);
        CHECK_EQ(geteuid(), 1000);
        uid_t r, e, s;
        CHECK_EQ(getresuid(&r, &e, &s), 0);
        CHECK(r == 1000 && e == 1000 && s == 1000);
        CHECK_ERRNO(setuid(0), EPERM);
        CHECK_ERRNO(seteuid(0), EPERM);
        CHECK_ERRNO(setresuid(0, -1, -1), EPERM);
        CHECK_ERRNO(setresuid(-1, 2000, -1), EPERM);
        CHECK_ERRNO(setgid(0), EPERM);
        CHECK_ERRNO(setresgid(-1, 0, -1), EPERM);
        /* Setting an id to one we already hold is allowed. */
        CHECK_EQ(setuid(1000), 0);
        CHECK_EQ(setresuid(-1, -1, -1), 0);
        CHECK_EQ(setgid(1000), 0);
        /* Our children inherit the ids. */
        pid_t grandchild = fork();
        if (grandchild == 0)
            _exit(getuid() == 1000 && geteuid() == 1000 && getgid() == 1000 ? 0 : 1);
        int status = child_status(grandchild);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        check_child_exit();
    }
    int status = child_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* setresuid keeping root saved: the effective id can come back. */
    pid = fork();
    if (pid == 0) {
        CHECK_EQ(setresgid(1000, 1000, 0), 0);
        CHECK_EQ(setresuid(1000, 1000, 0), 0);
        uid_t r, e, s;
        CHECK_EQ(getresuid(&r, &e, &s), 0);
        CHECK(r == 1000 && e == 1000 && s == 0);
        CHECK_EQ(seteuid(0), 0);
        CHECK_EQ(geteuid(), 0);
        CHECK_EQ(getuid(), 1000);
        CHECK_EQ(seteuid(1000), 0);
        CHECK_EQ(geteuid(), 1000);
        /* Swap real and effective among held ids. */
        CHECK_EQ(setresuid(0, 1000, 1000), 0);
        CHECK_EQ(getuid(), 0);
        CHECK_EQ(geteuid(), 1000);
        check_child_exit();
    }
    status = child_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A different real and effective id, set by root. */
    pid = fork();
    if (pid == 0) {
        CHECK_EQ(setresuid(1001, 1002, 1003), 0);
        uid_t r, e, s;
        CHECK_EQ(getresuid(&r, &e, &s), 0);
        CHECK(r == 1001 && e == 1002 && s == 1003);
        CHECK_EQ(getuid(), 1001);
        CHECK_EQ(geteuid(), 1002);
        /* Unprivileged now: setuid may only pick one of the three. */
        CHECK_EQ(setuid(1003), 0);
        CHECK_EQ(geteuid(), 1003);
        CHECK_ERRNO(setuid(1004), EPERM);
        check_child_exit();
    }
    status = child_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* The parent kept its root ids throughout. */
    CHECK_EQ(getuid(), 0);
    CHECK_EQ(geteuid(), 0);
    CHECK_EQ(getgid(), 0);

    printf("root sets any id; unprivileged gets EPERM; ids inherited by fork\n");
    return check_finish("process_credentials");
}
