/* SEM_UNDO: a process's adjustments are applied when it ends, by exit
 * or killed by SIGKILL while it waits (a lock it held is released, its
 * waiter woken), kept within 0..SEMVMX, the pid set to the dead one's;
 * they add up over several operations; SETVAL and SETALL clear them;
 * a forked child has none of its parent's, execve keeps them, and a
 * thread's belong to its process (undone when the process ends, not
 * the thread); operations without SEM_UNDO stay. */
#include <pthread.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

#include "check.h"
#include "sysv.h"




static void set_value(int id, int num, int value)
{
    REQUIRE(semctl(id, num, SETVAL, (union semun){.val = value}) == 0);
}

/* A child says it is ready on one pipe and waits for the go on another. */
struct handshake {
    int ready[2], go[2];
};

static void open_handshake(struct handshake *h)
{
    REQUIRE(pipe(h->ready) == 0 && pipe(h->go) == 0);
}

static void child_ready_then_wait(struct handshake *h)
{
    char byte;
    if (write(h->ready[1], "r", 1) != 1 || read(h->go[0], &byte, 1) != 1)
        _exit(4);
}

static int parent_waits_ready(struct handshake *h)
{
    char byte;
    return read(h->ready[0], &byte, 1);
}

static int parent_says_go(struct handshake *h)
{
    return write(h->go[1], "g", 1);
}

static void close_handshake(struct handshake *h)
{
    close(h->ready[0]), close(h->ready[1]), close(h->go[0]), close(h->go[1]);
}

/* A child that changes semaphores 0 and 1 with SEM_UNDO, says so and
 * exits when told to. */
static pid_t child_adjusting(int id, short change0, short change1, struct handshake *h)
{
    pid_t child = fork();
    if (child == 0) {
        sem_op(id, 0, change0, SEM_UNDO);
        sem_op(id, 1, change1, SEM_UNDO);
        child_ready_then_wait(h);
        _exit(0);
    }
    return child;
}

static int exit_status(pid_t child)
{
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void undone_at_exit(void)
{
    int id = semget(IPC_PRIVATE, 3, 0600);
    REQUIRE(id >= 0);
    set_value(id, 0, 5);
    pid_t child = fork();
    if (child == 0) {
        sem_op(id, 0, -2, SEM_UNDO);
        sem_op(id, 0, -1, SEM_UNDO);            /* adds up: +3 at exit */
        sem_op(id, 1, 4, SEM_UNDO);
        sem_op(id, 2, 7, 0);                    /* not undone */
        _exit(sem_value(id, 0) == 2 ? 0 : 1);
    }
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(id, 0), 5);
    CHECK_EQ(sem_value(id, 1), 0);
    CHECK_EQ(sem_value(id, 2), 7);
    CHECK_EQ(semctl(id, 0, GETPID), child);
    CHECK_EQ(semctl(id, 1, GETPID), child);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

/* The undo of a decrement, when another lowered the value meanwhile,
 * stops at 0; of an increment past SEMVMX, at SEMVMX. */
static void undo_is_clamped(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(id >= 0);
    set_value(id, 1, 32767);
    struct handshake h;
    open_handshake(&h);
    pid_t child = child_adjusting(id, 3, -10, &h);     /* undone: -3 and +10 */
    CHECK_EQ(parent_waits_ready(&h), 1);
    CHECK_EQ(sem_op(id, 0, -2, 0), 0);          /* 1 left */
    CHECK_EQ(sem_op(id, 1, 5, 0), 0);           /* 32762 */
    CHECK_EQ(parent_says_go(&h), 1);
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(id, 0), 0);
    CHECK_EQ(sem_value(id, 1), 32767);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
    close_handshake(&h);
}

/* A lock held with SEM_UNDO by a process killed while it waits for
 * something else: released, and the process waiting for it gets it. */
static void undone_when_killed(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(id >= 0);
    set_value(id, 0, 1);                    /* 0: the lock; 1: never raised */
    pid_t holder = fork();
    if (holder == 0) {
        sem_op(id, 0, -1, SEM_UNDO);
        sem_op(id, 1, -1, 0);                   /* waits until killed */
        _exit(1);
    }
    sem_until_waiting(id, 1, GETNCNT, 1);
    CHECK_EQ(sem_value(id, 0), 0);
    pid_t waiter = fork();
    if (waiter == 0)
        _exit(sem_op(id, 0, -1, 0) == 0 ? 0 : 1);
    sem_until_waiting(id, 0, GETNCNT, 1);
    CHECK_EQ(kill(holder, SIGKILL), 0);
    CHECK_EQ(exit_status(holder), 128 + SIGKILL);
    CHECK_EQ(exit_status(waiter), 0);
    CHECK_EQ(sem_value(id, 0), 0);
    CHECK_EQ(semctl(id, 1, GETNCNT), 0);    /* the dead waiter is gone */
    CHECK_EQ(semctl(id, 0, GETPID), waiter);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static void setval_and_setall_clear_adjustments(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(id >= 0);
    struct handshake h;
    open_handshake(&h);
    pid_t child = child_adjusting(id, 2, 2, &h);
    CHECK_EQ(parent_waits_ready(&h), 1);
    set_value(id, 0, 9);                    /* clears 0's adjustment only */
    CHECK_EQ(parent_says_go(&h), 1);
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(id, 0), 9);
    CHECK_EQ(sem_value(id, 1), 0);
    child = child_adjusting(id, 1, 1, &h);
    CHECK_EQ(parent_waits_ready(&h), 1);
    unsigned short values[2] = {4, 4};
    CHECK_EQ(semctl(id, 0, SETALL, (union semun){.array = values}), 0);
    CHECK_EQ(parent_says_go(&h), 1);
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(id, 0), 4);
    CHECK_EQ(sem_value(id, 1), 4);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
    close_handshake(&h);
}

/* Second role: after execve, the adjustments made before are still the
 * process's, applied when it exits. */
static int after_exec(int id)
{
    return sem_value(id, 0) == 1 ? 0 : 1;
}

static void fork_and_exec(const char *self)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(id >= 0);
    CHECK_EQ(sem_op(id, 0, 1, SEM_UNDO), 0);    /* the parent's, not the child's */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(id, 0), 1);
    set_value(id, 0, 0);
    child = fork();
    if (child == 0) {
        char id_text[16];
        snprintf(id_text, sizeof id_text, "%d", id);
        sem_op(id, 0, 1, SEM_UNDO);
        execl(self, self, "after-exec", id_text, (char *)NULL);
        _exit(3);
    }
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(id, 0), 0);
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

static int thread_set;

static void *raise_with_undo(void *unused)
{
    (void)unused;
    return (void *)(long)sem_op(thread_set, 0, 2, SEM_UNDO);
}

/* A thread's adjustment is its process's: not undone when the thread
 * ends, undone when the process does. */
static void threads_share_their_process(void)
{
    thread_set = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(thread_set >= 0);
    pid_t child = fork();
    if (child == 0) {
        pthread_t thread;
        void *result = (void *)1;
        if (pthread_create(&thread, NULL, raise_with_undo, NULL) != 0 ||
            pthread_join(thread, &result) != 0 || result != NULL)
            _exit(1);
        _exit(sem_value(thread_set, 0) == 2 ? 0 : 2);
    }
    CHECK_EQ(exit_status(child), 0);
    CHECK_EQ(sem_value(thread_set, 0), 0);
    CHECK_EQ(semctl(thread_set, 0, IPC_RMID), 0);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "after-exec") == 0)
        return after_exec(atoi(argv[2]));
    undone_at_exit();
    undo_is_clamped();
    undone_when_killed();
    setval_and_setall_clear_adjustments();
    fork_and_exec(argv[0]);
    threads_share_their_process();
    return check_finish("sysv_sem_undo");
}
