/*
 * POSIX timers (timer_create and its kin): a process's timers, each with
 * a deadline on the counter and what it does when it passes: nothing
 * (SIGEV_NONE), or a signal to the process (SIGEV_SIGNAL) or to one of
 * its threads (SIGEV_THREAD_ID, which musl's SIGEV_THREAD uses) with
 * si_code SI_TIMER, the timer's id and its value. An expiry while the
 * timer's signal is still pending is an overrun: the signal is not sent
 * twice, and the one taken says how many it stood for (si_overrun,
 * timer_getoverrun). The armed timers share the kernel timeout with
 * setitimer's (timers.c). Linux deletes a process's timers at execve and
 * gives a fork child none.
 *
 * A timer on a CPU-time clock (the process's or one of its threads') has
 * its deadline in CPU time: while one is armed, procmgr looks at the CPU
 * time every tick's worth of time, as for ITIMER_VIRTUAL (timers.c), the
 * kernel sampling it at its ticks anyway.
 */
#include "request.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/syscall.h"

struct posix_timer {
    struct posix_timer *next;           /* the process's */
    struct posix_timer *next_armed;     /* every armed timer */
    struct process *process;
    int32_t id;
    bool wall;                          /* CLOCK_REALTIME: absolute times from the epoch */
    /* On a CPU-time clock: the process's, or with cpu_thread that
     * thread's; deadline and interval are then CPU time. */
    bool cpu;
    uint32_t cpu_thread;
    bool at_wall_instant;               /* set for an instant of the realtime clock */
    int32_t notify;                     /* LINUX_SIGEV_SIGNAL, _NONE or _THREAD_ID */
    uint32_t signal;
    uint32_t tid;                       /* SIGEV_THREAD_ID's thread */
    uint64_t value;                     /* si_value */
    uint64_t deadline, interval;        /* counter ticks; deadline 0: disarmed */
    uint32_t overrun;                   /* expiries since its signal was sent */
    uint32_t last_overrun;              /* what the last signal taken stood for, less one */
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
/* A CPU-time clock of a process or thread by id (Linux's
 * MAKE_PROCESS_CPUCLOCK): ~id << 3, per thread 4, kind in the low bits
 * (CPUCLOCK_SCHED, 2, is what clock_getcpuclockid makes). */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_KIND 3
#define CPUCLOCK_ID(clock) ((uint32_t)~((clock) >> 3))
#define OVERRUN_MAX 0x7fffffffu         /* DELAYTIMER_MAX */
/* A process's timers at most: procmgr's memory is everybody's. Linux
 * charges each to RLIMIT_SIGPENDING (its default here is 1,024 too). */
#define TIMERS_PER_PROCESS 1024

static struct posix_timer *armed;       /* on the counter */
static struct posix_timer *cpu_armed;   /* on a CPU-time clock */

uint64_t posix_timers_soonest(void)
{
    uint64_t soonest = 0;
    for (struct posix_timer *timer = armed; timer; timer = timer->next_armed)
        if (!soonest || timer->deadline < soonest)
            soonest = timer->deadline;
    return soonest;
}

bool posix_timers_cpu_armed(void)
{
    return cpu_armed != 0;
}

/* The CPU time a timer's clock shows now (0 for a thread that ended). */
static uint64_t cpu_time_of(const struct posix_timer *timer)
{
    if (!timer->cpu_thread)
        return process_cpu_time(timer->process);
    struct thread *thread = timer->cpu_thread < ID_LIMIT ? threads[timer->cpu_thread] : 0;
    uint64_t time = 0;
    if (thread && thread->process == timer->process)
        tern_tcb_get_cpu_time(thread->tcb, &time);
    return time;
}

/* What the timer's deadline is measured against. */
static uint64_t clock_now(const struct posix_timer *timer)
{
    return timer->cpu ? cpu_time_of(timer) : tern_counter_now();
}

static struct posix_timer **armed_list(const struct posix_timer *timer)
{
    return timer->cpu ? &cpu_armed : &armed;
}

static void disarm(struct posix_timer *timer)
{
    for (struct posix_timer **link = armed_list(timer); *link; link = &(*link)->next_armed) {
        if (*link == timer) {
            *link = timer->next_armed;
            break;
        }
    }
    timer->deadline = 0;
}

static struct posix_timer *find(struct process *process, int64_t id)
{
    struct posix_timer *timer = process->posix_timers;
    while (timer && timer->id != id)
        timer = timer->next;
    return timer;
}

/* Whether the timer's signal is pending where it was sent. */
static bool signal_pending(const struct posix_timer *timer, struct thread *thread)
{
    uint64_t bit = LINUX_SIGNAL_BIT(timer->signal);
    return (timer->process->pending.set & bit) || (thread && (thread->pending.set & bit));
}

static struct thread *target_thread(const struct posix_timer *timer)
{
    if (timer->notify != SIGEV_THREAD_ID || timer->tid >= ID_LIMIT)
        return 0;
    struct thread *thread = threads[timer->tid];
    return thread && thread->process == timer->process ? thread : 0;
}

/* The timer passed its deadline periods times. */
static void fire(struct posix_timer *timer, uint64_t periods)
{
    if (timer->notify == LINUX_SIGEV_NONE)
        return;
    struct thread *thread = target_thread(timer);
    bool pending = signal_pending(timer, thread);
    /* Pending still: every period is an overrun. Else the signal goes,
     * standing for the periods it missed too. */
    uint64_t overrun = pending ? timer->overrun + periods : periods - 1;
    timer->overrun = overrun > OVERRUN_MAX ? OVERRUN_MAX : (uint32_t)overrun;
    if (pending)
        return;
    struct signal_info info = {.code = LINUX_SI_TIMER, .pid = (uint32_t)timer->id,
                               .uid = timer->overrun, .value = timer->value};
    signal_send(timer->process, thread, timer->signal, &info);
}

/* The timers of list whose clock passed their deadline (now, for the
 * counter's; each its own, for the CPU-time ones). */
static void expire(struct posix_timer *list, uint64_t counter_now)
{
    struct posix_timer *next;
    for (struct posix_timer *timer = list; timer; timer = next) {
        next = timer->next_armed;
        uint64_t now = timer->cpu ? cpu_time_of(timer) : counter_now;
        if (timer->deadline > now)
            continue;
        uint64_t periods = 1;
        if (timer->interval) {
            periods += (now - timer->deadline) / timer->interval;
            timer->deadline += periods * timer->interval;
        } else {
            disarm(timer);
        }
        fire(timer, periods);       /* may end the process: next is kept */
    }
}

void posix_timers_expired(uint64_t now)
{
    expire(armed, now);
}

void posix_timers_cpu_expired(void)
{
    expire(cpu_armed, 0);
}

void posix_timer_taken(struct process *process, struct signal_info *info)
{
    struct posix_timer *timer = find(process, (int32_t)info->pid);
    if (!timer)
        return;
    info->uid = timer->overrun;
    timer->last_overrun = timer->overrun;
    timer->overrun = 0;
}

void posix_timers_delete_all(struct process *process)
{
    while (process->posix_timers) {
        struct posix_timer *timer = process->posix_timers;
        process->posix_timers = timer->next;
        disarm(timer);
        heap_free(timer);
    }
    timers_rearm();
}

/* Whether clock is a CPU-time clock a timer can be on: 1 (the calling
 * thread's, or a thread's of the caller's process, in *thread; else the
 * process's), 0 for another clock, -EINVAL for a process's or thread's
 * that the caller's process does not have (procmgr keeps timers only on
 * one's own CPU time: docs/personality.md). */
static int cpu_clock(const struct request *request, int64_t clock, uint32_t *thread)
{
    if (clock == CLOCK_PROCESS_CPUTIME_ID)
        return 1;
    if (clock == CLOCK_THREAD_CPUTIME_ID) {
        uint64_t caller = argument(request, 5);
        if (caller >= ID_LIMIT || !threads[caller] || threads[caller]->process != request->process)
            return -LINUX_EINVAL;
        *thread = (uint32_t)caller;
        return 1;
    }
    if (clock >= 0)
        return 0;
    if ((clock & CPUCLOCK_KIND) == CPUCLOCK_KIND)
        return -LINUX_EINVAL;
    uint32_t id = CPUCLOCK_ID(clock);
    if (clock & CPUCLOCK_PERTHREAD) {
        struct thread *target = id < ID_LIMIT ? threads[id] : 0;
        if (!target || target->process != request->process)
            return -LINUX_EINVAL;
        *thread = id;
        return 1;
    }
    return id == 0 || id == request->process->pid ? 1 : -LINUX_EINVAL;
}

/* PROC_TIMER_CREATE: clock, notify (-1: the default, SIGALRM with the id
 * as its value), signal, value, tid, the calling thread. */
void handle_timer_create(struct request *request)
{
    struct process *process = request->process;
    int64_t clock = (int64_t)request->mr[0], notify = (int32_t)request->mr[1];
    uint64_t signal = request->mr[2], tid = argument(request, 4);
    bool alarm = clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM;
    uint32_t cpu_thread = 0;
    int cpu = cpu_clock(request, clock, &cpu_thread);
    if (cpu < 0)
        return result(request, cpu);
    /* The raw and coarse clocks have no timers (Linux: EOPNOTSUPP). */
    if (clock >= CLOCK_MONOTONIC_RAW && clock <= CLOCK_MONOTONIC_COARSE)
        return result(request, -LINUX_EOPNOTSUPP);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
        clock != CLOCK_TAI && !alarm && !cpu)
        return result(request, -LINUX_EINVAL);
    if (alarm && process->euid != 0)
        return result(request, -LINUX_EPERM);
    if (notify == -1) {
        notify = LINUX_SIGEV_SIGNAL;
        signal = LINUX_SIGALRM;
    }
    if (notify != LINUX_SIGEV_SIGNAL && notify != LINUX_SIGEV_NONE && notify != SIGEV_THREAD_ID)
        return result(request, -LINUX_EINVAL);
    if (notify != LINUX_SIGEV_NONE && (signal == 0 || signal > LINUX_NSIG))
        return result(request, -LINUX_EINVAL);
    if (notify == SIGEV_THREAD_ID &&
        (tid >= ID_LIMIT || !threads[tid] || threads[tid]->process != process))
        return result(request, -LINUX_EINVAL);
    unsigned count = 0;
    for (struct posix_timer *other = process->posix_timers; other; other = other->next)
        count++;
    struct posix_timer *timer = count < TIMERS_PER_PROCESS ? heap_allocate(sizeof *timer) : 0;
    if (!timer)
        return result(request, -LINUX_EAGAIN);
    int32_t id = process->next_timer_id++;
    *timer = (struct posix_timer){
        .next = process->posix_timers, .process = process, .id = id,
        .wall = clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI,
        .cpu = cpu, .cpu_thread = cpu_thread,
        .notify = (int32_t)notify, .signal = (uint32_t)signal, .tid = (uint32_t)tid,
        .value = (int32_t)request->mr[1] == -1 ? (uint64_t)id : request->mr[3]};
    process->posix_timers = timer;
    result(request, id);
}

static void answer_setting(struct request *request, const struct posix_timer *timer)
{
    uint64_t now = clock_now(timer);
    request->results[0] = 0;
    request->results[1] = timer->deadline > now ? timer->deadline - now
                        : timer->deadline ? 1 : 0;      /* due: about to fire */
    request->results[2] = timer->interval;
    request->result_count = 3;
}

/* PROC_TIMER_SETTIME: id, flags, value, interval (ticks), epoch offset. */
void handle_timer_settime(struct request *request)
{
    struct posix_timer *timer = find(request->process, (int64_t)request->mr[0]);
    if (!timer || tern_message_length(request->info) < 5)
        return result(request, -LINUX_EINVAL);
    answer_setting(request, timer);
    if (timer->deadline)
        disarm(timer);
    uint64_t value = request->mr[2], now = clock_now(timer);
    timer->interval = value ? request->mr[3] : 0;      /* disarming forgets it too */
    timer->at_wall_instant = value && timer->wall && (request->mr[1] & TIMER_ABSTIME);
    if (value) {
        if (!(request->mr[1] & TIMER_ABSTIME))
            value = now + value < now ? UINT64_MAX : now + value;
        else if (timer->wall)
            value = value > request->mr[4] ? value - request->mr[4] : 1;
        timer->deadline = value ? value : 1;
        timer->next_armed = *armed_list(timer);
        *armed_list(timer) = timer;
    }
    timers_rearm();
    if (timer->deadline && timer->deadline <= now)     /* an instant already past: at once */
        timer->cpu ? posix_timers_cpu_expired() : posix_timers_expired(now);
}

void posix_timers_clock_set(uint64_t old, uint64_t new)
{
    uint64_t now = tern_counter_now();
    for (struct posix_timer *timer = armed; timer; timer = timer->next_armed) {
        if (!timer->at_wall_instant)
            continue;
        /* The same instant of the realtime clock, on the counter now. */
        uint64_t deadline = timer->deadline + old - new;
        timer->deadline = (int64_t)(deadline - now) < 0 || !deadline ? now : deadline;
    }
    timers_rearm();
    posix_timers_expired(now);
}

void handle_timer_gettime(struct request *request)
{
    struct posix_timer *timer = find(request->process, (int64_t)request->mr[0]);
    if (!timer)
        return result(request, -LINUX_EINVAL);
    answer_setting(request, timer);
}

void handle_timer_getoverrun(struct request *request)
{
    struct posix_timer *timer = find(request->process, (int64_t)request->mr[0]);
    result(request, timer ? (int64_t)timer->last_overrun : -LINUX_EINVAL);
}

void handle_timer_delete(struct request *request)
{
    struct process *process = request->process;
    for (struct posix_timer **link = &process->posix_timers; *link; link = &(*link)->next) {
        struct posix_timer *timer = *link;
        if (timer->id != (int64_t)request->mr[0])
            continue;
        *link = timer->next;
        disarm(timer);
        heap_free(timer);
        timers_rearm();
        return result(request, 0);
    }
    result(request, -LINUX_EINVAL);
}
