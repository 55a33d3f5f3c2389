/* Process groups and sessions: setsid makes the caller lead a new
 * session and group, once; setpgid moves the caller or a child into a
 * group of its own or into one that exists in the session, and nowhere
 * else; getpgid, getpgrp and getsid report them. */
#include <sys/wait.h>

#include "check.h"

/* A child that writes a byte (after setsid, if asked) and then waits
 * until the pipe it reads is closed. */
static pid_t spawn_child(int release[2], int *ready, int new_session)
{
    int ready_pipe[2];
    REQUIRE(pipe(ready_pipe) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(release[1]);
        close(ready_pipe[0]);
        if (new_session && setsid() != getpid())
            _exit(2);
        char byte = 'r';
        if (write(ready_pipe[1], &byte, 1) != 1)
            _exit(3);
        while (read(release[0], &byte, 1) > 0)
            ;
        _exit(0);
    }
    close(ready_pipe[1]);
    *ready = ready_pipe[0];
    return pid;
}

static void wait_ready(int ready)
{
    char byte;
    CHECK_EQ(read(ready, &byte, 1), 1);
    close(ready);
}

static int child_status(pid_t pid)
{
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

int main(void)
{
    CHECK_EQ(getpgid(0), getpgrp());
    CHECK_EQ(getsid(0), getsid(getpid()));
    CHECK_ERRNO(getpgid(4194304 + 5), ESRCH);
    CHECK_ERRNO(getsid(4194304 + 5), ESRCH);
    CHECK_ERRNO(setpgid(0, -1), EINVAL);

    pid_t leader = fork();
    if (leader == 0) {
        pid_t self = getpid();
        /* After fork it is in its parent's group, which it does not lead. */
        CHECK(getpgrp() != self);
        CHECK_EQ(setsid(), self);
        CHECK_EQ(getsid(0), self);
        CHECK_EQ(getpgid(0), self);
        CHECK_EQ(getpgrp(), self);
        CHECK_ERRNO(setsid(), EPERM);
        /* A session leader stays in its group. */
        CHECK_ERRNO(setpgid(0, 0), EPERM);

        int release[2];
        REQUIRE(pipe(release) == 0);
        int ready;
        pid_t child = spawn_child(release, &ready, 0);
        wait_ready(ready);
        CHECK_EQ(getpgid(child), self);
        CHECK_EQ(getsid(child), self);
        /* A group of the child's own, then back into the leader's. */
        CHECK_EQ(setpgid(child, 0), 0);
        CHECK_EQ(getpgid(child), child);
        CHECK_EQ(getsid(child), self);
        CHECK_EQ(setpgid(child, self), 0);
        CHECK_EQ(getpgid(child), self);
        CHECK_EQ(setpgid(child, child), 0);
        CHECK_EQ(getpgid(child), child);
        /* No group 4194304 + 5 exists. */
        CHECK_ERRNO(setpgid(child, 4194304 + 5), EPERM);
        CHECK_EQ(getpgid(child), child);

        /* A child that made a session of its own is out of reach. */
        pid_t apart = spawn_child(release, &ready, 1);
        wait_ready(ready);
        CHECK_EQ(getsid(apart), apart);
        CHECK_EQ(getpgid(apart), apart);
        CHECK_ERRNO(setpgid(apart, 0), EPERM);
        CHECK_ERRNO(setpgid(apart, self), EPERM);
        /* Nor may the child join a group of another session. */
        CHECK_ERRNO(setpgid(0, apart), EPERM);

        close(release[0]);
        close(release[1]);
        int status = child_status(child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        status = child_status(apart);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        check_child_exit();
    }
    int status = child_status(leader);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Only the caller and its children: not the parent. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_ERRNO(setpgid(getppid(), 0), ESRCH);
        /* A group of its own, which it may name itself too. */
        CHECK_EQ(setpgid(0, 0), 0);
        CHECK_EQ(getpgrp(), getpid());
        CHECK_EQ(setpgid(getpid(), getpid()), 0);
        CHECK_EQ(getpgrp(), getpid());
        check_child_exit();
    }
    status = child_status(child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    printf("setsid leads a new session once; setpgid stays within the session\n");
    return check_finish("process_groups");
}
