/*
 * What a process asks about the system and its own thread: uname,
 * getrandom, prctl names, scheduling, membarrier, the robust list.
 */
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

#define UTS_FIELD 65

struct linux_utsname {
    char sysname[UTS_FIELD];
    char nodename[UTS_FIELD];
    char release[UTS_FIELD];
    char version[UTS_FIELD];
    char machine[UTS_FIELD];
    char domainname[UTS_FIELD];
};

static void copy_field(char *field, const char *text)
{
    __builtin_memset(field, 0, UTS_FIELD);
    for (unsigned i = 0; text[i] != 0 && i < UTS_FIELD - 1; i++)
        field[i] = text[i];
}

int64_t sys_uname(struct linux_utsname *name)
{
    if (name == 0)
        return -LINUX_EFAULT;
    copy_field(name->sysname, "Linux");
    copy_field(name->nodename, "tern");
    copy_field(name->release, "6.1.0-tern");
    copy_field(name->version, "#1 SMP tern");
    copy_field(name->machine, "aarch64");
    copy_field(name->domainname, "(none)");
    return 0;
}

/* getrandom: xorshift64* seeded from the counter. Not cryptographic: a
 * stand-in until there is an entropy source. */
#define GRND_NONBLOCK   1
#define GRND_RANDOM     2
#define GRND_INSECURE   4
#define GETRANDOM_LIMIT 33554431    /* Linux returns at most this per call */

static uint64_t random_state;

static uint64_t next_random(void)
{
    uint64_t state = __atomic_load_n(&random_state, __ATOMIC_RELAXED);
    if (state == 0)
        state = linux_counter_now() | 1;
    state ^= linux_counter_now() << 17;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    if (state == 0)
        state = 0x9e3779b97f4a7c15ULL;
    __atomic_store_n(&random_state, state, __ATOMIC_RELAXED);
    return state * 0x2545f4914f6cdd1dULL;
}

int64_t sys_getrandom(uint8_t *buffer, uint64_t length, uint64_t flags)
{
    if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -LINUX_EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
        return -LINUX_EINVAL;
    if (length > GETRANDOM_LIMIT)
        length = GETRANDOM_LIMIT;
    if (length > 0 && buffer == 0)
        return -LINUX_EFAULT;
    for (uint64_t done = 0; done < length; done += 8) {
        uint64_t value = next_random();
        for (unsigned i = 0; i < 8 && done + i < length; i++)
            buffer[done + i] = (uint8_t)(value >> (8 * i));
    }
    return (int64_t)length;
}

#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
/* tern's own (docs/access.md): the access descriptor, read (argument -1)
 * or tightened; far from Linux's numbers, which give EINVAL for it. */
#define PR_TERN_ACCESS 0x54450001

int64_t sys_prctl(uint64_t option, uint64_t argument)
{
    char *name = linux_thread_state()->name;
    switch (option) {
    case PR_SET_NAME: {
        const char *new_name = (const char *)(uintptr_t)argument;
        if (new_name == 0)
            return -LINUX_EFAULT;
        unsigned i = 0;
        for (; i < 15 && new_name[i] != 0; i++)
            name[i] = new_name[i];
        for (; i < 16; i++)
            name[i] = 0;
        return 0;
    }
    case PR_GET_NAME:
        if (argument == 0)
            return -LINUX_EFAULT;
        __builtin_memcpy((void *)(uintptr_t)argument, name, 16);
        return 0;
    case PR_GET_DUMPABLE:
        return linux_request(LINUX_SLOT_PROCMGR, PROC_DUMPABLE, 1, (uint64_t)-1, 0, 0, 0);
    case PR_SET_DUMPABLE: {
        /* SUID_DUMP_DISABLE or SUID_DUMP_USER: the only two one may set. */
        if (argument > 1)
            return -LINUX_EINVAL;
        int64_t result = linux_request(LINUX_SLOT_PROCMGR, PROC_DUMPABLE, 1, argument, 0, 0, 0);
        return result < 0 ? result : 0;
    }
    case PR_TERN_ACCESS:
        return linux_request(LINUX_SLOT_PROCMGR, PROC_ACCESS, 1, argument, 0, 0, 0);
    default:
        return -LINUX_EINVAL;
    }
}

int64_t sys_sched_yield(void)
{
    tern_yield();
    return 0;
}

/* Linux's priority ranges: 1-99 for the real-time policies, 0 for the
 * others. procmgr keeps each thread's policy and maps it onto the
 * kernel's priorities (servers/procmgr/scheduling.h). */

int64_t sys_sched_get_priority(int64_t policy, bool maximum)
{
    switch (policy) {
    case LINUX_SCHED_FIFO:
    case LINUX_SCHED_RR:
        return maximum ? 99 : 1;
    case LINUX_SCHED_OTHER:
    case LINUX_SCHED_BATCH:
    case LINUX_SCHED_IDLE:
        return 0;
    default:
        return -LINUX_EINVAL;
    }
}

/* The scheduling calls name a thread (pid 0: the caller). */
static int64_t scheduling_request(int64_t pid, uint64_t policy, uint64_t priority,
                                  uint64_t answer[2])
{
    uint64_t target = (int32_t)pid == 0 ? 0 : (uint64_t)(int64_t)(int32_t)pid;
    uint64_t mr[4] = {linux_thread_id(), target, policy, priority};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_SCHED_POLICY, 4, 0, 0, mr);
    answer[0] = mr[1];
    answer[1] = mr[2];
    return result;
}

/* sched_setscheduler and sched_setparam (policy PROC_SCHED_KEEP). */
static int64_t set_scheduling(int64_t pid, uint64_t policy, const int32_t *param)
{
    if (param == 0 || (int32_t)pid < 0)
        return -LINUX_EINVAL;
    uint64_t answer[2];
    return scheduling_request(pid, policy, (uint64_t)(int64_t)*param, answer);  /* faults: EFAULT */
}

int64_t sys_sched_setscheduler(int64_t pid, int64_t policy, const int32_t *param)
{
    if ((int32_t)policy < 0)
        return -LINUX_EINVAL;
    return set_scheduling(pid, (uint64_t)(int64_t)(int32_t)policy, param);
}

int64_t sys_sched_setparam(int64_t pid, const int32_t *param)
{
    return set_scheduling(pid, PROC_SCHED_KEEP, param);
}

int64_t sys_sched_getscheduler(int64_t pid)
{
    if ((int32_t)pid < 0)
        return -LINUX_EINVAL;
    uint64_t answer[2];
    int64_t result = scheduling_request(pid, PROC_SCHED_ASK, 0, answer);
    return result < 0 ? result : (int64_t)answer[0];
}

int64_t sys_sched_getparam(int64_t pid, int32_t *param)
{
    if (param == 0 || (int32_t)pid < 0)
        return -LINUX_EINVAL;
    uint64_t answer[2];
    int64_t result = scheduling_request(pid, PROC_SCHED_ASK, 0, answer);
    if (result < 0)
        return result;
    *param = (int32_t)answer[1];                    /* faults: EFAULT */
    return 0;
}

/* A time slice is the kernel's tick; a FIFO thread has none. */
#define TIME_SLICE_NANOSECONDS 10000000

int64_t sys_sched_rr_get_interval(int64_t pid, struct linux_timespec *interval)
{
    if ((int32_t)pid < 0)
        return -LINUX_EINVAL;
    uint64_t answer[2];
    int64_t result = scheduling_request(pid, PROC_SCHED_ASK, 0, answer);
    if (result < 0)
        return result;
    bool fifo = (answer[0] & ~(uint64_t)LINUX_SCHED_RESET_ON_FORK) == LINUX_SCHED_FIFO;
    *interval = (struct linux_timespec){0, fifo ? 0 : TIME_SLICE_NANOSECONDS};  /* faults: EFAULT */
    return 0;
}

/* Affinity masks: one word, for the 64 cores tern counts at most (Linux's
 * answer is as long as its cpumask; these are all a tern system has).
 * procmgr keeps each thread's (PROC_SCHED_AFFINITY) and writes it, with
 * the core the thread runs on, to the thread's info page. */
#define AFFINITY_SIZE   8

/* pid 0 is the calling thread. */
static uint64_t thread_named(int64_t pid)
{
    return (int32_t)pid == 0 ? linux_thread_id() : (uint64_t)(int64_t)(int32_t)pid;
}

int64_t sys_sched_getaffinity(int64_t pid, uint64_t size, uint64_t *mask)
{
    if (size < AFFINITY_SIZE || (size & (AFFINITY_SIZE - 1)))
        return -LINUX_EINVAL;
    if (mask == 0)
        return -LINUX_EFAULT;
    uint64_t tid = thread_named(pid);
    int64_t cores = tid == linux_thread_id()
                        ? (int64_t)linux_thread_info()->cpu_mask
                        : linux_request(LINUX_SLOT_PROCMGR, PROC_SCHED_AFFINITY, 2, tid, 0, 0, 0);
    if (cores < 0)
        return cores;
    *mask = (uint64_t)cores;
    return AFFINITY_SIZE;
}

int64_t sys_sched_setaffinity(int64_t pid, uint64_t size, const uint8_t *mask)
{
    /* The first size bytes count, the rest of a word is zero; cores
     * beyond 64 are none tern has. */
    uint64_t cores = 0;
    for (uint64_t i = 0; i < size && i < AFFINITY_SIZE; i++)
        cores |= (uint64_t)mask[i] << (8 * i);      /* a bad pointer faults: EFAULT */
    if (cores == 0)
        return -LINUX_EINVAL;
    int64_t result = linux_request(LINUX_SLOT_PROCMGR, PROC_SCHED_AFFINITY, 2,
                                   thread_named(pid), cores, 0, 0);
    return result < 0 ? result : 0;
}

int64_t sys_getcpu(uint32_t *cpu, uint32_t *node)
{
    if (cpu != 0)
        *cpu = (uint32_t)linux_thread_info()->cpu;
    if (node != 0)
        *node = 0;
    return 0;
}

int64_t sys_membarrier(uint64_t command, uint64_t flags, int64_t cpu)
{
    return tern_membarrier(command, flags, (int32_t)cpu);
}

/* The robust futex list's head (struct robust_list_head) is kept in the
 * thread's info page, where procmgr walks the list when the thread ends
 * (docs/protocols/procmgr.md). Any address is taken, as Linux takes it:
 * a bad one only ends the walk. */
#define ROBUST_LIST_HEAD_SIZE 24

int64_t sys_set_robust_list(uint64_t head, uint64_t length)
{
    if (length != ROBUST_LIST_HEAD_SIZE)
        return -LINUX_EINVAL;
    linux_thread_info()->robust_list = head;
    return 0;
}

/* Another thread's head, and whether the caller may see it, are
 * procmgr's to say (PROC_ROBUST_LIST). */
int64_t sys_get_robust_list(int64_t pid, uint64_t *head, uint64_t *length)
{
    uint64_t tid = thread_named(pid);
    uint64_t mr[4] = {tid, linux_thread_info()->robust_list, 0, 0};
    int64_t result = tid == linux_thread_id()
                         ? 0 : linux_call(LINUX_SLOT_PROCMGR, PROC_ROBUST_LIST, 1, 0, 0, mr);
    if (result < 0)
        return result;
    *length = ROBUST_LIST_HEAD_SIZE;        /* a bad pointer faults: EFAULT */
    *head = mr[1];
    return 0;
}
