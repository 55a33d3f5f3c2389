/*
 * Interval timers: setitimer's ITIMER_REAL (and so alarm), one per
 * process, and the kernel timeout that timer_create's (posix_timers.c)
 * share. Each armed process has a deadline on the counter, and the
 * kernel's timeout (Notification_SetTimeout) on the notification init
 * bound to procmgr's thread (SERVER_SLOT_NOTIFICATION) is kept at the
 * soonest, so procmgr's receive returns (badge PROCMGR_TIMER_BADGE) when
 * it passes and SIGALRM goes out.
 *
 * Linux keeps the timer across execve and gives a fork child none.
 */
#include "procmgr.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/protocol/common.h"
#include "sys/syscall.h"

static struct process *armed;       /* processes with a deadline, by timer_next */

void timers_rearm(void)
{
    uint64_t soonest = posix_timers_soonest();
    for (struct process *process = armed; process; process = process->timer_next)
        if (!soonest || process->timer_deadline < soonest)
            soonest = process->timer_deadline;
    tern_notification_set_timeout(SERVER_SLOT_NOTIFICATION, soonest, PROCMGR_TIMER_BADGE);
}

static void disarm(struct process *process)
{
    for (struct process **link = &armed; *link; link = &(*link)->timer_next) {
        if (*link == process) {
            *link = process->timer_next;
            break;
        }
    }
    process->timer_deadline = 0;
    process->timer_interval = 0;
}

void timer_get(const struct process *process, uint64_t *remaining, uint64_t *interval)
{
    uint64_t now = tern_counter_now();
    *remaining = process->timer_deadline > now ? process->timer_deadline - now
               : process->timer_deadline ? 1 : 0;   /* due: about to fire */
    *interval = process->timer_interval;
}

void timer_set(struct process *process, uint64_t value, uint64_t interval)
{
    bool was_armed = process->timer_deadline != 0;
    if (was_armed)
        disarm(process);
    if (value) {
        process->timer_deadline = tern_counter_now() + value;
        process->timer_interval = interval;
        process->timer_next = armed;
        armed = process;
    }
    if (value || was_armed)
        timers_rearm();
}

void timers_expired(void)
{
    uint64_t now = tern_counter_now();
    struct signal_info info = { .code = LINUX_SI_KERNEL };
    struct process *next;
    for (struct process *process = armed; process; process = next) {
        next = process->timer_next;
        if (process->timer_deadline > now)
            continue;
        if (process->timer_interval) {
            process->timer_deadline += process->timer_interval;
            if (process->timer_deadline <= now)     /* missed periods merge, as signals do */
                process->timer_deadline = now + process->timer_interval;
        } else {
            disarm(process);
        }
        signal_send(process, 0, LINUX_SIGALRM, &info);     /* may end it: next is kept */
    }
    posix_timers_expired(now);
    timers_rearm();
}
