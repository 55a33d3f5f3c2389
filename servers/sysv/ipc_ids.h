/*
 * The identifiers, keys and permissions System V IPC objects share
 * (Linux's ipc/util.c), one table per kind: shared memory segments and
 * semaphore sets each have their own. Plain C with no IPC in it
 * (tests/host/test_sysv_ipc_ids.c).
 *
 * An object's id is its index in the table plus a sequence number above
 * SYSV_ID_INDEX_BITS, so an id kept after its object went does not name
 * the next object at that index. Indexes are handed out as Linux 6.1's
 * ipc_idr_alloc does: cyclically, above the last one given, below
 * max(64, 3/2 of the objects in use), the sequence number moving on
 * whenever the cycle wraps. (The first objects of a boot get ids 0, 1,
 * 2..., as on Linux.)
 */
#ifndef SERVERS_SYSV_IPC_IDS_H
#define SERVERS_SYSV_IPC_IDS_H

#include <stdbool.h>
#include <stdint.h>
#include "services.h"
#include "sys/client_buffer.h"
#include "sys/protocol/sysv.h"

/* What every object has: Linux's kern_ipc_perm. */
struct ipc_object {
    int32_t key;                /* IPC_PRIVATE (0) once removed */
    uint32_t uid, gid, cuid, cgid;
    uint32_t mode;              /* permissions, and SHM_DEST / SHM_LOCKED above them */
    uint16_t seq;
    int32_t id;
    int64_t ctime;              /* made, or changed by IPC_SET (SETVAL, SETALL too) */
};

/* IPCMNI: indexes are below it. */
#define IPC_IDS_INDEXES (1u << SYSV_ID_INDEX_BITS)

struct ipc_ids {
    struct ipc_object **objects;    /* by index, capacity of them */
    uint32_t capacity;
    uint32_t in_use;
    uint32_t limit;             /* SHMMNI, SEMMNI */
    int32_t max_index;          /* the highest index in use, -1 for none */
    int32_t last_index;         /* the index handed out last, -1 at first */
    uint16_t seq;
    const struct sysv_services *services;
};

void ipc_ids_init(struct ipc_ids *ids, uint32_t limit, const struct sysv_services *services);

/* ipc_addid: object gets an index and an id (returned), its key and
 * permission bits, and the caller's ids as owner and creator. -ENOSPC
 * with limit objects in use, -ENOMEM. */
int32_t ipc_ids_add(struct ipc_ids *ids, struct ipc_object *object, int32_t key, uint32_t mode,
                    const struct sysv_caller *caller);
/* The object an id names (index and sequence number), or NULL: Linux's
 * EINVAL, for a negative id too. */
struct ipc_object *ipc_ids_find(const struct ipc_ids *ids, int32_t id);
/* The object at an index (SHM_STAT, SEM_STAT take one), or NULL. */
struct ipc_object *ipc_ids_at(const struct ipc_ids *ids, int32_t index);
void ipc_ids_remove(struct ipc_ids *ids, struct ipc_object *object);
/* IPC_INFO's and the *_INFO's answer: the highest index in use, 0 for none. */
int32_t ipc_ids_highest_index(const struct ipc_ids *ids);

/* semget and shmget (ipcget): IPC_GET_CREATE when a new object is to be
 * made (IPC_PRIVATE, or an unknown key with IPC_CREAT), 0 with *found the
 * object with key, or -ENOENT (no IPC_CREAT), -EEXIST (IPC_CREAT |
 * IPC_EXCL). The caller then checks what its kind adds (the size), and
 * ipc_permitted with the flags. */
#define IPC_GET_CREATE 1
int ipc_ids_lookup(const struct ipc_ids *ids, int32_t key, int32_t flags,
                   struct ipc_object **found);

/* ipcperms: whether the caller may access object as flag asks (Linux's
 * requested mode: any of its read, write, execute bits for owner, group
 * or others; S_IRUGO, S_IWUGO...). The owner or creator is judged by the
 * owner bits, a member of the owner's or creator's group by the group
 * bits, root (CAP_IPC_OWNER) may always. */
bool ipc_permitted(const struct ipc_object *object, const struct sysv_caller *caller,
                   int32_t flag);
/* IPC_SET, IPC_RMID (ipcctl_obtain_check): the owner, the creator or
 * root (CAP_SYS_ADMIN); else EPERM. */
bool ipc_may_control(const struct ipc_object *object, const struct sysv_caller *caller);
/* Whether the caller is root: the capabilities above and CAP_IPC_LOCK. */
bool ipc_privileged(const struct sysv_caller *caller);

/* What IPC_SET and IPC_RMID check, in Linux's order (semctl_down,
 * shmctl_down): IPC_SET's new ids and mode read from the caller's struct
 * first (its struct ipc64_perm leads every kind's; -EFAULT), then the
 * object (-EINVAL), then that the caller may change it (ipc_may_control:
 * -EPERM). The object, or NULL with *error. */
struct ipc_object *ipc_ids_control(const struct ipc_ids *ids, const struct sysv_caller *caller,
                                   int32_t id, int32_t cmd, const struct client_buffer *buffer,
                                   struct sysv_ipc64_perm *wanted, int *error);
/* IPC_SET (ipc_update_perm): the owner's uid and gid and the permission
 * bits from perm, the change time now; -EINVAL for an id that is not one
 * ((uid_t)-1). */
int ipc_object_set(struct ipc_object *object, const struct sysv_ipc64_perm *perm, int64_t now);
/* IPC_STAT's struct ipc64_perm. */
void ipc_object_get(const struct ipc_object *object, struct sysv_ipc64_perm *perm);

#endif
