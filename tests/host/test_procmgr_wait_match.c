/* wait4 and waitid: what their arguments ask for, which children that
 * selects, when there is no child to wait for, what each child reports
 * (its end, a stop, a continue), and what wait4's status, waitid and
 * SIGCHLD say of it. */
#include "check.h"
#include "sys/linux_abi.h"
#include "wait_match.h"

#define PARENT 10
#define PARENT_GROUP 10

static struct wait_request request;

static struct process_ids child(uint64_t pid, uint64_t pgid)
{
    return (struct process_ids){ .pid = pid, .ppid = PARENT, .pgid = pgid, .sid = PARENT };
}

static int wait4_asks(int64_t pid, uint64_t options)
{
    return wait_request_from_wait4(pid, options, PARENT_GROUP, &request);
}

static int waitid_asks(uint64_t idtype, int64_t id, uint64_t options)
{
    return wait_request_from_waitid(idtype, id, options, PARENT_GROUP, &request);
}

static bool selects(struct process_ids process)
{
    return wait_request_matches(&request, PARENT, &process);
}

/* ---- wait4's arguments ---- */

static void wait4_of_minus_one_waits_for_any_child(void)
{
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    CHECK_EQ_U64(request.idtype, LINUX_P_ALL);
    CHECK(!request.is_waitid);
    CHECK(selects(child(11, 10)));
    CHECK(selects(child(12, 50)));
}

static void wait4_of_a_pid_waits_for_that_child(void)
{
    CHECK_EQ_U64(wait4_asks(11, 0), 0);
    CHECK_EQ_U64(request.idtype, LINUX_P_PID);
    CHECK_EQ_U64(request.id, 11);
    CHECK(selects(child(11, 10)));
    CHECK(!selects(child(12, 10)));
}

static void wait4_of_zero_waits_for_a_child_in_the_callers_group(void)
{
    CHECK_EQ_U64(wait4_asks(0, 0), 0);
    CHECK_EQ_U64(request.idtype, LINUX_P_PGID);
    CHECK_EQ_U64(request.id, PARENT_GROUP);
    CHECK(selects(child(11, PARENT_GROUP)));
    CHECK(!selects(child(12, 12)));
}

static void wait4_below_minus_one_waits_for_a_child_in_that_group(void)
{
    CHECK_EQ_U64(wait4_asks(-12, 0), 0);
    CHECK_EQ_U64(request.idtype, LINUX_P_PGID);
    CHECK_EQ_U64(request.id, 12);
    CHECK(selects(child(12, 12)));
    CHECK(selects(child(13, 12)));
    CHECK(!selects(child(11, PARENT_GROUP)));
}

static void wait4_keeps_its_options_and_always_waits_for_ends(void)
{
    CHECK_EQ_U64(wait4_asks(-1, LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED), 0);
    CHECK_EQ_U64(request.options,
                 LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED | LINUX_WEXITED);
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    CHECK_EQ_U64(request.options, LINUX_WEXITED);
}

static void wait4_accepts_the_thread_options(void)
{
    CHECK_EQ_U64(wait4_asks(-1, 0x80000000ULL | 0x40000000ULL | 0x20000000ULL), 0);
}

static void wait4_with_an_option_it_does_not_know_is_einval(void)
{
    CHECK_EQ_U64(wait4_asks(-1, LINUX_WNOWAIT), -LINUX_EINVAL);
    CHECK_EQ_U64(wait4_asks(-1, LINUX_WEXITED), -LINUX_EINVAL);
    CHECK_EQ_U64(wait4_asks(-1, 0x10), -LINUX_EINVAL);
}

/* ---- waitid's arguments ---- */

static void waitid_p_all_waits_for_any_child(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED), 0);
    CHECK(request.is_waitid);
    CHECK(selects(child(11, 10)));
    CHECK(selects(child(12, 12)));
}

static void waitid_p_pid_waits_for_that_child(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_PID, 12, LINUX_WEXITED), 0);
    CHECK(selects(child(12, 12)));
    CHECK(!selects(child(11, 12)));
}

static void waitid_p_pgid_waits_for_a_child_in_that_group(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_PGID, 12, LINUX_WEXITED), 0);
    CHECK(selects(child(13, 12)));
    CHECK(!selects(child(12, 10)));
}

static void waitid_p_pgid_zero_is_the_callers_group(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_PGID, 0, LINUX_WEXITED), 0);
    CHECK_EQ_U64(request.id, PARENT_GROUP);
}

static void waitid_p_all_ignores_its_id(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, -5, LINUX_WEXITED), 0);
    CHECK(selects(child(11, 10)));
}

static void waitid_without_any_of_wexited_wstopped_wcontinued_is_einval(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WNOHANG | LINUX_WNOWAIT), -LINUX_EINVAL);
}

static void waitid_with_an_option_it_does_not_know_is_einval(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED | 0x10), -LINUX_EINVAL);
}

static void waitid_with_an_unknown_idtype_is_einval(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_PGID + 1, 0, LINUX_WEXITED), -LINUX_EINVAL);
    CHECK_EQ_U64(waitid_asks(UINT64_MAX, 0, LINUX_WEXITED), -LINUX_EINVAL);
}

static void waitid_for_a_negative_pid_or_group_is_einval(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_PID, -1, LINUX_WEXITED), -LINUX_EINVAL);
    CHECK_EQ_U64(waitid_asks(LINUX_P_PGID, -1, LINUX_WEXITED), -LINUX_EINVAL);
}

static void waitid_may_wait_for_stops_or_continues_only(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WUNTRACED /* WSTOPPED */), 0);
    CHECK_EQ_U64(request.options, LINUX_WUNTRACED);
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WCONTINUED), 0);
    CHECK_EQ_U64(request.options, LINUX_WCONTINUED);
}

static void waitid_accepts_the_thread_options(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED | 0xe0000000ULL), 0);
}

/* ---- Which processes match ---- */

static void a_process_that_is_not_a_child_never_matches(void)
{
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    struct process_ids grandchild = { .pid = 20, .ppid = 11, .pgid = 10, .sid = 10 };
    struct process_ids parent_itself = { .pid = PARENT, .ppid = 1, .pgid = 10, .sid = 10 };
    CHECK(!selects(grandchild));
    CHECK(!selects(parent_itself));
    CHECK_EQ_U64(wait4_asks(20, 0), 0);
    CHECK(!selects(grandchild));
}

/* ---- Reaping ---- */

static void collecting_a_child_reaps_it(void)
{
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    CHECK(wait_request_reaps(&request));
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED), 0);
    CHECK(wait_request_reaps(&request));
}

static void waitid_with_wnowait_leaves_the_child_to_collect_again(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED | LINUX_WNOWAIT), 0);
    CHECK(!wait_request_reaps(&request));
}

/* ---- The search ---- */

static const struct wait_child running_child = { .ended = false };
static const struct wait_child ended_child = { .ended = true,
                                               .wait_status = LINUX_W_EXITCODE(3, 0) };
static const struct wait_child stopped_child = { .stop_signal = LINUX_SIGTSTP };
static const struct wait_child continued_child = { .continued = true };

static void a_caller_without_children_gets_echild(void)
{
    struct wait_search search = { 0 };
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    struct process_ids stranger = { .pid = 30, .ppid = 5, .pgid = 30, .sid = 30 };
    CHECK(!wait_search_add(&search, &request, PARENT, &stranger, &ended_child));
    CHECK_EQ_U64(wait_search_result(&search), -LINUX_ECHILD);
}

static void a_caller_without_the_child_it_names_gets_echild(void)
{
    struct wait_search search = { 0 };
    CHECK_EQ_U64(wait4_asks(12, 0), 0);
    struct process_ids other = child(11, 10);
    CHECK(!wait_search_add(&search, &request, PARENT, &other, &ended_child));
    CHECK_EQ_U64(wait_search_result(&search), -LINUX_ECHILD);
}

static void a_caller_whose_children_all_run_gets_nothing_yet(void)
{
    struct wait_search search = { 0 };
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    struct process_ids first = child(11, 10), second = child(12, 10);
    CHECK(!wait_search_add(&search, &request, PARENT, &first, &running_child));
    CHECK(!wait_search_add(&search, &request, PARENT, &second, &running_child));
    CHECK_EQ_U64(wait_search_result(&search), 0);
}

static void the_first_child_found_ended_is_collected(void)
{
    struct wait_search search = { 0 };
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    struct process_ids running = child(11, 10), ended = child(12, 10);
    CHECK(!wait_search_add(&search, &request, PARENT, &running, &running_child));
    CHECK(wait_search_add(&search, &request, PARENT, &ended, &ended_child));
    CHECK_EQ_U64(wait_search_result(&search), 12);
}

static void an_ended_process_that_does_not_match_is_not_collected(void)
{
    struct wait_search search = { 0 };
    CHECK_EQ_U64(wait4_asks(-12, 0), 0);
    struct process_ids running = child(13, 12), ended_elsewhere = child(11, 10);
    CHECK(!wait_search_add(&search, &request, PARENT, &running, &running_child));
    CHECK(!wait_search_add(&search, &request, PARENT, &ended_elsewhere, &ended_child));
    CHECK_EQ_U64(wait_search_result(&search), 0);
}

static void a_stopped_child_is_found_only_by_a_caller_waiting_for_stops(void)
{
    struct wait_search search = { 0 };
    struct process_ids stopped = child(11, 10);
    CHECK_EQ_U64(wait4_asks(-1, 0), 0);
    CHECK(!wait_search_add(&search, &request, PARENT, &stopped, &stopped_child));
    CHECK_EQ_U64(wait_search_result(&search), 0);
    search = (struct wait_search){ 0 };
    CHECK_EQ_U64(wait4_asks(-1, LINUX_WUNTRACED), 0);
    CHECK(wait_search_add(&search, &request, PARENT, &stopped, &stopped_child));
    CHECK_EQ_U64(wait_search_result(&search), 11);
    CHECK_EQ_U64(search.event, WAIT_EVENT_STOPPED);
}

static void a_continued_child_is_found_only_by_a_caller_waiting_for_continues(void)
{
    struct wait_search search = { 0 };
    struct process_ids continued = child(11, 10);
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED | LINUX_WUNTRACED), 0);
    CHECK(!wait_search_add(&search, &request, PARENT, &continued, &continued_child));
    CHECK_EQ_U64(wait_search_result(&search), 0);
    search = (struct wait_search){ 0 };
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WCONTINUED), 0);
    CHECK(wait_search_add(&search, &request, PARENT, &continued, &continued_child));
    CHECK_EQ_U64(search.event, WAIT_EVENT_CONTINUED);
}

static void an_ended_child_is_not_reported_without_wexited(void)
{
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WUNTRACED | LINUX_WCONTINUED), 0);
    CHECK_EQ_U64(wait_event_for(&request, &ended_child), WAIT_EVENT_NONE);
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WEXITED), 0);
    CHECK_EQ_U64(wait_event_for(&request, &ended_child), WAIT_EVENT_EXITED);
}

/* Linux's wait_task_zombie does not count a zombie for a wait without
 * WEXITED: with no other child it is ECHILD, not a wait forever. */
static void a_caller_waiting_for_stops_whose_only_child_ended_gets_echild(void)
{
    struct wait_search search = { 0 };
    struct process_ids ended = child(11, 10), running = child(12, 10);
    CHECK_EQ_U64(waitid_asks(LINUX_P_ALL, 0, LINUX_WUNTRACED | LINUX_WNOHANG), 0);
    CHECK(!wait_search_add(&search, &request, PARENT, &ended, &ended_child));
    CHECK_EQ_U64(wait_search_result(&search), -LINUX_ECHILD);
    CHECK(!wait_search_add(&search, &request, PARENT, &running, &running_child));
    CHECK_EQ_U64(wait_search_result(&search), 0);
}

static void an_end_goes_before_a_stop_and_a_stop_before_a_continue(void)
{
    CHECK_EQ_U64(wait4_asks(-1, LINUX_WUNTRACED | LINUX_WCONTINUED), 0);
    struct wait_child everything = { .ended = true, .stop_signal = LINUX_SIGSTOP,
                                     .continued = true };
    CHECK_EQ_U64(wait_event_for(&request, &everything), WAIT_EVENT_EXITED);
    struct wait_child stopped_and_continued = { .stop_signal = LINUX_SIGSTOP,
                                                .continued = true };
    CHECK_EQ_U64(wait_event_for(&request, &stopped_and_continued), WAIT_EVENT_STOPPED);
}

/* ---- What a child's end says ---- */

static void a_child_that_exited_reports_cld_exited_and_its_code(void)
{
    struct signal_info info = wait_child_info(11, 1000, LINUX_W_EXITCODE(42, 0));
    CHECK_EQ_U64(info.code, LINUX_CLD_EXITED);
    CHECK_EQ_U64(info.pid, 11);
    CHECK_EQ_U64(info.uid, 1000);
    CHECK_EQ_U64(info.value, 42);
}

static void a_child_that_exited_with_zero_reports_cld_exited(void)
{
    struct signal_info info = wait_child_info(11, 0, LINUX_W_EXITCODE(0, 0));
    CHECK_EQ_U64(info.code, LINUX_CLD_EXITED);
    CHECK_EQ_U64(info.value, 0);
}

static void a_child_that_a_signal_killed_reports_cld_killed_and_the_signal(void)
{
    struct signal_info info = wait_child_info(11, 1000, LINUX_W_EXITCODE(0, LINUX_SIGKILL));
    CHECK_EQ_U64(info.code, LINUX_CLD_KILLED);
    CHECK_EQ_U64(info.value, LINUX_SIGKILL);
}

static void a_stop_reports_wifstopped_and_cld_stopped_with_the_signal(void)
{
    CHECK_EQ_U64(wait_event_status(WAIT_EVENT_STOPPED, &stopped_child),
                 (LINUX_SIGTSTP << 8) | 0x7f);
    struct signal_info info = wait_event_info(WAIT_EVENT_STOPPED, 11, 1000, &stopped_child);
    CHECK_EQ_U64(info.code, LINUX_CLD_STOPPED);
    CHECK_EQ_U64(info.pid, 11);
    CHECK_EQ_U64(info.uid, 1000);
    CHECK_EQ_U64(info.value, LINUX_SIGTSTP);
}

static void a_continue_reports_wifcontinued_and_cld_continued_with_sigcont(void)
{
    CHECK_EQ_U64(wait_event_status(WAIT_EVENT_CONTINUED, &continued_child), 0xffff);
    struct signal_info info = wait_event_info(WAIT_EVENT_CONTINUED, 11, 0, &continued_child);
    CHECK_EQ_U64(info.code, LINUX_CLD_CONTINUED);
    CHECK_EQ_U64(info.value, LINUX_SIGCONT);
}

static void an_end_reports_its_status_and_cld_exited(void)
{
    CHECK_EQ_U64(wait_event_status(WAIT_EVENT_EXITED, &ended_child), LINUX_W_EXITCODE(3, 0));
    struct signal_info info = wait_event_info(WAIT_EVENT_EXITED, 11, 0, &ended_child);
    CHECK_EQ_U64(info.code, LINUX_CLD_EXITED);
    CHECK_EQ_U64(info.value, 3);
}

int main(void)
{
    RUN_TEST(wait4_of_minus_one_waits_for_any_child);
    RUN_TEST(wait4_of_a_pid_waits_for_that_child);
    RUN_TEST(wait4_of_zero_waits_for_a_child_in_the_callers_group);
    RUN_TEST(wait4_below_minus_one_waits_for_a_child_in_that_group);
    RUN_TEST(wait4_keeps_its_options_and_always_waits_for_ends);
    RUN_TEST(wait4_accepts_the_thread_options);
    RUN_TEST(wait4_with_an_option_it_does_not_know_is_einval);
    RUN_TEST(waitid_p_all_waits_for_any_child);
    RUN_TEST(waitid_p_pid_waits_for_that_child);
    RUN_TEST(waitid_p_pgid_waits_for_a_child_in_that_group);
    RUN_TEST(waitid_p_pgid_zero_is_the_callers_group);
    RUN_TEST(waitid_p_all_ignores_its_id);
    RUN_TEST(waitid_without_any_of_wexited_wstopped_wcontinued_is_einval);
    RUN_TEST(waitid_with_an_option_it_does_not_know_is_einval);
    RUN_TEST(waitid_with_an_unknown_idtype_is_einval);
    RUN_TEST(waitid_for_a_negative_pid_or_group_is_einval);
    RUN_TEST(waitid_may_wait_for_stops_or_continues_only);
    RUN_TEST(waitid_accepts_the_thread_options);
    RUN_TEST(a_process_that_is_not_a_child_never_matches);
    RUN_TEST(collecting_a_child_reaps_it);
    RUN_TEST(waitid_with_wnowait_leaves_the_child_to_collect_again);
    RUN_TEST(a_caller_without_children_gets_echild);
    RUN_TEST(a_caller_without_the_child_it_names_gets_echild);
    RUN_TEST(a_caller_whose_children_all_run_gets_nothing_yet);
    RUN_TEST(the_first_child_found_ended_is_collected);
    RUN_TEST(an_ended_process_that_does_not_match_is_not_collected);
    RUN_TEST(a_stopped_child_is_found_only_by_a_caller_waiting_for_stops);
    RUN_TEST(a_continued_child_is_found_only_by_a_caller_waiting_for_continues);
    RUN_TEST(an_ended_child_is_not_reported_without_wexited);
    RUN_TEST(a_caller_waiting_for_stops_whose_only_child_ended_gets_echild);
    RUN_TEST(an_end_goes_before_a_stop_and_a_stop_before_a_continue);
    RUN_TEST(a_child_that_exited_reports_cld_exited_and_its_code);
    RUN_TEST(a_child_that_exited_with_zero_reports_cld_exited);
    RUN_TEST(a_child_that_a_signal_killed_reports_cld_killed_and_the_signal);
    RUN_TEST(a_stop_reports_wifstopped_and_cld_stopped_with_the_signal);
    RUN_TEST(a_continue_reports_wifcontinued_and_cld_continued_with_sigcont);
    RUN_TEST(an_end_reports_its_status_and_cld_exited);
    return check_report();
}
