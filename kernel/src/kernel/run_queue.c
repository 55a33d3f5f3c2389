#include "kernel/run_queue.h"

static void thread_queue_prepend(struct thread_queue *queue, struct tcb *thread)
{
    thread->previous = 0;
    thread->next = queue->head;
    if (queue->head)
        queue->head->previous = thread;
    else
        queue->tail = thread;
    queue->head = thread;
}

void thread_queue_remove(struct thread_queue *queue, struct tcb *thread)
{
    if (thread->previous)
        thread->previous->next = thread->next;
    else
        queue->head = thread->next;
    if (thread->next)
        thread->next->previous = thread->previous;
    else
        queue->tail = thread->previous;
    thread->next = thread->previous = 0;
}

static void mark(struct run_queue *queue, unsigned priority)
{
    queue->non_empty[priority / 64] |= 1ULL << (priority % 64);
    queue->words_in_use |= 1ULL << (priority / 64);
}

void run_queue_append(struct run_queue *queue, struct tcb *thread)
{
    thread_queue_append(&queue->levels[thread->priority], thread);
    mark(queue, thread->priority);
}

void run_queue_prepend(struct run_queue *queue, struct tcb *thread)
{
    thread_queue_prepend(&queue->levels[thread->priority], thread);
    mark(queue, thread->priority);
}

void run_queue_remove(struct run_queue *queue, struct tcb *thread)
{
    struct thread_queue *level = &queue->levels[thread->priority];
    thread_queue_remove(level, thread);
    if (level->head)
        return;
    unsigned word = thread->priority / 64;
    queue->non_empty[word] &= ~(1ULL << (thread->priority % 64));
    if (!queue->non_empty[word])
        queue->words_in_use &= ~(1ULL << word);
}

struct tcb *run_queue_highest(const struct run_queue *queue)
{
    if (!queue->words_in_use)
        return 0;
    unsigned word = 63 - __builtin_clzll(queue->words_in_use);
    return queue->levels[word * 64 + 63 - __builtin_clzll(queue->non_empty[word])].head;
}

bool run_queue_contains(const struct run_queue *queue, const struct tcb *thread)
{
    for (const struct tcb *t = queue->levels[thread->priority].head; t; t = t->next)
        if (t == thread)
            return true;
    return false;
}
