/* procmgr's credentials: who may signal whom, who may move whose threads
 * between cores, and the setuid family's rules, as on Linux with root
 * for every capability. */
#include "check.h"
#include "credentials.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

static const struct credentials root = { { 0, 0, 0 }, { 0, 0, 0 } };

/* A user's ids, in group 100. */
static struct credentials user(uint64_t real, uint64_t effective, uint64_t saved)
{
    return (struct credentials){ { real, effective, saved }, { 100, 100, 100 } };
}

static void check_user_ids(const struct credentials *credentials, uint64_t real,
                           uint64_t effective, uint64_t saved)
{
    CHECK_EQ_U64(credentials->user.real, real);
    CHECK_EQ_U64(credentials->user.effective, effective);
    CHECK_EQ_U64(credentials->user.saved, saved);
}

static void check_group_ids(const struct credentials *credentials, uint64_t real,
                            uint64_t effective, uint64_t saved)
{
    CHECK_EQ_U64(credentials->group.real, real);
    CHECK_EQ_U64(credentials->group.effective, effective);
    CHECK_EQ_U64(credentials->group.saved, saved);
}

/* ---- Signals ---- */

static void root_may_signal_any_process(void)
{
    struct credentials target = user(1000, 1001, 1002);
    CHECK(credentials_may_signal(&root, &target));
    CHECK(credentials_may_signal(&root, &root));
}

static void an_effective_uid_of_zero_is_root_whatever_the_real_one(void)
{
    struct credentials sender = user(1000, 0, 1000), target = user(2000, 2000, 2000);
    CHECK(credentials_may_signal(&sender, &target));
}

static void a_real_uid_of_zero_alone_is_not_root(void)
{
    struct credentials sender = user(0, 1000, 0), target = user(2000, 2000, 2000);
    CHECK(!credentials_may_signal(&sender, &target));
}

static void sender_real_uid_matching_target_real_uid_may_signal(void)
{
    struct credentials sender = user(1000, 3000, 3000), target = user(1000, 2000, 2000);
    CHECK(credentials_may_signal(&sender, &target));
}

static void sender_effective_uid_matching_target_real_uid_may_signal(void)
{
    struct credentials sender = user(3000, 1000, 3000), target = user(1000, 2000, 2000);
    CHECK(credentials_may_signal(&sender, &target));
}

static void sender_real_uid_matching_target_saved_uid_may_signal(void)
{
    struct credentials sender = user(1000, 3000, 3000), target = user(2000, 2000, 1000);
    CHECK(credentials_may_signal(&sender, &target));
}

static void sender_effective_uid_matching_target_saved_uid_may_signal(void)
{
    struct credentials sender = user(3000, 1000, 3000), target = user(2000, 2000, 1000);
    CHECK(credentials_may_signal(&sender, &target));
}

static void target_effective_uid_does_not_let_a_sender_signal(void)
{
    struct credentials sender = user(1000, 1000, 1000), target = user(2000, 1000, 2000);
    CHECK(!credentials_may_signal(&sender, &target));
}

static void sender_saved_uid_does_not_let_it_signal(void)
{
    struct credentials sender = user(1000, 1000, 2000), target = user(2000, 2000, 2000);
    CHECK(!credentials_may_signal(&sender, &target));
}

/* pid 1 belongs to root: kill(1, 0) from anyone else is EPERM. */
static void an_unprivileged_user_may_not_signal_a_process_of_root(void)
{
    struct credentials sender = user(1000, 1000, 1000);
    CHECK(!credentials_may_signal(&sender, &root));
}

static void group_ids_do_not_count_for_signals(void)
{
    struct credentials sender = user(1000, 1000, 1000);
    struct credentials target = { { 2000, 2000, 2000 }, { 100, 100, 100 } };
    sender.group = (struct id_triple){ 0, 0, 0 };
    CHECK(!credentials_may_signal(&sender, &target));
}

/* ---- Affinity ---- */

static void root_may_set_the_affinity_of_any_thread(void)
{
    struct credentials target = user(1000, 1000, 1000);
    CHECK(credentials_same_owner(&root, &target));
}

static void effective_uid_matching_target_real_uid_may_set_affinity(void)
{
    struct credentials caller = user(3000, 1000, 3000), target = user(1000, 2000, 2000);
    CHECK(credentials_same_owner(&caller, &target));
}

static void effective_uid_matching_target_effective_uid_may_set_affinity(void)
{
    struct credentials caller = user(3000, 1000, 3000), target = user(2000, 1000, 2000);
    CHECK(credentials_same_owner(&caller, &target));
}

static void real_uid_does_not_let_a_caller_set_affinity(void)
{
    struct credentials caller = user(1000, 3000, 3000), target = user(1000, 1000, 1000);
    CHECK(!credentials_same_owner(&caller, &target));
}

static void target_saved_uid_does_not_let_a_caller_set_affinity(void)
{
    struct credentials caller = user(1000, 1000, 1000), target = user(2000, 2000, 1000);
    CHECK(!credentials_same_owner(&caller, &target));
}

static void an_unprivileged_user_may_not_set_the_affinity_of_root(void)
{
    struct credentials caller = user(1000, 1000, 1000);
    CHECK(!credentials_same_owner(&caller, &root));
}

static void a_process_may_set_the_affinity_of_its_own_threads(void)
{
    struct credentials caller = user(1000, 2000, 3000);
    CHECK(credentials_same_owner(&caller, &caller));
}

/* ---- setuid, setgid ---- */

static void setuid_as_root_sets_all_three_ids(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 1000, -1, -1), 0);
    check_user_ids(&credentials, 1000, 1000, 1000);
    check_group_ids(&credentials, 0, 0, 0);
}

static void setuid_unprivileged_sets_only_the_effective_id(void)
{
    struct credentials credentials = user(1001, 1002, 1003);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 1003, -1, -1), 0);
    check_user_ids(&credentials, 1001, 1003, 1003);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 1001, -1, -1), 0);
    check_user_ids(&credentials, 1001, 1001, 1003);
}

static void setuid_unprivileged_to_an_id_not_held_is_eperm(void)
{
    struct credentials credentials = user(1001, 1002, 1003);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 0, -1, -1), -LINUX_EPERM);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 1004, -1, -1), -LINUX_EPERM);
    check_user_ids(&credentials, 1001, 1002, 1003);
}

static void setuid_to_its_own_id_is_allowed(void)
{
    struct credentials credentials = user(1000, 1000, 1000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 1000, -1, -1), 0);
    check_user_ids(&credentials, 1000, 1000, 1000);
}

static void setuid_of_minus_one_is_einval(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, -1, -1, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETGID, -1, -1, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, -5, -1, -1), -LINUX_EINVAL);
    check_user_ids(&credentials, 0, 0, 0);
    check_group_ids(&credentials, 0, 0, 0);
}

static void setgid_as_root_sets_all_three_group_ids_and_no_user_id(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETGID, 1000, -1, -1), 0);
    check_group_ids(&credentials, 1000, 1000, 1000);
    check_user_ids(&credentials, 0, 0, 0);
}

/* Root for the group calls is still the effective user id. */
static void setgid_privilege_comes_from_the_effective_user_id(void)
{
    struct credentials credentials = user(1000, 0, 1000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETGID, 5, -1, -1), 0);
    check_group_ids(&credentials, 5, 5, 5);
    credentials = user(0, 1000, 0);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETGID, 5, -1, -1), -LINUX_EPERM);
    check_group_ids(&credentials, 100, 100, 100);
}

static void setgid_unprivileged_sets_only_the_effective_group_to_one_held(void)
{
    struct credentials credentials = user(1000, 1000, 1000);
    credentials.group = (struct id_triple){ 200, 300, 400 };
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETGID, 400, -1, -1), 0);
    check_group_ids(&credentials, 200, 400, 400);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETGID, 0, -1, -1), -LINUX_EPERM);
    check_group_ids(&credentials, 200, 400, 400);
}

/* ---- setreuid, setregid ---- */

static void setreuid_as_root_sets_real_and_effective_and_saves_the_effective(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, 1000, 2000, -1), 0);
    check_user_ids(&credentials, 1000, 2000, 2000);
}

static void setreuid_real_may_become_the_effective_id(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, 2000, -1, -1), 0);
    /* Setting the real id saves the effective one. */
    check_user_ids(&credentials, 2000, 2000, 2000);
}

static void setreuid_real_may_not_become_the_saved_id_unprivileged(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, 3000, -1, -1), -LINUX_EPERM);
    check_user_ids(&credentials, 1000, 2000, 3000);
}

static void setreuid_effective_may_become_the_saved_id_and_is_saved(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, -1, 3000, -1), 0);
    check_user_ids(&credentials, 1000, 3000, 3000);
}

static void setreuid_effective_back_to_the_real_id_keeps_the_saved_id(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, -1, 1000, -1), 0);
    check_user_ids(&credentials, 1000, 1000, 3000);
}

static void setreuid_swaps_real_and_effective(void)
{
    struct credentials credentials = user(1000, 2000, 2000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, 2000, 1000, -1), 0);
    check_user_ids(&credentials, 2000, 1000, 1000);
}

static void setreuid_effective_to_an_id_not_held_is_eperm(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, -1, 4000, -1), -LINUX_EPERM);
    check_user_ids(&credentials, 1000, 2000, 3000);
}

static void setreuid_of_minus_one_twice_changes_nothing(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREUID, -1, -1, -1), 0);
    check_user_ids(&credentials, 1000, 2000, 3000);
}

static void setregid_follows_the_same_rules_for_group_ids(void)
{
    struct credentials credentials = user(1000, 1000, 1000);
    credentials.group = (struct id_triple){ 200, 300, 400 };
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREGID, 400, -1, -1), -LINUX_EPERM);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETREGID, 300, 200, -1), 0);
    check_group_ids(&credentials, 300, 200, 200);
    check_user_ids(&credentials, 1000, 1000, 1000);
}

/* ---- setresuid, setresgid ---- */

static void setresuid_as_root_sets_any_three_ids(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, 1001, 1002, 1003), 0);
    check_user_ids(&credentials, 1001, 1002, 1003);
}

static void setresuid_minus_one_keeps_that_id(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, -1, 1000, -1), 0);
    check_user_ids(&credentials, 1000, 1000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, -1, -1, -1), 0);
    check_user_ids(&credentials, 1000, 1000, 3000);
}

static void setresuid_unprivileged_may_rearrange_the_ids_it_holds(void)
{
    struct credentials credentials = user(1000, 1000, 0);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, 0, 1000, 1000), 0);
    check_user_ids(&credentials, 0, 1000, 1000);
}

/* All or nothing: one id it may not take and none changes. */
static void setresuid_with_one_id_not_held_is_eperm_and_changes_nothing(void)
{
    struct credentials credentials = user(1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, 2000, 4000, -1),
                 -LINUX_EPERM);
    check_user_ids(&credentials, 1000, 2000, 3000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, -1, -1, 0), -LINUX_EPERM);
    check_user_ids(&credentials, 1000, 2000, 3000);
}

/* Dropping root by the effective id alone: the saved 0 brings it back. */
static void root_kept_in_the_saved_id_can_be_taken_back(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESUID, 1000, 1000, 0), 0);
    CHECK(!credentials_privileged(&credentials));
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETUID, 0, -1, -1), 0);
    check_user_ids(&credentials, 1000, 0, 0);
    CHECK(credentials_privileged(&credentials));
}

static void setresgid_sets_group_ids_and_no_user_id(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESGID, 1, 2, 3), 0);
    check_group_ids(&credentials, 1, 2, 3);
    check_user_ids(&credentials, 0, 0, 0);
}

static void setresgid_unprivileged_to_a_group_not_held_is_eperm(void)
{
    struct credentials credentials = user(1000, 1000, 1000);
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESGID, -1, 0, -1), -LINUX_EPERM);
    check_group_ids(&credentials, 100, 100, 100);
}

static void an_unknown_set_ids_operation_is_einval(void)
{
    struct credentials credentials = root;
    CHECK_EQ_U64(credentials_set_ids(&credentials, PROC_SETRESGID + 1, 1, 2, 3), -LINUX_EINVAL);
    CHECK_EQ_U64(credentials_set_ids(&credentials, UINT64_MAX, 1, 2, 3), -LINUX_EINVAL);
    check_user_ids(&credentials, 0, 0, 0);
    check_group_ids(&credentials, 0, 0, 0);
}

static void descriptors_are_taken_from_the_same_user_or_by_root(void)
{
    struct credentials caller = user(1000, 1000, 1000), same = user(1000, 1000, 1000);
    CHECK(credentials_may_take_descriptors(&caller, &same));
    CHECK(credentials_may_take_descriptors(&root, &same));
    /* A target that changed any id (set-user-ID) is out of reach. */
    struct credentials setuid_target = user(1000, 0, 0);
    CHECK(!credentials_may_take_descriptors(&caller, &setuid_target));
    struct credentials other_group = same;
    other_group.group.saved = 200;
    CHECK(!credentials_may_take_descriptors(&caller, &other_group));
    CHECK(!credentials_may_take_descriptors(&caller, &root));
}

static void proc_files_are_looked_into_by_the_effective_ids(void)
{
    /* A caller that took another effective id (seteuid) looks into that
     * user's processes, not its real user's: PTRACE_MODE_READ_FSCREDS. */
    struct credentials caller = user(1000, 2000, 1000), of_2000 = user(2000, 2000, 2000),
                       of_1000 = user(1000, 1000, 1000);
    CHECK(credentials_may_look_into(&caller, &of_2000));
    CHECK(!credentials_may_look_into(&caller, &of_1000));
    CHECK(credentials_may_look_into(&root, &of_1000));
    CHECK(!credentials_may_look_into(&of_1000, &root));
}

int main(void)
{
    RUN_TEST(root_may_signal_any_process);
    RUN_TEST(proc_files_are_looked_into_by_the_effective_ids);
    RUN_TEST(an_effective_uid_of_zero_is_root_whatever_the_real_one);
    RUN_TEST(a_real_uid_of_zero_alone_is_not_root);
    RUN_TEST(sender_real_uid_matching_target_real_uid_may_signal);
    RUN_TEST(sender_effective_uid_matching_target_real_uid_may_signal);
    RUN_TEST(sender_real_uid_matching_target_saved_uid_may_signal);
    RUN_TEST(sender_effective_uid_matching_target_saved_uid_may_signal);
    RUN_TEST(target_effective_uid_does_not_let_a_sender_signal);
    RUN_TEST(sender_saved_uid_does_not_let_it_signal);
    RUN_TEST(an_unprivileged_user_may_not_signal_a_process_of_root);
    RUN_TEST(group_ids_do_not_count_for_signals);
    RUN_TEST(root_may_set_the_affinity_of_any_thread);
    RUN_TEST(effective_uid_matching_target_real_uid_may_set_affinity);
    RUN_TEST(effective_uid_matching_target_effective_uid_may_set_affinity);
    RUN_TEST(real_uid_does_not_let_a_caller_set_affinity);
    RUN_TEST(target_saved_uid_does_not_let_a_caller_set_affinity);
    RUN_TEST(an_unprivileged_user_may_not_set_the_affinity_of_root);
    RUN_TEST(a_process_may_set_the_affinity_of_its_own_threads);
    RUN_TEST(setuid_as_root_sets_all_three_ids);
    RUN_TEST(setuid_unprivileged_sets_only_the_effective_id);
    RUN_TEST(setuid_unprivileged_to_an_id_not_held_is_eperm);
    RUN_TEST(setuid_to_its_own_id_is_allowed);
    RUN_TEST(setuid_of_minus_one_is_einval);
    RUN_TEST(setgid_as_root_sets_all_three_group_ids_and_no_user_id);
    RUN_TEST(setgid_privilege_comes_from_the_effective_user_id);
    RUN_TEST(setgid_unprivileged_sets_only_the_effective_group_to_one_held);
    RUN_TEST(setreuid_as_root_sets_real_and_effective_and_saves_the_effective);
    RUN_TEST(setreuid_real_may_become_the_effective_id);
    RUN_TEST(setreuid_real_may_not_become_the_saved_id_unprivileged);
    RUN_TEST(setreuid_effective_may_become_the_saved_id_and_is_saved);
    RUN_TEST(setreuid_effective_back_to_the_real_id_keeps_the_saved_id);
    RUN_TEST(setreuid_swaps_real_and_effective);
    RUN_TEST(setreuid_effective_to_an_id_not_held_is_eperm);
    RUN_TEST(setreuid_of_minus_one_twice_changes_nothing);
    RUN_TEST(setregid_follows_the_same_rules_for_group_ids);
    RUN_TEST(setresuid_as_root_sets_any_three_ids);
    RUN_TEST(setresuid_minus_one_keeps_that_id);
    RUN_TEST(setresuid_unprivileged_may_rearrange_the_ids_it_holds);
    RUN_TEST(setresuid_with_one_id_not_held_is_eperm_and_changes_nothing);
    RUN_TEST(root_kept_in_the_saved_id_can_be_taken_back);
    RUN_TEST(setresgid_sets_group_ids_and_no_user_id);
    RUN_TEST(setresgid_unprivileged_to_a_group_not_held_is_eperm);
    RUN_TEST(an_unknown_set_ids_operation_is_einval);
    RUN_TEST(descriptors_are_taken_from_the_same_user_or_by_root);
    return check_report();
}
