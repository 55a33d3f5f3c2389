/* sched_yield always succeeds; threads and processes that yield in turn
 * all make progress to the end (two threads hand a counter back and forth
 * by spinning on it with sched_yield; a child and its parent do the same
 * through shared memory). */
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { handoffs = 200 };

static volatile int *turn_word;

/* Take every turn of parity `side`, yielding while it is the other's. */
static int take_turns(int side)
{
    int taken = 0;
    for (;;) {
        int turn = __atomic_load_n(turn_word, __ATOMIC_ACQUIRE);
        if (turn >= handoffs)
            return taken;
        if (turn % 2 == side) {
            __atomic_store_n(turn_word, turn + 1, __ATOMIC_RELEASE);
            taken++;
        } else {
            sched_yield();
        }
    }
}

static void *thread_side(void *unused)
{
    (void)unused;
    return (void *)(long)take_turns(1);
}

int main(void)
{
    int all_zero = 1;
    for (int i = 0; i < 1000; i++)
        all_zero &= sched_yield() == 0;
    CHECK(all_zero);

    turn_word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(turn_word != MAP_FAILED);

    /* Between threads. */
    *turn_word = 0;
    pthread_t thread;
    CHECK_EQ(pthread_create(&thread, NULL, thread_side, NULL), 0);
    int mine = take_turns(0);
    void *theirs;
    CHECK_EQ(pthread_join(thread, &theirs), 0);
    CHECK_EQ(mine, handoffs / 2);
    CHECK_EQ((long)theirs, handoffs / 2);

    /* Between processes. */
    *turn_word = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(take_turns(1) == handoffs / 2 ? 0 : 1);
    mine = take_turns(0);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(mine, handoffs / 2);

    /* The priority range a program may query. */
    CHECK_EQ(sched_get_priority_min(SCHED_OTHER), 0);
    CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);

    printf("%d turns handed over by sched_yield between threads and processes\n",
           handoffs);
    return check_finish("misc_sched_yield");
}
