/*
 * A core's ready threads: one FIFO per priority (0..255), a bitmap of the
 * non-empty ones, and a summary bit per bitmap word that has a bit set,
 * so the highest ready priority is two count-leading-zeros away and the
 * IPC fast path's "anyone above?" is a few instructions, with no loop.
 * Pure: unit-tested on the host.
 */
#ifndef KERNEL_RUN_QUEUE_H
#define KERNEL_RUN_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include "object/tcb.h"

#define PRIORITY_LEVELS 256

struct run_queue {
    uint64_t words_in_use;      /* bit w: non_empty[w] != 0 */
    uint64_t non_empty[PRIORITY_LEVELS / 64];
    struct thread_queue levels[PRIORITY_LEVELS];
};

/* Append at the tail of the thread's priority (round robin order). */
void run_queue_append(struct run_queue *queue, struct tcb *thread);
/* Insert at the head: for a thread preempted before its slice ended. */
void run_queue_prepend(struct run_queue *queue, struct tcb *thread);
void run_queue_remove(struct run_queue *queue, struct tcb *thread);
/* The first thread of the highest non-empty priority, or 0. */
struct tcb *run_queue_highest(const struct run_queue *queue);
static inline bool run_queue_is_empty(const struct run_queue *queue)
{
    return queue->words_in_use == 0;
}

/* Whether a thread of a priority above priority is ready. */
static inline bool run_queue_has_above(const struct run_queue *queue, unsigned priority)
{
    unsigned word = priority / 64;
    return ((queue->non_empty[word] & (~1ULL << (priority % 64))) |
            (queue->words_in_use >> (word + 1))) != 0;
}

bool run_queue_contains(const struct run_queue *queue, const struct tcb *thread);

/* The same FIFO discipline for endpoint and notification queues (append
 * inline: the IPC fast path's server queues itself with it). */
static inline void thread_queue_append(struct thread_queue *queue, struct tcb *thread)
{
    thread->next = 0;
    thread->previous = queue->tail;
    if (queue->tail)
        queue->tail->next = thread;
    else
        queue->head = thread;
    queue->tail = thread;
}
void thread_queue_remove(struct thread_queue *queue, struct tcb *thread);

#endif
