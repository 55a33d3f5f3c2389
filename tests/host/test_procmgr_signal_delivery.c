/* What becomes of a signal: sigaction's checks, the action a disposition
 * gives, which thread takes a signal, what sending one comes to (in a
 * stopped process too), what SIGCONT and the stop signals discard, which
 * pending signal is taken next, and which faults a handler catches. */
#include "check.h"
#include "signal_delivery.h"
#include "sys/linux_abi.h"

#define BIT(signal) LINUX_SIGNAL_BIT(signal)

static const struct thread_masks open_masks = { .blocked = 0, .accepting = 0 };

static struct thread_masks blocking(uint64_t blocked)
{
    return (struct thread_masks){ .blocked = blocked, .accepting = 0 };
}

/* ---- sigaction ---- */

static void any_signal_may_be_caught_ignored_or_defaulted(void)
{
    static const unsigned signals[] = { 1, LINUX_SIGTERM, LINUX_SIGCHLD, LINUX_SIGRTMIN,
                                        LINUX_NSIG };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        CHECK_EQ_U64(signal_check_disposition(signals[i], SIGNAL_DEFAULT), 0);
        CHECK_EQ_U64(signal_check_disposition(signals[i], SIGNAL_IGNORE), 0);
        CHECK_EQ_U64(signal_check_disposition(signals[i], SIGNAL_HANDLER), 0);
    }
}

static void sigaction_of_signal_zero_is_einval(void)
{
    CHECK_EQ_U64(signal_check_disposition(0, SIGNAL_DEFAULT), -LINUX_EINVAL);
}

static void sigaction_past_the_last_signal_is_einval(void)
{
    CHECK_EQ_U64(signal_check_disposition(LINUX_NSIG + 1, SIGNAL_DEFAULT), -LINUX_EINVAL);
    CHECK_EQ_U64(signal_check_disposition(UINT64_MAX, SIGNAL_HANDLER), -LINUX_EINVAL);
}

static void sigaction_with_an_unknown_disposition_is_einval(void)
{
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGTERM, SIGNAL_HANDLER + 1), -LINUX_EINVAL);
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGTERM, UINT64_MAX), -LINUX_EINVAL);
}

static void sigkill_and_sigstop_can_be_neither_caught_nor_ignored(void)
{
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGKILL, SIGNAL_IGNORE), -LINUX_EINVAL);
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGKILL, SIGNAL_HANDLER), -LINUX_EINVAL);
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGSTOP, SIGNAL_IGNORE), -LINUX_EINVAL);
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGSTOP, SIGNAL_HANDLER), -LINUX_EINVAL);
}

static void sigkill_and_sigstop_may_be_set_to_their_default(void)
{
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGKILL, SIGNAL_DEFAULT), 0);
    CHECK_EQ_U64(signal_check_disposition(LINUX_SIGSTOP, SIGNAL_DEFAULT), 0);
}

/* ---- Actions ---- */

static void a_handler_runs_for_a_caught_signal(void)
{
    CHECK_EQ_U64(signal_action(LINUX_SIGTERM, SIGNAL_HANDLER), SIGNAL_ACTION_HANDLER);
    CHECK_EQ_U64(signal_action(LINUX_SIGCHLD, SIGNAL_HANDLER), SIGNAL_ACTION_HANDLER);
    CHECK_EQ_U64(signal_action(LINUX_SIGTSTP, SIGNAL_HANDLER), SIGNAL_ACTION_HANDLER);
}

static void an_ignored_signal_does_nothing(void)
{
    CHECK_EQ_U64(signal_action(LINUX_SIGTERM, SIGNAL_IGNORE), SIGNAL_ACTION_NONE);
    CHECK_EQ_U64(signal_action(LINUX_SIGSEGV, SIGNAL_IGNORE), SIGNAL_ACTION_NONE);
}

static void the_default_of_most_signals_terminates(void)
{
    static const unsigned signals[] = { LINUX_SIGHUP, LINUX_SIGINT, LINUX_SIGSEGV,
                                        LINUX_SIGUSR1, LINUX_SIGPIPE, LINUX_SIGALRM,
                                        LINUX_SIGTERM, LINUX_SIGRTMIN, LINUX_NSIG };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++)
        CHECK_EQ_U64(signal_action(signals[i], SIGNAL_DEFAULT), SIGNAL_ACTION_TERMINATE);
}

static void sigchld_sigcont_sigurg_and_sigwinch_are_ignored_by_default(void)
{
    static const unsigned signals[] = { LINUX_SIGCHLD, LINUX_SIGCONT, LINUX_SIGURG,
                                        LINUX_SIGWINCH };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        CHECK(signal_ignored_by_default(signals[i]));
        CHECK_EQ_U64(signal_action(signals[i], SIGNAL_DEFAULT), SIGNAL_ACTION_NONE);
    }
    CHECK(!signal_ignored_by_default(LINUX_SIGTERM));
}

static void the_default_of_the_stop_signals_stops(void)
{
    static const unsigned signals[] = { LINUX_SIGSTOP, LINUX_SIGTSTP, LINUX_SIGTTIN,
                                        LINUX_SIGTTOU };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        CHECK(signal_stops_by_default(signals[i]));
        CHECK_EQ_U64(signal_action(signals[i], SIGNAL_DEFAULT), SIGNAL_ACTION_STOP);
    }
    CHECK(!signal_stops_by_default(LINUX_SIGCONT));
    CHECK_EQ_U64(signal_action(LINUX_SIGTSTP, SIGNAL_IGNORE), SIGNAL_ACTION_NONE);
}

static void sigkill_always_terminates(void)
{
    CHECK_EQ_U64(signal_action(LINUX_SIGKILL, SIGNAL_DEFAULT), SIGNAL_ACTION_TERMINATE);
    CHECK_EQ_U64(signal_action(LINUX_SIGKILL, SIGNAL_IGNORE), SIGNAL_ACTION_TERMINATE);
    CHECK_EQ_U64(signal_action(LINUX_SIGKILL, SIGNAL_HANDLER), SIGNAL_ACTION_TERMINATE);
}

/* ---- Which thread takes it ---- */

static void a_thread_that_does_not_block_a_signal_takes_it(void)
{
    CHECK(signal_taken_by(open_masks, LINUX_SIGUSR1));
    CHECK(signal_taken_by(blocking(BIT(LINUX_SIGUSR2)), LINUX_SIGUSR1));
}

static void a_thread_that_blocks_a_signal_does_not_take_it(void)
{
    CHECK(!signal_taken_by(blocking(BIT(LINUX_SIGUSR1)), LINUX_SIGUSR1));
    CHECK(!signal_taken_by(blocking(~0ULL), LINUX_NSIG));
}

static void a_thread_waiting_for_a_blocked_signal_in_sigtimedwait_takes_it(void)
{
    struct thread_masks waiting = { .blocked = BIT(LINUX_SIGUSR1),
                                    .accepting = BIT(LINUX_SIGUSR1) };
    CHECK(signal_taken_by(waiting, LINUX_SIGUSR1));
}

static void waiting_for_another_signal_does_not_take_a_blocked_one(void)
{
    struct thread_masks waiting = { .blocked = BIT(LINUX_SIGUSR1) | BIT(LINUX_SIGUSR2),
                                    .accepting = BIT(LINUX_SIGUSR2) };
    CHECK(!signal_taken_by(waiting, LINUX_SIGUSR1));
}

static void the_first_thread_that_takes_a_process_signal_is_chosen(void)
{
    struct thread_masks masks[] = { open_masks, open_masks, open_masks };
    CHECK_EQ_U64(signal_choose_thread(masks, 3, LINUX_SIGTERM), 0);
}

static void threads_that_block_a_process_signal_are_passed_over(void)
{
    struct thread_masks masks[] = { blocking(BIT(LINUX_SIGTERM)), blocking(~0ULL),
                                    blocking(BIT(LINUX_SIGUSR1)), open_masks };
    CHECK_EQ_U64(signal_choose_thread(masks, 4, LINUX_SIGTERM), 2);
}

static void a_thread_waiting_in_sigtimedwait_may_be_chosen(void)
{
    struct thread_masks masks[] = {
        blocking(BIT(LINUX_SIGTERM)),
        { .blocked = BIT(LINUX_SIGTERM), .accepting = BIT(LINUX_SIGTERM) },
    };
    CHECK_EQ_U64(signal_choose_thread(masks, 2, LINUX_SIGTERM), 1);
}

static void no_thread_is_chosen_when_every_one_blocks_the_signal(void)
{
    struct thread_masks masks[] = { blocking(BIT(LINUX_SIGTERM)), blocking(~0ULL) };
    CHECK_EQ_U64(signal_choose_thread(masks, 2, LINUX_SIGTERM), 2);
    CHECK_EQ_U64(signal_choose_thread(masks, 0, LINUX_SIGTERM), 0);
}

/* ---- What sending comes to ---- */

static void a_signal_no_thread_takes_stays_pending_whatever_its_action(void)
{
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTERM, SIGNAL_DEFAULT, false, open_masks, false),
                 SIGNAL_STAYS_PENDING);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_HANDLER, false, open_masks, false),
                 SIGNAL_STAYS_PENDING);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_IGNORE, false, open_masks, false),
                 SIGNAL_STAYS_PENDING);
}

static void a_caught_signal_interrupts_the_thread_that_takes_it(void)
{
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_HANDLER, true, open_masks, false),
                 SIGNAL_INTERRUPTS);
}

static void a_signal_a_thread_waits_for_in_sigtimedwait_interrupts_it_whatever_its_action(void)
{
    struct thread_masks waiting = { .blocked = BIT(LINUX_SIGTERM) | BIT(LINUX_SIGCHLD),
                                    .accepting = BIT(LINUX_SIGTERM) | BIT(LINUX_SIGCHLD) };
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTERM, SIGNAL_DEFAULT, true, waiting, false),
                 SIGNAL_INTERRUPTS);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTERM, SIGNAL_IGNORE, true, waiting, false),
                 SIGNAL_INTERRUPTS);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGCHLD, SIGNAL_DEFAULT, true, waiting, false),
                 SIGNAL_INTERRUPTS);
}

static void an_ignored_signal_a_thread_takes_is_discarded(void)
{
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_IGNORE, true, open_masks, false),
                 SIGNAL_DISCARDED);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGCHLD, SIGNAL_DEFAULT, true, open_masks, false),
                 SIGNAL_DISCARDED);
}

static void a_signal_whose_default_terminates_terminates_the_process(void)
{
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTERM, SIGNAL_DEFAULT, true, open_masks, false),
                 SIGNAL_TERMINATES);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGRTMIN, SIGNAL_DEFAULT, true, open_masks, false),
                 SIGNAL_TERMINATES);
}

static void a_stop_signal_a_thread_takes_stops_the_process(void)
{
    CHECK_EQ_U64(signal_outcome(LINUX_SIGSTOP, SIGNAL_DEFAULT, true, open_masks, false),
                 SIGNAL_STOPS);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTSTP, SIGNAL_DEFAULT, true, open_masks, false),
                 SIGNAL_STOPS);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTSTP, SIGNAL_DEFAULT, false, open_masks, false),
                 SIGNAL_STAYS_PENDING);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTTIN, SIGNAL_HANDLER, true, open_masks, false),
                 SIGNAL_INTERRUPTS);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTTOU, SIGNAL_IGNORE, true, open_masks, false),
                 SIGNAL_DISCARDED);
}

/* Until it continues, a stopped process's signals wait, whatever their
 * action; ignored ones still go. */
static void a_stopped_process_leaves_its_signals_pending(void)
{
    CHECK_EQ_U64(signal_outcome(LINUX_SIGTERM, SIGNAL_DEFAULT, true, open_masks, true),
                 SIGNAL_STAYS_PENDING);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_HANDLER, true, open_masks, true),
                 SIGNAL_STAYS_PENDING);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGSTOP, SIGNAL_DEFAULT, true, open_masks, true),
                 SIGNAL_STAYS_PENDING);
    struct thread_masks waiting = { .blocked = BIT(LINUX_SIGUSR1),
                                    .accepting = BIT(LINUX_SIGUSR1) };
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_DEFAULT, true, waiting, true),
                 SIGNAL_STAYS_PENDING);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGUSR1, SIGNAL_IGNORE, true, open_masks, true),
                 SIGNAL_DISCARDED);
    CHECK_EQ_U64(signal_outcome(LINUX_SIGCHLD, SIGNAL_DEFAULT, true, open_masks, true),
                 SIGNAL_DISCARDED);
}

static void sigcont_discards_the_stop_signals_and_a_stop_signal_sigcont(void)
{
    uint64_t stops = BIT(LINUX_SIGSTOP) | BIT(LINUX_SIGTSTP) | BIT(LINUX_SIGTTIN)
                   | BIT(LINUX_SIGTTOU);
    CHECK_EQ_U64(signal_discarded_by(LINUX_SIGCONT), stops);
    CHECK_EQ_U64(signal_discarded_by(LINUX_SIGSTOP), BIT(LINUX_SIGCONT));
    CHECK_EQ_U64(signal_discarded_by(LINUX_SIGTTOU), BIT(LINUX_SIGCONT));
    CHECK_EQ_U64(signal_discarded_by(LINUX_SIGTERM), 0);
    CHECK_EQ_U64(signal_discarded_by(LINUX_SIGKILL), 0);
}

static void only_sigstop_stops_a_process_in_an_orphaned_group(void)
{
    CHECK(signal_stop_applies(LINUX_SIGSTOP, true));
    CHECK(signal_stop_applies(LINUX_SIGSTOP, false));
    CHECK(!signal_stop_applies(LINUX_SIGTSTP, true));
    CHECK(!signal_stop_applies(LINUX_SIGTTIN, true));
    CHECK(!signal_stop_applies(LINUX_SIGTTOU, true));
    CHECK(signal_stop_applies(LINUX_SIGTSTP, false));
}

static void a_parent_hears_of_stops_unless_it_ignores_sigchld_or_asked_sa_nocldstop(void)
{
    CHECK(signal_child_stop_notifies(SIGNAL_DEFAULT, false));
    CHECK(signal_child_stop_notifies(SIGNAL_HANDLER, false));
    CHECK(!signal_child_stop_notifies(SIGNAL_HANDLER, true));
    CHECK(!signal_child_stop_notifies(SIGNAL_IGNORE, false));
}

/* ---- The next one taken ---- */

static void nothing_pending_gives_no_signal(void)
{
    bool from_thread = true;
    CHECK_EQ_U64(signal_next(0, 0, 0, &from_thread), 0);
    CHECK(!from_thread);
}

static void the_lowest_pending_signal_goes_first(void)
{
    bool from_thread;
    uint64_t pending = BIT(LINUX_SIGTERM) | BIT(LINUX_SIGUSR1) | BIT(LINUX_SIGRTMIN);
    CHECK_EQ_U64(signal_next(0, pending, 0, &from_thread), LINUX_SIGUSR1);
    CHECK(!from_thread);
}

static void blocked_signals_are_held_back(void)
{
    bool from_thread;
    uint64_t pending = BIT(LINUX_SIGTERM) | BIT(LINUX_SIGUSR1);
    CHECK_EQ_U64(signal_next(0, pending, BIT(LINUX_SIGUSR1), &from_thread), LINUX_SIGTERM);
    CHECK_EQ_U64(signal_next(pending, 0, pending, &from_thread), 0);
}

static void a_signal_pending_for_the_thread_is_taken_from_the_thread(void)
{
    bool from_thread;
    CHECK_EQ_U64(signal_next(BIT(LINUX_SIGUSR2), 0, 0, &from_thread), LINUX_SIGUSR2);
    CHECK(from_thread);
}

static void a_signal_pending_for_both_is_taken_from_the_thread_first(void)
{
    bool from_thread;
    CHECK_EQ_U64(signal_next(BIT(LINUX_SIGUSR2), BIT(LINUX_SIGUSR2), 0, &from_thread),
                 LINUX_SIGUSR2);
    CHECK(from_thread);
}

static void the_threads_own_signals_go_before_the_process_s(void)
{
    bool from_thread;
    CHECK_EQ_U64(signal_next(BIT(LINUX_SIGTERM), BIT(LINUX_SIGHUP), 0, &from_thread),
                 LINUX_SIGTERM);
    CHECK(from_thread);
}

static void a_synchronous_signal_goes_before_lower_ones(void)
{
    bool from_thread;
    uint64_t pending = BIT(LINUX_SIGHUP) | BIT(LINUX_SIGUSR1) | BIT(LINUX_SIGSEGV) |
                       BIT(LINUX_SIGBUS);
    CHECK_EQ_U64(signal_next(0, pending, 0, &from_thread), LINUX_SIGBUS);
    CHECK_EQ_U64(signal_next(0, pending & ~BIT(LINUX_SIGBUS), 0, &from_thread), LINUX_SIGSEGV);
    CHECK_EQ_U64(signal_next(0, BIT(LINUX_SIGHUP) | BIT(LINUX_SIGUSR1), 0, &from_thread),
                 LINUX_SIGHUP);
}

static void the_last_signal_number_can_be_taken(void)
{
    bool from_thread;
    CHECK_EQ_U64(signal_next(BIT(LINUX_NSIG), 0, 0, &from_thread), LINUX_NSIG);
    CHECK(from_thread);
}

/* ---- Faults ---- */

static void a_fault_with_a_handler_it_does_not_block_is_caught(void)
{
    CHECK(signal_fault_caught(LINUX_SIGSEGV, SIGNAL_HANDLER, 0));
    CHECK(signal_fault_caught(LINUX_SIGSEGV, SIGNAL_HANDLER, BIT(LINUX_SIGILL)));
}

static void a_blocked_fault_kills_even_with_a_handler(void)
{
    CHECK(!signal_fault_caught(LINUX_SIGSEGV, SIGNAL_HANDLER, BIT(LINUX_SIGSEGV)));
}

static void a_fault_without_a_handler_kills_even_if_ignored(void)
{
    CHECK(!signal_fault_caught(LINUX_SIGSEGV, SIGNAL_DEFAULT, 0));
    CHECK(!signal_fault_caught(LINUX_SIGILL, SIGNAL_IGNORE, 0));
}

int main(void)
{
    RUN_TEST(any_signal_may_be_caught_ignored_or_defaulted);
    RUN_TEST(sigaction_of_signal_zero_is_einval);
    RUN_TEST(sigaction_past_the_last_signal_is_einval);
    RUN_TEST(sigaction_with_an_unknown_disposition_is_einval);
    RUN_TEST(sigkill_and_sigstop_can_be_neither_caught_nor_ignored);
    RUN_TEST(sigkill_and_sigstop_may_be_set_to_their_default);
    RUN_TEST(a_handler_runs_for_a_caught_signal);
    RUN_TEST(an_ignored_signal_does_nothing);
    RUN_TEST(the_default_of_most_signals_terminates);
    RUN_TEST(sigchld_sigcont_sigurg_and_sigwinch_are_ignored_by_default);
    RUN_TEST(the_default_of_the_stop_signals_stops);
    RUN_TEST(sigkill_always_terminates);
    RUN_TEST(a_thread_that_does_not_block_a_signal_takes_it);
    RUN_TEST(a_thread_that_blocks_a_signal_does_not_take_it);
    RUN_TEST(a_thread_waiting_for_a_blocked_signal_in_sigtimedwait_takes_it);
    RUN_TEST(waiting_for_another_signal_does_not_take_a_blocked_one);
    RUN_TEST(the_first_thread_that_takes_a_process_signal_is_chosen);
    RUN_TEST(threads_that_block_a_process_signal_are_passed_over);
    RUN_TEST(a_thread_waiting_in_sigtimedwait_may_be_chosen);
    RUN_TEST(no_thread_is_chosen_when_every_one_blocks_the_signal);
    RUN_TEST(a_signal_no_thread_takes_stays_pending_whatever_its_action);
    RUN_TEST(a_caught_signal_interrupts_the_thread_that_takes_it);
    RUN_TEST(a_signal_a_thread_waits_for_in_sigtimedwait_interrupts_it_whatever_its_action);
    RUN_TEST(an_ignored_signal_a_thread_takes_is_discarded);
    RUN_TEST(a_signal_whose_default_terminates_terminates_the_process);
    RUN_TEST(a_stop_signal_a_thread_takes_stops_the_process);
    RUN_TEST(a_stopped_process_leaves_its_signals_pending);
    RUN_TEST(sigcont_discards_the_stop_signals_and_a_stop_signal_sigcont);
    RUN_TEST(only_sigstop_stops_a_process_in_an_orphaned_group);
    RUN_TEST(a_parent_hears_of_stops_unless_it_ignores_sigchld_or_asked_sa_nocldstop);
    RUN_TEST(nothing_pending_gives_no_signal);
    RUN_TEST(the_lowest_pending_signal_goes_first);
    RUN_TEST(blocked_signals_are_held_back);
    RUN_TEST(a_signal_pending_for_the_thread_is_taken_from_the_thread);
    RUN_TEST(a_signal_pending_for_both_is_taken_from_the_thread_first);
    RUN_TEST(the_threads_own_signals_go_before_the_process_s);
    RUN_TEST(a_synchronous_signal_goes_before_lower_ones);
    RUN_TEST(the_last_signal_number_can_be_taken);
    RUN_TEST(a_fault_with_a_handler_it_does_not_block_is_caught);
    RUN_TEST(a_blocked_fault_kills_even_with_a_handler);
    RUN_TEST(a_fault_without_a_handler_kills_even_if_ignored);
    return check_report();
}
