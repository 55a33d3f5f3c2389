/* What fork copies and what it shares: MAP_SHARED anonymous memory stays
 * one memory in parent and child (both directions, also for grandchildren);
 * MAP_PRIVATE memory, globals, heap and stack are copied, so writes after
 * the fork are invisible to the other side. */
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

/* Indices into int arrays: one page apart. */
enum { page = 4096, ints_per_page = 4096 / sizeof(int) };

static int global_value = 10;
static volatile int *shared_step;

static void wait_step(int step)
{
    while (__atomic_load_n(shared_step, __ATOMIC_ACQUIRE) < step)
        usleep(1000);
}

static void set_step(int step)
{
    __atomic_store_n(shared_step, step, __ATOMIC_RELEASE);
}

int main(void)
{
    volatile int *shared = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *private = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED && private != MAP_FAILED);
    shared_step = shared + 1000;
    int *heap = malloc(sizeof *heap);
    REQUIRE(heap != NULL);
    volatile int stack_value = 30;
    *heap = 20;
    shared[0] = 1;
    private[0] = 1;
    private[ints_per_page] = 5; /* a second page, touched before the fork */

    pid_t child = fork();
    if (child == 0) {
        int ok = shared[0] == 1 && private[0] == 1 && private[ints_per_page] == 5 &&
                 global_value == 10 && *heap == 20 && stack_value == 30;
        /* Child's writes. */
        shared[0] = 2;
        private[0] = 2;
        private[2 * ints_per_page] = 7; /* a page the parent never touched */
        global_value = 11;
        *heap = 21;
        stack_value = 31;
        set_step(1);
        /* The parent's writes after the fork. */
        wait_step(2);
        ok &= shared[1] == 100 && private[1] == 0 && private[ints_per_page] == 5;
        /* A grandchild shares the same memory. */
        pid_t grandchild = fork();
        if (grandchild == 0) {
            shared[2] = 300;
            _exit(0);
        }
        int status;
        ok &= waitpid(grandchild, &status, 0) == grandchild && status == 0;
        _exit(ok ? 0 : 1);
    }
    wait_step(1);
    CHECK_EQ(shared[0], 2);
    CHECK_EQ(private[0], 1);
    CHECK_EQ(private[2 * ints_per_page], 0);
    CHECK_EQ(global_value, 10);
    CHECK_EQ(*heap, 20);
    CHECK_EQ(stack_value, 30);
    shared[1] = 100;
    private[1] = 100;
    private[ints_per_page] = 6;
    set_step(2);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(shared[2], 300);

    /* Shared memory keeps working after the child that also had it has
     * gone, and munmap in a child does not unmap it in the parent. */
    child = fork();
    if (child == 0) {
        munmap((void *)shared, 4 * page);
        _exit(0);
    }
    CHECK_EQ(waitpid(child, &status, 0), child);
    shared[3] = 4;
    CHECK_EQ(shared[3], 4);

    free(heap);
    printf("MAP_SHARED shared across fork (3 generations); private, heap, stack copied\n");
    return check_finish("memory_fork_sharing");
}
