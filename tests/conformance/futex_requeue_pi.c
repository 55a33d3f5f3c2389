/* Condition variables over PI mutexes, through their system calls:
 * FUTEX_WAIT_REQUEUE_PI waits on a condition word (EAGAIN if it changed,
 * ETIMEDOUT at its deadline), and FUTEX_CMP_REQUEUE_PI moves its waiters
 * onto a PI word: the first takes it at once if it is free, the others
 * wait for it and get it in turn as it is unlocked, each call returning
 * 0 with the PI word naming its thread. Linux's errors: the two words
 * must differ, FUTEX_CMP_REQUEUE_PI wakes exactly one, counts are not
 * negative, and the condition word must still hold the value given. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

#define FUTEX_LOCK_PI           6
#define FUTEX_UNLOCK_PI         7
#define FUTEX_WAIT_REQUEUE_PI   11
#define FUTEX_CMP_REQUEUE_PI    12
#define TID_MASK                0x3fffffffu

static volatile uint32_t condition, mutex;

static long wait_requeue(volatile uint32_t *word, uint32_t value, const struct timespec *timeout,
                         volatile uint32_t *pi_word)
{
    return syscall(SYS_futex, word, FUTEX_WAIT_REQUEUE_PI, value, timeout, pi_word, 0);
}

static long cmp_requeue(volatile uint32_t *word, int wake, long requeue,
                        volatile uint32_t *pi_word, uint32_t value)
{
    return syscall(SYS_futex, word, FUTEX_CMP_REQUEUE_PI, wake, (void *)requeue, pi_word, value);
}

static void sleep_milliseconds(long milliseconds)
{
    struct timespec pause = {0, milliseconds * 1000000};
    nanosleep(&pause, NULL);
}

static void linux_refuses_these(void)
{
    condition = 5;
    mutex = 0;
    CHECK_ERRNO(wait_requeue(&condition, 5, NULL, &condition), EINVAL);
    CHECK_ERRNO(wait_requeue(&condition, 4, NULL, &mutex), EAGAIN);
    CHECK_ERRNO(cmp_requeue(&condition, 2, 1, &mutex, 5), EINVAL);
    CHECK_ERRNO(cmp_requeue(&condition, 1, -1, &mutex, 5), EINVAL);
    CHECK_ERRNO(cmp_requeue(&condition, 1, 1, &condition, 5), EINVAL);
    CHECK_ERRNO(cmp_requeue(&condition, 1, 1, &mutex, 4), EAGAIN);
    CHECK_EQ(cmp_requeue(&condition, 1, 1, &mutex, 5), 0);     /* nobody waits */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 100000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK_ERRNO(wait_requeue(&condition, 5, &deadline, &mutex), ETIMEDOUT);
}

static volatile int started;
static volatile long results[2];
static volatile uint32_t owner_seen[2], tids[2];

static void *waiter(void *index_pointer)
{
    int index = (int)(intptr_t)index_pointer;
    tids[index] = (uint32_t)syscall(SYS_gettid);
    __atomic_add_fetch(&started, 1, __ATOMIC_ACQ_REL);
    results[index] = wait_requeue(&condition, 0, NULL, &mutex) == 0 ? 0 : errno;
    owner_seen[index] = mutex & TID_MASK;
    if (results[index] == 0)
        syscall(SYS_futex, &mutex, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
    return NULL;
}

/* Moves waiters until count have moved (each comes when it has entered
 * its wait; generous time for that). */
static long move_until(int count, long requeue)
{
    long moved = 0;
    for (int attempt = 0; attempt < 2000 && moved < count; attempt++) {
        long result = cmp_requeue(&condition, 1, requeue, &mutex, 0);
        if (result > 0)
            moved += result;
        sleep_milliseconds(5);
    }
    return moved;
}

static void requeued_waiters_take_the_mutex_in_turn(void)
{
    condition = 0;
    mutex = 0;
    started = 0;
    CHECK_EQ(syscall(SYS_futex, &mutex, FUTEX_LOCK_PI, 0, NULL, NULL, 0), 0);
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        REQUIRE(pthread_create(&threads[i], NULL, waiter, (void *)(intptr_t)i) == 0);
    while (__atomic_load_n(&started, __ATOMIC_ACQUIRE) < 2)
        sleep_milliseconds(1);
    CHECK_EQ(move_until(2, INT_MAX), 2);    /* the mutex is held: both wait for it */
    CHECK_EQ(syscall(SYS_futex, &mutex, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(results[i], 0);
        CHECK_EQ(owner_seen[i], tids[i]);
    }
    CHECK_EQ(mutex, 0);
}

static void a_free_mutex_goes_to_the_first_at_once(void)
{
    condition = 0;
    mutex = 0;
    started = 0;
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, waiter, (void *)(intptr_t)0) == 0);
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
        sleep_milliseconds(1);
    CHECK_EQ(move_until(1, 0), 1);
    pthread_join(thread, NULL);
    CHECK_EQ(results[0], 0);
    CHECK_EQ(owner_seen[0], tids[0]);
    CHECK_EQ(mutex, 0);
}

int main(void)
{
    linux_refuses_these();
    requeued_waiters_take_the_mutex_in_turn();
    a_free_mutex_goes_to_the_first_at_once();
    return check_finish("futex_requeue_pi");
}
