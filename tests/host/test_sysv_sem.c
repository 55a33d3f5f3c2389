/* System V semaphores (servers/sysv/sem_*.c): semget, semctl and semop as
 * Linux 6.1 has them (each rule checked on Debian's kernel first): arrays
 * of operations made all at once, waiting for zero, waiters in order,
 * callers that vanish, deadlines, SEM_UNDO at a process's end, IPC_RMID. */
#include "test_sysv_support.h"
#include "sysv/sem.h"

#define MAX_ANSWERS 64

/* What the server around the core sees of its waiters. */
struct world {
    uint64_t answered[MAX_ANSWERS];
    int64_t results[MAX_ANSWERS];
    unsigned answer_count;
    uint64_t gone[4];               /* handles whose callers vanished */
    uint64_t released[MAX_ANSWERS];
    unsigned release_count;
};

static struct world world;
static struct sem_core core;

static bool caller_gone(uint64_t handle)
{
    for (unsigned i = 0; i < 4; i++)
        if (world.gone[i] == handle)
            return true;
    return false;
}

static bool answer(void *context, uint64_t handle, int64_t result)
{
    (void)context;
    world.answered[world.answer_count] = handle;
    world.results[world.answer_count++] = result;
    return !caller_gone(handle);
}

static bool waits(void *context, uint64_t handle)
{
    (void)context;
    return !caller_gone(handle);
}

static void release_reply(void *context, uint64_t handle)
{
    (void)context;
    world.released[world.release_count++] = handle;
}

static const struct sem_replies replies = {answer, waits, release_reply, NULL};

static unsigned waiters_kept(void)
{
    unsigned count = 0;
    for (struct list_link *link = core.waiters.first; link; link = link->next)
        count++;
    return count;
}

/* Everything the last core held goes, then a fresh one. */
static void fresh(void)
{
    for (int32_t index = 0; index <= core.ids.max_index; index++) {
        struct ipc_object *set = ipc_ids_at(&core.ids, index);
        if (set)
            CHECK_EQ_U64(sem_control(&core, &root, set->id, 0, SYSV_IPC_RMID, 0, NULL), 0);
    }
    if (core.ids.objects)
        release(NULL, core.ids.objects);
    memset(&world, 0, sizeof world);
    CHECK_EQ_U64(blocks_live, 0);
    sem_core_init(&core, &services, &replies);
}

static int32_t new_set(int32_t count, int32_t mode)
{
    int64_t id = sem_get(&core, &user, SYSV_IPC_PRIVATE, count, mode);
    CHECK(id >= 0);
    return (int32_t)id;
}

static int64_t control(int32_t id, int32_t semnum, int32_t cmd, uint64_t argument)
{
    return sem_control(&core, &user, id, semnum, cmd, argument, NULL);
}

static int64_t value(int32_t id, int32_t semnum)
{
    return control(id, semnum, SYSV_GETVAL, 0);
}

/* semop of up to four operations {num, op, flags}, by caller, as handle. */
static int64_t operate_as(const struct sysv_caller *caller, int32_t id, uint64_t handle,
                          unsigned count, const struct sysv_sembuf *operations)
{
    return sem_operate(&core, caller, id, operations, count, 0, 0, handle, true);
}

static int64_t one(int32_t id, uint64_t handle, uint16_t num, int16_t op, int16_t flags)
{
    struct sysv_sembuf operation = {num, op, flags};
    return operate_as(&user, id, handle, 1, &operation);
}

static void semget_rules(void)
{
    fresh();
    CHECK_EQ_U64(sem_get(&core, &user, SYSV_IPC_PRIVATE, 0, 0600), -LINUX_EINVAL);
    CHECK_EQ_U64(sem_get(&core, &user, SYSV_IPC_PRIVATE, -1, 0600), -LINUX_EINVAL);
    CHECK_EQ_U64(sem_get(&core, &user, SYSV_IPC_PRIVATE, SYSV_SEMMSL + 1, 0600), -LINUX_EINVAL);
    CHECK_EQ_U64(sem_get(&core, &user, 42, 2, 0600), -LINUX_ENOENT);
    int64_t id = sem_get(&core, &user, 42, 3, 0600 | SYSV_IPC_CREAT);
    CHECK(id >= 0);
    CHECK_EQ_U64(sem_get(&core, &user, 42, 0, 0), id);      /* nsems 0: any set */
    CHECK_EQ_U64(sem_get(&core, &user, 42, 3, 0600), id);
    CHECK_EQ_U64(sem_get(&core, &user, 42, 4, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(sem_get(&core, &user, 42, 4, SYSV_IPC_CREAT | SYSV_IPC_EXCL), -LINUX_EEXIST);
    CHECK_EQ_U64(sem_get(&core, &stranger, 42, 0, 0400), -LINUX_EACCES);
    CHECK_EQ_U64(sem_get(&core, &stranger, 42, 0, 0), id);  /* asks for nothing */
    CHECK_EQ_U64(sem_count(&core, (int32_t)id), 3);
    CHECK_EQ_U64(sem_count(&core, (int32_t)id + 1), -LINUX_EINVAL);
}

static void operations_are_all_or_nothing(void)
{
    fresh();
    int32_t id = new_set(3, 0600);
    struct sysv_sembuf up_two[] = {{0, 1, 0}, {1, 2, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 1, 2, up_two), 0);
    /* The third would wait: nothing happens, the caller waits. */
    struct sysv_sembuf three[] = {{0, -1, 0}, {1, -1, 0}, {2, -1, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 2, 3, three), SEM_QUEUED);
    CHECK_EQ_U64(value(id, 0), 1);
    CHECK_EQ_U64(value(id, 1), 2);
    /* Raising the third lets the whole array go. */
    CHECK_EQ_U64(one(id, 3, 2, 1, 0), 0);
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.answered[0], 2);
    CHECK_EQ_U64(world.results[0], 0);
    CHECK_EQ_U64(value(id, 0), 0);
    CHECK_EQ_U64(value(id, 1), 1);
    CHECK_EQ_U64(value(id, 2), 0);
    CHECK_EQ_U64(control(id, 2, SYSV_GETPID, 0), user.pid);
}

/* Several operations on one semaphore add up, in order. */
static void operations_on_one_semaphore_add_up(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    struct sysv_sembuf up_then_down[] = {{0, 2, 0}, {0, -1, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 1, 2, up_then_down), 0);
    CHECK_EQ_U64(value(id, 0), 1);
    struct sysv_sembuf down_first[] = {{0, -2, SYSV_IPC_NOWAIT}, {0, 5, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 1, 2, down_first), -LINUX_EAGAIN);
    CHECK_EQ_U64(value(id, 0), 1);
}

static void errors_in_linux_order(void)
{
    fresh();
    int32_t id = new_set(2, 0600);
    struct sysv_sembuf operation = {0, 1, 0};
    CHECK_EQ_U64(operate_as(&user, id, 1, 0, &operation), -LINUX_EINVAL);
    CHECK_EQ_U64(operate_as(&user, -1, 1, 1, &operation), -LINUX_EINVAL);
    CHECK_EQ_U64(operate_as(&user, id, 1, SYSV_SEMOPM + 1, &operation), -LINUX_E2BIG);
    CHECK_EQ_U64(operate_as(&user, id + 1, 1, 1, &operation), -LINUX_EINVAL);
    CHECK_EQ_U64(one(id, 1, 2, 1, 0), -LINUX_EFBIG);
    CHECK_EQ_U64(operate_as(&stranger, id, 1, 1, &operation), -LINUX_EACCES);
    CHECK_EQ_U64(one(id, 1, 0, 32767, 0), 0);
    CHECK_EQ_U64(one(id, 1, 0, 1, 0), -LINUX_ERANGE);
    /* The first operation that cannot go decides: waiting, or ERANGE. */
    struct sysv_sembuf waits_first[] = {{1, -1, SYSV_IPC_NOWAIT}, {0, 1, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 1, 2, waits_first), -LINUX_EAGAIN);
    struct sysv_sembuf range_first[] = {{0, 1, 0}, {1, -1, SYSV_IPC_NOWAIT}};
    CHECK_EQ_U64(operate_as(&user, id, 1, 2, range_first), -LINUX_ERANGE);
    /* IPC_NOWAIT counts on the operation that would wait only. */
    struct sysv_sembuf nowait_elsewhere[] = {{0, 0, SYSV_IPC_NOWAIT}, {1, -1, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 7, 2, nowait_elsewhere), -LINUX_EAGAIN);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 0), 0);
    CHECK_EQ_U64(operate_as(&user, id, 7, 2, nowait_elsewhere), SEM_QUEUED);
    /* A deadline already past is EAGAIN; no room to wait, ENOMEM. */
    struct sysv_sembuf down = {1, -1, 0};
    CHECK_EQ_U64(sem_operate(&core, &user, id, &down, 1, 5, 5, 8, true), -LINUX_EAGAIN);
    CHECK_EQ_U64(sem_operate(&core, &user, id, &down, 1, 0, 5, 8, false), -LINUX_ENOMEM);
}

/* Waiting for zero: the waiters are told before altering ones change the
 * value again (Linux wakes them first). */
static void zero_waiters_see_the_zero_first(void)
{
    fresh();
    int32_t id = new_set(2, 0600);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 1), 0);
    /* 1: raises 0 once 1 can be lowered; 2: waits for 0 to be zero. */
    struct sysv_sembuf raise_when[] = {{0, 1, 0}, {1, -1, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 1, 2, raise_when), SEM_QUEUED);
    CHECK_EQ_U64(one(id, 2, 0, 0, 0), SEM_QUEUED);
    CHECK_EQ_U64(control(id, 0, SYSV_GETZCNT, 0), 1);
    CHECK_EQ_U64(control(id, 1, SYSV_GETNCNT, 0), 1);
    /* 0 becomes zero and 1 one at once: 2 goes, then 1. */
    struct sysv_sembuf both[] = {{0, -1, 0}, {1, 1, 0}};
    CHECK_EQ_U64(operate_as(&user, id, 3, 2, both), 0);
    CHECK_EQ_U64(world.answer_count, 2);
    CHECK_EQ_U64(world.answered[0], 2);
    CHECK_EQ_U64(world.answered[1], 1);
    CHECK_EQ_U64(value(id, 0), 1);
    CHECK_EQ_U64(value(id, 1), 0);
}

/* Altering waiters go in arrival order, each as soon as it can. */
static void altering_waiters_in_order(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    CHECK_EQ_U64(one(id, 1, 0, -2, 0), SEM_QUEUED);
    CHECK_EQ_U64(one(id, 2, 0, -1, 0), SEM_QUEUED);
    CHECK_EQ_U64(one(id, 3, 0, -1, 0), SEM_QUEUED);
    CHECK_EQ_U64(control(id, 0, SYSV_GETNCNT, 0), 3);
    CHECK_EQ_U64(one(id, 9, 0, 1, 0), 0);         /* 1 cannot, 2 can */
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.answered[0], 2);
    CHECK_EQ_U64(one(id, 9, 0, 3, 0), 0);         /* 1, then 3 */
    CHECK_EQ_U64(world.answer_count, 3);
    CHECK_EQ_U64(world.answered[1], 1);
    CHECK_EQ_U64(world.answered[2], 3);
    CHECK_EQ_U64(value(id, 0), 0);
}

/* A waiter whose caller vanished is answered but takes nothing. */
static void vanished_callers_take_nothing(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    CHECK_EQ_U64(one(id, 1, 0, -1, 0), SEM_QUEUED);
    CHECK_EQ_U64(one(id, 2, 0, -1, 0), SEM_QUEUED);
    world.gone[0] = 1;
    CHECK_EQ_U64(control(id, 0, SYSV_GETNCNT, 0), 1);     /* 1 is let go first */
    CHECK_EQ_U64(world.release_count, 1);
    CHECK_EQ_U64(world.released[0], 1);
    world.gone[1] = 2;
    CHECK_EQ_U64(one(id, 3, 0, 1, 0), 0);
    CHECK_EQ_U64(world.answer_count, 1);                    /* 2 was tried... */
    CHECK_EQ_U64(value(id, 0), 1);                          /* ...and took nothing */
    CHECK_EQ_U64(control(id, 0, SYSV_GETNCNT, 0), 0);
}

static void prune_lets_go_of_vanished_waiters(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    CHECK_EQ_U64(one(id, 1, 0, -1, 0), SEM_QUEUED);
    CHECK_EQ_U64(one(id, 2, 0, -1, 0), SEM_QUEUED);
    world.gone[0] = 2;
    CHECK_EQ_U64(sem_prune(&core), 1);
    CHECK_EQ_U64(world.released[0], 2);
    CHECK_EQ_U64(waiters_kept(), 1);
}

static void deadlines_answer_eagain_in_order(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    struct sysv_sembuf down = {0, -1, 0};
    CHECK_EQ_U64(sem_operate(&core, &user, id, &down, 1, 300, 10, 1, true), SEM_QUEUED);
    CHECK_EQ_U64(sem_operate(&core, &user, id, &down, 1, 200, 10, 2, true), SEM_QUEUED);
    CHECK_EQ_U64(sem_operate(&core, &user, id, &down, 1, 0, 10, 3, true), SEM_QUEUED);
    CHECK_EQ_U64(sem_earliest_deadline(&core), 200);
    CHECK_EQ_U64(sem_expire(&core, 250), 300);
    CHECK_EQ_U64(world.answered[0], 2);
    CHECK_EQ_U64(world.results[0], -LINUX_EAGAIN);
    CHECK_EQ_U64(sem_expire(&core, 1000), 0);
    CHECK_EQ_U64(world.answered[1], 1);
    CHECK_EQ_U64(waiters_kept(), 1);
}

static void undo_is_applied_when_the_process_ends(void)
{
    fresh();
    int32_t id = new_set(2, 0600);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 5), 0);
    CHECK_EQ_U64(one(id, 1, 0, -2, SYSV_SEM_UNDO), 0);
    CHECK_EQ_U64(one(id, 1, 1, 3, SYSV_SEM_UNDO), 0);
    CHECK_EQ_U64(one(id, 1, 1, 1, 0), 0);                 /* not to be undone */
    CHECK_EQ_U64(value(id, 0), 3);
    CHECK_EQ_U64(value(id, 1), 4);
    /* Another process lowers 1 meanwhile: the undo cannot go below 0. */
    struct sysv_sembuf down[] = {{1, -4, 0}};
    CHECK_EQ_U64(operate_as(&stranger, id, 2, 1, down), -LINUX_EACCES);
    CHECK_EQ_U64(operate_as(&root, id, 2, 1, down), 0);
    clock_seconds = 2000;
    sem_process_ended(&core, user.pid);
    CHECK_EQ_U64(value(id, 0), 5);
    CHECK_EQ_U64(value(id, 1), 0);
    CHECK_EQ_U64(control(id, 0, SYSV_GETPID, 0), user.pid);
    struct sysv_semid64_ds stat;
    struct client buffer;
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_IPC_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), 0);
    CHECK_EQ_U64(stat.sem_otime, 2000);
    /* Applied once: the process's records are gone. */
    sem_process_ended(&core, user.pid);
    CHECK_EQ_U64(value(id, 0), 5);
}

/* The undo of an increment waits for nobody: it wakes the waiters. */
static void undo_wakes_waiters(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 1), 0);
    CHECK_EQ_U64(one(id, 1, 0, -1, SYSV_SEM_UNDO), 0);   /* user takes the lock */
    struct sysv_sembuf down = {0, -1, 0};
    CHECK_EQ_U64(operate_as(&root, id, 2, 1, &down), SEM_QUEUED);
    sem_process_ended(&core, user.pid);                   /* user dies holding it */
    CHECK_EQ_U64(world.answer_count, 1);
    CHECK_EQ_U64(world.answered[0], 2);
    CHECK_EQ_U64(value(id, 0), 0);
}

static void undo_limits_and_setval_clears_it(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    CHECK_EQ_U64(one(id, 1, 0, 32767, SYSV_SEM_UNDO), 0);  /* adjustment -32767 */
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 0), 0);       /* and now 0 */
    CHECK_EQ_U64(one(id, 1, 0, 32767, SYSV_SEM_UNDO), 0);
    CHECK_EQ_U64(one(id, 1, 0, -32767, 0), 0);
    CHECK_EQ_U64(one(id, 1, 0, 1, SYSV_SEM_UNDO), 0);      /* -32768: still allowed */
    CHECK_EQ_U64(one(id, 1, 0, 1, SYSV_SEM_UNDO), -LINUX_ERANGE);
    CHECK_EQ_U64(value(id, 0), 1);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 7), 0);
    sem_process_ended(&core, user.pid);                    /* nothing left to undo */
    CHECK_EQ_U64(value(id, 0), 7);
}

static void process_end_forgets_its_waiters(void)
{
    fresh();
    int32_t id = new_set(1, 0600);
    CHECK_EQ_U64(one(id, 1, 0, -1, 0), SEM_QUEUED);
    CHECK_EQ_U64(operate_as(&root, id, 2, 1, &(struct sysv_sembuf){0, -1, 0}), SEM_QUEUED);
    sem_process_ended(&core, user.pid);
    CHECK_EQ_U64(world.release_count, 1);
    CHECK_EQ_U64(world.released[0], 1);
    CHECK_EQ_U64(one(id, 3, 0, 1, 0), 0);
    CHECK_EQ_U64(world.answered[0], 2);                    /* root's waiter, not user's */
}

static void removal_wakes_every_waiter_with_eidrm(void)
{
    fresh();
    int32_t id = new_set(2, 0600);
    CHECK_EQ_U64(one(id, 1, 0, -1, SYSV_SEM_UNDO), SEM_QUEUED);
    CHECK_EQ_U64(control(id, 1, SYSV_SETVAL, 1), 0);
    CHECK_EQ_U64(one(id, 2, 1, 0, 0), SEM_QUEUED);
    CHECK_EQ_U64(sem_control(&core, &stranger, id, 0, SYSV_IPC_RMID, 0, NULL), -LINUX_EPERM);
    CHECK_EQ_U64(control(id, 0, SYSV_IPC_RMID, 0), 0);
    CHECK_EQ_U64(world.answer_count, 2);
    CHECK_EQ_U64(world.results[0], -LINUX_EIDRM);
    CHECK_EQ_U64(world.results[1], -LINUX_EIDRM);
    CHECK_EQ_U64(value(id, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(control(id, 0, SYSV_IPC_RMID, 0), -LINUX_EINVAL);
    sem_process_ended(&core, user.pid);     /* its adjustments went with the set */
    CHECK_EQ_U64(blocks_live, 0);           /* the ids table went with the last */
}

static void semctl_value_commands(void)
{
    fresh();
    int32_t id = new_set(3, 0640);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, 32768), -LINUX_ERANGE);
    CHECK_EQ_U64(control(id, 0, SYSV_SETVAL, (uint32_t)-1), -LINUX_ERANGE);
    CHECK_EQ_U64(control(id, 3, SYSV_SETVAL, 1), -LINUX_EINVAL);
    CHECK_EQ_U64(control(id, -1, SYSV_GETVAL, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(control(id, 1, SYSV_SETVAL, 9), 0);
    CHECK_EQ_U64(control(id, 1, SYSV_GETVAL, 0), 9);
    CHECK_EQ_U64(control(id, 1, SYSV_GETPID, 0), user.pid);
    CHECK_EQ_U64(control(id, 0, SYSV_GETPID, 0), 0);
    CHECK_EQ_U64(control(id, 0, 99, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(control(id, 0, SYSV_IPC_STAT | 0x100, 0), -LINUX_EINVAL);   /* no IPC_64 */
    CHECK_EQ_U64(control(-1, 0, SYSV_IPC_INFO, 0), -LINUX_EINVAL);
    const struct sysv_caller member = {50, 3000, 1000};
    CHECK_EQ_U64(sem_control(&core, &member, id, 1, SYSV_GETVAL, 0, NULL), 9);
    CHECK_EQ_U64(sem_control(&core, &member, id, 1, SYSV_SETVAL, 1, NULL), -LINUX_EACCES);
    CHECK_EQ_U64(sem_control(&core, &stranger, id, 1, SYSV_GETVAL, 0, NULL), -LINUX_EACCES);
}

static void getall_and_setall(void)
{
    fresh();
    int32_t id = new_set(3, 0600);
    uint16_t values[3] = {1, 2, 3};
    struct client buffer;
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_SETALL, 0,
                             client(&buffer, values, sizeof values)), 0);
    uint16_t read_back[3] = {0};
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_GETALL, 0,
                             client(&buffer, read_back, sizeof read_back)), 0);
    CHECK_EQ_U64(read_back[2], 3);
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_GETALL, 0,
                             client(&buffer, read_back, 4)), -LINUX_EFAULT);
    uint16_t too_big[3] = {1, 32768, 0};
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_SETALL, 0,
                             client(&buffer, too_big, sizeof too_big)), -LINUX_ERANGE);
    CHECK_EQ_U64(value(id, 0), 1);                          /* nothing set */
    CHECK_EQ_U64(sem_control(&core, &stranger, id, 0, SYSV_SETALL, 0,
                             client(&buffer, values, 2)), -LINUX_EACCES);
    /* SETALL clears every adjustment and wakes waiters. */
    CHECK_EQ_U64(one(id, 1, 0, -1, SYSV_SEM_UNDO), 0);
    CHECK_EQ_U64(one(id, 2, 1, -5, 0), SEM_QUEUED);
    uint16_t more[3] = {4, 5, 6};
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_SETALL, 0,
                             client(&buffer, more, sizeof more)), 0);
    CHECK_EQ_U64(world.answered[0], 2);
    CHECK_EQ_U64(value(id, 1), 0);
    sem_process_ended(&core, user.pid);
    CHECK_EQ_U64(value(id, 0), 4);
}

static void stat_info_and_set(void)
{
    fresh();
    int32_t first = new_set(1, 0600);
    int32_t id = new_set(4, 0640);
    struct sysv_semid64_ds stat;
    struct client buffer;
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_IPC_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), 0);
    CHECK_EQ_U64(stat.sem_nsems, 4);
    CHECK_EQ_U64(stat.sem_perm.mode, 0640);
    CHECK_EQ_U64(stat.sem_perm.cuid, 1000);
    CHECK_EQ_U64(stat.sem_otime, 0);
    CHECK_EQ_U64(stat.sem_ctime, clock_seconds);
    /* SEM_STAT takes an index and answers the id; SEM_STAT_ANY skips the
     * permission check. */
    CHECK_EQ_U64(sem_control(&core, &user, id & 0x7fff, 0, SYSV_SEM_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), id);
    CHECK_EQ_U64(sem_control(&core, &stranger, id & 0x7fff, 0, SYSV_SEM_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), -LINUX_EACCES);
    CHECK_EQ_U64(sem_control(&core, &stranger, id & 0x7fff, 0, SYSV_SEM_STAT_ANY, 0,
                             client(&buffer, &stat, sizeof stat)), id);
    CHECK_EQ_U64(sem_control(&core, &user, 40, 0, SYSV_SEM_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), -LINUX_EINVAL);
    struct sysv_seminfo info;
    CHECK_EQ_U64(sem_control(&core, &stranger, 0, 0, SYSV_SEM_INFO, 0,
                             client(&buffer, &info, sizeof info)), id & 0x7fff);
    CHECK_EQ_U64(info.semusz, 2);
    CHECK_EQ_U64(info.semaem, 5);
    CHECK_EQ_U64(sem_control(&core, &stranger, 0, 0, SYSV_IPC_INFO, 0,
                             client(&buffer, &info, sizeof info)), id & 0x7fff);
    CHECK_EQ_U64(info.semmsl, SYSV_SEMMSL);
    CHECK_EQ_U64(info.semusz, SYSV_SEMUSZ);
    /* IPC_SET: EFAULT before anything, EPERM, EINVAL for uid -1. */
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_IPC_SET, 0, client(&buffer, &stat, 8)),
                 -LINUX_EFAULT);
    stat.sem_perm.uid = 2000;
    stat.sem_perm.mode = 0666;
    clock_seconds = 3000;
    CHECK_EQ_U64(sem_control(&core, &stranger, id, 0, SYSV_IPC_SET, 0,
                             client(&buffer, &stat, sizeof stat)), -LINUX_EPERM);
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_IPC_SET, 0,
                             client(&buffer, &stat, sizeof stat)), 0);
    CHECK_EQ_U64(sem_control(&core, &stranger, id, 0, SYSV_IPC_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), 0);
    CHECK_EQ_U64(stat.sem_perm.uid, 2000);
    CHECK_EQ_U64(stat.sem_ctime, 3000);
    stat.sem_perm.uid = UINT32_MAX;
    CHECK_EQ_U64(sem_control(&core, &user, id, 0, SYSV_IPC_SET, 0,
                             client(&buffer, &stat, sizeof stat)), -LINUX_EINVAL);
    (void)first;
}

int main(void)
{
    RUN_TEST(semget_rules);
    RUN_TEST(operations_are_all_or_nothing);
    RUN_TEST(operations_on_one_semaphore_add_up);
    RUN_TEST(errors_in_linux_order);
    RUN_TEST(zero_waiters_see_the_zero_first);
    RUN_TEST(altering_waiters_in_order);
    RUN_TEST(vanished_callers_take_nothing);
    RUN_TEST(prune_lets_go_of_vanished_waiters);
    RUN_TEST(deadlines_answer_eagain_in_order);
    RUN_TEST(undo_is_applied_when_the_process_ends);
    RUN_TEST(undo_wakes_waiters);
    RUN_TEST(undo_limits_and_setval_clears_it);
    RUN_TEST(process_end_forgets_its_waiters);
    RUN_TEST(removal_wakes_every_waiter_with_eidrm);
    RUN_TEST(semctl_value_commands);
    RUN_TEST(getall_and_setall);
    RUN_TEST(stat_info_and_set);
    fresh();
    return check_report();
}
