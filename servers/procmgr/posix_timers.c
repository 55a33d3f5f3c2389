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
 */
#include "request.h"
#include "sys/counter.h"
#include "sys/linux_abi.h"
#include "sys/syscall.h"

struct posix_timer {
    struct posix_timer *next;           /* the process's */
    struct posix_timer *next_armed;     /* every armed timer */
    struct process *process;
    int32_t id;
    bool wall;                          /* CLOCK_REALTIME: absolute times from the epoch */
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
#define OVERRUN_MAX 0x7fffffffu         /* DELAYTIMER_MAX */
/* A process's timers at most: procmgr's memory is everybody's. Linux
 * charges each to RLIMIT_SIGPENDING (its default here is 1,024 too). */
#define TIMERS_PER_PROCESS 1024

static struct posix_timer *armed;

uint64_t posix_timers_soonest(void)
{
    uint64_t soonest = 0;
    for (struct posix_timer *timer = armed; timer; timer = timer->next_armed)
        if (!soonest || timer->deadline < soonest)
            soonest = timer->deadline;
    return soonest;
}

static void disarm(struct posix_timer *timer)
{
    for (struct posix_timer **link = &armed; *link; link = &(*link)->next_armed) {
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

void posix_timers_expired(uint64_t now)
{
    struct posix_timer *next;
    for (struct posix_timer *timer = armed; timer; timer = next) {
        next = timer->next_armed;
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

/* PROC_TIMER_CREATE: clock, notify (-1: the default, SIGALRM with the id
 * as its value), signal, value, tid. */
void handle_timer_create(struct request *request)
{
    struct process *process = request->process;
    int64_t clock = (int64_t)request->mr[0], notify = (int32_t)request->mr[1];
    uint64_t signal = request->mr[2], tid = argument(request, 4);
    bool alarm = clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM;
    /* The raw and coarse clocks have no timers (Linux: EOPNOTSUPP); the
     * CPU-time ones are not done here. */
    if (clock >= CLOCK_MONOTONIC_RAW && clock <= CLOCK_MONOTONIC_COARSE)
        return result(request, -LINUX_EOPNOTSUPP);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
        clock != CLOCK_TAI && !alarm)
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
        .notify = (int32_t)notify, .signal = (uint32_t)signal, .tid = (uint32_t)tid,
        .value = (int32_t)request->mr[1] == -1 ? (uint64_t)id : request->mr[3]};
    process->posix_timers = timer;
    result(request, id);
}

static void answer_setting(struct request *request, const struct posix_timer *timer)
{
    uint64_t now = tern_counter_now();
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
    uint64_t value = request->mr[2], now = tern_counter_now();
    timer->interval = value ? request->mr[3] : 0;      /* disarming forgets it too */
    timer->at_wall_instant = value && timer->wall && (request->mr[1] & TIMER_ABSTIME);
    if (value) {
        if (!(request->mr[1] & TIMER_ABSTIME))
            value = now + value < now ? UINT64_MAX : now + value;
        else if (timer->wall)
            value = value > request->mr[4] ? value - request->mr[4] : 1;
        timer->deadline = value ? value : 1;
        timer->next_armed = armed;
        armed = timer;
    }
    timers_rearm();
    if (timer->deadline && timer->deadline <= now)
        posix_timers_expired(now);      /* an instant already past: at once */
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
