/*
 * A PI futex word as Linux defines it: the owner's thread id in the low
 * 30 bits, FUTEX_WAITERS (someone waits: the owner's unlock must go to
 * the kernel) and FUTEX_OWNER_DIED. What a lock or an unlock makes of
 * the word as read; pi_futexes.c compare-exchanges it in and goes again
 * if the word changed meanwhile. Plain C, host-tested
 * (tests/host/test_procmgr_pi_word.c).
 */
#ifndef PROCMGR_PI_WORD_H
#define PROCMGR_PI_WORD_H

#include <stdbool.h>
#include <stdint.h>

#define PI_WORD_WAITERS     0x80000000u
#define PI_WORD_OWNER_DIED  0x40000000u
#define PI_WORD_TID_MASK    0x3fffffffu

enum pi_lock_step {
    PI_LOCK_ACQUIRE,        /* desired: the caller owns it (OWNER_DIED kept) */
    PI_LOCK_WAIT,           /* desired: the word with FUTEX_WAITERS; then wait */
    PI_LOCK_DEADLOCK,       /* the caller owns it already: EDEADLK */
};

/* A lock by thread tid of the word as read; waiters: procmgr keeps some
 * for it (a new owner of a word whose owner left must say so). */
enum pi_lock_step pi_lock_step(uint32_t word, uint32_t tid, bool waiters, uint32_t *desired);

/* An unlock by thread tid: -EPERM unless it owns the word; else 0 with
 * desired the next owner's id and FUTEX_WAITERS (next 0: none, the word
 * becomes 0). */
int pi_unlock_step(uint32_t word, uint32_t tid, uint32_t next, uint32_t *desired);

/* The owner ended with waiters: the word goes to next with
 * FUTEX_WAITERS, keeping FUTEX_OWNER_DIED if its robust list set it. */
uint32_t pi_inherited_word(uint32_t word, uint32_t next);

#endif
