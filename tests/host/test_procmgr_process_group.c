/* Process groups and sessions: setpgid, getpgid, setsid and getsid as
 * Linux rules them, and which members keep a group from being orphaned. */
#include "check.h"
#include "process_group.h"
#include "sys/linux_abi.h"

/* The caller: pid 10 leads session 10 and group 10. Its children 11
 * and 12 are in its group and session; 20 leads session 20, a child of
 * it too; 30 is someone else's, in session 10. */
static const struct process_ids caller = { .pid = 10, .ppid = 1, .pgid = 10, .sid = 10 };
static const struct process_ids child = { .pid = 11, .ppid = 10, .pgid = 10, .sid = 10 };
static const struct process_ids child_leading_a_group = { .pid = 12, .ppid = 10, .pgid = 12,
                                                          .sid = 10 };
static const struct process_ids child_leading_a_session = { .pid = 20, .ppid = 10, .pgid = 20,
                                                            .sid = 20 };
static const struct process_ids child_in_another_session = { .pid = 21, .ppid = 10,
                                                             .pgid = 20, .sid = 20 };
static const struct process_ids stranger = { .pid = 30, .ppid = 5, .pgid = 10, .sid = 10 };

/* The groups that exist: 10 and 12 in session 10, 20 in session 20. */
struct group_lookup { unsigned calls; uint64_t last_sid; };

static bool group_in_session(void *context, uint64_t pgid, uint64_t sid)
{
    struct group_lookup *lookup = context;
    lookup->calls++;
    lookup->last_sid = sid;
    return ((pgid == 10 || pgid == 12) && sid == 10) || (pgid == 20 && sid == 20);
}

static int64_t setpgid(const struct process_ids *caller_ids, int64_t pid,
                       const struct process_ids *target, int64_t pgid)
{
    struct group_lookup lookup = { 0 };
    return process_group_setpgid(caller_ids, pid, target, pgid, group_in_session, &lookup);
}

/* ---- getpgid, getsid ---- */

static void getpgid_gives_the_targets_process_group(void)
{
    CHECK_EQ_U64(process_group_getpgid(12, &child_leading_a_group), 12);
    CHECK_EQ_U64(process_group_getpgid(11, &child), 10);
}

static void getsid_gives_the_targets_session(void)
{
    CHECK_EQ_U64(process_group_getsid(21, &child_in_another_session), 20);
    CHECK_EQ_U64(process_group_getsid(0, &caller), 10);
}

static void getpgid_and_getsid_of_a_negative_pid_are_einval(void)
{
    CHECK_EQ_U64(process_group_getpgid(-1, NULL), -LINUX_EINVAL);
    CHECK_EQ_U64(process_group_getsid(-5, NULL), -LINUX_EINVAL);
}

static void getpgid_and_getsid_without_a_live_process_are_esrch(void)
{
    CHECK_EQ_U64(process_group_getpgid(999, NULL), -LINUX_ESRCH);
    CHECK_EQ_U64(process_group_getsid(999, NULL), -LINUX_ESRCH);
}

/* ---- setsid ---- */

static void setsid_makes_the_caller_lead_a_session_of_its_own(void)
{
    CHECK_EQ_U64(process_group_setsid(&child), 11);
}

static void setsid_of_a_process_group_leader_is_eperm(void)
{
    CHECK_EQ_U64(process_group_setsid(&caller), -LINUX_EPERM);
    CHECK_EQ_U64(process_group_setsid(&child_leading_a_group), -LINUX_EPERM);
}

/* ---- setpgid ---- */

static void setpgid_zero_zero_makes_the_caller_lead_a_group(void)
{
    CHECK_EQ_U64(setpgid(&child, 0, &child, 0), 11);
}

static void setpgid_of_a_child_to_its_own_pid_makes_it_lead_a_group(void)
{
    CHECK_EQ_U64(setpgid(&caller, 11, &child, 11), 11);
    CHECK_EQ_U64(setpgid(&caller, 11, &child, 0), 11);
}

static void a_new_group_of_the_targets_own_needs_no_lookup(void)
{
    struct group_lookup lookup = { 0 };
    CHECK_EQ_U64(process_group_setpgid(&caller, 11, &child, 11, group_in_session, &lookup), 11);
    CHECK_EQ_U64(lookup.calls, 0);
}

static void setpgid_moves_a_child_into_a_group_of_the_session(void)
{
    CHECK_EQ_U64(setpgid(&caller, 11, &child, 12), 12);
    CHECK_EQ_U64(setpgid(&caller, 12, &child_leading_a_group, 10), 10);
}

static void the_group_is_looked_for_in_the_callers_session(void)
{
    struct group_lookup lookup = { 0 };
    process_group_setpgid(&caller, 11, &child, 12, group_in_session, &lookup);
    CHECK_EQ_U64(lookup.calls, 1);
    CHECK_EQ_U64(lookup.last_sid, 10);
}

static void setpgid_into_a_group_that_does_not_exist_is_eperm(void)
{
    CHECK_EQ_U64(setpgid(&caller, 11, &child, 99), -LINUX_EPERM);
}

static void setpgid_into_a_group_of_another_session_is_eperm(void)
{
    CHECK_EQ_U64(setpgid(&caller, 11, &child, 20), -LINUX_EPERM);
}

static void setpgid_of_a_process_neither_the_caller_nor_its_child_is_esrch(void)
{
    CHECK_EQ_U64(setpgid(&caller, 30, &stranger, 10), -LINUX_ESRCH);
}

static void setpgid_of_a_child_in_another_session_is_eperm(void)
{
    CHECK_EQ_U64(setpgid(&caller, 21, &child_in_another_session, 0), -LINUX_EPERM);
}

static void setpgid_of_a_session_leader_is_eperm(void)
{
    CHECK_EQ_U64(setpgid(&caller, 20, &child_leading_a_session, 0), -LINUX_EPERM);
    CHECK_EQ_U64(setpgid(&caller, 0, &caller, 0), -LINUX_EPERM);
}

static void setpgid_with_a_negative_group_is_einval(void)
{
    CHECK_EQ_U64(setpgid(&caller, 11, &child, -1), -LINUX_EINVAL);
}

static void setpgid_with_a_negative_pid_is_einval(void)
{
    CHECK_EQ_U64(setpgid(&caller, -11, NULL, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(setpgid(&caller, -11, NULL, -1), -LINUX_EINVAL);
}

static void setpgid_without_a_live_process_is_esrch_before_the_group_is_checked(void)
{
    CHECK_EQ_U64(setpgid(&caller, 999, NULL, 0), -LINUX_ESRCH);
    CHECK_EQ_U64(setpgid(&caller, 999, NULL, -1), -LINUX_ESRCH);
}

/* ---- Orphaned process groups ---- */

static void a_parent_in_another_group_of_the_session_anchors_its_childs_group(void)
{
    struct process_ids parent = { .pid = 10, .ppid = 5, .pgid = 10, .sid = 10 };
    struct process_ids member = { .pid = 11, .ppid = 10, .pgid = 11, .sid = 10 };
    CHECK(process_group_member_anchors(&member, false, &parent));
}

static void a_parent_in_the_same_group_does_not_anchor_it(void)
{
    struct process_ids parent = { .pid = 10, .ppid = 5, .pgid = 10, .sid = 10 };
    struct process_ids member = { .pid = 11, .ppid = 10, .pgid = 10, .sid = 10 };
    CHECK(!process_group_member_anchors(&member, false, &parent));
}

static void a_parent_in_another_session_does_not_anchor_it(void)
{
    struct process_ids parent = { .pid = 10, .ppid = 5, .pgid = 10, .sid = 10 };
    struct process_ids member = { .pid = 11, .ppid = 10, .pgid = 11, .sid = 11 };
    CHECK(!process_group_member_anchors(&member, false, &parent));
}

static void neither_a_zombie_nor_a_child_of_init_anchors_it(void)
{
    struct process_ids parent = { .pid = 10, .ppid = 5, .pgid = 10, .sid = 10 };
    struct process_ids member = { .pid = 11, .ppid = 10, .pgid = 11, .sid = 10 };
    CHECK(!process_group_member_anchors(&member, true, &parent));
    struct process_ids init = { .pid = 1, .ppid = 0, .pgid = 1, .sid = 1 };
    struct process_ids orphan = { .pid = 12, .ppid = 1, .pgid = 12, .sid = 1 };
    CHECK(!process_group_member_anchors(&orphan, false, &init));
}

int main(void)
{
    RUN_TEST(getpgid_gives_the_targets_process_group);
    RUN_TEST(getsid_gives_the_targets_session);
    RUN_TEST(getpgid_and_getsid_of_a_negative_pid_are_einval);
    RUN_TEST(getpgid_and_getsid_without_a_live_process_are_esrch);
    RUN_TEST(setsid_makes_the_caller_lead_a_session_of_its_own);
    RUN_TEST(setsid_of_a_process_group_leader_is_eperm);
    RUN_TEST(setpgid_zero_zero_makes_the_caller_lead_a_group);
    RUN_TEST(setpgid_of_a_child_to_its_own_pid_makes_it_lead_a_group);
    RUN_TEST(a_new_group_of_the_targets_own_needs_no_lookup);
    RUN_TEST(setpgid_moves_a_child_into_a_group_of_the_session);
    RUN_TEST(the_group_is_looked_for_in_the_callers_session);
    RUN_TEST(setpgid_into_a_group_that_does_not_exist_is_eperm);
    RUN_TEST(setpgid_into_a_group_of_another_session_is_eperm);
    RUN_TEST(setpgid_of_a_process_neither_the_caller_nor_its_child_is_esrch);
    RUN_TEST(setpgid_of_a_child_in_another_session_is_eperm);
    RUN_TEST(setpgid_of_a_session_leader_is_eperm);
    RUN_TEST(setpgid_with_a_negative_group_is_einval);
    RUN_TEST(setpgid_with_a_negative_pid_is_einval);
    RUN_TEST(setpgid_without_a_live_process_is_esrch_before_the_group_is_checked);
    RUN_TEST(a_parent_in_another_group_of_the_session_anchors_its_childs_group);
    RUN_TEST(a_parent_in_the_same_group_does_not_anchor_it);
    RUN_TEST(a_parent_in_another_session_does_not_anchor_it);
    RUN_TEST(neither_a_zombie_nor_a_child_of_init_anchors_it);
    return check_report();
}
