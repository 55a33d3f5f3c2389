/*
 * Threads' scheduling policies (scheduling.h).
 */
#include "scheduling.h"
#include "sys/linux_abi.h"
#include "tern/objects.h"

#define REAL_TIME_PRIORITY_MAX 99

static bool real_time(unsigned policy)
{
    return policy == LINUX_SCHED_FIFO || policy == LINUX_SCHED_RR;
}

static bool known(int64_t policy)
{
    switch (policy) {
    case LINUX_SCHED_OTHER: case LINUX_SCHED_FIFO: case LINUX_SCHED_RR:
    case LINUX_SCHED_BATCH: case LINUX_SCHED_IDLE: case LINUX_SCHED_DEADLINE:
        return true;
    default:
        return false;
    }
}

/* RLIMIT_NICE's value that lets a thread have nice 0 (Linux's
 * nice_to_rlimit: 20 - nice). */
#define NICE_ZERO_LIMIT 20

int scheduling_change(const struct scheduling *current, int64_t policy, int64_t priority,
                      const struct scheduling_rights *rights, struct scheduling *changed)
{
    bool reset_on_fork = current->reset_on_fork;
    if (policy == SCHEDULING_KEEP_POLICY) {
        policy = current->policy;
    } else {
        reset_on_fork = (policy & LINUX_SCHED_RESET_ON_FORK) != 0;
        policy &= ~(int64_t)LINUX_SCHED_RESET_ON_FORK;
        if (!known(policy))
            return -LINUX_EINVAL;
    }
    /* Linux reads sched_priority into an unsigned field: a negative one
     * is out of range too. */
    if (priority < 0 || priority > REAL_TIME_PRIORITY_MAX)
        return -LINUX_EINVAL;
    if (policy == LINUX_SCHED_DEADLINE || real_time((unsigned)policy) != (priority != 0))
        return -LINUX_EINVAL;
    if (!rights->privileged) {
        bool new_policy = (unsigned)policy != current->policy;
        if (real_time((unsigned)policy) &&
            ((new_policy && rights->real_time_limit == 0) ||
             ((uint64_t)priority > current->priority &&
              (uint64_t)priority > rights->real_time_limit)))
            return -LINUX_EPERM;
        /* SCHED_IDLE is nice 20: back to nice 0 takes RLIMIT_NICE 20. */
        if (current->policy == LINUX_SCHED_IDLE && policy != LINUX_SCHED_IDLE &&
            rights->nice_limit < NICE_ZERO_LIMIT)
            return -LINUX_EPERM;
        if (current->reset_on_fork && !reset_on_fork)
            return -LINUX_EPERM;
    }
    *changed = (struct scheduling){(uint8_t)policy, (uint8_t)priority, reset_on_fork};
    return 0;
}

int64_t scheduling_policy_word(const struct scheduling *scheduling)
{
    return scheduling->policy | (scheduling->reset_on_fork ? LINUX_SCHED_RESET_ON_FORK : 0);
}

unsigned scheduling_kernel_priority(const struct scheduling *scheduling)
{
    return SCHEDULING_BASE_PRIORITY + (real_time(scheduling->policy) ? scheduling->priority : 0);
}

uint64_t scheduling_kernel_flags(const struct scheduling *scheduling)
{
    return scheduling->policy == LINUX_SCHED_FIFO ? TERN_PRIORITY_FIFO : 0;
}

struct scheduling scheduling_inherited(const struct scheduling *creator)
{
    struct scheduling inherited = *creator;
    if (creator->reset_on_fork) {
        inherited.reset_on_fork = false;
        if (real_time(creator->policy))
            inherited = (struct scheduling){LINUX_SCHED_OTHER, 0, false};
    }
    return inherited;
}
