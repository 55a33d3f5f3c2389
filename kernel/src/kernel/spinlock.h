/* Spin locks for the kernel lock and the console (ticketless, test-and-set
 * with acquire/release semantics; the contention here is tiny). */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include "arch/cpu.h"

struct spinlock {
    volatile uint32_t locked;
};

static inline void spin_lock(struct spinlock *lock)
{
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            spin_wait_hint();
}

static inline bool spin_trylock(struct spinlock *lock)
{
    return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(struct spinlock *lock)
{
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *lock)
{
    unsigned long flags = read_sysreg(daif);
    irq_disable();
    spin_lock(lock);
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
    spin_unlock(lock);
    write_sysreg(daif, flags);
}

#endif
