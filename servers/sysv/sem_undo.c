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

static struct list *bucket_of(struct sem_core *core, uint32_t pid)
{
    return &core->undo_buckets[pid % SEM_UNDO_BUCKETS];
}

static struct sem_undo *undo_in_set(struct list_link *link)
{
    return link ? list_entry(link, struct sem_undo, in_set) : NULL;
}

static struct sem_undo *undo_in_process(struct list_link *link)
{
    return link ? list_entry(link, struct sem_undo, in_process) : NULL;
}

struct sem_undo *sem_undo_of(struct sem_core *core, struct sem_set *set, uint32_t pid,
                             bool create)
{
    struct list *bucket = bucket_of(core, pid);
    for (struct sem_undo *undo = undo_in_process(bucket->first); undo;
         undo = undo_in_process(undo->in_process.next))
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
    list_append(&set->undos, &undo->in_set);
    list_append(bucket, &undo->in_process);
    return undo;
}

/* Takes the record out of both its lists and frees it. */
static void drop(struct sem_core *core, struct sem_undo *undo)
{
    list_remove(&undo->set->undos, &undo->in_set);
    list_remove(bucket_of(core, undo->pid), &undo->in_process);
    core->services.free(core->services.context, undo);
}

void sem_undo_clear(struct sem_set *set, int32_t semnum)
{
    for (struct sem_undo *undo = undo_in_set(set->undos.first); undo;
         undo = undo_in_set(undo->in_set.next)) {
        if (semnum >= 0)
            undo->adjustments[semnum] = 0;
        else
            memset(undo->adjustments, 0, set->count * sizeof undo->adjustments[0]);
    }
}

void sem_undo_drop_set(struct sem_core *core, struct sem_set *set)
{
    while (set->undos.first)
        drop(core, undo_in_set(set->undos.first));
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
    struct sem_undo *next;
    for (struct sem_undo *undo = undo_in_process(bucket_of(core, pid)->first); undo;
         undo = next) {
        next = undo_in_process(undo->in_process.next);
        if (undo->pid == pid)
            apply(core, undo);
    }
}
