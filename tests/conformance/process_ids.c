/* getpid, getppid, gettid: the parent-child relation as each side sees
 * it, distinct pids for siblings, and stable ids across calls. */
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

struct observed {
    pid_t child_pid, child_parent, grandchild_pid, grandchild_parent;
    pid_t child_tid;
};

int main(void)
{
    struct observed *seen = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(seen != MAP_FAILED);

    pid_t self = getpid();
    CHECK(self > 0);
    CHECK_EQ(getpid(), self);
    CHECK_EQ(gettid(), self);
    CHECK(getppid() >= 0);
    CHECK(getppid() != self);

    pid_t child = fork();
    if (child == 0) {
        seen->child_pid = getpid();
        seen->child_parent = getppid();
        seen->child_tid = gettid();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            seen->grandchild_pid = getpid();
            seen->grandchild_parent = getppid();
            _exit(0);
        }
        int status;
        if (waitpid(grandchild, &status, 0) != grandchild || status != 0)
            _exit(2);
        _exit(grandchild == seen->grandchild_pid ? 0 : 1);
    }
    REQUIRE(child > 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(seen->child_pid, child);
    CHECK_EQ(seen->child_parent, self);
    CHECK_EQ(seen->child_tid, child);
    CHECK_EQ(seen->grandchild_parent, child);
    CHECK(seen->grandchild_pid != child);
    CHECK(seen->grandchild_pid != self);
    CHECK(seen->grandchild_pid > 0);

    /* Siblings alive at once have distinct pids. */
    enum { siblings = 8 };
    pid_t pids[siblings];
    volatile int *release = (volatile int *)(seen + 1);
    *release = 0;
    for (int i = 0; i < siblings; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            while (!__atomic_load_n(release, __ATOMIC_ACQUIRE))
                usleep(1000);
            _exit(getppid() == self ? 0 : 1);
        }
    }
    int distinct = 1;
    for (int i = 0; i < siblings; i++)
        for (int j = i + 1; j < siblings; j++)
            if (pids[i] == pids[j] || pids[i] <= 0)
                distinct = 0;
    CHECK(distinct);
    __atomic_store_n(release, 1, __ATOMIC_RELEASE);
    int all_saw_parent = 1;
    for (int i = 0; i < siblings; i++) {
        if (waitpid(pids[i], &status, 0) != pids[i] || status != 0)
            all_saw_parent = 0;
    }
    CHECK(all_saw_parent);
    CHECK_EQ(getpid(), self);

    printf("getpid/getppid/gettid agree across fork for child and grandchild\n");
    return check_finish("process_ids");
}
