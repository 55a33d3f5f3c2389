/*
 * semop and semtimedop: operations made all at once or not at all, and
 * the callers that wait until they can be (sem.h).
 */
#include "sem_internal.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* What trying a caller's operations found. */
#define SEM_GO      0
#define SEM_BLOCKED 1

/* Linux's permission flags for ipcperms. */
#define READ_PERMISSION  0444
#define WRITE_PERMISSION 0222

/* Applies operations in order, as Linux's perform_atomic_semop_slow does
 * (so several on one semaphore add up): SEM_GO, SEM_BLOCKED with
 * *blocking the operation that cannot be made, -EAGAIN when that one has
 * IPC_NOWAIT, or -ERANGE. Unless the operations all went and commit asks
 * to keep them, everything is put back; kept, each semaphore they touched
 * names pid. */
static int try_operations(struct sem_set *set, const struct sysv_sembuf *operations,
                          uint32_t count, struct sem_undo *undo, uint32_t pid, bool commit,
                          uint32_t *blocking)
{
    int result = SEM_GO;
    uint32_t done;
    for (done = 0; done < count; done++) {
        const struct sysv_sembuf *operation = &operations[done];
        struct sem *sem = &set->semaphores[operation->sem_num];
        int32_t value = sem->value + operation->sem_op;
        if ((operation->sem_op == 0 && sem->value != 0) || value < 0) {
            *blocking = done;
            result = (operation->sem_flg & SYSV_IPC_NOWAIT) ? -LINUX_EAGAIN : SEM_BLOCKED;
            break;
        }
        if (value > SYSV_SEMVMX) {
            result = -LINUX_ERANGE;
            break;
        }
        if (operation->sem_flg & SYSV_SEM_UNDO) {
            int32_t adjustment = undo->adjustments[operation->sem_num] - operation->sem_op;
            if (adjustment < -SYSV_SEMAEM - 1 || adjustment > SYSV_SEMAEM) {
                result = -LINUX_ERANGE;
                break;
            }
            undo->adjustments[operation->sem_num] = (int16_t)adjustment;
        }
        sem->value = (uint16_t)value;
    }
    if (result == SEM_GO && commit) {
        for (uint32_t i = 0; i < count; i++)
            set->semaphores[operations[i].sem_num].pid = pid;
        return SEM_GO;
    }
    while (done-- > 0) {
        const struct sysv_sembuf *operation = &operations[done];
        set->semaphores[operation->sem_num].value -= operation->sem_op;
        if (operation->sem_flg & SYSV_SEM_UNDO)
            undo->adjustments[operation->sem_num] += operation->sem_op;
    }
    return result;
}

static bool alters(const struct sysv_sembuf *operations, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        if (operations[i].sem_op != 0)
            return true;
    return false;
}

/* ---- Waiters ---- */

static struct list *queue_of(struct sem_waiter *waiter)
{
    return alters(waiter->operations, waiter->count) ? &waiter->set->altering
                                                     : &waiter->set->zero;
}

static struct sem_waiter *waiter_in_queue(struct list_link *link)
{
    return link ? list_entry(link, struct sem_waiter, in_queue) : NULL;
}

static struct sem_waiter *waiter_in_all(struct list_link *link)
{
    return link ? list_entry(link, struct sem_waiter, in_all) : NULL;
}

static void enqueue(struct sem_core *core, struct sem_waiter *waiter)
{
    list_append(queue_of(waiter), &waiter->in_queue);
    list_append(&core->waiters, &waiter->in_all);
}

/* Takes the waiter out of its lists (it is the caller's to free). */
static void unlink_waiter(struct sem_core *core, struct sem_waiter *waiter)
{
    list_remove(queue_of(waiter), &waiter->in_queue);
    list_remove(&core->waiters, &waiter->in_all);
}

static void free_waiter(struct sem_core *core, struct sem_waiter *waiter)
{
    core->services.free(core->services.context, waiter);
}

/* The waiter leaves with result: whether its caller took the answer. */
static bool answer(struct sem_core *core, struct sem_waiter *waiter, int64_t result)
{
    const struct sem_replies *replies = &core->replies;
    unlink_waiter(core, waiter);
    bool delivered = replies->answer(replies->context, waiter->handle, result);
    free_waiter(core, waiter);
    return delivered;
}

/* The waiter leaves unanswered: its caller is gone. */
static void release(struct sem_core *core, struct sem_waiter *waiter)
{
    const struct sem_replies *replies = &core->replies;
    unlink_waiter(core, waiter);
    replies->release(replies->context, waiter->handle);
    free_waiter(core, waiter);
}

/* A waiter's operations are tried again: if they can be made (or fail),
 * it is answered, and they are made only if its caller took the answer.
 * Returns whether they were made; a waiter that still waits stays. */
static bool retry(struct sem_core *core, struct sem_waiter *waiter)
{
    uint32_t blocking;
    int result = try_operations(waiter->set, waiter->operations, waiter->count, waiter->undo,
                                waiter->pid, false, &blocking);
    if (result == SEM_BLOCKED) {
        waiter->blocking = blocking;
        return false;
    }
    const struct sem_replies *replies = &core->replies;
    unlink_waiter(core, waiter);
    bool made = replies->answer(replies->context, waiter->handle, result) && result == SEM_GO;
    if (made)
        try_operations(waiter->set, waiter->operations, waiter->count, waiter->undo,
                       waiter->pid, true, &blocking);
    free_waiter(core, waiter);
    return made;
}

bool sem_wake(struct sem_core *core, struct sem_set *set)
{
    bool made_any = false;
    struct sem_waiter *waiter, *next;
again:
    for (waiter = waiter_in_queue(set->zero.first); waiter; waiter = next) {
        next = waiter_in_queue(waiter->in_queue.next);
        made_any |= retry(core, waiter);
    }
    for (waiter = waiter_in_queue(set->altering.first); waiter; waiter = next) {
        next = waiter_in_queue(waiter->in_queue.next);
        if (retry(core, waiter)) {
            /* Values changed: every waiter may go now, the oldest first. */
            made_any = true;
            goto again;
        }
    }
    return made_any;
}

void sem_wake_removed(struct sem_core *core, struct sem_set *set)
{
    while (set->zero.first)
        answer(core, waiter_in_queue(set->zero.first), -LINUX_EIDRM);
    while (set->altering.first)
        answer(core, waiter_in_queue(set->altering.first), -LINUX_EIDRM);
}

void sem_forget_process_waiters(struct sem_core *core, uint32_t pid)
{
    struct sem_waiter *next;
    for (struct sem_waiter *waiter = waiter_in_all(core->waiters.first); waiter; waiter = next) {
        next = waiter_in_all(waiter->in_all.next);
        if (waiter->pid == pid)
            release(core, waiter);
    }
}

/* Lets go of the waiter if its caller is gone; true if it went. */
static bool prune_one(struct sem_core *core, struct sem_waiter *waiter)
{
    const struct sem_replies *replies = &core->replies;
    if (replies->waits(replies->context, waiter->handle))
        return false;
    release(core, waiter);
    return true;
}

unsigned sem_prune(struct sem_core *core)
{
    unsigned pruned = 0;
    struct sem_waiter *next;
    for (struct sem_waiter *waiter = waiter_in_all(core->waiters.first); waiter; waiter = next) {
        next = waiter_in_all(waiter->in_all.next);
        pruned += prune_one(core, waiter);
    }
    return pruned;
}

int64_t sem_waiting_on(struct sem_core *core, struct sem_set *set, uint32_t semnum, bool zero)
{
    int64_t waiting = 0;
    struct sem_waiter *next;
    for (struct sem_waiter *waiter = waiter_in_all(core->waiters.first); waiter; waiter = next) {
        next = waiter_in_all(waiter->in_all.next);
        if (waiter->set != set || prune_one(core, waiter))
            continue;
        const struct sysv_sembuf *operation = &waiter->operations[waiter->blocking];
        if (operation->sem_num == semnum && (zero ? operation->sem_op == 0
                                                  : operation->sem_op < 0))
            waiting++;
    }
    return waiting;
}

/* ---- semop ---- */

/* Queues the caller: SEM_QUEUED, or -ENOMEM. */
static int64_t wait_for(struct sem_core *core, struct sem_set *set, struct sem_undo *undo,
                        const struct sysv_caller *caller,
                        const struct sysv_sembuf *operations, uint32_t count,
                        uint64_t deadline, uint64_t handle, uint32_t blocking)
{
    struct sem_waiter *waiter = core->services.allocate(
        core->services.context, sizeof *waiter + count * sizeof *operations);
    if (!waiter)
        return -LINUX_ENOMEM;
    *waiter = (struct sem_waiter){
        .set = set,
        .undo = undo,
        .handle = handle,
        .deadline = deadline,
        .pid = caller->pid,
        .blocking = blocking,
        .count = count,
    };
    memcpy(waiter->operations, operations, count * sizeof *operations);
    enqueue(core, waiter);
    return SEM_QUEUED;
}

static bool any_undo(const struct sysv_sembuf *operations, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        if (operations[i].sem_flg & SYSV_SEM_UNDO)
            return true;
    return false;
}

int64_t sem_operate(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                    const struct sysv_sembuf *operations, uint32_t count, uint64_t deadline,
                    uint64_t now, uint64_t handle, bool may_wait)
{
    if (count < 1 || semid < 0)
        return -LINUX_EINVAL;
    if (count > (uint32_t)core->max_operations)    /* Linux compares them unsigned */
        return -LINUX_E2BIG;
    struct sem_set *set = (struct sem_set *)ipc_ids_find(&core->ids, semid);
    if (!set)
        return -LINUX_EINVAL;
    /* Linux makes the adjustments before it looks further (find_alloc_undo). */
    struct sem_undo *undo = NULL;
    if (any_undo(operations, count)) {
        undo = sem_undo_of(core, set, caller->pid, true);
        if (!undo)
            return -LINUX_ENOMEM;
    }
    for (uint32_t i = 0; i < count; i++)
        if (operations[i].sem_num >= set->count)
            return -LINUX_EFBIG;
    bool altering = alters(operations, count);
    if (!ipc_permitted(&set->ipc, caller, altering ? WRITE_PERMISSION : READ_PERMISSION))
        return -LINUX_EACCES;
    uint32_t blocking = 0;
    int result = try_operations(set, operations, count, undo, caller->pid, true, &blocking);
    if (result == SEM_GO) {
        if (altering)
            sem_wake(core, set);
        set->otime = core->services.now(core->services.context);
        return 0;
    }
    if (result < 0)
        return result;
    if (deadline != 0 && deadline <= now)
        return -LINUX_EAGAIN;
    if (!may_wait)
        return -LINUX_ENOMEM;
    return wait_for(core, set, undo, caller, operations, count, deadline, handle, blocking);
}

/* ---- Deadlines ---- */

/* The waiter with the earliest deadline at or before limit (ties: the
 * first to arrive), or none. */
static struct sem_waiter *earliest(const struct sem_core *core, uint64_t limit)
{
    struct sem_waiter *found = NULL;
    for (struct sem_waiter *waiter = waiter_in_all(core->waiters.first); waiter;
         waiter = waiter_in_all(waiter->in_all.next)) {
        if (waiter->deadline == 0 || waiter->deadline > limit)
            continue;
        if (!found || waiter->deadline < found->deadline)
            found = waiter;     /* the list is in arrival order: ties keep the first */
    }
    return found;
}

uint64_t sem_expire(struct sem_core *core, uint64_t now)
{
    struct sem_waiter *waiter;
    while ((waiter = earliest(core, now)) != NULL)
        answer(core, waiter, -LINUX_EAGAIN);
    return sem_earliest_deadline(core);
}

uint64_t sem_earliest_deadline(const struct sem_core *core)
{
    struct sem_waiter *waiter = earliest(core, UINT64_MAX);
    return waiter ? waiter->deadline : 0;
}
