/* Orphans: when a parent exits first its child lives on, is reparented
 * (its getppid() changes), and is not the grandparent's to wait for. */
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

struct shared {
    int stage;
    pid_t grandchild;
    pid_t parent_before, parent_after;
    int grandchild_done;
};

static void wait_for_stage(volatile struct shared *shared, int stage)
{
    while (__atomic_load_n(&shared->stage, __ATOMIC_ACQUIRE) < stage)
        usleep(1000);
}

int main(void)
{
    volatile struct shared *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);

    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            shared->parent_before = getppid();
            __atomic_store_n(&shared->stage, 1, __ATOMIC_RELEASE);
            /* Wait until the parent has gone. */
            wait_for_stage(shared, 2);
            while (getppid() == shared->parent_before)
                usleep(1000);
            shared->parent_after = getppid();
            __atomic_store_n(&shared->grandchild_done, 1, __ATOMIC_RELEASE);
            __atomic_store_n(&shared->stage, 3, __ATOMIC_RELEASE);
            _exit(0);
        }
        shared->grandchild = grandchild;
        wait_for_stage(shared, 1);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(shared->parent_before, child);
    /* The grandchild is not our child. */
    CHECK_ERRNO(waitpid(shared->grandchild, &status, WNOHANG), ECHILD);
    CHECK_ERRNO(wait(&status), ECHILD);

    __atomic_store_n(&shared->stage, 2, __ATOMIC_RELEASE);
    wait_for_stage(shared, 3);
    CHECK_EQ(shared->grandchild_done, 1);
    CHECK(shared->parent_after != child);
    CHECK(shared->parent_after > 0);

    printf("orphaned grandchild is reparented and keeps running\n");
    return check_finish("process_orphans");
}
