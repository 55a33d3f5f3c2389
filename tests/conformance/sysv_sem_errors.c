/* System V semaphores, the errors in Linux 6.1's order: semget's nsems
 * (EINVAL below 0, above SEMMSL, 0 for a new set, more than a set has),
 * ENOENT and EEXIST; semop's EINVAL (no operations, bad ids), E2BIG
 * (above SEMOPM, before the operations are read), EFAULT, EFBIG (a
 * semaphore the set lacks), ERANGE (above SEMVMX, or an adjustment beyond
 * SEMAEM), the first operation that cannot go deciding, IPC_NOWAIT
 * counting on that one only; semtimedop's EINVAL for a bad timeout (even
 * when nothing would wait) and EFAULT; semctl's EINVAL (commands, ids,
 * semnum, IPC_64's 0x100), ERANGE for SETVAL and SETALL, EFAULT. */
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"
#include "sysv.h"



static void semget_errors(void)
{
    CHECK_ERRNO(semget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERRNO(semget(IPC_PRIVATE, -1, 0600), EINVAL);
    CHECK_ERRNO(semget(IPC_PRIVATE, 32001, 0600), EINVAL);
    int big = semget(IPC_PRIVATE, 32000, 0600);
    CHECK(big >= 0);
    CHECK_EQ(semctl(big, 31999, SETVAL, (union semun){.val = 5}), 0);
    CHECK_EQ(semctl(big, 31999, GETVAL), 5);
    CHECK_EQ(semctl(big, 0, IPC_RMID), 0);
    key_t key = 0x53590401;
    CHECK_ERRNO(semget(key, 1, 0600), ENOENT);
    CHECK_ERRNO(semget(key, 0, IPC_CREAT | 0600), EINVAL);      /* a new set of none */
    int id = semget(key, 2, IPC_CREAT | 0600);
    REQUIRE(id >= 0);
    CHECK_ERRNO(semget(key, 3, 0), EINVAL);
    CHECK_ERRNO(semget(key, 3, IPC_CREAT | IPC_EXCL), EEXIST);
    CHECK_ERRNO(semget(key, 32001, 0), EINVAL);                 /* checked first */
    CHECK_EQ(semget(key, 1, 0), id);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void semop_errors(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(id >= 0);
    struct sembuf up = {0, 1, 0};
    CHECK_ERRNO(semop(id, &up, 0), EINVAL);
    CHECK_ERRNO(semop(-1, &up, 1), EINVAL);
    CHECK_ERRNO(semop(id + 1, &up, 1), EINVAL);
    CHECK_ERRNO(semop(id + 32768, &up, 1), EINVAL);
    CHECK_ERRNO(syscall(SYS_semop, id, (void *)8, 1), EFAULT);
    CHECK_ERRNO(syscall(SYS_semop, id, NULL, 1), EFAULT);
    CHECK_ERRNO(syscall(SYS_semop, id, (void *)8, 501), E2BIG);
    CHECK_ERRNO(syscall(SYS_semop, id, (void *)8, 0), EINVAL);
    CHECK_ERRNO(sem_op(id, 2, 1, 0), EFBIG);
    CHECK_ERRNO(sem_op(id + 1, 2, 1, 0), EINVAL);                   /* the id first */
    /* 500 operations go; 501 are too many. */
    static struct sembuf many[501];
    for (int i = 0; i < 501; i++)
        many[i] = (struct sembuf){(unsigned short)(i % 2), 1, 0};
    CHECK_EQ(semop(id, many, 500), 0);
    CHECK_EQ(semctl(id, 0, GETVAL), 250);
    CHECK_ERRNO(semop(id, many, 501), E2BIG);
    CHECK_EQ(semctl(id, 1, SETVAL, (union semun){.val = 32767}), 0);
    CHECK_ERRNO(sem_op(id, 1, 1, 0), ERANGE);
    /* The first operation that cannot go decides. */
    CHECK_EQ(semctl(id, 0, SETVAL, (union semun){.val = 0}), 0);
    struct sembuf waits_first[] = {{0, -1, IPC_NOWAIT}, {1, 1, 0}};
    CHECK_ERRNO(semop(id, waits_first, 2), EAGAIN);
    struct sembuf range_first[] = {{1, 1, 0}, {0, -1, IPC_NOWAIT}};
    CHECK_ERRNO(semop(id, range_first, 2), ERANGE);
    /* IPC_NOWAIT on an operation that goes does not count. */
    struct sembuf nowait_elsewhere[] = {{1, -1, IPC_NOWAIT}, {0, -1, 0}};
    struct timespec brief = {0, 1000 * 1000};
    CHECK_ERRNO(semtimedop(id, nowait_elsewhere, 2, &brief), EAGAIN);
    CHECK_EQ(semctl(id, 1, GETVAL), 32767);
    /* Adjustments stay within -32768..32767. */
    CHECK_EQ(semctl(id, 0, SETVAL, (union semun){.val = 0}), 0);
    CHECK_EQ(sem_op(id, 0, 32767, SEM_UNDO), 0);
    CHECK_EQ(sem_op(id, 0, -32767, 0), 0);
    CHECK_EQ(sem_op(id, 0, 1, SEM_UNDO), 0);
    CHECK_ERRNO(sem_op(id, 0, 1, SEM_UNDO), ERANGE);
    CHECK_EQ(semctl(id, 0, GETVAL), 1);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void semtimedop_errors(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(id >= 0);
    struct sembuf up = {0, 1, 0}, down = {0, -1, 0};
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(semtimedop(id, &down, 1, &bad), EINVAL);
    CHECK_ERRNO(semtimedop(id, &up, 1, &bad), EINVAL);          /* would not wait */
    bad = (struct timespec){0, -1};
    CHECK_ERRNO(semtimedop(id, &down, 1, &bad), EINVAL);
    bad = (struct timespec){-1, 0};
    CHECK_ERRNO(semtimedop(id, &down, 1, &bad), EINVAL);
    CHECK_ERRNO(syscall(SYS_semtimedop, id, &up, 1, (void *)8), EFAULT);
    CHECK_ERRNO(syscall(SYS_semtimedop, id, (void *)8, 1, &bad), EFAULT);   /* before EINVAL */
    CHECK_ERRNO(semtimedop(id + 1, &up, 1, &bad), EINVAL);
    CHECK_EQ(semctl(id, 0, GETVAL), 0);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void semctl_errors(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(id >= 0);
    CHECK_ERRNO(semctl(id, 0, 99), EINVAL);
    CHECK_ERRNO(semctl(id, 0, -1), EINVAL);
    CHECK_ERRNO(semctl(-1, 0, GETVAL), EINVAL);
    CHECK_ERRNO(semctl(-1, 0, IPC_INFO, (union semun){.buf = NULL}), EINVAL);
    CHECK_ERRNO(semctl(id + 1, 0, GETVAL), EINVAL);
    CHECK_ERRNO(semctl(id, 2, GETVAL), EINVAL);
    CHECK_ERRNO(semctl(id, -1, GETNCNT), EINVAL);
    CHECK_ERRNO(semctl(id, 2, SETVAL, (union semun){.val = 1}), EINVAL);
    CHECK_ERRNO(semctl(id, 0, SETVAL, (union semun){.val = 32768}), ERANGE);
    CHECK_ERRNO(semctl(id, 0, SETVAL, (union semun){.val = -1}), ERANGE);
    CHECK_ERRNO(semctl(id + 1, 0, SETVAL, (union semun){.val = -1}), ERANGE);   /* first */
    unsigned short values[2] = {1, 32768};
    CHECK_ERRNO(semctl(id, 0, SETALL, (union semun){.array = values}), ERANGE);
    CHECK_EQ(semctl(id, 0, GETVAL), 0);
    CHECK_ERRNO(semctl(id, 0, SETALL, (union semun){.array = NULL}), EFAULT);
    CHECK_ERRNO(semctl(id, 0, GETALL, (union semun){.array = NULL}), EFAULT);
    CHECK_ERRNO(semctl(id + 1, 0, GETALL, (union semun){.array = NULL}), EINVAL);
    CHECK_ERRNO(semctl(id, 0, IPC_STAT, (union semun){.buf = NULL}), EFAULT);
    CHECK_ERRNO(semctl(id, 0, IPC_SET, (union semun){.buf = NULL}), EFAULT);
    CHECK_ERRNO(semctl(id + 1, 0, IPC_STAT, (union semun){.buf = NULL}), EINVAL);
    struct semid_ds stat;
    CHECK_ERRNO(syscall(SYS_semctl, id, 0, IPC_STAT | 0x100, &stat), EINVAL);
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    stat.sem_perm.uid = (uid_t)-1;
    CHECK_ERRNO(semctl(id, 0, IPC_SET, (union semun){.buf = &stat}), EINVAL);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
    CHECK_ERRNO(semctl(id, 0, IPC_RMID), EINVAL);
    CHECK_ERRNO(semctl(id, 0, GETVAL), EINVAL);
}

int main(void)
{
    semget_errors();
    semop_errors();
    semtimedop_errors();
    semctl_errors();
    return check_finish("sysv_sem_errors");
}
