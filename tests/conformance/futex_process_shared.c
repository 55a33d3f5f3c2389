/* PTHREAD_PROCESS_SHARED mutexes, condition variables, barriers and
 * semaphores in MAP_SHARED memory, used by a parent and forked children:
 * a counter under the mutex stays exact, a child waits on the condition
 * variable until the parent signals, a shared semaphore hands out tokens. */
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { children = 4, increments = 2000 };

struct shared_state {
    pthread_mutex_t mutex;
    pthread_cond_t condition;
    pthread_barrier_t barrier;
    sem_t semaphore;
    long counter;
    int ready;
    int tokens_taken;
};

static int reap(pid_t pid)
{
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

int main(void)
{
    struct shared_state *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);

    pthread_mutexattr_t mutex_attributes;
    CHECK_EQ(pthread_mutexattr_init(&mutex_attributes), 0);
    CHECK_EQ(pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED), 0);
    int pshared = -1;
    CHECK_EQ(pthread_mutexattr_getpshared(&mutex_attributes, &pshared), 0);
    CHECK_EQ(pshared, PTHREAD_PROCESS_SHARED);
    CHECK_EQ(pthread_mutexattr_setpshared(&mutex_attributes, 42), EINVAL);
    CHECK_EQ(pthread_mutex_init(&shared->mutex, &mutex_attributes), 0);
    pthread_condattr_t condition_attributes;
    CHECK_EQ(pthread_condattr_init(&condition_attributes), 0);
    CHECK_EQ(pthread_condattr_setpshared(&condition_attributes, PTHREAD_PROCESS_SHARED), 0);
    CHECK_EQ(pthread_cond_init(&shared->condition, &condition_attributes), 0);
    pthread_barrierattr_t barrier_attributes;
    CHECK_EQ(pthread_barrierattr_init(&barrier_attributes), 0);
    CHECK_EQ(pthread_barrierattr_setpshared(&barrier_attributes, PTHREAD_PROCESS_SHARED), 0);
    CHECK_EQ(pthread_barrier_init(&shared->barrier, &barrier_attributes, children + 1), 0);
    CHECK_EQ(sem_init(&shared->semaphore, 1, 0), 0);

    /* Counter under the shared mutex, children and parent together. */
    pid_t pids[children];
    for (int i = 0; i < children; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            pthread_barrier_wait(&shared->barrier);
            for (int n = 0; n < increments; n++) {
                pthread_mutex_lock(&shared->mutex);
                shared->counter++;
                pthread_mutex_unlock(&shared->mutex);
            }
            _exit(0);
        }
    }
    pthread_barrier_wait(&shared->barrier);
    for (int n = 0; n < increments; n++) {
        pthread_mutex_lock(&shared->mutex);
        shared->counter++;
        pthread_mutex_unlock(&shared->mutex);
    }
    int all_zero = 1;
    for (int i = 0; i < children; i++)
        all_zero &= reap(pids[i]) == 0;
    CHECK(all_zero);
    CHECK_EQ(shared->counter, (long)(children + 1) * increments);

    /* A child waits on the condition variable until the parent sets
     * ready and signals. */
    pid_t child = fork();
    if (child == 0) {
        pthread_mutex_lock(&shared->mutex);
        while (!shared->ready)
            pthread_cond_wait(&shared->condition, &shared->mutex);
        shared->counter = -1;
        pthread_mutex_unlock(&shared->mutex);
        _exit(0);
    }
    usleep(20000);
    pthread_mutex_lock(&shared->mutex);
    shared->ready = 1;
    pthread_cond_signal(&shared->condition);
    pthread_mutex_unlock(&shared->mutex);
    CHECK_EQ(reap(child), 0);
    CHECK_EQ(shared->counter, -1);

    /* A held shared mutex is busy for another process. */
    CHECK_EQ(pthread_mutex_lock(&shared->mutex), 0);
    child = fork();
    if (child == 0)
        _exit(pthread_mutex_trylock(&shared->mutex) == EBUSY ? 0 : 1);
    CHECK_EQ(reap(child), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared->mutex), 0);

    /* Semaphore tokens posted by the parent, taken by children. */
    for (int i = 0; i < children; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            sem_wait(&shared->semaphore);
            __atomic_add_fetch(&shared->tokens_taken, 1, __ATOMIC_RELAXED);
            _exit(0);
        }
    }
    for (int i = 0; i < children; i++)
        CHECK_EQ(sem_post(&shared->semaphore), 0);
    all_zero = 1;
    for (int i = 0; i < children; i++)
        all_zero &= reap(pids[i]) == 0;
    CHECK(all_zero);
    CHECK_EQ(shared->tokens_taken, children);
    int value = -1;
    CHECK_EQ(sem_getvalue(&shared->semaphore, &value), 0);
    CHECK_EQ(value, 0);

    printf("process-shared mutex counter %ld, condvar, barrier, semaphore across fork\n",
           (long)(children + 1) * increments);
    return check_finish("futex_process_shared");
}
