/* Many threads: 64 alive at once, each with its own stack, meeting at a
 * barrier; then 200 created and joined one after another. */
#include <pthread.h>

#include "check.h"

enum { alive_at_once = 64, in_sequence = 200 };

static pthread_barrier_t barrier;

static void *fill_stack(void *argument)
{
    long index = (long)argument;
    volatile long scratch[512];
    for (int i = 0; i < 512; i++)
        scratch[i] = index * 1000 + i;
    pthread_barrier_wait(&barrier);
    long sum = 0;
    for (int i = 0; i < 512; i++)
        sum += scratch[i] - index * 1000;
    return (void *)(sum + index);
}

static void *identity(void *argument)
{
    return argument;
}

int main(void)
{
    CHECK_EQ(pthread_barrier_init(&barrier, NULL, alive_at_once), 0);
    pthread_t threads[alive_at_once];
    int created = 1;
    for (long i = 0; i < alive_at_once; i++)
        if (pthread_create(&threads[i], NULL, fill_stack, (void *)i) != 0)
            created = 0;
    CHECK(created);
    int stacks_intact = 1;
    for (long i = 0; i < alive_at_once; i++) {
        void *result;
        if (pthread_join(threads[i], &result) != 0 ||
            (long)result != 511 * 512 / 2 + i)
            stacks_intact = 0;
    }
    CHECK(stacks_intact);
    CHECK_EQ(pthread_barrier_destroy(&barrier), 0);

    long sum = 0;
    int all_ok = 1;
    for (long i = 0; i < in_sequence; i++) {
        pthread_t thread;
        void *result;
        if (pthread_create(&thread, NULL, identity, (void *)i) != 0 ||
            pthread_join(thread, &result) != 0)
            all_ok = 0;
        else
            sum += (long)result;
    }
    CHECK(all_ok);
    CHECK_EQ(sum, (long)in_sequence * (in_sequence - 1) / 2);

    printf("%d threads alive at once; %d created and joined in turn\n",
           alive_at_once, in_sequence);
    return check_finish("thread_many");
}
