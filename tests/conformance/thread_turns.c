/* A pthreads program with mutexes and condition variables whose output is
 * the same on every system: four threads take strict turns printing, a
 * token passed round under one mutex and one condition variable each, then
 * a producer/consumer pair prints each item in order. */
#include <pthread.h>

#include "check.h"

enum { threads = 4, rounds = 5 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed[threads];
static int turn;
static long total;

static void *take_turns(void *argument)
{
    int index = (int)(long)argument;
    for (int round = 0; round < rounds; round++) {
        pthread_mutex_lock(&lock);
        while (turn != index)
            pthread_cond_wait(&turn_changed[index], &lock);
        total += (long)index * round;
        printf("round %d: thread %d (running total %ld)\n", round, index, total);
        turn = (turn + 1) % threads;
        pthread_cond_signal(&turn_changed[turn]);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static pthread_cond_t slot_changed = PTHREAD_COND_INITIALIZER;
static int slot, slot_full, done;

static void *consume(void *unused)
{
    (void)unused;
    int received = 0;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!slot_full && !done)
            pthread_cond_wait(&slot_changed, &lock);
        if (!slot_full)
            break;
        printf("consumer got %d\n", slot);
        received++;
        slot_full = 0;
        pthread_cond_broadcast(&slot_changed);
    }
    pthread_mutex_unlock(&lock);
    return (void *)(long)received;
}

int main(void)
{
    pthread_t workers[threads];
    for (int i = 0; i < threads; i++)
        CHECK_EQ(pthread_cond_init(&turn_changed[i], NULL), 0);
    for (long i = threads - 1; i >= 0; i--)
        CHECK_EQ(pthread_create(&workers[i], NULL, take_turns, (void *)i), 0);
    for (int i = 0; i < threads; i++)
        CHECK_EQ(pthread_join(workers[i], NULL), 0);
    CHECK_EQ(total, 6L * (0 + 1 + 2 + 3 + 4));

    pthread_t consumer;
    CHECK_EQ(pthread_create(&consumer, NULL, consume, NULL), 0);
    for (int item = 1; item <= 8; item++) {
        pthread_mutex_lock(&lock);
        while (slot_full)
            pthread_cond_wait(&slot_changed, &lock);
        slot = item * item;
        slot_full = 1;
        printf("producer put %d\n", slot);
        pthread_cond_broadcast(&slot_changed);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    while (slot_full)
        pthread_cond_wait(&slot_changed, &lock);
    done = 1;
    pthread_cond_broadcast(&slot_changed);
    pthread_mutex_unlock(&lock);
    void *received;
    CHECK_EQ(pthread_join(consumer, &received), 0);
    CHECK_EQ((long)received, 8);

    return check_finish("thread_turns");
}
