/* Timed waits time out: pthread_mutex_timedlock, pthread_cond_timedwait
 * and sem_timedwait return ETIMEDOUT no earlier than the deadline, at once
 * for a deadline in the past, and EINVAL for a bad nanosecond field. */
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "check.h"

static long long now_ns(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static struct timespec deadline_in(clockid_t clock, long milliseconds)
{
    struct timespec deadline;
    clock_gettime(clock, &deadline);
    deadline.tv_nsec += milliseconds * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    return deadline;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;

static void *timed_lock(void *argument)
{
    struct timespec *deadline = argument;
    return (void *)(long)pthread_mutex_timedlock(&held, deadline);
}

int main(void)
{
    const long wait_ms = 100;

    /* Mutex held by main, timed lock from another thread. */
    CHECK_EQ(pthread_mutex_lock(&held), 0);
    struct timespec deadline = deadline_in(CLOCK_REALTIME, wait_ms);
    long long start = now_ns(CLOCK_REALTIME);
    pthread_t thread;
    void *result;
    CHECK_EQ(pthread_create(&thread, NULL, timed_lock, &deadline), 0);
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK_EQ((long)result, ETIMEDOUT);
    CHECK(now_ns(CLOCK_REALTIME) - start >= wait_ms * 1000000LL);
    /* A deadline already past. */
    struct timespec past = {0, 0};
    CHECK_EQ(pthread_create(&thread, NULL, timed_lock, &past), 0);
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK_EQ((long)result, ETIMEDOUT);
    CHECK_EQ(pthread_mutex_unlock(&held), 0);
    /* Free mutex: timedlock succeeds at once. */
    deadline = deadline_in(CLOCK_REALTIME, wait_ms);
    CHECK_EQ(pthread_mutex_timedlock(&held, &deadline), 0);
    CHECK_EQ(pthread_mutex_unlock(&held), 0);

    /* Condition variable with nobody to signal it, on both clocks. */
    pthread_cond_t never = PTHREAD_COND_INITIALIZER;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    CHECK_EQ(pthread_mutex_lock(&lock), 0);
    deadline = deadline_in(CLOCK_REALTIME, wait_ms);
    start = now_ns(CLOCK_REALTIME);
    CHECK_EQ(pthread_cond_timedwait(&never, &lock, &deadline), ETIMEDOUT);
    CHECK(now_ns(CLOCK_REALTIME) - start >= wait_ms * 1000000LL);
    /* The mutex is held again on return. */
    CHECK_EQ(pthread_mutex_trylock(&lock), EBUSY);
    CHECK_EQ(pthread_cond_timedwait(&never, &lock, &past), ETIMEDOUT);
    struct timespec bad = {deadline.tv_sec, 1000000000L};
    CHECK_EQ(pthread_cond_timedwait(&never, &lock, &bad), EINVAL);
    CHECK_EQ(pthread_mutex_unlock(&lock), 0);

    pthread_condattr_t attributes;
    pthread_cond_t monotonic;
    CHECK_EQ(pthread_condattr_init(&attributes), 0);
    CHECK_EQ(pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC), 0);
    CHECK_EQ(pthread_cond_init(&monotonic, &attributes), 0);
    CHECK_EQ(pthread_mutex_lock(&lock), 0);
    deadline = deadline_in(CLOCK_MONOTONIC, wait_ms);
    start = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(pthread_cond_timedwait(&monotonic, &lock, &deadline), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) - start >= wait_ms * 1000000LL);
    CHECK_EQ(pthread_mutex_unlock(&lock), 0);
    CHECK_EQ(pthread_cond_destroy(&monotonic), 0);

    /* Semaphore at zero. */
    sem_t semaphore;
    CHECK_EQ(sem_init(&semaphore, 0, 0), 0);
    deadline = deadline_in(CLOCK_REALTIME, wait_ms);
    start = now_ns(CLOCK_REALTIME);
    CHECK_ERRNO(sem_timedwait(&semaphore, &deadline), ETIMEDOUT);
    CHECK(now_ns(CLOCK_REALTIME) - start >= wait_ms * 1000000LL);
    CHECK_ERRNO(sem_timedwait(&semaphore, &bad), EINVAL);
    CHECK_EQ(sem_post(&semaphore), 0);
    CHECK_EQ(sem_timedwait(&semaphore, &past), 0);
    CHECK_EQ(sem_destroy(&semaphore), 0);

    printf("timedlock, cond_timedwait (realtime, monotonic), sem_timedwait time out\n");
    return check_finish("thread_timeouts");
}
