/* What the System V IPC tests share: semctl's fourth argument, one
 * semaphore operation, waiting until callers wait on a semaphore, and
 * waiting for a child that must succeed. */
#ifndef CONFORMANCE_SYSV_H
#define CONFORMANCE_SYSV_H

#include <stdbool.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

/* semctl's fourth argument: the program defines it (_SEM_SEMUN_UNDEFINED). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *info;
};

static inline int sem_op(int id, unsigned short num, short value, short flags)
{
    struct sembuf operation = {num, value, flags};
    return semop(id, &operation, 1);
}

static inline int sem_value(int id, int num)
{
    return semctl(id, num, GETVAL);
}

/* Until count callers wait on semaphore num (command: GETNCNT or
 * GETZCNT): then they are asleep in semop. */
static inline void sem_until_waiting(int id, int num, int command, int count)
{
    while (semctl(id, num, command) != count)
        usleep(1000);
}

/* Waits for child: whether it exited with status 0. */
static inline bool child_succeeds(pid_t child)
{
    int status = 0;
    return waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

#endif
