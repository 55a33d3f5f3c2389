/* The PI futex word: what a lock, an unlock and an owner's end make of
 * it, as Linux's futex_lock_pi_atomic and futex_unlock_pi do. */
#include "check.h"
#include "pi_word.h"
#include "sys/linux_abi.h"

static void a_free_word_is_taken_with_owner_died_kept(void)
{
    uint32_t desired = 0;
    CHECK_EQ_U64(pi_lock_step(0, 42, false, &desired), PI_LOCK_ACQUIRE);
    CHECK_EQ_U64(desired, 42);
    CHECK_EQ_U64(pi_lock_step(PI_WORD_OWNER_DIED, 42, false, &desired), PI_LOCK_ACQUIRE);
    CHECK_EQ_U64(desired, 42 | PI_WORD_OWNER_DIED);
    CHECK_EQ_U64(pi_lock_step(PI_WORD_WAITERS, 42, true, &desired), PI_LOCK_ACQUIRE);
    CHECK_EQ_U64(desired, 42 | PI_WORD_WAITERS);
}

static void a_held_word_gets_the_waiters_bit(void)
{
    uint32_t desired = 0;
    CHECK_EQ_U64(pi_lock_step(7, 42, false, &desired), PI_LOCK_WAIT);
    CHECK_EQ_U64(desired, 7 | PI_WORD_WAITERS);
    CHECK_EQ_U64(pi_lock_step(7 | PI_WORD_WAITERS, 42, true, &desired), PI_LOCK_WAIT);
    CHECK_EQ_U64(desired, 7 | PI_WORD_WAITERS);
}

static void locking_what_it_owns_is_a_deadlock(void)
{
    uint32_t desired = 0;
    CHECK_EQ_U64(pi_lock_step(42, 42, false, &desired), PI_LOCK_DEADLOCK);
    CHECK_EQ_U64(pi_lock_step(42 | PI_WORD_WAITERS, 42, true, &desired), PI_LOCK_DEADLOCK);
}

static void only_the_owner_unlocks(void)
{
    uint32_t desired = 1;
    CHECK_EQ_U64(pi_unlock_step(7, 42, 0, &desired), -LINUX_EPERM);
    CHECK_EQ_U64(pi_unlock_step(0, 42, 0, &desired), -LINUX_EPERM);
    CHECK_EQ_U64(pi_unlock_step(42 | PI_WORD_WAITERS | PI_WORD_OWNER_DIED, 42, 0, &desired), 0);
    CHECK_EQ_U64(desired, 0);
    CHECK_EQ_U64(pi_unlock_step(42 | PI_WORD_WAITERS, 42, 9, &desired), 0);
    CHECK_EQ_U64(desired, 9 | PI_WORD_WAITERS);
}

static void a_dead_owners_word_goes_to_the_next_with_owner_died(void)
{
    CHECK_EQ_U64(pi_inherited_word(42 | PI_WORD_WAITERS, 9), 9 | PI_WORD_WAITERS);
    CHECK_EQ_U64(pi_inherited_word(PI_WORD_OWNER_DIED | PI_WORD_WAITERS, 9),
                 9 | PI_WORD_WAITERS | PI_WORD_OWNER_DIED);
}

int main(void)
{
    RUN_TEST(a_free_word_is_taken_with_owner_died_kept);
    RUN_TEST(a_held_word_gets_the_waiters_bit);
    RUN_TEST(locking_what_it_owns_is_a_deadlock);
    RUN_TEST(only_the_owner_unlocks);
    RUN_TEST(a_dead_owners_word_goes_to_the_next_with_owner_died);
    return check_report();
}
