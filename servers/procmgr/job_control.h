/*
 * Job control: a process stopped by a stop signal's default action and
 * continued by SIGCONT, as Linux's group stop does it, and what its
 * parent may still learn of that through wait (WUNTRACED, WCONTINUED).
 * Plain C, host-tested (tests/host/test_procmgr_job_control.c);
 * signals.c stops the threads and lets them go, wait.c reports.
 *
 * A stop begins when a stop signal is taken with its default action (the
 * process is stopping), and is complete once every thread has stopped
 * (stopped): only then is the parent told. SIGCONT ends it either way.
 */
#ifndef PROCMGR_JOB_CONTROL_H
#define PROCMGR_JOB_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

enum job_state {
    JOB_RUNNING,
    JOB_STOPPING,                       /* its threads stop as they take their signals */
    JOB_STOPPED,                        /* every thread has stopped */
};

struct job_control {
    enum job_state state;
    /* The signal that stopped it, until wait reports the stop (Linux's
     * group_exit_code); 0 once reported or continued. */
    unsigned stop_signal;
    /* Continued since it last stopped, until wait reports it (Linux's
     * SIGNAL_STOP_CONTINUED). */
    bool continued;
};

/* Whether the process's threads are to stop (stopping or stopped). */
bool job_stopping(const struct job_control *job);

/* A stop signal taken with its default action: a running process begins
 * to stop (true); one already stopping or stopped stays as it is. */
bool job_stop_begin(struct job_control *job, unsigned signal);

/* Of a stopping process's thread_count threads, stopped_threads have
 * stopped: true if that completes the stop, when its parent is told
 * (CLD_STOPPED) and a continue not yet reported is forgotten. */
bool job_stop_progress(struct job_control *job, unsigned stopped_threads,
                       unsigned thread_count);

/* SIGCONT, whatever its action or mask: the process runs again. Returns
 * what its parent is told (SIGCHLD's si_code): LINUX_CLD_CONTINUED if it
 * had stopped; LINUX_CLD_STOPPED if only some of its threads had (Linux
 * tells of the stop as if it had been completed and then continued,
 * since SIGCHLD does not queue); 0 if no thread had stopped (the stop
 * signal might as well have still been pending, which SIGCONT discards).
 * A stop not yet reported is forgotten; a continue is to be reported
 * unless 0 is returned. */
int32_t job_continue(struct job_control *job, unsigned stopped_threads);

/* What wait may report now: the signal of a completed stop not reported
 * yet (0: none), and whether a continue is. */
unsigned job_stop_to_report(const struct job_control *job);
bool job_continue_to_report(const struct job_control *job);

/* wait reported them (not with WNOWAIT): once only. */
void job_stop_reported(struct job_control *job);
void job_continue_reported(struct job_control *job);

/* The process ends: a stop under way ends with it, untold. */
void job_end(struct job_control *job);

#endif
