/*
 * The System V objects of every IPC namespace (sys/ipc_namespace.h):
 * each namespace has its own segments, semaphore sets and message queues,
 * with their own keys, ids, limits and counts, as Linux's struct
 * ipc_namespace has; the segments' descriptors share one table
 * (shm_descriptors). The initial namespace always exists; another is made
 * when one of its processes first asks, and goes once procmgr said it
 * ended and its last segment went. Plain C with no IPC in it
 * (tests/host/test_sysv_namespaces.c).
 */
#ifndef SERVERS_SYSV_NAMESPACES_H
#define SERVERS_SYSV_NAMESPACES_H

#include <stdbool.h>
#include "msg.h"
#include "sem.h"
#include "shm.h"
#include "sys/ipc_namespace.h"

struct sysv_namespace {
    uint32_t id;
    bool ended;                     /* its last process ended */
    struct shm_core shm;
    struct sem_core sem;
    struct msg_core msg;
    struct sysv_namespace *next;    /* every namespace, the initial one first */
};

struct sysv_namespaces {
    struct sysv_namespace initial;
    struct shm_descriptors descriptors;
    struct ipc_namespace_members members;
    struct sysv_services services;
    struct sem_replies sem_replies;
    struct msg_replies msg_replies;
    uint64_t shm_capacity;
    struct client_accounts senders;     /* every namespace's messages (msg.h) */
};

void sysv_namespaces_init(struct sysv_namespaces *all, const struct sysv_services *services,
                          const struct sem_replies *sem_replies,
                          const struct msg_replies *msg_replies, uint64_t shm_capacity);

/* The namespace of process pid, made if it is new; NULL without memory. */
struct sysv_namespace *sysv_namespace_of(struct sysv_namespaces *all, uint32_t pid);

/* Namespace id, made if it is new; NULL without memory. */
struct sysv_namespace *sysv_namespace_by_id(struct sysv_namespaces *all, uint32_t id);

/* procmgr's notices: pid is now in namespace id (its undo adjustments
 * in the old one are applied, as unshare's exit_sem); pid ended (its undo
 * adjustments and unused grants, in whichever namespace they are);
 * namespace id's last process ended: every object of it is removed as
 * IPC_RMID removes it (a segment still attached stays until detached). */
void sysv_namespaces_process_entered(struct sysv_namespaces *all, uint32_t pid, uint32_t id);
void sysv_namespaces_process_ended(struct sysv_namespaces *all, uint32_t pid);
void sysv_namespaces_ended(struct sysv_namespaces *all, uint32_t id);

#endif
