/* Controlling terminals: TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP and
 * TIOCGSID as Linux's tty layer rules them, and SIGTTIN and SIGTTOU for a
 * process outside the foreground that reads, writes or sets the terminal. */
#include "check.h"
#include "terminal_control.h"
#include "sys/linux_abi.h"

#define CONSOLE 0x501       /* /dev/console's device number, 5:1 */

/* Session 10, led by 10 (group 10); 11 is in its group 11, 12 in group
 * 10. Session 20 is led by 20. */
static struct terminal_caller caller(uint64_t pid, uint64_t pgid, uint64_t sid, uint64_t terminal)
{
    return (struct terminal_caller){ .ids = { .pid = pid, .ppid = 1, .pgid = pgid, .sid = sid },
                                     .terminal = terminal };
}

static uint64_t group_session(void *context, uint64_t pgid)
{
    (void)context;
    if (pgid == 10 || pgid == 11)
        return 10;
    return pgid == 20 ? 20 : 0;
}

static struct terminal_control controlled_by_session_10(void)
{
    return (struct terminal_control){ .device = CONSOLE, .sid = 10, .pgid = 10 };
}

static void a_session_leader_takes_a_free_terminal_with_its_group_in_the_foreground(void)
{
    struct terminal_control terminal = { .device = CONSOLE };
    struct terminal_caller leader = caller(10, 10, 10, 0);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &leader, false, true, &effects), 0);
    CHECK_EQ_U64(terminal.sid, 10);
    CHECK_EQ_U64(terminal.pgid, 10);
    CHECK(effects.caller_attached);
    CHECK_EQ_U64(effects.session_detached, 0);
}

static void taking_its_own_terminal_again_changes_nothing(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    terminal.pgid = 11;
    struct terminal_caller leader = caller(10, 10, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &leader, false, true, &effects), 0);
    CHECK_EQ_U64(terminal.pgid, 11);
    CHECK(!effects.caller_attached);
}

static void only_a_session_leader_without_a_terminal_takes_one(void)
{
    struct terminal_control terminal = { .device = CONSOLE };
    struct terminal_caller member = caller(12, 10, 10, 0);
    struct terminal_caller leader_with_one = caller(20, 20, 20, 0x400);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &member, false, true, &effects), -LINUX_EPERM);
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &leader_with_one, false, true, &effects),
                 -LINUX_EPERM);
    CHECK_EQ_U64(terminal.sid, 0);
}

static void a_terminal_of_another_session_is_stolen_only_by_privilege_on_request(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller other = caller(20, 20, 20, 0);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &other, true, true, &effects), -LINUX_EPERM);
    other.privileged = true;
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &other, false, true, &effects), -LINUX_EPERM);
    CHECK_EQ_U64(terminal.sid, 10);
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &other, true, true, &effects), 0);
    CHECK_EQ_U64(terminal.sid, 20);
    CHECK_EQ_U64(terminal.pgid, 20);
    CHECK_EQ_U64(effects.session_detached, 10);
}

static void taking_a_terminal_without_read_access_needs_privilege(void)
{
    struct terminal_control terminal = { .device = CONSOLE };
    struct terminal_caller leader = caller(10, 10, 10, 0);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &leader, false, false, &effects), -LINUX_EPERM);
    leader.privileged = true;
    CHECK_EQ_U64(terminal_set_controlling(&terminal, &leader, false, false, &effects), 0);
}

static void the_foreground_and_session_are_told_only_to_processes_it_controls(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller member = caller(12, 10, 10, CONSOLE);
    struct terminal_caller stranger = caller(20, 20, 20, 0);
    CHECK_EQ_U64(terminal_get_foreground(&terminal, &member), 10);
    CHECK_EQ_U64(terminal_get_session(&terminal, &member), 10);
    CHECK_EQ_U64(terminal_get_foreground(&terminal, &stranger), -LINUX_ENOTTY);
    CHECK_EQ_U64(terminal_get_session(&terminal, &stranger), -LINUX_ENOTTY);
}

static void the_foreground_moves_to_a_group_of_the_session(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller leader = caller(10, 10, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &leader, 11, false, group_session, 0, &effects),
                 0);
    CHECK_EQ_U64(terminal.pgid, 11);
    CHECK_EQ_U64(effects.signal_group, 0);
}

static void setting_the_foreground_checks_pgid_as_linux_does(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller leader = caller(10, 10, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &leader, 11, true, group_session, 0, &effects),
                 -LINUX_EFAULT);
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &leader, -1, false, group_session, 0, &effects),
                 -LINUX_EINVAL);
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &leader, 99, false, group_session, 0, &effects),
                 -LINUX_ESRCH);
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &leader, 20, false, group_session, 0, &effects),
                 -LINUX_EPERM);
    CHECK_EQ_U64(terminal.pgid, 10);
    struct terminal_caller stranger = caller(20, 20, 20, 0);
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &stranger, 20, false, group_session, 0,
                                         &effects), -LINUX_ENOTTY);
}

static void a_background_caller_gets_sigttou_for_its_group_and_a_restart(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller background = caller(11, 11, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &background, 11, false, group_session, 0,
                                         &effects), -LINUX_ERESTARTSYS);
    CHECK_EQ_U64(effects.signal_group, 11);
    CHECK_EQ_U64(effects.signals[0], LINUX_SIGTTOU);
    CHECK_EQ_U64(terminal.pgid, 10);
}

static void a_background_caller_ignoring_sigttou_goes_ahead(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller background = caller(11, 11, 10, CONSOLE);
    background.ttou_ignored = true;
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &background, 11, false, group_session, 0,
                                         &effects), 0);
    CHECK_EQ_U64(terminal.pgid, 11);
    CHECK_EQ_U64(effects.signal_group, 0);
}

static void an_orphaned_background_group_gets_enotty(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller background = caller(11, 11, 10, CONSOLE);
    background.group_orphaned = true;
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_set_foreground(&terminal, &background, 11, false, group_session, 0,
                                         &effects), -LINUX_ENOTTY);
    CHECK_EQ_U64(effects.signal_group, 0);
}

static void a_member_detaching_loses_only_its_own_terminal(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller member = caller(12, 10, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_detach(&terminal, &member, &effects), 0);
    CHECK(effects.caller_detached);
    CHECK_EQ_U64(effects.session_detached, 0);
    CHECK_EQ_U64(terminal.sid, 10);
}

static void the_leader_detaching_frees_the_terminal_and_hangs_up_the_foreground(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    terminal.pgid = 11;
    struct terminal_caller leader = caller(10, 10, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_detach(&terminal, &leader, &effects), 0);
    CHECK_EQ_U64(effects.session_detached, 10);
    CHECK_EQ_U64(effects.signal_group, 11);
    CHECK_EQ_U64(effects.signals[0], LINUX_SIGHUP);
    CHECK_EQ_U64(effects.signals[1], LINUX_SIGCONT);
    CHECK_EQ_U64(terminal.sid, 0);
    CHECK_EQ_U64(terminal.pgid, 0);
    leader.terminal = 0;                        /* as procmgr applies the effects */
    struct terminal_effects again = { 0 };
    CHECK_EQ_U64(terminal_detach(&terminal, &leader, &again), -LINUX_ENOTTY);
}

static void the_leaders_end_frees_the_terminal_with_sighup_for_the_foreground(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    terminal.pgid = 11;
    struct terminal_effects effects = { 0 };
    terminal_leader_exited(&terminal, 20, &effects);
    CHECK_EQ_U64(terminal.sid, 10);
    CHECK_EQ_U64(effects.signal_group, 0);
    terminal_leader_exited(&terminal, 10, &effects);
    CHECK_EQ_U64(terminal.sid, 0);
    CHECK_EQ_U64(effects.signal_group, 11);
    CHECK_EQ_U64(effects.signals[0], LINUX_SIGHUP);
    CHECK_EQ_U64(effects.signals[1], 0);
    CHECK_EQ_U64(effects.session_detached, 10);
}

static void a_background_read_gets_sigttin_for_its_group_and_a_restart(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller background = caller(11, 11, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_check_access(&terminal, &background, LINUX_SIGTTIN, &effects),
                 -LINUX_ERESTARTSYS);
    CHECK_EQ_U64(effects.signal_group, 11);
    CHECK_EQ_U64(effects.signals[0], LINUX_SIGTTIN);
}

static void a_background_read_ignoring_sigttin_or_orphaned_is_eio(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller background = caller(11, 11, 10, CONSOLE);
    struct terminal_effects effects = { 0 };
    background.ttin_ignored = true;
    CHECK_EQ_U64(terminal_check_access(&terminal, &background, LINUX_SIGTTIN, &effects),
                 -LINUX_EIO);
    background.ttin_ignored = false;
    background.group_orphaned = true;
    CHECK_EQ_U64(terminal_check_access(&terminal, &background, LINUX_SIGTTIN, &effects),
                 -LINUX_EIO);
    CHECK_EQ_U64(effects.signal_group, 0);
}

static void the_foreground_and_processes_it_does_not_control_may_use_it(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller foreground = caller(12, 10, 10, CONSOLE);
    struct terminal_caller stranger = caller(20, 20, 20, 0);
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_check_access(&terminal, &foreground, LINUX_SIGTTIN, &effects), 0);
    CHECK_EQ_U64(terminal_check_access(&terminal, &stranger, LINUX_SIGTTIN, &effects), 0);
    CHECK_EQ_U64(terminal_check_access(&terminal, &stranger, LINUX_SIGTTOU, &effects), 0);
    CHECK_EQ_U64(effects.signal_group, 0);
}

static void a_background_write_ignoring_sigttou_goes_ahead(void)
{
    struct terminal_control terminal = controlled_by_session_10();
    struct terminal_caller background = caller(11, 11, 10, CONSOLE);
    background.ttou_ignored = true;
    struct terminal_effects effects = { 0 };
    CHECK_EQ_U64(terminal_check_access(&terminal, &background, LINUX_SIGTTOU, &effects), 0);
    background.ttou_ignored = false;
    CHECK_EQ_U64(terminal_check_access(&terminal, &background, LINUX_SIGTTOU, &effects),
                 -LINUX_ERESTARTSYS);
    CHECK_EQ_U64(effects.signals[0], LINUX_SIGTTOU);
}

int main(void)
{
    RUN_TEST(a_session_leader_takes_a_free_terminal_with_its_group_in_the_foreground);
    RUN_TEST(taking_its_own_terminal_again_changes_nothing);
    RUN_TEST(only_a_session_leader_without_a_terminal_takes_one);
    RUN_TEST(a_terminal_of_another_session_is_stolen_only_by_privilege_on_request);
    RUN_TEST(taking_a_terminal_without_read_access_needs_privilege);
    RUN_TEST(the_foreground_and_session_are_told_only_to_processes_it_controls);
    RUN_TEST(the_foreground_moves_to_a_group_of_the_session);
    RUN_TEST(setting_the_foreground_checks_pgid_as_linux_does);
    RUN_TEST(a_background_caller_gets_sigttou_for_its_group_and_a_restart);
    RUN_TEST(a_background_caller_ignoring_sigttou_goes_ahead);
    RUN_TEST(an_orphaned_background_group_gets_enotty);
    RUN_TEST(a_background_read_gets_sigttin_for_its_group_and_a_restart);
    RUN_TEST(a_background_read_ignoring_sigttin_or_orphaned_is_eio);
    RUN_TEST(the_foreground_and_processes_it_does_not_control_may_use_it);
    RUN_TEST(a_background_write_ignoring_sigttou_goes_ahead);
    RUN_TEST(a_member_detaching_loses_only_its_own_terminal);
    RUN_TEST(the_leader_detaching_frees_the_terminal_and_hangs_up_the_foreground);
    RUN_TEST(the_leaders_end_frees_the_terminal_with_sighup_for_the_foreground);
    return check_report();
}
