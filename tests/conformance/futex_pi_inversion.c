/* Priority inversion, the classic way, on one core with SCHED_FIFO
 * threads: a low-priority thread holds a mutex, a high-priority one
 * waits for it, and a medium-priority one spins. With a plain mutex the
 * medium thread keeps the owner off the core, so the high thread gets
 * the lock only after the medium one is done; with a
 * PTHREAD_PRIO_INHERIT mutex the owner runs at the waiter's priority,
 * lets go, and the high thread has the lock while the medium one still
 * spins. */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t mutex;
static struct timespec start;
static volatile int low_holds, medium_done, high_result;

static long milliseconds_since(const struct timespec *from)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - from->tv_sec) * 1000 + (now.tv_nsec - from->tv_nsec) / 1000000;
}

/* Holds the mutex while it spins up to 100 ms after the start. */
static void *low(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&mutex);
    __atomic_store_n(&low_holds, 1, __ATOMIC_RELEASE);
    while (milliseconds_since(&start) < 100)
        ;
    pthread_mutex_unlock(&mutex);
    return NULL;
}

static void *high(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&mutex);
    high_result = __atomic_load_n(&medium_done, __ATOMIC_ACQUIRE) ? 2 : 1;
    pthread_mutex_unlock(&mutex);
    return NULL;
}

static void *medium(void *unused)
{
    (void)unused;
    struct timespec begun;
    clock_gettime(CLOCK_MONOTONIC, &begun);
    while (milliseconds_since(&begun) < 400)
        ;
    __atomic_store_n(&medium_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static pthread_t start_fifo(void *(*body)(void *), int priority)
{
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setinheritsched(&attributes, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attributes, SCHED_FIFO);
    struct sched_param param = {.sched_priority = priority};
    pthread_attr_setschedparam(&attributes, &param);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, &attributes, body, NULL) == 0);
    pthread_attr_destroy(&attributes);
    return thread;
}

/* 1: the high thread had the lock before the medium one finished; 2: after. */
static int run_with(int protocol)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    REQUIRE(pthread_mutexattr_setprotocol(&attributes, protocol) == 0);
    REQUIRE(pthread_mutex_init(&mutex, &attributes) == 0);
    low_holds = medium_done = high_result = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t low_thread = start_fifo(low, 10);
    while (!__atomic_load_n(&low_holds, __ATOMIC_ACQUIRE)) {
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    pthread_t high_thread = start_fifo(high, 30);
    pthread_t medium_thread = start_fifo(medium, 20);
    pthread_join(high_thread, NULL);
    pthread_join(low_thread, NULL);
    pthread_join(medium_thread, NULL);
    pthread_mutex_destroy(&mutex);
    return high_result;
}

int main(void)
{
    cpu_set_t one_core;
    CPU_ZERO(&one_core);
    CPU_SET(0, &one_core);
    REQUIRE(sched_setaffinity(0, sizeof one_core, &one_core) == 0);
    struct sched_param param = {.sched_priority = 50};
    REQUIRE(pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0);

    CHECK_EQ(run_with(PTHREAD_PRIO_NONE), 2);       /* inverted: after the medium thread */
    struct timespec rest = {0, 300000000};          /* Linux's real-time throttling */
    nanosleep(&rest, NULL);
    CHECK_EQ(run_with(PTHREAD_PRIO_INHERIT), 1);    /* inherited: before it */
    return check_finish("futex_pi_inversion");
}
