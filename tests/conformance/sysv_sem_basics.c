/* System V semaphores, the working cases: semget (IPC_PRIVATE, a key,
 * nsems 0 to find a set); SETVAL, GETVAL, SETALL, GETALL, GETPID;
 * operations on several semaphores made all at once or not at all;
 * several on one semaphore adding up; IPC_NOWAIT's EAGAIN; a child that
 * waits (to lower a value, or for a zero) counted by GETNCNT and GETZCNT
 * and woken by the change it waits for; semtimedop's timeout (EAGAIN);
 * EIDRM for a waiter when the set is removed; EINTR for a waiter a
 * signal interrupts, even with SA_RESTART; IPC_STAT's times and fields,
 * IPC_SET, IPC_INFO, SEM_INFO, SEM_STAT and SEM_STAT_ANY. */
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "sysv.h"






static void values(void)
{
    int id = semget(IPC_PRIVATE, 3, 0600);
    REQUIRE(id >= 0);
    unsigned short all[3];
    CHECK_EQ(semctl(id, 0, GETALL, (union semun){.array = all}), 0);
    CHECK(all[0] == 0 && all[1] == 0 && all[2] == 0);
    CHECK_EQ(semctl(id, 0, GETPID), 0);
    CHECK_EQ(semctl(id, 1, SETVAL, (union semun){.val = 7}), 0);
    CHECK_EQ(sem_value(id, 1), 7);
    CHECK_EQ(semctl(id, 1, GETPID), getpid());
    unsigned short set[3] = {1, 2, 32767};
    CHECK_EQ(semctl(id, 0, SETALL, (union semun){.array = set}), 0);
    CHECK_EQ(semctl(id, 0, GETALL, (union semun){.array = all}), 0);
    CHECK(all[0] == 1 && all[1] == 2 && all[2] == 32767);
    CHECK_EQ(semctl(id, 2, GETPID), getpid());
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void operations_all_or_nothing(void)
{
    int id = semget(IPC_PRIVATE, 3, 0600);
    REQUIRE(id >= 0);
    struct sembuf three[] = {{0, 2, 0}, {1, 1, 0}, {2, 3, 0}};
    CHECK_EQ(semop(id, three, 3), 0);
    struct sembuf too_much[] = {{0, -1, 0}, {1, -2, IPC_NOWAIT}, {2, -1, 0}};
    CHECK_ERRNO(semop(id, too_much, 3), EAGAIN);
    CHECK_EQ(sem_value(id, 0), 2);
    CHECK_EQ(sem_value(id, 2), 3);
    /* Several on one semaphore add up, in order. */
    struct sembuf up_then_down[] = {{1, 5, 0}, {1, -6, 0}, {0, 0, IPC_NOWAIT}};
    CHECK_ERRNO(semop(id, up_then_down, 3), EAGAIN);    /* 0 is not zero */
    CHECK_EQ(sem_value(id, 1), 1);
    struct sembuf zero_then[] = {{0, -2, 0}, {0, 0, 0}, {1, 5, 0}, {1, -6, 0}};
    CHECK_EQ(semop(id, zero_then, 4), 0);
    CHECK_EQ(sem_value(id, 0), 0);
    CHECK_EQ(sem_value(id, 1), 0);
    /* Waiting for zero on a zero goes at once. */
    CHECK_EQ(sem_op(id, 0, 0, 0), 0);
    CHECK_ERRNO(sem_op(id, 0, -1, IPC_NOWAIT), EAGAIN);
    CHECK_ERRNO(sem_op(id, 2, 0, IPC_NOWAIT), EAGAIN);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

/* A child waits to lower 0 (GETNCNT), another for 1 to be zero (GETZCNT). */
static void waiters(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(id >= 0);
    CHECK_EQ(semctl(id, 1, SETVAL, (union semun){.val = 1}), 0);
    pid_t lowering = fork();
    if (lowering == 0)
        _exit(sem_op(id, 0, -2, 0) == 0 ? 0 : 1);
    pid_t zero = fork();
    if (zero == 0)
        _exit(sem_op(id, 1, 0, 0) == 0 ? 0 : 1);
    sem_until_waiting(id, 0, GETNCNT, 1);
    sem_until_waiting(id, 1, GETZCNT, 1);
    CHECK_EQ(semctl(id, 0, GETNCNT), 1);
    CHECK_EQ(semctl(id, 0, GETZCNT), 0);
    CHECK_EQ(semctl(id, 1, GETZCNT), 1);
    CHECK_EQ(semctl(id, 1, GETNCNT), 0);
    CHECK_EQ(sem_op(id, 0, 1, 0), 0);                       /* not enough yet */
    CHECK_EQ(semctl(id, 0, GETNCNT), 1);
    CHECK_EQ(sem_op(id, 0, 1, 0), 0);
    CHECK(child_succeeds(lowering));
    CHECK_EQ(sem_value(id, 0), 0);
    CHECK_EQ(semctl(id, 0, GETPID), lowering);
    CHECK_EQ(sem_op(id, 1, -1, 0), 0);
    CHECK(child_succeeds(zero));
    CHECK_EQ(semctl(id, 1, GETZCNT), 0);
    CHECK_EQ(semctl(id, 1, GETPID), zero);              /* waiting for zero counts */
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void timeouts(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(id >= 0);
    struct sembuf down = {0, -1, 0};
    struct timespec short_wait = {0, 20 * 1000 * 1000};
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    CHECK_ERRNO(semtimedop(id, &down, 1, &short_wait), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long waited = (after.tv_sec - before.tv_sec) * 1000000000L + after.tv_nsec - before.tv_nsec;
    CHECK(waited >= 20 * 1000 * 1000);
    struct timespec none = {0, 0};
    CHECK_ERRNO(semtimedop(id, &down, 1, &none), EAGAIN);
    CHECK_EQ(semctl(id, 0, GETNCNT), 0);
    /* A timeout that is not needed does not matter. */
    struct sembuf up = {0, 1, 0};
    CHECK_EQ(semtimedop(id, &up, 1, &none), 0);
    struct timespec long_wait = {60, 0};
    CHECK_EQ(semtimedop(id, &down, 1, &long_wait), 0);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void removal_wakes_waiters(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(id >= 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_ERRNO(sem_op(id, 0, -1, 0), EIDRM);
        check_child_exit();
    }
    sem_until_waiting(id, 0, GETNCNT, 1);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
    CHECK(child_succeeds(child));
    CHECK_ERRNO(sem_value(id, 0), EINVAL);
}

static volatile sig_atomic_t handled;

static void on_signal(int signo)
{
    (void)signo;
    handled = 1;
}

/* A waiter interrupted by a handled signal: EINTR, SA_RESTART or not. */
static void signals_interrupt(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(id >= 0);
    struct sigaction action = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &action, NULL);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sem_until_waiting(id, 0, GETNCNT, 1);
        usleep(20000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK_ERRNO(sem_op(id, 0, -1, 0), EINTR);
    CHECK_EQ(handled, 1);
    CHECK(child_succeeds(child));
    CHECK_EQ(semctl(id, 0, GETNCNT), 0);
    /* The value it did not get is still there for the next. */
    CHECK_EQ(sem_op(id, 0, 1, 0), 0);
    CHECK_EQ(sem_op(id, 0, -1, IPC_NOWAIT), 0);
    signal(SIGUSR1, SIG_DFL);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void stat_set_and_info(void)
{
    key_t key = 0x53590301;
    int id = semget(key, 4, IPC_CREAT | IPC_EXCL | 0640);
    REQUIRE(id >= 0);
    CHECK_EQ(semget(key, 0, 0), id);
    CHECK_EQ(semget(key, 4, IPC_CREAT | 0600), id);
    struct semid_ds stat;
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    CHECK_EQ(stat.sem_nsems, 4);
    CHECK_EQ(stat.sem_perm.__key, key);
    CHECK_EQ(stat.sem_perm.mode, 0640);
    CHECK_EQ(stat.sem_perm.uid, 0);
    CHECK_EQ(stat.sem_perm.cgid, 0);
    CHECK_EQ(stat.sem_otime, 0);
    CHECK(stat.sem_ctime > 0);
    CHECK_EQ(sem_op(id, 3, 1, 0), 0);
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    CHECK(stat.sem_otime > 0);
    stat.sem_perm.uid = 1000;
    stat.sem_perm.gid = 1001;
    stat.sem_perm.mode = 01666;
    CHECK_EQ(semctl(id, 0, IPC_SET, (union semun){.buf = &stat}), 0);
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    CHECK_EQ(stat.sem_perm.uid, 1000);
    CHECK_EQ(stat.sem_perm.gid, 1001);
    CHECK_EQ(stat.sem_perm.cuid, 0);
    CHECK_EQ(stat.sem_perm.mode, 0666);
    struct seminfo info;
    int highest = semctl(0, 0, IPC_INFO, (union semun){.info = &info});
    CHECK(highest >= id % 32768);
    CHECK_EQ(info.semmsl, 32000);
    CHECK_EQ(info.semmni, 32000);
    CHECK_EQ(info.semopm, 500);
    CHECK_EQ(info.semvmx, 32767);
    CHECK_EQ(info.semaem, 32767);
    CHECK_EQ(info.semusz, 20);
    CHECK_EQ(semctl(0, 0, SEM_INFO, (union semun){.info = &info}), highest);
    CHECK(info.semusz >= 1);                /* sets in use */
    CHECK(info.semaem >= 4);                /* semaphores in use */
    CHECK_EQ(semctl(id % 32768, 0, SEM_STAT, (union semun){.buf = &stat}), id);
    CHECK_EQ(stat.sem_nsems, 4);
    CHECK_EQ(semctl(id % 32768, 0, SEM_STAT_ANY, (union semun){.buf = &stat}), id);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
    CHECK_ERRNO(semctl(id % 32768, 0, SEM_STAT, (union semun){.buf = &stat}), EINVAL);
    CHECK_ERRNO(semget(key, 0, 0), ENOENT);
}

int main(void)
{
    values();
    operations_all_or_nothing();
    waiters();
    timeouts();
    removal_wakes_waiters();
    signals_interrupt();
    stat_set_and_info();
    return check_finish("sysv_sem_basics");
}
