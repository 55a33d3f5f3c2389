/*
 * File locks as a file server keeps them: Linux's POSIX record locks
 * (fcntl F_SETLK), open-file-description locks (F_OFD_SETLK) and flock(2)
 * locks, for the files of one server (its own objects: a vfs node, a
 * memfd), with the callers that wait for them.
 *
 * Owners: a POSIX lock belongs to a process (its pid), an OFD lock and a
 * flock lock to an open file description (the server's handle). POSIX
 * and OFD locks are byte ranges in one space and conflict with each
 * other as Linux's do; flock locks are whole-file and live apart (Linux
 * keeps the two independent).
 *
 * A request that must wait is queued with a token (the server's reply
 * object); when locks go the file's waiters are tried again, first come
 * first, and each one granted is answered through the services. A waiter
 * whose caller went (a signal interrupted it, its thread ended) is let
 * go when found, never granted; a grant whose answer finds nobody (the
 * caller went just then) is taken back, the owner's locks on the file
 * as they were before it (unless there was no memory to remember them). Deadlock detection is Linux's: only
 * between POSIX owners, following "owner waits for owner" at most
 * FILE_LOCKS_DEADLOCK_STEPS times; it sees the waits of this server only
 * (locks of files of two servers cannot be followed across them).
 *
 * The locks are one list for every file of the server: a server holds
 * few at once (a database's handful), and one walk is simpler than an
 * index. Plain C with no IPC (tests/host/test_libsys_file_locks.c).
 */
#ifndef SYS_FILE_LOCKS_H
#define SYS_FILE_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's l_type values (F_RDLCK, F_WRLCK, F_UNLCK). */
enum file_lock_type {
    FILE_LOCK_READ = 0,
    FILE_LOCK_WRITE = 1,
    FILE_LOCK_UNLOCK = 2,
};

enum file_lock_kind {
    FILE_LOCK_POSIX,            /* owner: a pid */
    FILE_LOCK_DESCRIPTION,      /* F_OFD_*: owner: an OFD handle */
    FILE_LOCK_FLOCK,            /* flock(2): owner: an OFD handle */
};

/* Linux's OFFSET_MAX on 64 bits: a lock of l_len 0 ends there. */
#define FILE_LOCK_OFFSET_MAX INT64_MAX
/* Linux's MAX_DEADLK_ITERATIONS. */
#define FILE_LOCKS_DEADLOCK_STEPS 10
/* The most locks and waiters a server keeps at once; past them a request
 * that needs a record is -ENOLCK. */
#define FILE_LOCKS_RECORDS_MAX 4096
/* file_locks_set's "the caller waits" (not an errno). */
#define FILE_LOCKS_QUEUED 1

struct file_lock {
    struct file_lock *next;
    const void *file;           /* the server's object */
    uint64_t owner;
    int64_t start, end;         /* bytes start..end, both included; flock: 0..OFFSET_MAX */
    uint32_t pid;               /* a POSIX lock's process, for F_GETLK */
    uint8_t kind;               /* enum file_lock_kind */
    uint8_t type;               /* enum file_lock_type */
};

struct file_lock_waiter {
    struct file_lock_waiter *next;
    struct file_lock request;
    uint64_t token;
    /* The owner of the lock it last found in its way (deadlock detection). */
    uint64_t blocker_owner;
    uint8_t blocker_kind;
};

struct file_lock_services {
    /* Memory for records; NULL when there is none. */
    void *(*allocate)(void *context, size_t size);
    void (*free)(void *context, void *block);
    /* Whether the caller behind token still waits. */
    bool (*waiting)(void *context, uint64_t token);
    /* Answers the caller behind token with result (0: the lock is its);
     * false if nobody was there to hear it. */
    bool (*answer)(void *context, uint64_t token, int64_t result);
    /* Lets go of token, whose caller went. */
    void (*drop)(void *context, uint64_t token);
    void *context;
};

struct file_locks {
    struct file_lock *locks;
    struct file_lock_waiter *waiters;   /* oldest first */
    unsigned records;                   /* locks and waiters kept */
    struct file_lock_services services;
};

void file_locks_init(struct file_locks *locks, const struct file_lock_services *services);

/* Takes, changes or (FILE_LOCK_UNLOCK) gives up request's lock for its
 * owner: 0; -EAGAIN on a conflict when not wait; -EDEADLK (POSIX, wait)
 * when waiting would deadlock; -ENOLCK without memory; FILE_LOCKS_QUEUED
 * when the caller (token) waits, to be answered through the services. A
 * flock conversion gives up the old lock first, as Linux's does. */
int file_locks_set(struct file_locks *locks, const struct file_lock *request, bool wait,
                   uint64_t token);

/* F_GETLK: whether a lock of another owner is in request's way; if so
 * *conflict gets a copy of it. */
bool file_locks_test(const struct file_locks *locks, const struct file_lock *request,
                     struct file_lock *conflict);

/* A process closed a descriptor of file: its POSIX locks there go. */
void file_locks_close_process(struct file_locks *locks, const void *file, uint32_t pid);
/* An OFD's last reference went: its OFD and flock locks go, and callers
 * waiting through it are answered -EBADF. */
void file_locks_close_description(struct file_locks *locks, const void *file, uint64_t handle);
/* Whether any lock or waiter is on file. */
bool file_locks_on(const struct file_locks *locks, const void *file);
/* The file itself went: everything on it goes (waiters: -EBADF). */
void file_locks_forget_file(struct file_locks *locks, const void *file);
/* Lets go of every waiter whose caller went. */
void file_locks_prune(struct file_locks *locks);

#endif
