/*
 * Clocks and sleeping, from the generic timer's virtual counter
 * (CNTVCT_EL0, CNTFRQ_EL0), which EL0 may read: no server involved.
 *
 * The monotonic clocks count from boot. CLOCK_REALTIME adds the time of
 * day the kernel read from the board's real-time clock at boot (the
 * process info page has it; 1970 on a board without one), and the
 * CPU-time clocks report elapsed time, not time on a CPU. A sleep arms this thread's
 * notification with the kernel's timeout (a deadline in counter ticks)
 * and waits on it; the kernel checks deadlines at each 10 ms tick, so
 * sleeps end up to one tick late.
 */
#include "clock_math.h"
#include "personality.h"
#include "server_call.h"
#include "syscall_numbers.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

#define CLOCK_REALTIME              0
#define CLOCK_MONOTONIC             1
#define CLOCK_PROCESS_CPUTIME_ID    2
#define CLOCK_THREAD_CPUTIME_ID     3
#define CLOCK_MONOTONIC_RAW         4
#define CLOCK_REALTIME_COARSE       5
#define CLOCK_MONOTONIC_COARSE      6
#define CLOCK_BOOTTIME              7
#define CLOCK_TAI                   11
#define TIMER_ABSTIME               1
/* Debian's kernel ticks at 250 Hz: what it reports for the coarse clocks. */
#define COARSE_RESOLUTION_NS        4000000

static bool clock_is_known(int64_t clock)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
        return true;
    default:
        return false;
    }
}

static struct linux_timespec now(void)
{
    return ticks_to_timespec(linux_counter_now(), linux_counter_frequency());
}

static bool clock_is_wall(int64_t clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

/* What to add to the counter to count from the epoch instead of boot. */
uint64_t linux_epoch_offset_ticks(void)
{
    const struct linux_process_info *info = linux_process_info();
    return tern_counter_epoch_offset(info->realtime_seconds, info->realtime_counter);
}

uint64_t linux_realtime_deadline(const struct linux_timespec *time)
{
    uint64_t ticks = timespec_to_ticks(time, linux_counter_frequency());
    uint64_t offset = linux_epoch_offset_ticks();
    return ticks > offset ? ticks - offset : 1;     /* 1: long past, not "none" */
}

static struct linux_timespec wall_time(void)
{
    return ticks_to_timespec(linux_counter_now() + linux_epoch_offset_ticks(),
                             linux_counter_frequency());
}

/* clock_getcpuclockid's ids: ~pid << 3 and the kind (CPUCLOCK_SCHED;
 * PROF and VIRT read the same here), with PERTHREAD for a thread's. */
#define CPUCLOCK_KIND       3
#define CPUCLOCK_PERTHREAD  4

/* The CPU time procmgr measured: the calling thread's, a process's (0:
 * this one) and its reaped children's, in counter ticks. */
/* The CPU times of thread tid (one of this process's), of process pid (0:
 * this one) and of its reaped children. */
static int64_t cpu_times(uint64_t tid, uint64_t pid, uint64_t *thread, uint64_t *process,
                         uint64_t *children)
{
    uint64_t mr[4] = {tid, pid, 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_CPU_TIME, 2, 0, 0, mr);
    *thread = mr[1], *process = mr[2], *children = mr[3];
    return result;
}

/* What a CPU-time clock reads (counter ticks): 0, -EINVAL (a clock of
 * another process's thread), -ESRCH; 1 if clock is no CPU-time clock. */
static int64_t cpu_clock_read(int32_t clock, uint64_t *ticks)
{
    bool per_thread;
    uint64_t pid = 0, tid = linux_thread_id();
    if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID) {
        per_thread = clock == CLOCK_THREAD_CPUTIME_ID;
    } else if (clock < 0) {
        if ((clock & CPUCLOCK_KIND) == CPUCLOCK_KIND)
            return -LINUX_EINVAL;
        per_thread = clock & CPUCLOCK_PERTHREAD;
        uint64_t id = (uint32_t)~(clock >> 3);
        if (per_thread)
            tid = id;       /* procmgr answers -ESRCH for another process's */
        else if (id != linux_process_info()->pid)
            pid = id;
    } else {
        return 1;
    }
    uint64_t thread, process, children;
    int64_t result = cpu_times(tid, pid, &thread, &process, &children);
    *ticks = per_thread ? thread : process;
    /* Linux: the clock of a process that does not exist is EINVAL. */
    return result == -LINUX_ESRCH ? -LINUX_EINVAL : result;
}

int64_t linux_store_itimerspec(struct linux_itimerspec *setting, uint64_t remaining,
                               uint64_t interval)
{
    if (!linux_user_range((uint64_t)(uintptr_t)setting, sizeof *setting))
        return -LINUX_EFAULT;
    uint64_t frequency = linux_counter_frequency();
    setting->value = ticks_to_timespec(remaining, frequency);
    setting->interval = ticks_to_timespec(interval, frequency);
    return 0;
}

int64_t sys_clock_gettime(int64_t clock, struct linux_timespec *time)
{
    uint64_t cpu_time;
    int64_t cpu_clock = cpu_clock_read((int32_t)clock, &cpu_time);
    if (cpu_clock < 0)
        return cpu_clock;
    if (cpu_clock == 1 && !clock_is_known((int32_t)clock))
        return -LINUX_EINVAL;
    if (time == 0)
        return -LINUX_EFAULT;
    if (cpu_clock == 0)
        *time = ticks_to_timespec(cpu_time, linux_counter_frequency());
    else
        *time = clock_is_wall((int32_t)clock) ? wall_time() : now();
    return 0;
}

/* Linux's clock_settime: only CLOCK_REALTIME can be set (others EINVAL,
 * a process's or thread's CPU-time clock by id EPERM once the time is
 * read), to a valid time, by root (procmgr checks: EPERM). */
int64_t sys_clock_settime(int64_t clock, const struct linux_timespec *time)
{
    int32_t which = (int32_t)clock;
    bool cpu = which < 0 && (which & CPUCLOCK_KIND) != CPUCLOCK_KIND;
    if (which != CLOCK_REALTIME && !cpu)
        return -LINUX_EINVAL;
    if (!linux_user_range((uint64_t)(uintptr_t)time, sizeof *time))
        return -LINUX_EFAULT;
    struct linux_timespec wanted = *time;
    if (cpu)
        return -LINUX_EPERM;
    if (!timespec_is_valid(&wanted))
        return -LINUX_EINVAL;
    return linux_request(LINUX_SLOT_PROCMGR, PROC_CLOCK_SET, 2, (uint64_t)wanted.seconds,
                         wanted.nanoseconds, 0, 0);
}

int64_t sys_clock_getres(int64_t clock, struct linux_timespec *resolution)
{
    uint64_t cpu_time;
    int64_t cpu_clock = cpu_clock_read((int32_t)clock, &cpu_time);
    if (cpu_clock < 0)
        return cpu_clock;
    if (cpu_clock == 1 && !clock_is_known((int32_t)clock))
        return -LINUX_EINVAL;
    if (resolution != 0) {
        bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
        resolution->seconds = 0;
        resolution->nanoseconds = coarse ? COARSE_RESOLUTION_NS : 1;
    }
    return 0;
}

struct linux_timeval {
    int64_t seconds;
    int64_t microseconds;
};

int64_t sys_gettimeofday(struct linux_timeval *time, void *zone)
{
    if (time != 0) {
        struct linux_timespec current = wall_time();
        time->seconds = current.seconds;
        time->microseconds = current.nanoseconds / 1000;
    }
    if (zone != 0)
        __builtin_memset(zone, 0, 8);      /* struct timezone: UTC, no DST */
    return 0;
}

bool linux_sleep_until(uint64_t deadline)
{
    uint64_t notification =
        linux_thread_notification_slot((unsigned)linux_thread_info()->area);
    /* A word left from an earlier timeout could end the wait early: the
     * loop checks the counter itself. */
    while (linux_counter_now() < deadline) {
        if (tern_notification_set_timeout(notification, deadline, 1) != TERN_OK) {
            tern_yield();
            continue;
        }
        uint64_t word;
        if (tern_message_label(tern_wait(notification, &word)) == TERN_INTERRUPTED) {
            tern_notification_set_timeout(notification, 0, 1);
            return false;
        }
    }
    return true;
}

/* A relative sleep a signal interrupted says how much was left, and
 * leaves its deadline in the restart block: restarted without a handler
 * (a stop and SIGCONT), restart_syscall sleeps until that same deadline,
 * as Linux's hrtimer_nanosleep_restart does; with one it is EINTR. */
static int64_t relative_sleep_interrupted(uint64_t deadline, struct linux_timespec *remaining)
{
    if (remaining != 0) {
        uint64_t now = linux_counter_now();
        *remaining = ticks_to_timespec(deadline > now ? deadline - now : 0,
                                       linux_counter_frequency());
    }
    struct linux_thread_state *thread = linux_thread_state();
    thread->restart_call = LINUX_NR_clock_nanosleep;
    thread->restart_deadline = deadline;
    thread->restart_arguments[0] = (uint64_t)(uintptr_t)remaining;
    return -LINUX_ERESTART_RESTARTBLOCK;
}

int64_t sys_clock_nanosleep(int64_t clock, uint64_t flags, const struct linux_timespec *request,
                            struct linux_timespec *remaining)
{
    switch ((int32_t)clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
    case CLOCK_PROCESS_CPUTIME_ID:
        break;
    case CLOCK_THREAD_CPUTIME_ID:
        return -LINUX_EINVAL;
    default:
        return clock_is_known((int32_t)clock) ? -LINUX_EOPNOTSUPP : -LINUX_EINVAL;
    }
    if (request == 0)
        return -LINUX_EFAULT;
    if (!timespec_is_valid(request))
        return -LINUX_EINVAL;
    uint64_t frequency = linux_counter_frequency();
    uint64_t ticks = timespec_to_ticks(request, frequency);
    /* An absolute wall-clock time is that much later on the counter. */
    if ((flags & TIMER_ABSTIME) && clock_is_wall((int32_t)clock))
        ticks = ticks > linux_epoch_offset_ticks() ? ticks - linux_epoch_offset_ticks() : 0;
    uint64_t deadline = (flags & TIMER_ABSTIME) ? ticks : deadline_after(linux_counter_now(), ticks);
    if (linux_sleep_until(deadline))
        return 0;
    if (flags & TIMER_ABSTIME)
        return -LINUX_ERESTARTNOHAND;   /* restarted as it was: the same instant */
    return relative_sleep_interrupted(deadline, remaining);
}

int64_t linux_nanosleep_restart(void)
{
    struct linux_thread_state *thread = linux_thread_state();
    uint64_t deadline = thread->restart_deadline;
    if (linux_sleep_until(deadline))
        return 0;
    return relative_sleep_interrupted(
        deadline, (struct linux_timespec *)(uintptr_t)thread->restart_arguments[0]);
}

int64_t sys_nanosleep(const struct linux_timespec *request, struct linux_timespec *remaining)
{
    return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, request, remaining);
}

/* ---- Interval timers (procmgr keeps them, in counter ticks) ---- */

struct linux_itimerval {
    struct linux_timeval interval;
    struct linux_timeval value;
};

#define ITIMER_REAL 0
#define ITIMER_PROF 2

static bool timeval_is_valid(const struct linux_timeval *time)
{
    return time->seconds >= 0 && time->microseconds >= 0 && time->microseconds < 1000000;
}

static uint64_t timeval_to_ticks(const struct linux_timeval *time)
{
    struct linux_timespec spec = {time->seconds, time->microseconds * 1000};
    return timespec_to_ticks(&spec, linux_counter_frequency());
}

/* Linux rounds what is left up to whole microseconds: a timer that has
 * not fired never reads as zero. */
static struct linux_timeval ticks_to_timeval(uint64_t ticks)
{
    struct linux_timespec spec = ticks_to_timespec(ticks, linux_counter_frequency());
    struct linux_timeval time = {spec.seconds, (spec.nanoseconds + 999) / 1000};
    if (time.microseconds == 1000000) {
        time.seconds++;
        time.microseconds = 0;
    }
    return time;
}

static void write_itimer(struct linux_itimerval *timer, const uint64_t values[3])
{
    timer->value = ticks_to_timeval(values[1]);
    timer->interval = ticks_to_timeval(values[2]);
}

/* ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF. */
static int64_t check_which(int64_t which)
{
    return (int32_t)which >= ITIMER_REAL && (int32_t)which <= ITIMER_PROF ? 0 : -LINUX_EINVAL;
}

int64_t sys_setitimer(int64_t which, const struct linux_itimerval *timer,
                      struct linux_itimerval *old_timer)
{
    int64_t checked = check_which(which);
    if (checked < 0)
        return checked;
    uint64_t value = 0, interval = 0;
    if (timer != 0) {
        if (!timeval_is_valid(&timer->value) || !timeval_is_valid(&timer->interval))
            return -LINUX_EINVAL;
        value = timeval_to_ticks(&timer->value);
        interval = timeval_to_ticks(&timer->interval);
        if (value == 0 && (timer->value.seconds || timer->value.microseconds))
            value = 1;      /* a tiny non-zero time still arms it */
    }
    uint64_t mr[4] = {value, interval, (uint32_t)which, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_SETITIMER, 3, 0, 0, mr);
    if (result < 0)
        return result;
    if (old_timer != 0)
        write_itimer(old_timer, mr);
    return 0;
}

int64_t sys_getitimer(int64_t which, struct linux_itimerval *timer)
{
    int64_t checked = check_which(which);
    if (checked < 0)
        return checked;
    uint64_t mr[4] = {(uint32_t)which, 0, 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_GETITIMER, 1, 0, 0, mr);
    if (result < 0)
        return result;
    if (timer == 0)
        return -LINUX_EFAULT;
    write_itimer(timer, mr);
    return 0;
}

/* struct tms: user, system, children's user and system time in clock
 * ticks (USER_HZ = 100). All the time procmgr measured counts as user
 * time: what the servers do for a process is theirs. */
#define USER_HZ 100

int64_t sys_times(int64_t *counts)
{
    uint64_t per_tick = linux_counter_frequency() / USER_HZ;
    if (counts != 0) {
        uint64_t thread, process, children;
        int64_t result = cpu_times(linux_thread_id(), 0, &thread, &process, &children);
        if (result < 0)
            return result;
        if (!linux_user_range((uint64_t)(uintptr_t)counts, 4 * sizeof(int64_t)))
            return -LINUX_EFAULT;
        counts[0] = (int64_t)(process / per_tick);
        counts[1] = 0;
        counts[2] = (int64_t)(children / per_tick);
        counts[3] = 0;
    }
    return (int64_t)(linux_counter_now() / per_tick);
}

#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1
#define RUSAGE_SIZE     144

int64_t sys_getrusage(int64_t who, void *usage)
{
    if ((int32_t)who != RUSAGE_SELF && (int32_t)who != RUSAGE_CHILDREN &&
        (int32_t)who != RUSAGE_THREAD)
        return -LINUX_EINVAL;
    if (usage == 0 || !linux_user_range((uint64_t)(uintptr_t)usage, RUSAGE_SIZE))
        return -LINUX_EFAULT;
    uint64_t thread, process, children;
    int64_t result = cpu_times(linux_thread_id(), 0, &thread, &process, &children);
    if (result < 0)
        return result;
    uint64_t time = (int32_t)who == RUSAGE_SELF ? process
                    : (int32_t)who == RUSAGE_THREAD ? thread : children;
    /* ru_utime leads struct rusage; the rest is not counted here. */
    struct linux_timespec user = ticks_to_timespec(time, linux_counter_frequency());
    __builtin_memset(usage, 0, RUSAGE_SIZE);
    struct linux_timeval *user_time = usage;
    user_time->seconds = user.seconds;
    user_time->microseconds = user.nanoseconds / 1000;
    return 0;
}

/* struct sysinfo on arm64. */
struct linux_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};

/* Uptime from the counter; memory and threads from procmgr; no load
 * average, no swap. */
int64_t sys_sysinfo(struct linux_sysinfo *info)
{
    if (!linux_user_range((uint64_t)(uintptr_t)info, sizeof *info))
        return -LINUX_EFAULT;
    uint64_t mr[4] = {0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_SYSINFO, 0, 0, 0, mr);
    if (result < 0)
        return result;
    *info = (struct linux_sysinfo){
        .uptime = (int64_t)(linux_counter_now() / linux_counter_frequency()),
        .totalram = mr[1],
        .freeram = mr[2],
        .procs = (uint16_t)(mr[3] > 0xffff ? 0xffff : mr[3]),
        .mem_unit = 1,
    };
    return 0;
}
