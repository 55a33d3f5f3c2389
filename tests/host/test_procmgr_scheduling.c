/* Threads' scheduling policies: sched_setscheduler's and sched_setparam's
 * checks as Linux makes them, the kernel priorities the policies come to,
 * and what a new thread inherits. */
#include "check.h"
#include "scheduling.h"
#include "sys/linux_abi.h"
#include "tern/objects.h"

static const struct scheduling other = {LINUX_SCHED_OTHER, 0, false};
static const struct scheduling_rights root = {true, 0, 0};
static const struct scheduling_rights user = {false, 0, 0};     /* Linux's default limits */

static void real_time_policies_take_priorities_1_to_99(void)
{
    struct scheduling changed;
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_FIFO, 1, &root, &changed), 0);
    CHECK_EQ_U64(changed.policy, LINUX_SCHED_FIFO);
    CHECK_EQ_U64(changed.priority, 1);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_RR, 99, &root, &changed), 0);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_FIFO, 0, &root, &changed), -LINUX_EINVAL);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_RR, 100, &root, &changed), -LINUX_EINVAL);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_FIFO, -1, &root, &changed), -LINUX_EINVAL);
}

static void the_other_policies_take_priority_0_only(void)
{
    struct scheduling changed;
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_BATCH, 0, &root, &changed), 0);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_IDLE, 0, &root, &changed), 0);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_OTHER, 1, &root, &changed), -LINUX_EINVAL);
}

static void unknown_policies_and_deadline_are_einval(void)
{
    struct scheduling changed;
    CHECK_EQ_U64(scheduling_change(&other, 4, 0, &root, &changed), -LINUX_EINVAL);
    CHECK_EQ_U64(scheduling_change(&other, 7, 0, &root, &changed), -LINUX_EINVAL);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_DEADLINE, 0, &root, &changed),
                 -LINUX_EINVAL);
    CHECK_EQ_U64(scheduling_change(&other, -5, 0, &root, &changed), -LINUX_EINVAL);
}

static void setparam_keeps_the_policy(void)
{
    const struct scheduling fifo = {LINUX_SCHED_FIFO, 10, true};
    struct scheduling changed;
    CHECK_EQ_U64(scheduling_change(&fifo, SCHEDULING_KEEP_POLICY, 20, &root, &changed), 0);
    CHECK_EQ_U64(changed.policy, LINUX_SCHED_FIFO);
    CHECK_EQ_U64(changed.priority, 20);
    CHECK(changed.reset_on_fork);
    CHECK_EQ_U64(scheduling_change(&fifo, SCHEDULING_KEEP_POLICY, 0, &root, &changed),
                 -LINUX_EINVAL);
    CHECK_EQ_U64(scheduling_change(&other, SCHEDULING_KEEP_POLICY, 5, &root, &changed),
                 -LINUX_EINVAL);
}

static void reset_on_fork_is_a_flag_of_the_policy(void)
{
    struct scheduling changed;
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_RR | LINUX_SCHED_RESET_ON_FORK, 5, &root,
                                   &changed), 0);
    CHECK(changed.reset_on_fork);
    CHECK_EQ_U64(scheduling_policy_word(&changed), LINUX_SCHED_RR | LINUX_SCHED_RESET_ON_FORK);
    CHECK_EQ_U64(scheduling_policy_word(&other), LINUX_SCHED_OTHER);
}

static void unprivileged_callers_get_no_real_time(void)
{
    struct scheduling changed;
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_FIFO, 1, &user, &changed), -LINUX_EPERM);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_BATCH, 0, &user, &changed), 0);
    const struct scheduling fifo = {LINUX_SCHED_FIFO, 10, false};
    CHECK_EQ_U64(scheduling_change(&fifo, LINUX_SCHED_FIFO, 5, &user, &changed), 0);   /* lower */
    CHECK_EQ_U64(scheduling_change(&fifo, LINUX_SCHED_FIFO, 11, &user, &changed), -LINUX_EPERM);
    CHECK_EQ_U64(scheduling_change(&fifo, LINUX_SCHED_RR, 5, &user, &changed), -LINUX_EPERM);
    CHECK_EQ_U64(scheduling_change(&fifo, LINUX_SCHED_OTHER, 0, &user, &changed), 0);
    const struct scheduling reset = {LINUX_SCHED_OTHER, 0, true};
    CHECK_EQ_U64(scheduling_change(&reset, LINUX_SCHED_OTHER, 0, &user, &changed), -LINUX_EPERM);
    CHECK_EQ_U64(scheduling_change(&reset, LINUX_SCHED_OTHER, 0, &root, &changed), 0);
}

/* RLIMIT_RTPRIO lets an unprivileged caller have real-time priorities up
 * to it; RLIMIT_NICE 20 lets it leave SCHED_IDLE. */
static void the_limits_let_unprivileged_callers_in(void)
{
    struct scheduling changed;
    const struct scheduling_rights limited = {false, 10, 0};
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_FIFO, 10, &limited, &changed), 0);
    CHECK_EQ_U64(scheduling_change(&other, LINUX_SCHED_RR, 11, &limited, &changed), -LINUX_EPERM);
    const struct scheduling fifo = {LINUX_SCHED_FIFO, 20, false};
    CHECK_EQ_U64(scheduling_change(&fifo, LINUX_SCHED_FIFO, 15, &limited, &changed), 0);
    CHECK_EQ_U64(scheduling_change(&fifo, LINUX_SCHED_FIFO, 21, &limited, &changed), -LINUX_EPERM);
    const struct scheduling idle = {LINUX_SCHED_IDLE, 0, false};
    CHECK_EQ_U64(scheduling_change(&idle, LINUX_SCHED_OTHER, 0, &user, &changed), -LINUX_EPERM);
    CHECK_EQ_U64(scheduling_change(&idle, LINUX_SCHED_BATCH, 0, &user, &changed), -LINUX_EPERM);
    CHECK_EQ_U64(scheduling_change(&idle, LINUX_SCHED_IDLE, 0, &user, &changed), 0);
    const struct scheduling_rights nice_zero = {false, 0, 20};
    CHECK_EQ_U64(scheduling_change(&idle, LINUX_SCHED_OTHER, 0, &nice_zero, &changed), 0);
}

static void real_time_runs_above_the_rest_and_fifo_without_slices(void)
{
    const struct scheduling fifo = {LINUX_SCHED_FIFO, 10, false};
    const struct scheduling rr = {LINUX_SCHED_RR, 99, false};
    CHECK_EQ_U64(scheduling_kernel_priority(&other), SCHEDULING_BASE_PRIORITY);
    CHECK_EQ_U64(scheduling_kernel_priority(&fifo), SCHEDULING_BASE_PRIORITY + 10);
    CHECK_EQ_U64(scheduling_kernel_priority(&rr), SCHEDULING_BASE_PRIORITY + 99);
    CHECK_EQ_U64(scheduling_kernel_flags(&fifo), TERN_PRIORITY_FIFO);
    CHECK_EQ_U64(scheduling_kernel_flags(&rr), 0);
    CHECK_EQ_U64(scheduling_kernel_flags(&other), 0);
}

static void new_threads_inherit_unless_reset_on_fork(void)
{
    const struct scheduling fifo = {LINUX_SCHED_FIFO, 10, false};
    struct scheduling inherited = scheduling_inherited(&fifo);
    CHECK_EQ_U64(inherited.policy, LINUX_SCHED_FIFO);
    CHECK_EQ_U64(inherited.priority, 10);
    const struct scheduling reset = {LINUX_SCHED_RR, 10, true};
    inherited = scheduling_inherited(&reset);
    CHECK_EQ_U64(inherited.policy, LINUX_SCHED_OTHER);
    CHECK_EQ_U64(inherited.priority, 0);
    CHECK(!inherited.reset_on_fork);
    const struct scheduling batch = {LINUX_SCHED_BATCH, 0, true};
    inherited = scheduling_inherited(&batch);
    CHECK_EQ_U64(inherited.policy, LINUX_SCHED_BATCH);
    CHECK(!inherited.reset_on_fork);
}

int main(void)
{
    RUN_TEST(real_time_policies_take_priorities_1_to_99);
    RUN_TEST(the_other_policies_take_priority_0_only);
    RUN_TEST(unknown_policies_and_deadline_are_einval);
    RUN_TEST(setparam_keeps_the_policy);
    RUN_TEST(reset_on_fork_is_a_flag_of_the_policy);
    RUN_TEST(unprivileged_callers_get_no_real_time);
    RUN_TEST(the_limits_let_unprivileged_callers_in);
    RUN_TEST(real_time_runs_above_the_rest_and_fifo_without_slices);
    RUN_TEST(new_threads_inherit_unless_reset_on_fork);
    return check_report();
}
