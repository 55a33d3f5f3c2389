/*
 * Semaphore sets: semget and semctl (sem.h), each check in Linux 6.1's
 * order (ipc/sem.c: ksys_semget, semctl_stat, semctl_info, semctl_setval,
 * semctl_main, semctl_down).
 */
#include "sem_internal.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define READ_PERMISSION  0444
#define WRITE_PERMISSION 0222

void sem_core_init(struct sem_core *core, const struct sysv_services *services,
                   const struct sem_replies *replies)
{
    memset(core, 0, sizeof *core);
    core->services = *services;
    core->replies = *replies;
    ipc_ids_init(&core->ids, SYSV_SEMMNI, &core->services);
    core->max_set_size = SYSV_SEMMSL;
    core->max_semaphores = SYSV_SEMMNS;
    core->max_operations = SYSV_SEMOPM;
}

static int64_t now(struct sem_core *core)
{
    return core->services.now(core->services.context);
}

/* newary */
static int64_t create(struct sem_core *core, const struct sysv_caller *caller, int32_t key,
                      int32_t count, int32_t flags)
{
    if (count == 0)
        return -LINUX_EINVAL;
    if ((int64_t)core->semaphores_in_use + count > core->max_semaphores)
        return -LINUX_ENOSPC;
    struct sem_set *set = core->services.allocate(
        core->services.context, sizeof *set + (uint32_t)count * sizeof set->semaphores[0]);
    if (!set)
        return -LINUX_ENOMEM;
    set->count = (uint32_t)count;
    int32_t id = ipc_ids_add(&core->ids, &set->ipc, key, (uint32_t)flags, caller);
    if (id < 0) {
        core->services.free(core->services.context, set);
        return id;
    }
    set->ipc.ctime = now(core);
    core->semaphores_in_use += (uint32_t)count;
    return id;
}

int64_t sem_get(struct sem_core *core, const struct sysv_caller *caller, int32_t key,
                int32_t count, int32_t flags)
{
    if (count < 0 || count > core->max_set_size)
        return -LINUX_EINVAL;
    struct ipc_object *found;
    int lookup = ipc_ids_lookup(&core->ids, key, flags, &found);
    if (lookup < 0)
        return lookup;
    if (lookup == IPC_GET_CREATE)
        return create(core, caller, key, count, flags);
    if ((uint32_t)count > ((struct sem_set *)found)->count)
        return -LINUX_EINVAL;
    if (!ipc_permitted(found, caller, flags))
        return -LINUX_EACCES;
    return found->id;
}

static struct sem_set *find(const struct sem_core *core, int32_t semid)
{
    return (struct sem_set *)ipc_ids_find(&core->ids, semid);
}

int64_t sem_count(const struct sem_core *core, int32_t semid)
{
    struct sem_set *set = find(core, semid);
    return set ? (int64_t)set->count : -LINUX_EINVAL;
}

/* ---- semctl ---- */

/* IPC_STAT (by id), SEM_STAT and SEM_STAT_ANY (by index: the id's index
 * bits; SEM_STAT_ANY without a permission check): 0 or the full id. */
static int64_t stat_set(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                        int32_t cmd, const struct client_buffer *buffer)
{
    struct sem_set *set = cmd == SYSV_IPC_STAT
        ? find(core, semid)
        : (struct sem_set *)ipc_ids_at(&core->ids, semid & (int32_t)(IPC_IDS_INDEXES - 1));
    if (!set)
        return -LINUX_EINVAL;
    if (cmd != SYSV_SEM_STAT_ANY && !ipc_permitted(&set->ipc, caller, READ_PERMISSION))
        return -LINUX_EACCES;
    struct sysv_semid64_ds stat = {
        .sem_otime = set->otime,
        .sem_ctime = set->ipc.ctime,
        .sem_nsems = set->count,
    };
    ipc_object_get(&set->ipc, &stat.sem_perm);
    if (buffer->copy_to_client(buffer->context, 0, &stat, sizeof stat) != 0)
        return -LINUX_EFAULT;
    return cmd == SYSV_IPC_STAT ? 0 : set->ipc.id;
}

/* IPC_INFO and SEM_INFO: the limits (SEM_INFO: with what is in use
 * instead of two of them); the highest index in use. */
static int64_t info(struct sem_core *core, int32_t cmd, const struct client_buffer *buffer)
{
    bool usage = cmd == SYSV_SEM_INFO;
    struct sysv_seminfo limits = {
        .semmap = SYSV_SEMMAP, .semmni = (int32_t)core->ids.limit,
        .semmns = core->max_semaphores, .semmnu = SYSV_SEMMNU, .semmsl = core->max_set_size,
        .semopm = core->max_operations,
        .semume = SYSV_SEMUME, .semvmx = SYSV_SEMVMX,
        .semusz = usage ? (int32_t)core->ids.in_use : SYSV_SEMUSZ,
        .semaem = usage ? (int32_t)core->semaphores_in_use : SYSV_SEMAEM,
    };
    if (buffer->copy_to_client(buffer->context, 0, &limits, sizeof limits) != 0)
        return -LINUX_EFAULT;
    return ipc_ids_highest_index(&core->ids);
}

static int64_t set_value(struct sem_core *core, const struct sysv_caller *caller,
                         int32_t semid, int32_t semnum, int32_t value)
{
    if (value < 0 || value > SYSV_SEMVMX)
        return -LINUX_ERANGE;
    struct sem_set *set = find(core, semid);
    if (!set)
        return -LINUX_EINVAL;
    if (semnum < 0 || (uint32_t)semnum >= set->count)
        return -LINUX_EINVAL;
    if (!ipc_permitted(&set->ipc, caller, WRITE_PERMISSION))
        return -LINUX_EACCES;
    sem_undo_clear(set, semnum);
    set->semaphores[semnum] = (struct sem){(uint16_t)value, caller->pid};
    set->ipc.ctime = now(core);
    if (sem_wake(core, set))
        set->otime = now(core);
    return 0;
}

static int64_t get_all(struct sem_core *core, struct sem_set *set,
                       const struct client_buffer *buffer)
{
    uint64_t length = set->count * sizeof(uint16_t);
    uint16_t *values = core->services.allocate(core->services.context, length);
    if (!values)
        return -LINUX_ENOMEM;
    for (uint32_t i = 0; i < set->count; i++)
        values[i] = set->semaphores[i].value;
    bool copied = client_buffer_copy_to(buffer, 0, values, length) == length;
    core->services.free(core->services.context, values);
    return copied ? 0 : -LINUX_EFAULT;
}

/* SETALL: every value is read and checked before any is set. */
static int64_t set_all(struct sem_core *core, const struct sysv_caller *caller,
                       struct sem_set *set, const struct client_buffer *buffer)
{
    uint16_t *values = core->services.allocate(core->services.context,
                                               set->count * sizeof *values);
    if (!values)
        return -LINUX_ENOMEM;
    int64_t result = 0;
    if (buffer->copy_from_client(buffer->context, 0, values, set->count * sizeof *values) != 0)
        result = -LINUX_EFAULT;
    for (uint32_t i = 0; result == 0 && i < set->count; i++)
        if (values[i] > SYSV_SEMVMX)
            result = -LINUX_ERANGE;
    for (uint32_t i = 0; result == 0 && i < set->count; i++)
        set->semaphores[i] = (struct sem){values[i], caller->pid};
    core->services.free(core->services.context, values);
    if (result < 0)
        return result;
    sem_undo_clear(set, -1);
    set->ipc.ctime = now(core);
    if (sem_wake(core, set))
        set->otime = now(core);
    return 0;
}

/* semctl_main: GETALL, SETALL, and the commands on one semaphore. */
static int64_t values(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                      int32_t semnum, int32_t cmd, const struct client_buffer *buffer)
{
    struct sem_set *set = find(core, semid);
    if (!set)
        return -LINUX_EINVAL;
    int32_t permission = cmd == SYSV_SETALL ? WRITE_PERMISSION : READ_PERMISSION;
    if (!ipc_permitted(&set->ipc, caller, permission))
        return -LINUX_EACCES;
    if (cmd == SYSV_GETALL)
        return get_all(core, set, buffer);
    if (cmd == SYSV_SETALL)
        return set_all(core, caller, set, buffer);
    if (semnum < 0 || (uint32_t)semnum >= set->count)
        return -LINUX_EINVAL;
    const struct sem *sem = &set->semaphores[semnum];
    switch (cmd) {
    case SYSV_GETVAL: return sem->value;
    case SYSV_GETPID: return sem->pid;
    case SYSV_GETNCNT: return sem_waiting_on(core, set, (uint32_t)semnum, false);
    default: return sem_waiting_on(core, set, (uint32_t)semnum, true);  /* GETZCNT */
    }
}

static void remove_set(struct sem_core *core, struct sem_set *set)
{
    sem_wake_removed(core, set);
    sem_undo_drop_set(core, set);
    ipc_ids_remove(&core->ids, &set->ipc);
    core->semaphores_in_use -= set->count;
    core->services.free(core->services.context, set);
}

/* semctl_down: IPC_SET and IPC_RMID. */
static int64_t change(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                      int32_t cmd, const struct client_buffer *buffer)
{
    struct sysv_ipc64_perm wanted;
    int error;
    struct sem_set *set = (struct sem_set *)ipc_ids_control(&core->ids, caller, semid, cmd,
                                                            buffer, &wanted, &error);
    if (!set)
        return error;
    if (cmd == SYSV_IPC_SET)
        return ipc_object_set(&set->ipc, &wanted, now(core));
    remove_set(core, set);
    return 0;
}

int64_t sem_control(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                    int32_t semnum, int32_t cmd, uint64_t argument,
                    const struct client_buffer *buffer)
{
    if (semid < 0)
        return -LINUX_EINVAL;
    switch (cmd) {
    case SYSV_IPC_INFO:
    case SYSV_SEM_INFO:
        return info(core, cmd, buffer);
    case SYSV_IPC_STAT:
    case SYSV_SEM_STAT:
    case SYSV_SEM_STAT_ANY:
        return stat_set(core, caller, semid, cmd, buffer);
    case SYSV_GETALL:
    case SYSV_GETVAL:
    case SYSV_GETPID:
    case SYSV_GETNCNT:
    case SYSV_GETZCNT:
    case SYSV_SETALL:
        return values(core, caller, semid, semnum, cmd, buffer);
    case SYSV_SETVAL:
        return set_value(core, caller, semid, semnum, (int32_t)argument);
    case SYSV_IPC_SET:
    case SYSV_IPC_RMID:
        return change(core, caller, semid, cmd, buffer);
    default:
        return -LINUX_EINVAL;
    }
}

void sem_process_ended(struct sem_core *core, uint32_t pid)
{
    sem_forget_process_waiters(core, pid);
    sem_undo_apply_process(core, pid);
}
