/*
 * Job control (job_control.h).
 */
#include "job_control.h"
#include "sys/linux_abi.h"

bool job_stopping(const struct job_control *job)
{
    return job->state != JOB_RUNNING;
}

bool job_stop_begin(struct job_control *job, unsigned signal)
{
    if (job->state != JOB_RUNNING)
        return false;
    job->state = JOB_STOPPING;
    job->stop_signal = signal;
    return true;
}

bool job_stop_progress(struct job_control *job, unsigned stopped_threads,
                       unsigned thread_count)
{
    if (job->state != JOB_STOPPING || thread_count == 0 || stopped_threads < thread_count)
        return false;
    job->state = JOB_STOPPED;
    job->continued = false;
    return true;
}

int32_t job_continue(struct job_control *job, unsigned stopped_threads)
{
    int32_t told = 0;
    if (job->state == JOB_STOPPED)
        told = LINUX_CLD_CONTINUED;
    else if (job->state == JOB_STOPPING && stopped_threads > 0)
        told = LINUX_CLD_STOPPED;
    if (told)
        job->continued = true;
    job->state = JOB_RUNNING;
    job->stop_signal = 0;
    return told;
}

unsigned job_stop_to_report(const struct job_control *job)
{
    return job->state == JOB_STOPPED ? job->stop_signal : 0;
}

bool job_continue_to_report(const struct job_control *job)
{
    return job->continued;
}

void job_stop_reported(struct job_control *job)
{
    job->stop_signal = 0;
}

void job_continue_reported(struct job_control *job)
{
    job->continued = false;
}

void job_end(struct job_control *job)
{
    job->state = JOB_RUNNING;
    job->stop_signal = 0;
}
