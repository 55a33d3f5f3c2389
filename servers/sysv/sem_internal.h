/*
 * What the semaphore core's files (sem.h) ask of each other.
 */
#ifndef SERVERS_SYSV_SEM_INTERNAL_H
#define SERVERS_SYSV_SEM_INTERNAL_H

#include "sem.h"

/* sem_operations.c */
/* After values of set changed: completes every waiter that can go now
 * (sem.h says in which order); true if any operations were made. */
bool sem_wake(struct sem_core *core, struct sem_set *set);
/* The set is being removed: every waiter of it is answered -EIDRM. */
void sem_wake_removed(struct sem_core *core, struct sem_set *set);
/* Process pid ended: its waiters go, unanswered. */
void sem_forget_process_waiters(struct sem_core *core, uint32_t pid);
/* GETNCNT (zero false) and GETZCNT (true): the waiters of set whose
 * waiting operation is on semaphore semnum and lowers it / waits for
 * zero; waiters whose callers are gone are let go first. */
int64_t sem_waiting_on(struct sem_core *core, struct sem_set *set, uint32_t semnum, bool zero);

/* sem_undo.c */
/* Process pid's adjustments of set, made (all 0) if it has none yet and
 * create says so; NULL without memory (or without create). */
struct sem_undo *sem_undo_of(struct sem_core *core, struct sem_set *set, uint32_t pid,
                             bool create);
/* SETVAL and SETALL: every process's adjustment of semaphore semnum of
 * set becomes 0 (semnum -1: of all of them). */
void sem_undo_clear(struct sem_set *set, int32_t semnum);
/* The set is being removed: its adjustments go. */
void sem_undo_drop_set(struct sem_core *core, struct sem_set *set);
/* Process pid ended: its adjustments are applied and go. */
void sem_undo_apply_process(struct sem_core *core, uint32_t pid);

#endif
