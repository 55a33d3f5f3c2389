/* Condition variables: a bounded-buffer producer/consumer with 3
 * producers and 3 consumers moves every item exactly once; broadcast
 * wakes every waiter; signal with no waiter is harmless. */
#include <pthread.h>

#include "check.h"

enum { capacity = 4, producers = 3, consumers = 3, items_each = 1000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int buffer[capacity];
static int head, used, producers_left = producers;
static long consumed_sum[consumers];
static int consumed_count[consumers];

static void *produce(void *argument)
{
    int base = (int)(long)argument * items_each;
    for (int i = 1; i <= items_each; i++) {
        pthread_mutex_lock(&lock);
        while (used == capacity)
            pthread_cond_wait(&not_full, &lock);
        buffer[(head + used) % capacity] = base + i;
        used++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    producers_left--;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *consume(void *argument)
{
    int index = (int)(long)argument;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (used == 0 && producers_left > 0)
            pthread_cond_wait(&not_empty, &lock);
        if (used == 0)
            break;
        int item = buffer[head];
        head = (head + 1) % capacity;
        used--;
        pthread_cond_signal(&not_full);
        consumed_sum[index] += item;
        consumed_count[index]++;
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

static pthread_cond_t gate_opened = PTHREAD_COND_INITIALIZER;
static int gate_open, waiting, passed;

static void *wait_at_gate(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&lock);
    waiting++;
    while (!gate_open)
        pthread_cond_wait(&gate_opened, &lock);
    passed++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    /* Nobody waits: signal and broadcast do nothing. */
    CHECK_EQ(pthread_cond_signal(&not_empty), 0);
    CHECK_EQ(pthread_cond_broadcast(&not_empty), 0);

    pthread_t producer_threads[producers], consumer_threads[consumers];
    for (long i = 0; i < consumers; i++)
        CHECK_EQ(pthread_create(&consumer_threads[i], NULL, consume, (void *)i), 0);
    for (long i = 0; i < producers; i++)
        CHECK_EQ(pthread_create(&producer_threads[i], NULL, produce, (void *)i), 0);
    for (int i = 0; i < producers; i++)
        CHECK_EQ(pthread_join(producer_threads[i], NULL), 0);
    for (int i = 0; i < consumers; i++)
        CHECK_EQ(pthread_join(consumer_threads[i], NULL), 0);
    long total_sum = 0;
    int total_count = 0;
    for (int i = 0; i < consumers; i++) {
        total_sum += consumed_sum[i];
        total_count += consumed_count[i];
    }
    long n = (long)producers * items_each;
    CHECK_EQ(total_count, n);
    CHECK_EQ(total_sum, n * (n + 1) / 2);
    CHECK_EQ(used, 0);

    /* Broadcast releases every waiter. */
    enum { gate_threads = 6 };
    pthread_t gate_waiters[gate_threads];
    for (int i = 0; i < gate_threads; i++)
        CHECK_EQ(pthread_create(&gate_waiters[i], NULL, wait_at_gate, NULL), 0);
    for (;;) {
        pthread_mutex_lock(&lock);
        int all_waiting = waiting == gate_threads;
        if (all_waiting) {
            gate_open = 1;
            pthread_cond_broadcast(&gate_opened);
        }
        pthread_mutex_unlock(&lock);
        if (all_waiting)
            break;
        usleep(1000);
    }
    for (int i = 0; i < gate_threads; i++)
        CHECK_EQ(pthread_join(gate_waiters[i], NULL), 0);
    CHECK_EQ(passed, gate_threads);

    printf("%d items through a %d-slot buffer, sum %ld; broadcast woke %d\n",
           total_count, capacity, total_sum, passed);
    return check_finish("thread_condvar");
}
