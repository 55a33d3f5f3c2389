/*
 * getrlimit, setrlimit, prlimit64: per-process limits kept here, with
 * the defaults a Linux process started from a plain init has. Raising a
 * hard limit is refused (EPERM), lowering works; RLIMIT_NOFILE's soft
 * limit bounds the descriptors handed out (EMFILE), RLIMIT_MEMLOCK's
 * bounds what shmctl may lock and what procmgr lets mlock and MAP_LOCKED
 * lock, RLIMIT_MSGQUEUE's what mq_open may create, RLIMIT_AS's and
 * RLIMIT_DATA's what procmgr maps, RLIMIT_CPU's the CPU time it lets a
 * process have, RLIMIT_RTPRIO's and RLIMIT_NICE's the policies it lets
 * a thread take, RLIMIT_NPROC's the tasks it makes and RLIMIT_SIGPENDING's
 * the signals it queues (procmgr's, told with PROC_RLIMIT:
 * PROC_RLIMITS_ENFORCED), RLIMIT_FSIZE's what a write or truncate may make
 * of a regular file (file_size_limit.h), and the rest are only recorded.
 */
#include "limits.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/protocol/procmgr.h"

#define RLIMIT_NOFILE       7
#define RLIMIT_MEMLOCK      8
#define RLIMIT_MSGQUEUE     12
#define RLIM_INFINITY       (~0ULL)
#define NOFILE_CEILING      1048576     /* Linux's fs.nr_open */

#define UNLIMITED           {RLIM_INFINITY, RLIM_INFINITY}

static const struct linux_resource_limit defaults[LINUX_RLIMIT_COUNT] = {
    UNLIMITED,                          /* RLIMIT_CPU */
    UNLIMITED,                          /* RLIMIT_FSIZE */
    UNLIMITED,                          /* RLIMIT_DATA */
    {LINUX_STACK_LIMIT, RLIM_INFINITY}, /* RLIMIT_STACK */
    {0, RLIM_INFINITY},                 /* RLIMIT_CORE */
    UNLIMITED,                          /* RLIMIT_RSS */
    UNLIMITED,                          /* RLIMIT_NPROC */
    {1024, 4096},                       /* RLIMIT_NOFILE */
    {8 << 20, 8 << 20},                 /* RLIMIT_MEMLOCK */
    UNLIMITED,                          /* RLIMIT_AS */
    UNLIMITED,                          /* RLIMIT_LOCKS */
    UNLIMITED,                          /* RLIMIT_SIGPENDING */
    {819200, 819200},                   /* RLIMIT_MSGQUEUE */
    {0, 0},                             /* RLIMIT_NICE */
    {0, 0},                             /* RLIMIT_RTPRIO */
    UNLIMITED,                          /* RLIMIT_RTTIME */
};
static struct linux_lock limits_lock;

/* The table lives in the process info page, where procmgr carries it
 * across fork and execve; the first program fills in the defaults. */
static struct linux_resource_limit *table(void)
{
    struct linux_process_info *info = linux_process_info();
    if (!__atomic_load_n(&info->limits_set, __ATOMIC_ACQUIRE)) {
        linux_lock(&limits_lock);
        if (!info->limits_set) {
            for (unsigned i = 0; i < LINUX_RLIMIT_COUNT; i++)
                info->limits[i] = defaults[i];
            __atomic_store_n(&info->limits_set, 1, __ATOMIC_RELEASE);
        }
        linux_unlock(&limits_lock);
    }
    return info->limits;
}

static uint64_t soft_limit(unsigned resource)
{
    return __atomic_load_n(&table()[resource].soft, __ATOMIC_RELAXED);
}

unsigned linux_descriptor_limit(void)
{
    uint64_t soft = soft_limit(RLIMIT_NOFILE);
    return soft < LINUX_MAX_FDS ? (unsigned)soft : LINUX_MAX_FDS;
}

uint64_t linux_descriptor_soft_limit(void)
{
    return soft_limit(RLIMIT_NOFILE);
}

uint64_t linux_memory_lock_limit(void)
{
    return soft_limit(RLIMIT_MEMLOCK);
}

uint64_t linux_message_queue_limit(void)
{
    return soft_limit(RLIMIT_MSGQUEUE);
}

int64_t sys_prlimit64(int64_t pid, uint64_t resource, const struct linux_resource_limit *new_limit,
                      struct linux_resource_limit *old_limit)
{
    if (pid != 0 && (uint64_t)pid != linux_process_info()->pid)
        return -LINUX_EPERM;    /* other processes' limits live in their own personality */
    if (resource >= LINUX_RLIMIT_COUNT)
        return -LINUX_EINVAL;
    struct linux_resource_limit wanted = {0, 0};
    if (new_limit != 0) {
        wanted = *new_limit;
        if (wanted.soft > wanted.hard)
            return -LINUX_EINVAL;
        if (resource == RLIMIT_NOFILE && wanted.hard > NOFILE_CEILING)
            return -LINUX_EPERM;
    }

    /* Raising a hard limit takes privilege (CAP_SYS_RESOURCE: root here). */
    struct linux_resource_limit *limits = table();  /* before the lock: it may take it */
    bool privileged = new_limit != 0
                   && wanted.hard > __atomic_load_n(&limits[resource].hard, __ATOMIC_RELAXED)
                   && sys_geteuid() == 0;
    int64_t result = 0;
    linux_lock(&limits_lock);
    struct linux_resource_limit current = limits[resource];
    if (new_limit != 0) {
        if (wanted.hard > current.hard && !privileged)
            result = -LINUX_EPERM;
        else
            limits[resource] = wanted;
    }
    linux_unlock(&limits_lock);
    /* procmgr maps, locks and makes tasks: it keeps those limits too
     * (fork and execve keep them there as they keep this table). */
    if (result == 0 && new_limit != 0 && (PROC_RLIMITS_ENFORCED >> resource & 1))
        linux_request_uninterrupted(LINUX_SLOT_PROCMGR, PROC_RLIMIT, 3, resource, wanted.soft,
                                    wanted.hard, 0);
    if (result == 0 && old_limit != 0)
        *old_limit = current;
    return result;
}

int64_t sys_getrlimit(uint64_t resource, struct linux_resource_limit *limit)
{
    return sys_prlimit64(0, resource, 0, limit);
}

int64_t sys_setrlimit(uint64_t resource, const struct linux_resource_limit *limit)
{
    return sys_prlimit64(0, resource, limit, 0);
}
