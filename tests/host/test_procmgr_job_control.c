/* Job control: a stop begins with a stop signal, is complete once every
 * thread has stopped, and ends with SIGCONT; what the parent is told, and
 * what wait reports once. */
#include "check.h"
#include "job_control.h"
#include "sys/linux_abi.h"

static struct job_control running(void)
{
    return (struct job_control){ .state = JOB_RUNNING };
}

/* Stopped by signal, all of its thread_count threads. */
static struct job_control stopped_by(unsigned signal, unsigned thread_count)
{
    struct job_control job = running();
    job_stop_begin(&job, signal);
    job_stop_progress(&job, thread_count, thread_count);
    return job;
}

/* ---- Stopping ---- */

static void a_stop_signal_makes_a_running_process_stop(void)
{
    struct job_control job = running();
    CHECK(!job_stopping(&job));
    CHECK(job_stop_begin(&job, LINUX_SIGTSTP));
    CHECK(job_stopping(&job));
    CHECK_EQ_U64(job.state, JOB_STOPPING);
}

static void a_stop_is_complete_once_every_thread_has_stopped(void)
{
    struct job_control job = running();
    job_stop_begin(&job, LINUX_SIGSTOP);
    CHECK(!job_stop_progress(&job, 0, 3));
    CHECK(!job_stop_progress(&job, 2, 3));
    CHECK_EQ_U64(job_stop_to_report(&job), 0);     /* not before it is complete */
    CHECK(job_stop_progress(&job, 3, 3));
    CHECK_EQ_U64(job.state, JOB_STOPPED);
    CHECK_EQ_U64(job_stop_to_report(&job), LINUX_SIGSTOP);
}

static void a_complete_stop_is_told_once(void)
{
    struct job_control job = stopped_by(LINUX_SIGSTOP, 1);
    CHECK(!job_stop_progress(&job, 1, 1));
}

static void a_process_without_threads_completes_no_stop(void)
{
    struct job_control job = running();
    job_stop_begin(&job, LINUX_SIGSTOP);
    CHECK(!job_stop_progress(&job, 0, 0));
}

static void a_second_stop_signal_changes_nothing(void)
{
    struct job_control job = running();
    job_stop_begin(&job, LINUX_SIGTTIN);
    CHECK(!job_stop_begin(&job, LINUX_SIGSTOP));
    job_stop_progress(&job, 1, 1);
    CHECK(!job_stop_begin(&job, LINUX_SIGTTOU));
    CHECK_EQ_U64(job_stop_to_report(&job), LINUX_SIGTTIN);
}

static void a_reported_stop_is_reported_no_more(void)
{
    struct job_control job = stopped_by(LINUX_SIGTSTP, 1);
    job_stop_reported(&job);
    CHECK_EQ_U64(job_stop_to_report(&job), 0);
    CHECK(job_stopping(&job));          /* still stopped */
}

/* ---- Continuing ---- */

static void sigcont_continues_a_stopped_process_and_tells_cld_continued(void)
{
    struct job_control job = stopped_by(LINUX_SIGSTOP, 2);
    CHECK_EQ_U64(job_continue(&job, 2), LINUX_CLD_CONTINUED);
    CHECK(!job_stopping(&job));
    CHECK(job_continue_to_report(&job));
}

static void a_stop_not_reported_before_sigcont_is_forgotten(void)
{
    struct job_control job = stopped_by(LINUX_SIGSTOP, 1);
    job_continue(&job, 1);
    CHECK_EQ_U64(job_stop_to_report(&job), 0);
}

/* Linux's prepare_signal: a group stop under way is told as finished,
 * since SIGCHLD does not queue, and continued. */
static void sigcont_during_a_stop_under_way_tells_cld_stopped(void)
{
    struct job_control job = running();
    job_stop_begin(&job, LINUX_SIGSTOP);
    job_stop_progress(&job, 1, 2);
    CHECK_EQ_U64(job_continue(&job, 1), LINUX_CLD_STOPPED);
    CHECK(!job_stopping(&job));
    CHECK(job_continue_to_report(&job));
    CHECK_EQ_U64(job_stop_to_report(&job), 0);
}

/* No thread has stopped yet: as if the stop signal were still pending,
 * which SIGCONT discards without a word. */
static void sigcont_before_any_thread_stopped_tells_nothing(void)
{
    struct job_control job = running();
    job_stop_begin(&job, LINUX_SIGSTOP);
    CHECK_EQ_U64(job_continue(&job, 0), 0);
    CHECK(!job_stopping(&job));
    CHECK(!job_continue_to_report(&job));
}

static void sigcont_to_a_running_process_tells_nothing(void)
{
    struct job_control job = running();
    CHECK_EQ_U64(job_continue(&job, 0), 0);
    CHECK(!job_continue_to_report(&job));
}

static void a_reported_continue_is_reported_no_more(void)
{
    struct job_control job = stopped_by(LINUX_SIGSTOP, 1);
    job_continue(&job, 1);
    job_continue_reported(&job);
    CHECK(!job_continue_to_report(&job));
}

static void a_new_complete_stop_forgets_a_continue_not_reported(void)
{
    struct job_control job = stopped_by(LINUX_SIGSTOP, 1);
    job_continue(&job, 1);
    CHECK(job_stop_begin(&job, LINUX_SIGTSTP));
    CHECK(job_continue_to_report(&job));       /* until the stop is complete */
    job_stop_progress(&job, 1, 1);
    CHECK(!job_continue_to_report(&job));
    CHECK_EQ_U64(job_stop_to_report(&job), LINUX_SIGTSTP);
}

/* ---- The end ---- */

static void a_process_that_ends_is_no_longer_stopping(void)
{
    struct job_control job = running();
    job_stop_begin(&job, LINUX_SIGSTOP);
    job_end(&job);
    CHECK(!job_stopping(&job));
    CHECK(!job_stop_progress(&job, 1, 1));
}

int main(void)
{
    RUN_TEST(a_stop_signal_makes_a_running_process_stop);
    RUN_TEST(a_stop_is_complete_once_every_thread_has_stopped);
    RUN_TEST(a_complete_stop_is_told_once);
    RUN_TEST(a_process_without_threads_completes_no_stop);
    RUN_TEST(a_second_stop_signal_changes_nothing);
    RUN_TEST(a_reported_stop_is_reported_no_more);
    RUN_TEST(sigcont_continues_a_stopped_process_and_tells_cld_continued);
    RUN_TEST(a_stop_not_reported_before_sigcont_is_forgotten);
    RUN_TEST(sigcont_during_a_stop_under_way_tells_cld_stopped);
    RUN_TEST(sigcont_before_any_thread_stopped_tells_nothing);
    RUN_TEST(sigcont_to_a_running_process_tells_nothing);
    RUN_TEST(a_reported_continue_is_reported_no_more);
    RUN_TEST(a_new_complete_stop_forgets_a_continue_not_reported);
    RUN_TEST(a_process_that_ends_is_no_longer_stopping);
    return check_report();
}
