/* Futexes across fork: a word in MAP_SHARED anonymous memory is one futex
 * in parent and child, so a shared (non-private) FUTEX_WAKE from one
 * process wakes a waiter in the other, and requeue moves waiters between
 * shared words. A private futex is per address space: after fork the
 * parent's private wake never reaches the child's private waiter. */
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"
#include "futex.h"

struct shared_words {
    int word, parking, result_word;
};

static int child_exit_status(pid_t pid)
{
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

int main(void)
{
    struct shared_words *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);

    /* One child waits; the parent sees it asleep and wakes it. */
    pid_t child = fork();
    if (child == 0)
        _exit(futex_wait(&shared->word, 0, NULL, 0) == 0 ? 0 : 1);
    CHECK_EQ(futex_park_waiters(&shared->word, &shared->parking, 1, 0), 1);
    CHECK_EQ(futex_wake(&shared->parking, INT_MAX, 0), 1);
    CHECK_EQ(child_exit_status(child), 0);

    /* Three children wait; the value changes and a broadcast wakes them;
     * a child that arrives late sees the new value: EAGAIN. */
    enum { children = 3 };
    pid_t pids[children];
    for (int i = 0; i < children; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(futex_wait(&shared->word, 0, NULL, 0) == 0 ? 0 : 1);
    }
    CHECK_EQ(futex_park_waiters(&shared->word, &shared->parking, children, 0),
             children);
    CHECK_EQ(futex_cmp_requeue(&shared->parking, 0, INT_MAX, &shared->word, 0, 0),
             children);
    __atomic_store_n(&shared->word, 1, __ATOMIC_RELEASE);
    CHECK_EQ(futex_wake(&shared->word, INT_MAX, 0), children);
    for (int i = 0; i < children; i++)
        CHECK_EQ(child_exit_status(pids[i]), 0);
    child = fork();
    if (child == 0) {
        errno = 0;
        long result = futex_wait(&shared->word, 0, NULL, 0);
        _exit(result == -1 && errno == EAGAIN ? 0 : 1);
    }
    CHECK_EQ(child_exit_status(child), 0);

    /* The child wakes the parent. */
    shared->word = 0;
    child = fork();
    if (child == 0) {
        futex_park_waiters(&shared->word, &shared->parking, 1, 0);
        __atomic_store_n(&shared->result_word, 1, __ATOMIC_RELEASE);
        _exit(futex_wake(&shared->parking, 1, 0) == 1 ? 0 : 1);
    }
    CHECK_EQ(futex_wait(&shared->word, 0, NULL, 0), 0);
    CHECK_EQ(shared->result_word, 1);
    CHECK_EQ(child_exit_status(child), 0);

    /* Private futexes do not cross address spaces: the child's private
     * wait on its copy times out whatever the parent wakes. */
    static int private_word;
    child = fork();
    if (child == 0) {
        struct timespec timeout = {0, 200000000};
        errno = 0;
        long result = futex_wait(&private_word, 0, &timeout, FUTEX_PRIVATE_FLAG);
        _exit(result == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    CHECK_EQ(futex_wake(&private_word, INT_MAX, FUTEX_PRIVATE_FLAG), 0);
    CHECK_EQ(futex_wake(&private_word, INT_MAX, 0), 0);
    CHECK_EQ(child_exit_status(child), 0);

    printf("shared futex wakes across fork both ways; private does not\n");
    return check_finish("futex_shared_fork");
}
