/*
 * SEM_UNDO: each process's adjustments, one record a set it used SEM_UNDO
 * on, applied when the process ends (sem.h). A record sits in two lists:
 * its set's (SETVAL and SETALL clear it, IPC_RMID drops it) and its
 * process's bucket (the end of the process applies it). Threads share
 * their process's records; a forked child starts with none, and execve
 * keeps them, as Linux's undo lists go.
 */
#include "sem_internal.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

static struct sem_undo **bucket_of(struct sem_core *core, uint32_t pid)
{
    return &core->undo_buckets[pid % SEM_UNDO_BUCKETS];
}

struct sem_undo *sem_undo_of(struct sem_core *core, struct sem_set *set, uint32_t pid,
                             bool create)
{
    struct sem_undo **bucket = bucket_of(core, pid);
    for (struct sem_undo *undo = *bucket; undo; undo = undo->process_next)
        if (undo->pid == pid && undo->set == set)
            return undo;
    if (!create)
        return NULL;
    struct sem_undo *undo = core->services.allocate(
        core->services.context, sizeof *undo + set->count * sizeof undo->adjustments[0]);
    if (!undo)
        return NULL;
    undo->set = set;
    undo->pid = pid;
    undo->set_next = set->undos;
    if (set->undos)
        set->undos->set_previous = undo;
    set->undos = undo;
    undo->process_next = *bucket;
    if (*bucket)
        (*bucket)->process_previous = undo;
    *bucket = undo;
    return undo;
}

/* Takes the record out of both its lists and frees it. */
static void drop(struct sem_core *core, struct sem_undo *undo)
{
    if (undo->set_previous)
        undo->set_previous->set_next = undo->set_next;
    else
        undo->set->undos = undo->set_next;
    if (undo->set_next)
        undo->set_next->set_previous = undo->set_previous;
    if (undo->process_previous)
        undo->process_previous->process_next = undo->process_next;
    else
        *bucket_of(core, undo->pid) = undo->process_next;
    if (undo->process_next)
        undo->process_next->process_previous = undo->process_previous;
    core->services.free(core->services.context, undo);
}

void sem_undo_clear(struct sem_set *set, int32_t semnum)
{
    for (struct sem_undo *undo = set->undos; undo; undo = undo->set_next) {
        if (semnum >= 0)
            undo->adjustments[semnum] = 0;
        else
            memset(undo->adjustments, 0, set->count * sizeof undo->adjustments[0]);
    }
}

void sem_undo_drop_set(struct sem_core *core, struct sem_set *set)
{
    while (set->undos)
        drop(core, set->undos);
}

/* exit_sem for one record: each adjustment is added, the value kept
 * within 0 .. SEMVMX; the set's waiters may go then, and the set counts
 * as operated on (sem_otime), adjusted or not. */
static void apply(struct sem_core *core, struct sem_undo *undo)
{
    struct sem_set *set = undo->set;
    for (uint32_t i = 0; i < set->count; i++) {
        if (undo->adjustments[i] == 0)
            continue;
        struct sem *sem = &set->semaphores[i];
        int32_t value = sem->value + undo->adjustments[i];
        sem->value = (uint16_t)(value < 0 ? 0 : value > SYSV_SEMVMX ? SYSV_SEMVMX : value);
        sem->pid = undo->pid;
    }
    drop(core, undo);
    sem_wake(core, set);
    set->otime = core->services.now(core->services.context);
}

void sem_undo_apply_process(struct sem_core *core, uint32_t pid)
{
    struct sem_undo **bucket = bucket_of(core, pid);
    struct sem_undo *next;
    for (struct sem_undo *undo = *bucket; undo; undo = next) {
        next = undo->process_next;
        if (undo->pid == pid)
            apply(core, undo);
    }
}
