/* The demo's several-cores line: a process that lives a tenth of a
 * second (so that four started together overlap, and procmgr places them
 * apart: docs/multicore.md) and says which core it ran on. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec tenth = { 0, 100000000 };
    nanosleep(&tenth, 0);
    printf("%s (pid %d) runs on core %d\n", argc > 1 ? argv[1] : "a process", (int)getpid(),
           sched_getcpu());
    return 0;
}
