/*
 * Priority inheritance chains (pi_chain.h).
 */
#include "pi_chain.h"
#include "sys/linux_abi.h"

static void unlink_waiter(struct pi_lock *lock, struct pi_thread *waiter)
{
    for (struct pi_thread **link = &lock->waiters; *link; link = &(*link)->next_waiter) {
        if (*link == waiter) {
            *link = waiter->next_waiter;
            break;
        }
    }
    waiter->next_waiter = 0;
}

/* In priority order, after those of its priority already there. */
static void insert_waiter(struct pi_lock *lock, struct pi_thread *waiter)
{
    struct pi_thread **link = &lock->waiters;
    while (*link && (*link)->effective >= waiter->effective)
        link = &(*link)->next_waiter;
    waiter->next_waiter = *link;
    *link = waiter;
}

static void own(struct pi_thread *owner, struct pi_lock *lock)
{
    for (struct pi_lock *owned = owner->owned; owned; owned = owned->next_owned)
        if (owned == lock)
            return;
    lock->next_owned = owner->owned;
    owner->owned = lock;
}

void pi_release(struct pi_lock *lock)
{
    struct pi_thread *owner = lock->owner;
    if (!owner)
        return;
    for (struct pi_lock **link = &owner->owned; *link; link = &(*link)->next_owned) {
        if (*link == lock) {
            *link = lock->next_owned;
            break;
        }
    }
    lock->next_owned = 0;
}

static unsigned inherited(const struct pi_thread *thread)
{
    unsigned priority = thread->base;
    for (const struct pi_lock *lock = thread->owned; lock; lock = lock->next_owned)
        if (lock->waiters && lock->waiters->effective > priority)
            priority = lock->waiters->effective;
    return priority;
}

/* thread's effective priority may have changed: follow it up the chain
 * (its place in the queue it waits in, then that lock's owner). */
static void propagate(struct pi_thread *thread, pi_changed_function *changed, void *context)
{
    for (unsigned depth = 0; thread && depth < PI_CHAIN_MAX; depth++) {
        unsigned priority = inherited(thread);
        if (priority == thread->effective)
            return;
        thread->effective = priority;
        changed(context, thread);
        struct pi_lock *lock = thread->waiting_on;
        if (!lock)
            return;
        unlink_waiter(lock, thread);
        insert_waiter(lock, thread);
        thread = lock->owner;
    }
}

int pi_wait(struct pi_lock *lock, struct pi_thread *waiter, pi_changed_function *changed,
            void *context)
{
    unsigned depth = 0;
    for (struct pi_thread *owner = lock->owner; owner; depth++) {
        if (owner == waiter || depth >= PI_CHAIN_MAX)
            return -LINUX_EDEADLK;
        owner = owner->waiting_on ? owner->waiting_on->owner : 0;
    }
    waiter->waiting_on = lock;
    insert_waiter(lock, waiter);
    if (lock->owner) {
        own(lock->owner, lock);
        propagate(lock->owner, changed, context);
    }
    return 0;
}

void pi_leave(struct pi_thread *waiter, pi_changed_function *changed, void *context)
{
    struct pi_lock *lock = waiter->waiting_on;
    if (!lock)
        return;
    unlink_waiter(lock, waiter);
    waiter->waiting_on = 0;
    struct pi_thread *owner = lock->owner;
    if (owner && !lock->waiters)
        pi_release(lock);
    propagate(owner, changed, context);
}

struct pi_thread *pi_hand_over(struct pi_lock *lock, pi_changed_function *changed,
                               void *context)
{
    struct pi_thread *old_owner = lock->owner, *new_owner = lock->waiters;
    pi_release(lock);
    if (!new_owner) {
        lock->owner = 0;
        propagate(old_owner, changed, context);
        return 0;
    }
    unlink_waiter(lock, new_owner);
    new_owner->waiting_on = 0;
    lock->owner = new_owner;
    if (lock->waiters)
        own(new_owner, lock);
    propagate(old_owner, changed, context);
    propagate(new_owner, changed, context);
    return new_owner;
}

void pi_set_owner(struct pi_lock *lock, struct pi_thread *owner, pi_changed_function *changed,
                  void *context)
{
    struct pi_thread *old_owner = lock->owner;
    if (old_owner == owner)
        return;
    pi_release(lock);
    lock->owner = owner;
    if (owner && lock->waiters)
        own(owner, lock);
    propagate(old_owner, changed, context);
    propagate(owner, changed, context);
}

void pi_set_base(struct pi_thread *thread, unsigned base, pi_changed_function *changed,
                 void *context)
{
    thread->base = base;
    propagate(thread, changed, context);
}
