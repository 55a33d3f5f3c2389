/*
 * Priority inheritance: while threads wait on a PI futex, its owner runs
 * at the highest priority among them, and so on up a chain of owners
 * that themselves wait (Linux's rt_mutex chain walk). Each thread has a
 * base priority (its scheduling policy's) and an effective one, at least
 * the base and at least the top waiter's of every lock it owns. Plain C,
 * host-tested (tests/host/test_procmgr_pi_chain.c); pi_futexes.c keeps
 * the locks and waiters, and sets the kernel priorities that change.
 */
#ifndef PROCMGR_PI_CHAIN_H
#define PROCMGR_PI_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

struct pi_lock;

struct pi_thread {
    unsigned base;                  /* its policy's kernel priority */
    unsigned effective;             /* what it runs at */
    struct pi_lock *owned;          /* the locks it owns that have waiters */
    struct pi_lock *waiting_on;     /* the lock it waits for, or NULL */
    struct pi_thread *next_waiter;  /* in waiting_on's queue */
};

struct pi_lock {
    struct pi_thread *owner;
    struct pi_thread *waiters;      /* highest effective priority first, in arrival order among equals */
    struct pi_lock *next_owned;     /* in its owner's list */
};

/* Told of every thread whose effective priority changed. */
typedef void pi_changed_function(void *context, struct pi_thread *thread);

/* A chain longer than this is refused (EDEADLK), as Linux's
 * max_lock_depth. */
#define PI_CHAIN_MAX 1024

/* waiter queues on lock, whose owner is set, and lends its priority up
 * the chain; -EDEADLK (nothing changes) if the chain of owners leads back
 * to waiter or runs longer than PI_CHAIN_MAX. */
int pi_wait(struct pi_lock *lock, struct pi_thread *waiter, pi_changed_function *changed,
            void *context);

/* A waiter leaves its lock's queue without it (timed out, interrupted,
 * gone): what it lent goes back. */
void pi_leave(struct pi_thread *waiter, pi_changed_function *changed, void *context);

/* The lock goes to its top waiter (an unlock, or its owner's end): the
 * new owner, out of the queue and no longer waiting, owning the lock if
 * waiters remain; the old owner loses what they lent. NULL without
 * waiters. */
struct pi_thread *pi_hand_over(struct pi_lock *lock, pi_changed_function *changed,
                               void *context);

/* The lock's owner is owner now (a word whose owner left was taken over
 * while waiters were kept): the loans move to it. */
void pi_set_owner(struct pi_lock *lock, struct pi_thread *owner, pi_changed_function *changed,
                  void *context);

/* The owner lets go of a lock without waiters (or whose waiters all
 * left): it is off its owner's list. */
void pi_release(struct pi_lock *lock);

/* sched_setscheduler: a new base priority, and what follows from it. */
void pi_set_base(struct pi_thread *thread, unsigned base, pi_changed_function *changed,
                 void *context);

#endif
