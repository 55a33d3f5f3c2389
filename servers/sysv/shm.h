/*
 * System V shared memory as Linux 6.1's ipc/shm.c has it: shmget, shmctl,
 * and what shmat and shmdt ask of the server. Plain C with no IPC in it
 * (main.c binds it to sys/protocol/sysv.h, file.h and memory.h;
 * tests/host/test_sysv_shm.c tests it).
 *
 * A segment's bytes are pages (sys/page_tree.h) the server lends to
 * procmgr, so every process that attaches it maps the same memory. Its
 * descriptors are open file descriptions of a file table:
 *   - an attach grant, made by shmat (shm_attach) for one caller with
 *     the access it asked for and was allowed: it maps the segment once
 *     (MEMORY_MAP, shm_map), which makes
 *   - an attachment, the descriptor procmgr keeps while any address
 *     space maps that attachment (FILE_RETAIN at fork, FILE_CLOSE as each
 *     goes): the references to attachments are shm_nattch.
 * Grants not used yet count as attachments in progress, as Linux counts
 * a shmat under way: IPC_RMID then only marks the segment SHM_DEST.
 * A segment removed while attached goes with its last detach.
 *
 * Every function returns a non-negative result or -errno.
 */
#ifndef SERVERS_SYSV_SHM_H
#define SERVERS_SYSV_SHM_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc_ids.h"
#include "list.h"
#include "services.h"
#include "sys/client_accounts.h"
#include "sys/client_buffer.h"
#include "sys/file_table.h"
#include "sys/page_tree.h"

/* st_dev of segments: the device in the identity MEMORY_MAP answers. */
#define SHM_DEVICE 15

struct shm_core;

struct shm_segment {
    struct ipc_object ipc;      /* first: what the ids table holds */
    struct shm_core *core;      /* its IPC namespace's */
    uint64_t size;              /* shm_segsz */
    uint64_t inode;             /* with SHM_DEVICE, its identity */
    int32_t created_key;        /* its key when made: its file's name, "SYSV%08x" */
    struct page_tree pages;
    /* Where its pages come from: the server's, each charged to its
     * creator's user (shm_descriptors' creators). */
    struct page_tree_pages charged_pages;
    struct client_owner creator;
    int64_t atime, dtime;
    uint32_t cpid, lpid;
    uint64_t attachments;       /* references to its attachments */
    uint32_t attaching;         /* its grants not used yet */
};

/* An attach grant's record (its OFD's object, marked). */
struct shm_grant {
    struct shm_segment *segment;        /* NULL once used */
    struct list_link in_unused;         /* among the grants not used yet */
    uint64_t handle;
    uint32_t pid;                       /* who attaches: shm_lpid */
    bool exec;                          /* SHM_EXEC: it may map PROT_EXEC */
};

/* What every IPC namespace's segments share: the descriptors (an
 * attachment's handle is its badge, so one table holds them all), the
 * inode numbers that tell segments apart in procmgr's mappings, and the
 * accounts of the segments' creators, whose users' pages (data and
 * index, as they are made) are held to a quarter of the server's memory,
 * root's excepted, so that with its messages' quarter (msg.h) one user
 * cannot take it all (docs/limits.md): past it a page is ENOMEM (SIGBUS
 * for the process that touched it, as a memory cgroup's limit would end
 * it on Linux). */
struct shm_descriptors {
    struct file_table files;
    uint64_t next_inode;
    struct client_accounts creators;
    uint64_t user_page_ceiling;
};

void shm_descriptors_init(struct shm_descriptors *descriptors,
                          const struct sysv_services *services, uint64_t capacity);

/* One IPC namespace's segments. */
struct shm_core {
    struct sysv_services services;
    struct ipc_ids ids;
    struct shm_descriptors *descriptors;
    uint64_t capacity;              /* bytes of memory there are: a bigger segment is ENOMEM */
    uint64_t pages_total;           /* shm_tot: of every segment, in pages */
    /* The namespace's settings (/proc/sys/kernel): shmmax, shmall (in
     * pages); shmmni is ids.limit. */
    uint64_t max_segment_size, max_total_pages;
    struct list unused_grants;
};

void shm_core_init(struct shm_core *core, const struct sysv_services *services,
                   uint64_t capacity, struct shm_descriptors *descriptors);

/* shmget: key, size, shmflg as Linux takes them; the segment's id. EINVAL
 * (size 0 or over SHMMAX for a new segment, bigger than an existing
 * one, a huge page size arm64 lacks), ENOENT, EEXIST, EACCES, ENOSPC
 * (SHMMNI segments, SHMALL pages), ENOMEM (bigger than the server's
 * memory, unless SHM_NORESERVE; SHM_HUGETLB: no huge pages are set
 * aside). */
int64_t shm_get(struct shm_core *core, const struct sysv_caller *caller, int32_t key,
                uint64_t size, int32_t flags);

/* shmctl: cmd on segment shmid; buffer is the caller's struct for the
 * commands that take one; memory_lock_limit the caller's RLIMIT_MEMLOCK
 * (SHM_LOCK). Errors in Linux's order for each command. */
int64_t shm_control(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid,
                    int32_t cmd, uint64_t memory_lock_limit,
                    const struct client_buffer *buffer);

/* shmat's part: a grant of segment shmid for the caller, with read, or
 * read and write (no SHM_RDONLY), and execute (SHM_EXEC) access, in
 * *handle; *size is the segment's. EINVAL, EACCES, ENFILE, ENOMEM. */
int shm_attach(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid,
               int32_t flags, uint64_t *handle, uint64_t *size);
/* shmdt's part: the caller is about to detach segment shmid (shm_lpid).
 * EINVAL for an unknown id. */
int shm_detach(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid);

/* The descriptor calls take any namespace's core (the table is shared):
 * a handle names its segment, which belongs to its namespace's core.
 *
 * The memory-object protocol through a descriptor (-EBADF for an unknown
 * one). MEMORY_MAP through a grant: the attachment in *attachment and the
 * identity; MEMORY_MAP_* flags, -EACCES for protection the grant does
 * not give, -EBADF for a grant used already, -ENODEV through an
 * attachment. */
int shm_map(struct shm_core *core, uint64_t handle, uint32_t prot, uint64_t *identity,
            uint64_t *attachment);
/* MEMORY_PAGE: the segment's page at offset, made (zeroed) if new;
 * -ENXIO past the end, -EACCES for a writable page through read-only
 * access, -EINVAL for an unaligned offset, -ENOMEM. */
int shm_map_page(struct shm_core *core, uint64_t handle, uint64_t offset, bool write,
                 void **page);

/* FILE_RETAIN and FILE_CLOSE of a descriptor: an attachment's count
 * shm_nattch (a fork attaches, sets shm_atime; each detach sets
 * shm_dtime), and a segment removed goes with its last. */
int shm_retain(struct shm_core *core, uint64_t handle);
/* FILE_PATH of a grant or attachment: "/SYSV" the key it was made with in
 * 8 hex digits " (deleted)", as Linux names a segment's file; -EBADF. */
int64_t shm_path(struct shm_core *core, uint64_t handle, char *name);
int shm_close(struct shm_core *core, uint64_t handle);

/* Process pid ended: grants it did not use go (it was killed inside
 * shmat). The creators' accounts are every namespace's:
 * shm_descriptors_process_ended. */
void shm_process_ended(struct shm_core *core, uint32_t pid);
void shm_descriptors_process_ended(struct shm_descriptors *descriptors, uint32_t pid);

#endif
