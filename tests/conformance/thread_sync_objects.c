/* Semaphores, read-write locks, barriers and spinlocks between threads:
 * counts, exclusion, and their EAGAIN/EBUSY/EINVAL cases. */
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>

#include "check.h"

enum { workers = 6 };

static sem_t slots;
static int inside, most_inside;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *use_slot(void *unused)
{
    (void)unused;
    for (int i = 0; i < 20; i++) {
        sem_wait(&slots);
        pthread_mutex_lock(&lock);
        inside++;
        if (inside > most_inside)
            most_inside = inside;
        pthread_mutex_unlock(&lock);
        sched_yield();
        pthread_mutex_lock(&lock);
        inside--;
        pthread_mutex_unlock(&lock);
        sem_post(&slots);
    }
    return NULL;
}

static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static long protected_value;

static void *reader_or_writer(void *argument)
{
    long index = (long)argument;
    int consistent = 1;
    for (int i = 0; i < 200; i++) {
        if (index % 2 == 0) {
            pthread_rwlock_wrlock(&rwlock);
            protected_value++;
            protected_value++;
            pthread_rwlock_unlock(&rwlock);
        } else {
            pthread_rwlock_rdlock(&rwlock);
            if (protected_value % 2 != 0)
                consistent = 0;
            pthread_rwlock_unlock(&rwlock);
        }
    }
    return (void *)(long)consistent;
}

static void *try_locks(void *unused)
{
    (void)unused;
    return (void *)(long)(pthread_rwlock_trywrlock(&rwlock) * 1000 +
                          pthread_rwlock_tryrdlock(&rwlock));
}

static pthread_spinlock_t spin;
static long spin_counter;

static void *spin_add(void *unused)
{
    (void)unused;
    for (int i = 0; i < 1000; i++) {
        pthread_spin_lock(&spin);
        spin_counter++;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

int main(void)
{
    /* A counting semaphore admits at most 2 at once. */
    CHECK_EQ(sem_init(&slots, 0, 2), 0);
    pthread_t threads[workers];
    for (int i = 0; i < workers; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, use_slot, NULL), 0);
    for (int i = 0; i < workers; i++)
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
    CHECK(most_inside >= 1 && most_inside <= 2);
    int value = -1;
    CHECK_EQ(sem_getvalue(&slots, &value), 0);
    CHECK_EQ(value, 2);
    CHECK_EQ(sem_trywait(&slots), 0);
    CHECK_EQ(sem_trywait(&slots), 0);
    CHECK_ERRNO(sem_trywait(&slots), EAGAIN);
    CHECK_EQ(sem_post(&slots), 0);
    CHECK_EQ(sem_getvalue(&slots, &value), 0);
    CHECK_EQ(value, 1);
    CHECK_EQ(sem_destroy(&slots), 0);
    CHECK_ERRNO(sem_init(&slots, 0, (unsigned)SEM_VALUE_MAX + 1), EINVAL);

    /* Read-write lock: writers exclusive, readers see whole updates. */
    for (long i = 0; i < workers; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, reader_or_writer, (void *)i), 0);
    int consistent = 1;
    for (int i = 0; i < workers; i++) {
        void *result;
        CHECK_EQ(pthread_join(threads[i], &result), 0);
        consistent &= (long)result == 1;
    }
    CHECK(consistent);
    CHECK_EQ(protected_value, (long)(workers / 2) * 200 * 2);
    /* Held for reading: more readers may enter, a writer may not. */
    CHECK_EQ(pthread_rwlock_rdlock(&rwlock), 0);
    pthread_t other;
    void *result;
    CHECK_EQ(pthread_create(&other, NULL, try_locks, NULL), 0);
    CHECK_EQ(pthread_join(other, &result), 0);
    CHECK_EQ((long)result, EBUSY * 1000 + 0);
    CHECK_EQ(pthread_rwlock_unlock(&rwlock), 0); /* the other reader's */
    CHECK_EQ(pthread_rwlock_unlock(&rwlock), 0);
    /* Held for writing: neither. */
    CHECK_EQ(pthread_rwlock_wrlock(&rwlock), 0);
    CHECK_EQ(pthread_create(&other, NULL, try_locks, NULL), 0);
    CHECK_EQ(pthread_join(other, &result), 0);
    CHECK_EQ((long)result, EBUSY * 1000 + EBUSY);
    CHECK_EQ(pthread_rwlock_unlock(&rwlock), 0);

    /* Spinlock. */
    CHECK_EQ(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, spin_add, NULL), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
    CHECK_EQ(spin_counter, 4000);
    CHECK_EQ(pthread_spin_trylock(&spin), 0);
    CHECK_EQ(pthread_spin_trylock(&spin), EBUSY);
    CHECK_EQ(pthread_spin_unlock(&spin), 0);
    CHECK_EQ(pthread_spin_destroy(&spin), 0);

    /* Barrier: exactly one waiter gets the serial value. */
    pthread_barrier_t barrier;
    CHECK_EQ(pthread_barrier_init(&barrier, NULL, 0), EINVAL);
    CHECK_EQ(pthread_barrier_init(&barrier, NULL, 1), 0);
    CHECK_EQ(pthread_barrier_wait(&barrier), PTHREAD_BARRIER_SERIAL_THREAD);
    CHECK_EQ(pthread_barrier_destroy(&barrier), 0);

    printf("semaphore admits 2, rwlock readers see even values (%ld), spin %ld\n",
           protected_value, spin_counter);
    return check_finish("thread_sync_objects");
}
