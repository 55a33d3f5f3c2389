/* Priority inheritance chains: a waiter lends its priority to the owner
 * of the lock it waits on, and up the chain of owners that wait in turn;
 * what was lent goes back when waiters leave or the lock is handed over;
 * a cycle is EDEADLK. */
#include "check.h"
#include "pi_chain.h"
#include "sys/linux_abi.h"

static unsigned changes;

static void count_change(void *context, struct pi_thread *thread)
{
    (void)context;
    (void)thread;
    changes++;
}

static struct pi_thread thread_at(unsigned priority)
{
    return (struct pi_thread){ .base = priority, .effective = priority };
}

static void a_waiter_lends_its_priority_to_the_owner(void)
{
    struct pi_thread low = thread_at(101), high = thread_at(150);
    struct pi_lock lock = { .owner = &low };
    changes = 0;
    CHECK_EQ_U64(pi_wait(&lock, &high, count_change, 0), 0);
    CHECK_EQ_U64(low.effective, 150);
    CHECK_EQ_U64(changes, 1);
    CHECK(high.waiting_on == &lock);
    CHECK(low.owned == &lock);
}

static void a_lower_waiter_lends_nothing(void)
{
    struct pi_thread owner = thread_at(150), waiter = thread_at(101);
    struct pi_lock lock = { .owner = &owner };
    changes = 0;
    CHECK_EQ_U64(pi_wait(&lock, &waiter, count_change, 0), 0);
    CHECK_EQ_U64(owner.effective, 150);
    CHECK_EQ_U64(changes, 0);
}

static void the_loan_goes_up_a_chain(void)
{
    struct pi_thread a = thread_at(101), b = thread_at(110), c = thread_at(190);
    struct pi_lock first = { .owner = &a }, second = { .owner = &b };
    CHECK_EQ_U64(pi_wait(&first, &b, count_change, 0), 0);     /* b waits for a */
    CHECK_EQ_U64(a.effective, 110);
    CHECK_EQ_U64(pi_wait(&second, &c, count_change, 0), 0);    /* c waits for b */
    CHECK_EQ_U64(b.effective, 190);
    CHECK_EQ_U64(a.effective, 190);
    pi_leave(&c, count_change, 0);                              /* c gives up */
    CHECK_EQ_U64(b.effective, 110);
    CHECK_EQ_U64(a.effective, 110);
}

static void a_cycle_is_edeadlk_and_changes_nothing(void)
{
    struct pi_thread a = thread_at(101), b = thread_at(120);
    struct pi_lock held_by_a = { .owner = &a }, held_by_b = { .owner = &b };
    CHECK_EQ_U64(pi_wait(&held_by_a, &b, count_change, 0), 0);
    CHECK_EQ_U64(pi_wait(&held_by_b, &a, count_change, 0), -LINUX_EDEADLK);
    CHECK(a.waiting_on == 0);
    CHECK(held_by_b.waiters == 0);
    struct pi_lock own = { .owner = &a };
    CHECK_EQ_U64(pi_wait(&own, &a, count_change, 0), -LINUX_EDEADLK);
}

static void waiters_queue_by_priority_then_arrival(void)
{
    struct pi_thread owner = thread_at(100), first = thread_at(120), second = thread_at(130),
                     third = thread_at(120);
    struct pi_lock lock = { .owner = &owner };
    pi_wait(&lock, &first, count_change, 0);
    pi_wait(&lock, &second, count_change, 0);
    pi_wait(&lock, &third, count_change, 0);
    CHECK(lock.waiters == &second);
    CHECK(second.next_waiter == &first);
    CHECK(first.next_waiter == &third);
    CHECK_EQ_U64(owner.effective, 130);
}

static void handing_over_moves_the_loan_to_the_new_owner(void)
{
    struct pi_thread owner = thread_at(100), high = thread_at(150), middle = thread_at(120);
    struct pi_lock lock = { .owner = &owner };
    pi_wait(&lock, &high, count_change, 0);
    pi_wait(&lock, &middle, count_change, 0);
    CHECK(pi_hand_over(&lock, count_change, 0) == &high);
    CHECK(lock.owner == &high);
    CHECK(high.waiting_on == 0);
    CHECK_EQ_U64(owner.effective, 100);
    CHECK(owner.owned == 0);
    CHECK_EQ_U64(high.effective, 150);
    CHECK(high.owned == &lock);
    CHECK(pi_hand_over(&lock, count_change, 0) == &middle);
    CHECK(middle.owned == 0);           /* no waiters left: nothing to own */
    CHECK_EQ_U64(high.effective, 150);
    CHECK(pi_hand_over(&lock, count_change, 0) == 0);
    CHECK(lock.owner == 0);
}

static void a_new_base_priority_moves_a_waiter_and_its_loan(void)
{
    struct pi_thread owner = thread_at(100), waiter = thread_at(110);
    struct pi_lock lock = { .owner = &owner };
    pi_wait(&lock, &waiter, count_change, 0);
    CHECK_EQ_U64(owner.effective, 110);
    pi_set_base(&waiter, 140, count_change, 0);
    CHECK_EQ_U64(waiter.effective, 140);
    CHECK_EQ_U64(owner.effective, 140);
    pi_set_base(&owner, 160, count_change, 0);
    CHECK_EQ_U64(owner.effective, 160);
    pi_set_base(&owner, 100, count_change, 0);
    CHECK_EQ_U64(owner.effective, 140);
}

static void the_last_waiter_leaving_releases_the_lock_from_its_owner(void)
{
    struct pi_thread owner = thread_at(100), waiter = thread_at(130);
    struct pi_lock lock = { .owner = &owner };
    pi_wait(&lock, &waiter, count_change, 0);
    pi_leave(&waiter, count_change, 0);
    CHECK(owner.owned == 0);
    CHECK_EQ_U64(owner.effective, 100);
    CHECK(lock.waiters == 0);
}

static void a_new_owner_takes_over_the_loans(void)
{
    struct pi_thread old_owner = thread_at(100), new_owner = thread_at(105),
                     waiter = thread_at(170);
    struct pi_lock lock = { .owner = &old_owner };
    pi_wait(&lock, &waiter, count_change, 0);
    pi_set_owner(&lock, &new_owner, count_change, 0);
    CHECK_EQ_U64(old_owner.effective, 100);
    CHECK(old_owner.owned == 0);
    CHECK_EQ_U64(new_owner.effective, 170);
    CHECK(new_owner.owned == &lock);
}

int main(void)
{
    RUN_TEST(a_waiter_lends_its_priority_to_the_owner);
    RUN_TEST(a_lower_waiter_lends_nothing);
    RUN_TEST(the_loan_goes_up_a_chain);
    RUN_TEST(a_cycle_is_edeadlk_and_changes_nothing);
    RUN_TEST(waiters_queue_by_priority_then_arrival);
    RUN_TEST(handing_over_moves_the_loan_to_the_new_owner);
    RUN_TEST(a_new_base_priority_moves_a_waiter_and_its_loan);
    RUN_TEST(the_last_waiter_leaving_releases_the_lock_from_its_owner);
    RUN_TEST(a_new_owner_takes_over_the_loans);
    return check_report();
}
