/* A child that does nothing until it is killed: a process to point
 * kcmp, process_vm_readv and the like at. */
#ifndef CONFORMANCE_IDLE_CHILD_H
#define CONFORMANCE_IDLE_CHILD_H

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static inline pid_t idle_child(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    return child;
}

static inline void end_idle_child(pid_t child)
{
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

#endif
