/* System V semaphores under contention: four processes take turns on a
 * counter in a System V shared memory segment, each increment a read,
 * a pause and a write that would lose counts without mutual exclusion,
 * guarded by one semaphore used as a mutex (SEM_UNDO, as lock holders
 * use it). The count comes out exact; a second semaphore counts the
 * workers done, and the parent waits for it to reach zero. */
#include <sched.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "check.h"
#include "sysv.h"

#define WORKERS 4
#define ROUNDS 500


enum { MUTEX, RUNNING };


/* One worker: ROUNDS increments, each inside the mutex. Returns how many
 * of its semops failed. */
static int work(int set, volatile long *counter)
{
    int failures = 0;
    for (int round = 0; round < ROUNDS; round++) {
        failures += sem_op(set, MUTEX, -1, SEM_UNDO) != 0;
        long seen = *counter;
        if (round % 8 == 0)
            sched_yield();              /* invite the others in */
        *counter = seen + 1;
        failures += sem_op(set, MUTEX, 1, SEM_UNDO) != 0;
    }
    failures += sem_op(set, RUNNING, -1, 0) != 0;
    return failures;
}

int main(void)
{
    int set = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(set >= 0);
    int segment = shmget(IPC_PRIVATE, sizeof(long), 0600);
    REQUIRE(segment >= 0);
    volatile long *counter = shmat(segment, NULL, 0);
    REQUIRE(counter != (void *)-1);
    REQUIRE(semctl(set, MUTEX, SETVAL, (union semun){.val = 1}) == 0);
    REQUIRE(semctl(set, RUNNING, SETVAL, (union semun){.val = WORKERS}) == 0);
    pid_t workers[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        workers[i] = fork();
        if (workers[i] == 0)
            _exit(work(set, counter) == 0 ? 0 : 1);
    }
    /* Every worker done: RUNNING reaches zero. */
    CHECK_EQ(sem_op(set, RUNNING, 0, 0), 0);
    CHECK_EQ(*counter, WORKERS * ROUNDS);
    int succeeded = 0;
    for (int i = 0; i < WORKERS; i++) {
        int status = 0;
        succeeded += waitpid(workers[i], &status, 0) == workers[i] && WIFEXITED(status) &&
                     WEXITSTATUS(status) == 0;
    }
    CHECK_EQ(succeeded, WORKERS);
    CHECK_EQ(semctl(set, MUTEX, GETVAL), 1);
    CHECK_EQ(semctl(set, MUTEX, GETNCNT), 0);
    struct shmid_ds stat;
    CHECK_EQ(shmctl(segment, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.shm_nattch, 1);
    CHECK_EQ(shmdt((const void *)counter), 0);
    CHECK_EQ(shmctl(segment, IPC_RMID, NULL), 0);
    CHECK_EQ(semctl(set, 0, IPC_RMID), 0);
    return check_finish("sysv_sem_contention");
}
