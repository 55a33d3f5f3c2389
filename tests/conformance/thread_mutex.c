/* Mutexes: a counter under contention from 8 threads stays exact;
 * trylock's EBUSY; error-checking mutexes (EDEADLK, EPERM); recursive
 * mutexes; static initialisers. */
#include <pthread.h>

#include "check.h"

enum { threads = 8, increments = 5000 };

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pthread_mutex_t shared_lock;

static void *add_many(void *unused)
{
    (void)unused;
    for (int i = 0; i < increments; i++) {
        pthread_mutex_lock(&counter_lock);
        long value = counter;
        /* Widen the window a lost update would need. */
        if (i % 1000 == 0)
            sched_yield();
        counter = value + 1;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static void *try_from_other_thread(void *unused)
{
    (void)unused;
    int busy = pthread_mutex_trylock(&shared_lock);
    int unlock = pthread_mutex_unlock(&shared_lock);
    return (void *)(long)(busy * 1000 + unlock);
}

int main(void)
{
    pthread_t workers[threads];
    for (int i = 0; i < threads; i++)
        CHECK_EQ(pthread_create(&workers[i], NULL, add_many, NULL), 0);
    for (int i = 0; i < threads; i++)
        CHECK_EQ(pthread_join(workers[i], NULL), 0);
    CHECK_EQ(counter, (long)threads * increments);

    /* trylock on a held mutex. */
    CHECK_EQ(pthread_mutex_lock(&counter_lock), 0);
    CHECK_EQ(pthread_mutex_trylock(&counter_lock), EBUSY);
    CHECK_EQ(pthread_mutex_unlock(&counter_lock), 0);
    CHECK_EQ(pthread_mutex_trylock(&counter_lock), 0);
    CHECK_EQ(pthread_mutex_unlock(&counter_lock), 0);

    /* Error checking: relocking is EDEADLK, unlocking another thread's
     * mutex or an unlocked one is EPERM. */
    pthread_mutexattr_t attributes;
    CHECK_EQ(pthread_mutexattr_init(&attributes), 0);
    CHECK_EQ(pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ERRORCHECK), 0);
    CHECK_EQ(pthread_mutex_init(&shared_lock, &attributes), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared_lock), EPERM);
    CHECK_EQ(pthread_mutex_lock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_lock(&shared_lock), EDEADLK);
    pthread_t other;
    void *result;
    CHECK_EQ(pthread_create(&other, NULL, try_from_other_thread, NULL), 0);
    CHECK_EQ(pthread_join(other, &result), 0);
    CHECK_EQ((long)result, EBUSY * 1000 + EPERM);
    CHECK_EQ(pthread_mutex_unlock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_destroy(&shared_lock), 0);

    /* Recursive: locks nest, and the mutex is free only after as many
     * unlocks. */
    CHECK_EQ(pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE), 0);
    CHECK_EQ(pthread_mutex_init(&shared_lock, &attributes), 0);
    CHECK_EQ(pthread_mutex_lock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_lock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_trylock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared_lock), 0);
    CHECK_EQ(pthread_create(&other, NULL, try_from_other_thread, NULL), 0);
    CHECK_EQ(pthread_join(other, &result), 0);
    CHECK_EQ((long)result, EBUSY * 1000 + EPERM);
    CHECK_EQ(pthread_mutex_unlock(&shared_lock), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared_lock), EPERM);
    CHECK_EQ(pthread_mutex_destroy(&shared_lock), 0);

    CHECK_EQ(pthread_mutexattr_settype(&attributes, 99), EINVAL);
    CHECK_EQ(pthread_mutexattr_destroy(&attributes), 0);

    printf("counter = %ld after %d threads x %d locked increments\n", counter,
           threads, increments);
    return check_finish("thread_mutex");
}
