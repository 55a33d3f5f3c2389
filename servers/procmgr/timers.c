/*
 * Interval timers: setitimer's ITIMER_REAL (and so alarm), one per
 * process, and the kernel timeout that timer_create's (posix_timers.c)
 * share. ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time,
 * which the kernel samples at its ticks: while one is armed, procmgr
 * looks at every tick's worth of time (both count all CPU time, which
 * is user time here). Each armed process has a deadline on the counter, and the
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
static struct process *cpu_armed;   /* with a CPU-time timer, by cpu_timer_next */

#define ITIMER_REAL 0
#define CPU_TIMER_SIGNALS {LINUX_SIGVTALRM, LINUX_SIGPROF}
/* How often an armed CPU-time timer is looked at: the kernel's tick. */
#define CPU_TIMER_POLLS_PER_SECOND 100

void timers_rearm(void)
{
    uint64_t soonest = posix_timers_soonest();
    uint64_t pi_soonest = pi_futexes_soonest();
    if (pi_soonest && (!soonest || pi_soonest < soonest))
        soonest = pi_soonest;
    if (cpu_armed || posix_timers_cpu_armed()) {
        uint64_t poll = tern_counter_now() + tern_counter_frequency() / CPU_TIMER_POLLS_PER_SECOND;
        if (!soonest || poll < soonest)
            soonest = poll;
    }
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

static bool cpu_timers_armed(const struct process *process)
{
    return process->cpu_timer_deadline[0] || process->cpu_timer_deadline[1] ||
           process->cpu_limit_soft != UINT64_MAX || process->cpu_limit_hard != UINT64_MAX;
}

static void leave_cpu_armed(struct process *process)
{
    for (struct process **link = &cpu_armed; *link; link = &(*link)->cpu_timer_next) {
        if (*link == process) {
            *link = process->cpu_timer_next;
            break;
        }
    }
}

/* Joins or leaves the processes whose CPU time is looked at, as it has
 * a CPU-time timer or limit now or not (was_armed: before the change). */
static void cpu_armed_changed(struct process *process, bool was_armed)
{
    if (was_armed && !cpu_timers_armed(process))
        leave_cpu_armed(process);
    if (!was_armed && cpu_timers_armed(process)) {
        process->cpu_timer_next = cpu_armed;
        cpu_armed = process;
    }
    timers_rearm();
}

static void cpu_timer_get(struct process *process, unsigned index, uint64_t *remaining,
                          uint64_t *interval)
{
    uint64_t deadline = process->cpu_timer_deadline[index], used = process_cpu_time(process);
    *remaining = deadline > used ? deadline - used : deadline ? 1 : 0;
    *interval = process->cpu_timer_interval[index];
}

static void cpu_timer_set(struct process *process, unsigned index, uint64_t value,
                          uint64_t interval)
{
    bool was_armed = cpu_timers_armed(process);
    process->cpu_timer_deadline[index] = value ? process_cpu_time(process) + value : 0;
    process->cpu_timer_interval[index] = value ? interval : 0;
    cpu_armed_changed(process, was_armed);
}

void timer_set_cpu_limit(struct process *process, uint64_t soft, uint64_t hard)
{
    bool was_armed = cpu_timers_armed(process);
    process->cpu_limit_soft = soft;
    process->cpu_limit_hard = hard;
    cpu_armed_changed(process, was_armed);
}

/* Linux's check_process_timers for RLIMIT_CPU: SIGKILL at the hard
 * limit; at the soft one SIGXCPU, and the soft limit a second later
 * (the process's own getrlimit shows it) while below the hard. */
static void cpu_limit_expired(struct process *process, uint64_t used)
{
    struct signal_info info = { .code = LINUX_SI_KERNEL };
    uint64_t seconds = used / tern_counter_frequency();
    if (process->cpu_limit_hard != UINT64_MAX && seconds >= process->cpu_limit_hard) {
        signal_send(process, 0, LINUX_SIGKILL, &info);
        return;
    }
    if (process->cpu_limit_soft == UINT64_MAX || seconds < process->cpu_limit_soft)
        return;
    if (process->cpu_limit_soft < process->cpu_limit_hard) {
        process->cpu_limit_soft++;
        files_set_soft_limit(process, LINUX_RLIMIT_CPU, process->cpu_limit_soft);
    }
    signal_send(process, 0, LINUX_SIGXCPU, &info);      /* may end it */
}

/* The CPU-time timers whose deadline the process's CPU time passed. */
static void cpu_timers_expired(void)
{
    static const unsigned signals[] = CPU_TIMER_SIGNALS;
    struct signal_info info = { .code = LINUX_SI_KERNEL };
    struct process *next;
    for (struct process *process = cpu_armed; process; process = next) {
        next = process->cpu_timer_next;
        uint64_t used = process_cpu_time(process);
        for (unsigned index = 0; index < 2; index++) {
            uint64_t *deadline = &process->cpu_timer_deadline[index];
            if (!*deadline || used < *deadline)
                continue;
            uint64_t interval = process->cpu_timer_interval[index];
            *deadline = interval ? used + interval : 0;
            if (!cpu_timers_armed(process))
                leave_cpu_armed(process);
            signal_send(process, 0, signals[index], &info);     /* may end it */
            if (process->state != PROCESS_ALIVE)
                break;
        }
        if (process->state == PROCESS_ALIVE)
            cpu_limit_expired(process, used);
    }
}

void timer_get(struct process *process, unsigned which, uint64_t *remaining, uint64_t *interval)
{
    if (which != ITIMER_REAL)
        return cpu_timer_get(process, which - 1, remaining, interval);
    uint64_t now = tern_counter_now();
    *remaining = process->timer_deadline > now ? process->timer_deadline - now
               : process->timer_deadline ? 1 : 0;   /* due: about to fire */
    *interval = process->timer_interval;
}

void timer_set(struct process *process, unsigned which, uint64_t value, uint64_t interval)
{
    if (which != ITIMER_REAL)
        return cpu_timer_set(process, which - 1, value, interval);
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
    pi_futexes_expire(now);
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
    posix_timers_cpu_expired();
    cpu_timers_expired();
    timers_rearm();
}
