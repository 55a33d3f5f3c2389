/*
 * System V semaphores as Linux 6.1's ipc/sem.c has them: semget, semop
 * and semtimedop, semctl, and the SEM_UNDO adjustments applied when a
 * process ends. Plain C with no IPC in it (main.c binds it to
 * sys/protocol/sysv.h; tests/host/test_sysv_sem.c tests it).
 *
 * The core is split by job: sem_set.c makes, describes, changes and
 * removes sets (semget, semctl); sem_operations.c applies operations and
 * keeps the callers that wait (semop); sem_undo.c keeps each process's
 * adjustments and applies them at its end.
 *
 * A caller that waits is a waiter: an opaque handle (for the server, the
 * reply object its caller is bound to), its operations and its deadline.
 * Waiters are answered through struct sem_replies: the core tries a
 * waiter's operations without keeping the result, answers it, and makes
 * them only if the answer was delivered, so a caller that vanished (a
 * signal ended its call, or its process) never takes a semaphore it was
 * not told about. As in Linux, operations that wait for zero only are
 * retried before those that change values, which wait in arrival order
 * (FIFO, without protection against starvation).
 *
 * Every function returns a non-negative result or -errno.
 */
#ifndef SERVERS_SYSV_SEM_H
#define SERVERS_SYSV_SEM_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc_ids.h"
#include "list.h"
#include "services.h"
#include "sys/client_buffer.h"
#include "sys/protocol/sysv.h"

struct sem {
    uint16_t value;             /* semval: 0 .. SEMVMX */
    uint32_t pid;               /* sempid: the last to change it */
};

struct sem_set {
    struct ipc_object ipc;      /* first: what the ids table holds */
    int64_t otime;
    uint32_t count;             /* nsems */
    struct list altering;       /* waiters whose operations change values */
    struct list zero;           /* waiters that only wait for zeros */
    struct list undos;          /* every process's adjustments of this set */
    struct sem semaphores[];
};

struct sem_waiter {
    struct list_link in_queue;  /* its set's altering or zero */
    struct list_link in_all;    /* among every waiter, the oldest first */
    struct sem_set *set;
    struct sem_undo *undo;      /* its process's adjustments, for SEM_UNDO */
    uint64_t handle;
    uint64_t deadline;          /* CNTVCT ticks, 0: none */
    uint32_t pid;
    uint32_t blocking;          /* the operation it waits on (GETNCNT, GETZCNT) */
    uint32_t count;
    struct sysv_sembuf operations[];
};

/* Adjustments of one process (tgid: its threads share them, as musl's
 * pthread_create asks with CLONE_SYSVSEM) for one set. */
struct sem_undo {
    struct list_link in_set;        /* its set's undos */
    struct list_link in_process;    /* its process's bucket */
    struct sem_set *set;
    uint32_t pid;
    int16_t adjustments[];      /* one a semaphore */
};

/* How the core answers waiters (the server's deferred replies). */
struct sem_replies {
    /* Answers the waiter with result: whether its caller took it. The
     * handle is the server's again either way. */
    bool (*answer)(void *context, uint64_t handle, int64_t result);
    /* Whether the waiter's caller still waits (nothing is answered). */
    bool (*waits)(void *context, uint64_t handle);
    /* Lets go of a waiter whose caller is gone, without an answer. */
    void (*release)(void *context, uint64_t handle);
    void *context;
};

#define SEM_UNDO_BUCKETS 64

struct sem_core {
    struct sysv_services services;
    struct sem_replies replies;
    struct ipc_ids ids;
    uint64_t semaphores_in_use;     /* used_sems, against SEMMNS */
    /* The namespace's settings (/proc/sys/kernel/sem, ints as Linux's
     * sem_ctls): SEMMSL, SEMMNS, SEMOPM; SEMMNI is ids.limit. */
    int32_t max_set_size, max_semaphores, max_operations;
    struct list waiters;            /* every waiter, the oldest first */
    struct list undo_buckets[SEM_UNDO_BUCKETS];         /* by pid */
};

void sem_core_init(struct sem_core *core, const struct sysv_services *services,
                   const struct sem_replies *replies);

/* semget: key, nsems, semflg as Linux takes them; the set's id. EINVAL
 * (nsems below 0 or above SEMMSL, 0 for a new set, more than an existing
 * set has), ENOENT, EEXIST, EACCES, ENOSPC (SEMMNI sets, SEMMNS
 * semaphores), ENOMEM. */
int64_t sem_get(struct sem_core *core, const struct sysv_caller *caller, int32_t key,
                int32_t count, int32_t flags);

/* semctl: cmd (Linux's numbers, no IPC_64) on set semid, semaphore semnum;
 * argument is SETVAL's value (the low 32 bits, an int); buffer is the
 * caller's struct or array for the commands that take one. GETALL and
 * SETALL move count * 2 bytes. Errors in Linux's order for each command. */
int64_t sem_control(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                    int32_t semnum, int32_t cmd, uint64_t argument,
                    const struct client_buffer *buffer);

/* The set's nsems, or -EINVAL: how long GETALL's and SETALL's buffer is. */
int64_t sem_count(const struct sem_core *core, int32_t semid);

/* What sem_operate returns when the caller now waits (handle is the
 * core's until it is answered or released). */
#define SEM_QUEUED 1

/* semtimedop: count operations on set semid, waiting until deadline
 * (CNTVCT ticks; 0: none) if they cannot all be made now. may_wait says
 * whether the server can keep one more caller waiting. 0, SEM_QUEUED, or
 * EINVAL (no operations, a bad id), E2BIG (over SEMOPM), EFBIG (a
 * semaphore the set does not have), EACCES, ERANGE (over SEMVMX, or an
 * adjustment over SEMAEM), EAGAIN (IPC_NOWAIT on the operation that would
 * wait, or a deadline already past), ENOMEM (no room to wait). */
int64_t sem_operate(struct sem_core *core, const struct sysv_caller *caller, int32_t semid,
                    const struct sysv_sembuf *operations, uint32_t count, uint64_t deadline,
                    uint64_t now, uint64_t handle, bool may_wait);

/* Answers -EAGAIN to every waiter whose deadline is at or before now,
 * earliest first (ties in arrival order); returns the earliest deadline
 * still pending, 0 for none. */
uint64_t sem_expire(struct sem_core *core, uint64_t now);
uint64_t sem_earliest_deadline(const struct sem_core *core);

/* Lets go of every waiter whose caller is gone; returns how many. */
unsigned sem_prune(struct sem_core *core);

/* Process pid ended: its waiters go unanswered, its adjustments are
 * applied (each value kept within 0 .. SEMVMX, as Linux does). */
void sem_process_ended(struct sem_core *core, uint32_t pid);

#endif
