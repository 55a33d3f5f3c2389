/* kill(2)'s rules: the checks for one target, which processes a kill of
 * a group or of everyone reaches, the result it adds up to, and the
 * siginfo a process may send with rt_sigqueueinfo. */
#include "check.h"
#include "kill_rules.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

static const struct credentials root = { { 0, 0, 0 }, { 0, 0, 0 } };
static const struct credentials user = { { 1000, 1000, 1000 }, { 1000, 1000, 1000 } };
static const struct credentials other_user = { { 2000, 2000, 2000 }, { 2000, 2000, 2000 } };

static struct kill_target alive(struct credentials credentials)
{
    return (struct kill_target){ .exists = true, .alive = true, .runs_program = true,
                                 .credentials = credentials };
}

/* pid 1 as procmgr keeps it: alive and root's, with no program. */
static const struct kill_target init = { .exists = true, .alive = true, .runs_program = false,
                                         .credentials = { { 0, 0, 0 }, { 0, 0, 0 } } };

/* kill_check's result, and whether the signal would be sent. */
static bool sent;

static int check(uint64_t signal, const struct credentials *sender,
                 const struct kill_target *target)
{
    sent = true;        /* kill_check must say */
    return kill_check(signal, sender, target, &sent);
}

static struct process_ids process(uint64_t pid, uint64_t pgid)
{
    return (struct process_ids){ .pid = pid, .ppid = 1, .pgid = pgid, .sid = pgid };
}

/* ---- One target ---- */

static void a_signal_to_a_process_of_the_same_user_passes(void)
{
    struct kill_target target = alive(user);
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &target), 0);
}

static void signal_zero_is_only_the_checks(void)
{
    struct kill_target target = alive(user);
    CHECK_EQ_U64(check(0, &user, &target), 0);
    struct kill_target theirs = alive(other_user);
    CHECK_EQ_U64(check(0, &user, &theirs), -LINUX_EPERM);
}

static void the_last_signal_number_is_valid(void)
{
    struct kill_target target = alive(user);
    CHECK_EQ_U64(check(LINUX_NSIG, &user, &target), 0);
}

static void a_signal_number_past_the_last_is_einval(void)
{
    struct kill_target target = alive(user);
    CHECK_EQ_U64(check(LINUX_NSIG + 1, &user, &target), -LINUX_EINVAL);
    CHECK_EQ_U64(check(UINT64_MAX, &user, &target), -LINUX_EINVAL);
}

static void an_invalid_signal_is_einval_before_the_target_is_looked_at(void)
{
    struct kill_target none = { .alive = false };
    CHECK_EQ_U64(check(LINUX_NSIG + 1, &user, &none), -LINUX_EINVAL);
    struct kill_target theirs = alive(other_user);
    CHECK_EQ_U64(check(LINUX_NSIG + 1, &user, &theirs), -LINUX_EINVAL);
}

static void a_target_that_is_not_there_is_esrch(void)
{
    struct kill_target gone = { .exists = false, .credentials = user };
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &gone), -LINUX_ESRCH);
    CHECK_EQ_U64(check(0, &root, &gone), -LINUX_ESRCH);
}

/* A zombie is there until reaped: the checks pass, the signal is dropped. */
static void a_zombie_takes_the_checks_and_drops_the_signal(void)
{
    struct kill_target zombie = { .exists = true, .alive = false, .runs_program = true,
                                  .credentials = user };
    bool send = true;
    CHECK_EQ_U64(kill_check(LINUX_SIGTERM, &user, &zombie, &send), 0);
    CHECK(!send);
    struct kill_target theirs = zombie;
    theirs.credentials = other_user;
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &theirs), -LINUX_EPERM);
}

static void another_users_process_is_eperm(void)
{
    struct kill_target theirs = alive(other_user);
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &theirs), -LINUX_EPERM);
}

static void root_may_signal_another_users_process(void)
{
    struct kill_target theirs = alive(other_user);
    CHECK_EQ_U64(check(LINUX_SIGKILL, &root, &theirs), 0);
}

static void an_unprivileged_signal_to_root_is_eperm(void)
{
    struct kill_target roots = alive(root);
    CHECK_EQ_U64(check(0, &user, &roots), -LINUX_EPERM);
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &roots), -LINUX_EPERM);
}

/* Linux's check_kill_permission: a job control shell may continue any
 * process of its session. */
static void sigcont_within_the_senders_session_needs_no_permission(void)
{
    struct kill_target roots = alive(root);
    roots.in_senders_session = true;
    CHECK_EQ_U64(check(LINUX_SIGCONT, &user, &roots), 0);
    CHECK(sent);
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &roots), -LINUX_EPERM);
    CHECK_EQ_U64(check(0, &user, &roots), -LINUX_EPERM);
    roots.in_senders_session = false;
    CHECK_EQ_U64(check(LINUX_SIGCONT, &user, &roots), -LINUX_EPERM);
}

static void a_signal_that_passes_the_checks_is_sent(void)
{
    struct kill_target target = alive(user);
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &target), 0);
    CHECK(sent);
}

static void a_signal_that_fails_the_checks_is_not_sent(void)
{
    struct kill_target theirs = alive(other_user);
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &theirs), -LINUX_EPERM);
    CHECK(!sent);
    struct kill_target gone = { .alive = false };
    CHECK_EQ_U64(check(LINUX_SIGTERM, &root, &gone), -LINUX_ESRCH);
    CHECK(!sent);
    CHECK_EQ_U64(check(LINUX_NSIG + 1, &root, &theirs), -LINUX_EINVAL);
    CHECK(!sent);
}

/* ---- pid 1 ---- */

static void root_may_probe_init_with_signal_zero(void)
{
    CHECK_EQ_U64(check(0, &root, &init), 0);
}

static void a_signal_from_root_to_init_succeeds_and_is_dropped(void)
{
    CHECK_EQ_U64(check(LINUX_SIGTERM, &root, &init), 0);
    CHECK(!sent);
    CHECK_EQ_U64(check(LINUX_SIGKILL, &root, &init), 0);
    CHECK(!sent);
}

static void an_unprivileged_probe_of_init_is_eperm_not_esrch(void)
{
    CHECK_EQ_U64(check(0, &user, &init), -LINUX_EPERM);
}

static void an_unprivileged_signal_to_init_is_eperm(void)
{
    CHECK_EQ_U64(check(LINUX_SIGTERM, &user, &init), -LINUX_EPERM);
    CHECK_EQ_U64(check(LINUX_SIGKILL, &user, &init), -LINUX_EPERM);
    CHECK(!sent);
}

static void an_invalid_signal_to_init_is_einval(void)
{
    CHECK_EQ_U64(check(LINUX_NSIG + 1, &root, &init), -LINUX_EINVAL);
}

/* ---- Which processes a kill reaches ---- */

static void kill_zero_reaches_the_senders_process_group(void)
{
    struct process_ids sender = process(10, 10), member = process(11, 10);
    struct process_ids outsider = process(12, 12);
    CHECK(kill_reaches(0, &sender, &member));
    CHECK(!kill_reaches(0, &sender, &outsider));
}

static void kill_zero_reaches_the_sender_itself(void)
{
    struct process_ids sender = process(10, 10);
    CHECK(kill_reaches(0, &sender, &sender));
}

static void kill_below_minus_one_reaches_that_process_group(void)
{
    struct process_ids sender = process(10, 10), member = process(21, 20);
    struct process_ids leader = process(20, 20), outsider = process(11, 10);
    CHECK(kill_reaches(-20, &sender, &member));
    CHECK(kill_reaches(-20, &sender, &leader));
    CHECK(!kill_reaches(-20, &sender, &outsider));
    CHECK(!kill_reaches(-20, &sender, &sender));
}

static void kill_below_minus_one_reaches_the_sender_in_that_group(void)
{
    struct process_ids sender = process(21, 20);
    CHECK(kill_reaches(-20, &sender, &sender));
}

static void kill_minus_one_reaches_every_other_process(void)
{
    struct process_ids sender = process(10, 10), other = process(30, 30);
    struct process_ids same_group = process(11, 10);
    CHECK(kill_reaches(-1, &sender, &other));
    CHECK(kill_reaches(-1, &sender, &same_group));
}

static void kill_minus_one_never_reaches_the_sender(void)
{
    struct process_ids sender = process(10, 10);
    CHECK(!kill_reaches(-1, &sender, &sender));
}

static void kill_minus_one_never_reaches_init(void)
{
    struct process_ids sender = process(10, 10), init = process(1, 1);
    CHECK(!kill_reaches(-1, &sender, &init));
}

/* ---- The result of a kill that reaches many ---- */

static void a_group_kill_that_reaches_nobody_is_esrch(void)
{
    struct kill_tally tally = kill_tally_start(-20);
    CHECK_EQ_U64(kill_tally_result(&tally), -LINUX_ESRCH);
    tally = kill_tally_start(0);
    CHECK_EQ_U64(kill_tally_result(&tally), -LINUX_ESRCH);
}

static void a_group_kill_that_one_target_took_succeeds(void)
{
    struct kill_tally tally = kill_tally_start(-20);
    kill_tally_add(&tally, -LINUX_EPERM);
    kill_tally_add(&tally, 0);
    kill_tally_add(&tally, -LINUX_EPERM);
    CHECK_EQ_U64(kill_tally_result(&tally), 0);
    CHECK_EQ_U64(tally.targets, 3);
}

static void a_group_kill_that_no_target_took_gives_the_last_error(void)
{
    struct kill_tally tally = kill_tally_start(0);
    kill_tally_add(&tally, -LINUX_EAGAIN);
    kill_tally_add(&tally, -LINUX_EPERM);
    CHECK_EQ_U64(kill_tally_result(&tally), -LINUX_EPERM);
}

/* Linux: ESRCH only when there is no other process at all but init. */
static void a_kill_of_everyone_that_reaches_nobody_is_esrch(void)
{
    struct kill_tally tally = kill_tally_start(-1);
    CHECK_EQ_U64(kill_tally_result(&tally), -LINUX_ESRCH);
}

static void a_kill_of_everyone_refused_by_every_target_succeeds(void)
{
    struct kill_tally tally = kill_tally_start(-1);
    kill_tally_add(&tally, -LINUX_EPERM);
    kill_tally_add(&tally, -LINUX_EPERM);
    CHECK_EQ_U64(kill_tally_result(&tally), 0);
}

static void a_kill_of_everyone_that_one_target_took_succeeds(void)
{
    struct kill_tally tally = kill_tally_start(-1);
    kill_tally_add(&tally, 0);
    kill_tally_add(&tally, -LINUX_EPERM);
    CHECK_EQ_U64(kill_tally_result(&tally), 0);
}

static void a_kill_of_everyone_gives_the_last_status_other_than_eperm(void)
{
    struct kill_tally tally = kill_tally_start(-1);
    kill_tally_add(&tally, 0);
    kill_tally_add(&tally, -LINUX_EAGAIN);
    kill_tally_add(&tally, -LINUX_EPERM);
    CHECK_EQ_U64(kill_tally_result(&tally), -LINUX_EAGAIN);
    kill_tally_add(&tally, 0);
    CHECK_EQ_U64(kill_tally_result(&tally), 0);
}

/* ---- What the sender hears ---- */

static void kill_counts_as_sent_when_a_real_time_instance_could_not_queue(void)
{
    CHECK_EQ_U64(kill_sent_status(LINUX_SI_USER, -LINUX_EAGAIN), 0);
    CHECK_EQ_U64(kill_sent_status(LINUX_SI_USER, 0), 0);
}

static void sigqueue_and_tgkill_hear_eagain_when_an_instance_could_not_queue(void)
{
    CHECK_EQ_U64(kill_sent_status(LINUX_SI_TKILL, -LINUX_EAGAIN), -LINUX_EAGAIN);
    CHECK_EQ_U64(kill_sent_status(-1 /* SI_QUEUE */, -LINUX_EAGAIN), -LINUX_EAGAIN);
    CHECK_EQ_U64(kill_sent_status(LINUX_SI_KERNEL, -LINUX_EAGAIN), -LINUX_EAGAIN);
    CHECK_EQ_U64(kill_sent_status(-1, 0), 0);
}

/* ---- tgkill's flags ---- */

static void tgkill_without_flags_is_si_tkill_to_any_process(void)
{
    int32_t code = 0;
    CHECK_EQ_U64(kill_tgkill_code(0, false, &code), 0);
    CHECK_EQ_U64(code, LINUX_SI_TKILL);
    CHECK_EQ_U64(kill_tgkill_code(0, true, &code), 0);
    CHECK_EQ_U64(code, LINUX_SI_TKILL);
}

static void tgkill_from_the_kernel_is_si_kernel(void)
{
    int32_t code = 0;
    CHECK_EQ_U64(kill_tgkill_code(PROC_TGKILL_FROM_KERNEL, true, &code), 0);
    CHECK_EQ_U64(code, LINUX_SI_KERNEL);
}

static void tgkill_as_kill_is_si_user(void)
{
    int32_t code = 0;
    CHECK_EQ_U64(kill_tgkill_code(PROC_TGKILL_AS_KILL, true, &code), 0);
    CHECK_EQ_U64(code, LINUX_SI_USER);
}

static void tgkill_flags_to_another_process_are_eperm(void)
{
    int32_t code = 0;
    CHECK_EQ_U64(kill_tgkill_code(PROC_TGKILL_FROM_KERNEL, false, &code), -LINUX_EPERM);
    CHECK_EQ_U64(kill_tgkill_code(PROC_TGKILL_AS_KILL, false, &code), -LINUX_EPERM);
}

/* ---- rt_sigqueueinfo's siginfo ---- */

static void sigqueue_with_a_negative_code_may_go_to_another_process(void)
{
    CHECK_EQ_U64(kill_check_sigqueue_code(-1 /* SI_QUEUE */, false), 0);
    CHECK_EQ_U64(kill_check_sigqueue_code(-60, false), 0);
}

static void sigqueue_posing_as_the_kernel_to_another_process_is_eperm(void)
{
    CHECK_EQ_U64(kill_check_sigqueue_code(LINUX_SI_USER, false), -LINUX_EPERM);
    CHECK_EQ_U64(kill_check_sigqueue_code(LINUX_SI_KERNEL, false), -LINUX_EPERM);
    CHECK_EQ_U64(kill_check_sigqueue_code(1, false), -LINUX_EPERM);
}

static void sigqueue_posing_as_tgkill_to_another_process_is_eperm(void)
{
    CHECK_EQ_U64(kill_check_sigqueue_code(LINUX_SI_TKILL, false), -LINUX_EPERM);
}

static void sigqueue_to_its_own_process_may_carry_any_code(void)
{
    CHECK_EQ_U64(kill_check_sigqueue_code(LINUX_SI_USER, true), 0);
    CHECK_EQ_U64(kill_check_sigqueue_code(LINUX_SI_KERNEL, true), 0);
    CHECK_EQ_U64(kill_check_sigqueue_code(LINUX_SI_TKILL, true), 0);
    CHECK_EQ_U64(kill_check_sigqueue_code(-1, true), 0);
}

int main(void)
{
    RUN_TEST(a_signal_to_a_process_of_the_same_user_passes);
    RUN_TEST(signal_zero_is_only_the_checks);
    RUN_TEST(the_last_signal_number_is_valid);
    RUN_TEST(a_signal_number_past_the_last_is_einval);
    RUN_TEST(an_invalid_signal_is_einval_before_the_target_is_looked_at);
    RUN_TEST(a_target_that_is_not_there_is_esrch);
    RUN_TEST(a_zombie_takes_the_checks_and_drops_the_signal);
    RUN_TEST(another_users_process_is_eperm);
    RUN_TEST(root_may_signal_another_users_process);
    RUN_TEST(an_unprivileged_signal_to_root_is_eperm);
    RUN_TEST(sigcont_within_the_senders_session_needs_no_permission);
    RUN_TEST(a_signal_that_passes_the_checks_is_sent);
    RUN_TEST(a_signal_that_fails_the_checks_is_not_sent);
    RUN_TEST(root_may_probe_init_with_signal_zero);
    RUN_TEST(a_signal_from_root_to_init_succeeds_and_is_dropped);
    RUN_TEST(an_unprivileged_probe_of_init_is_eperm_not_esrch);
    RUN_TEST(an_unprivileged_signal_to_init_is_eperm);
    RUN_TEST(an_invalid_signal_to_init_is_einval);
    RUN_TEST(kill_zero_reaches_the_senders_process_group);
    RUN_TEST(kill_zero_reaches_the_sender_itself);
    RUN_TEST(kill_below_minus_one_reaches_that_process_group);
    RUN_TEST(kill_below_minus_one_reaches_the_sender_in_that_group);
    RUN_TEST(kill_minus_one_reaches_every_other_process);
    RUN_TEST(kill_minus_one_never_reaches_the_sender);
    RUN_TEST(kill_minus_one_never_reaches_init);
    RUN_TEST(a_group_kill_that_reaches_nobody_is_esrch);
    RUN_TEST(a_group_kill_that_one_target_took_succeeds);
    RUN_TEST(a_group_kill_that_no_target_took_gives_the_last_error);
    RUN_TEST(a_kill_of_everyone_that_reaches_nobody_is_esrch);
    RUN_TEST(a_kill_of_everyone_refused_by_every_target_succeeds);
    RUN_TEST(a_kill_of_everyone_that_one_target_took_succeeds);
    RUN_TEST(a_kill_of_everyone_gives_the_last_status_other_than_eperm);
    RUN_TEST(kill_counts_as_sent_when_a_real_time_instance_could_not_queue);
    RUN_TEST(sigqueue_and_tgkill_hear_eagain_when_an_instance_could_not_queue);
    RUN_TEST(tgkill_without_flags_is_si_tkill_to_any_process);
    RUN_TEST(tgkill_from_the_kernel_is_si_kernel);
    RUN_TEST(tgkill_as_kill_is_si_user);
    RUN_TEST(tgkill_flags_to_another_process_are_eperm);
    RUN_TEST(sigqueue_with_a_negative_code_may_go_to_another_process);
    RUN_TEST(sigqueue_posing_as_the_kernel_to_another_process_is_eperm);
    RUN_TEST(sigqueue_posing_as_tgkill_to_another_process_is_eperm);
    RUN_TEST(sigqueue_to_its_own_process_may_carry_any_code);
    return check_report();
}
