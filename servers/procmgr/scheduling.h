/*
 * Threads' scheduling policies, as Linux's sched_setscheduler and
 * sched_setparam rule them, and the kernel priorities they come to.
 * SCHED_OTHER, SCHED_BATCH and SCHED_IDLE share the processes' priority
 * and its time slices (the kernel has no nice values to weigh them);
 * SCHED_FIFO and SCHED_RR priority p runs at that priority + p, above
 * every other thread of a process and below the servers, FIFO with no
 * time slice (TERN_PRIORITY_FIFO). Plain C, host-tested
 * (tests/host/test_procmgr_scheduling.c); scheduling_requests.c applies
 * what these decide.
 */
#ifndef PROCMGR_SCHEDULING_H
#define PROCMGR_SCHEDULING_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_abi.h"

/* sched_setparam: the thread keeps its policy. */
#define SCHEDULING_KEEP_POLICY      (-1)

#define SCHEDULING_BASE_PRIORITY    100     /* every process's threads' */

struct scheduling {
    uint8_t policy;
    uint8_t priority;       /* 1-99 for FIFO and RR, 0 for the others */
    bool reset_on_fork;
};

/* What an unprivileged caller may ask for a thread: the thread's
 * process's RLIMIT_RTPRIO and RLIMIT_NICE (Linux reads the target's). */
struct scheduling_rights {
    bool privileged;            /* CAP_SYS_NICE: root here */
    uint64_t real_time_limit;   /* RLIMIT_RTPRIO: the highest real-time priority */
    uint64_t nice_limit;        /* RLIMIT_NICE: 20 - the lowest nice value */
};

/* A change to current (policy: SCHED_* with SCHED_RESET_ON_FORK, or
 * SCHEDULING_KEEP_POLICY; priority: sched_param's): 0 with the result in
 * *changed, -EINVAL for a policy or priority Linux refuses (SCHED_DEADLINE
 * needs sched_setattr's parameters). -EPERM, unless privileged, as
 * Linux's user_check_sched_setscheduler: a real-time policy the thread
 * has not with RLIMIT_RTPRIO 0, a real-time priority above both the
 * thread's and RLIMIT_RTPRIO, leaving SCHED_IDLE without RLIMIT_NICE
 * letting nice 0 in, clearing SCHED_RESET_ON_FORK. Whose thread it may
 * change at all is the caller's check. */
int scheduling_change(const struct scheduling *current, int64_t policy, int64_t priority,
                      const struct scheduling_rights *rights, struct scheduling *changed);

/* sched_getscheduler's answer: the policy, with SCHED_RESET_ON_FORK. */
int64_t scheduling_policy_word(const struct scheduling *scheduling);

/* The kernel priority and TCB_SetPriority flags it runs with. */
unsigned scheduling_kernel_priority(const struct scheduling *scheduling);
uint64_t scheduling_kernel_flags(const struct scheduling *scheduling);

/* A new thread's (clone, fork): the creator's, but back to SCHED_OTHER
 * (a real-time policy) and without the flag when it has
 * SCHED_RESET_ON_FORK. */
struct scheduling scheduling_inherited(const struct scheduling *creator);

#endif
