/* Thread ids: gettid is distinct in every live thread, equals getpid in
 * the main thread, and getpid is the same in all threads. */
#include <pthread.h>
#include <sys/syscall.h>

#include "check.h"

enum { threads = 12 };

static pthread_barrier_t all_alive;
static pid_t tids[threads], pids[threads];

static void *record_ids(void *argument)
{
    long index = (long)argument;
    tids[index] = gettid();
    pids[index] = getpid();
    /* All alive at once, so no id can have been reused. */
    pthread_barrier_wait(&all_alive);
    return (void *)(long)(syscall(SYS_gettid) == tids[index]);
}

int main(void)
{
    pid_t self = getpid();
    CHECK_EQ(gettid(), self);
    CHECK_EQ(syscall(SYS_gettid), self);
    CHECK_EQ(pthread_barrier_init(&all_alive, NULL, threads + 1), 0);

    pthread_t workers[threads];
    for (long i = 0; i < threads; i++)
        CHECK_EQ(pthread_create(&workers[i], NULL, record_ids, (void *)i), 0);
    pthread_barrier_wait(&all_alive);
    int raw_matches = 1;
    for (int i = 0; i < threads; i++) {
        void *result;
        CHECK_EQ(pthread_join(workers[i], &result), 0);
        if ((long)result != 1)
            raw_matches = 0;
    }
    CHECK(raw_matches);

    int same_pid = 1, distinct = 1, not_main = 1;
    for (int i = 0; i < threads; i++) {
        if (pids[i] != self)
            same_pid = 0;
        if (tids[i] == self || tids[i] <= 0)
            not_main = 0;
        for (int j = i + 1; j < threads; j++)
            if (tids[i] == tids[j])
                distinct = 0;
    }
    CHECK(same_pid);
    CHECK(distinct);
    CHECK(not_main);
    CHECK_EQ(pthread_barrier_destroy(&all_alive), 0);

    printf("%d threads: one pid, %d distinct tids, main tid == pid\n", threads + 1,
           threads + 1);
    return check_finish("thread_gettid");
}
