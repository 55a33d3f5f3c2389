/* pthread_once runs its routine once however many threads race to it;
 * __thread variables and pthread keys are per thread, start from their
 * initial value in every thread, and key destructors run at thread exit. */
#include <pthread.h>

#include "check.h"

enum { threads = 8 };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static __thread int thread_value = 17;
static __thread char thread_name[16] = "initial";
static pthread_key_t key;
static int destructor_runs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void run_once(void)
{
    __atomic_add_fetch(&once_runs, 1, __ATOMIC_RELAXED);
}

static void count_destructor(void *value)
{
    pthread_mutex_lock(&lock);
    destructor_runs += (int)(long)value;
    pthread_mutex_unlock(&lock);
}

static void *worker(void *argument)
{
    long index = (long)argument;
    pthread_once(&once, run_once);
    int started_clean = thread_value == 17 && strcmp(thread_name, "initial") == 0 &&
                        pthread_getspecific(key) == NULL;
    thread_value = (int)index * 100;
    snprintf(thread_name, sizeof thread_name, "worker %ld", index);
    pthread_setspecific(key, (void *)1);
    for (int i = 0; i < 100; i++)
        sched_yield();
    char expected[16];
    snprintf(expected, sizeof expected, "worker %ld", index);
    int kept = thread_value == (int)index * 100 &&
               strcmp(thread_name, expected) == 0 &&
               pthread_getspecific(key) == (void *)1;
    return (void *)(long)(started_clean && kept);
}

int main(void)
{
    CHECK_EQ(pthread_key_create(&key, count_destructor), 0);
    thread_value = 5;
    strcpy(thread_name, "main");

    pthread_t workers[threads];
    for (long i = 0; i < threads; i++)
        CHECK_EQ(pthread_create(&workers[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < threads; i++) {
        void *result;
        CHECK_EQ(pthread_join(workers[i], &result), 0);
        CHECK_EQ((long)result, 1);
    }
    CHECK_EQ(once_runs, 1);
    pthread_once(&once, run_once);
    CHECK_EQ(once_runs, 1);
    CHECK_EQ(destructor_runs, threads);

    /* The main thread's copies were untouched. */
    CHECK_EQ(thread_value, 5);
    CHECK_EQ(strcmp(thread_name, "main"), 0);
    CHECK(pthread_getspecific(key) == NULL);
    CHECK_EQ(pthread_key_delete(key), 0);

    printf("once ran 1 time for %d threads; TLS and keys per thread; %d destructors\n",
           threads, destructor_runs);
    return check_finish("thread_once_tls");
}
