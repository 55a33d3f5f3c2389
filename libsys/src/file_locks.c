/* File locks: sys/file_locks.h. */
#include "sys/file_locks.h"
#include "sys/linux_abi.h"

void file_locks_init(struct file_locks *locks, const struct file_lock_services *services)
{
    locks->locks = NULL;
    locks->waiters = NULL;
    locks->records = 0;
    locks->services = *services;
}

static bool same_owner(const struct file_lock *a, const struct file_lock *b)
{
    return a->kind == b->kind && a->owner == b->owner;
}

/* flock locks never meet POSIX or OFD ones (Linux keeps two lists). */
static bool same_space(const struct file_lock *a, const struct file_lock *b)
{
    return (a->kind == FILE_LOCK_FLOCK) == (b->kind == FILE_LOCK_FLOCK);
}

static bool overlap(const struct file_lock *a, const struct file_lock *b)
{
    return a->start <= b->end && b->start <= a->end;
}

/* Whether existing is in the way of request: another owner's lock on the
 * same bytes of the same file, one of them a write lock. */
static bool conflicts(const struct file_lock *request, const struct file_lock *existing)
{
    return existing->file == request->file && same_space(request, existing) &&
           !same_owner(request, existing) && overlap(request, existing) &&
           (request->type == FILE_LOCK_WRITE || existing->type == FILE_LOCK_WRITE);
}

static const struct file_lock *first_conflict(const struct file_locks *locks,
                                              const struct file_lock *request)
{
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next)
        if (conflicts(request, lock))
            return lock;
    return NULL;
}

/* F_GETLK reports the conflicting lock that starts first: Linux keeps a
 * file's locks in order, each owner's by start, and finds that one when
 * one owner is in the way. */
bool file_locks_test(const struct file_locks *locks, const struct file_lock *request,
                     struct file_lock *conflict)
{
    const struct file_lock *found = NULL;
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next)
        if (conflicts(request, lock) && (!found || lock->start < found->start))
            found = lock;
    if (found) {
        *conflict = *found;
        conflict->next = NULL;
    }
    return found != NULL;
}

/* A record (a lock or a waiter), within the server's limit: one
 * process's many small locks must not take the memory the server's
 * other work needs (Linux's answer to running out is ENOLCK too). */
static void *allocate_record(struct file_locks *locks, size_t size)
{
    if (locks->records == FILE_LOCKS_RECORDS_MAX)
        return NULL;
    void *record = locks->services.allocate(locks->services.context, size);
    if (record)
        locks->records++;
    return record;
}

static void free_record(struct file_locks *locks, void *record)
{
    locks->records--;
    locks->services.free(locks->services.context, record);
}

static void free_lock(struct file_locks *locks, struct file_lock *lock)
{
    free_record(locks, lock);
}

/* A waiter whose caller is gone: let go. */
static bool still_waits(struct file_locks *locks, const struct file_lock_waiter *waiter)
{
    return locks->services.waiting(locks->services.context, waiter->token);
}

/* Linux's posix_locks_deadlock: from the owner in the way, follow what
 * each POSIX owner waits for; reaching the asker's own is a deadlock.
 * Waiters whose callers went do not count. */
static bool would_deadlock(struct file_locks *locks, const struct file_lock *request,
                           const struct file_lock *blocker)
{
    if (request->kind != FILE_LOCK_POSIX)
        return false;
    uint8_t kind = blocker->kind;
    uint64_t owner = blocker->owner;
    for (unsigned step = 0; step <= FILE_LOCKS_DEADLOCK_STEPS; step++) {
        if (kind != FILE_LOCK_POSIX)
            return false;
        const struct file_lock_waiter *found = NULL;
        for (const struct file_lock_waiter *waiter = locks->waiters; waiter && !found;
             waiter = waiter->next)
            if (waiter->request.kind == FILE_LOCK_POSIX && waiter->request.owner == owner &&
                still_waits(locks, waiter))
                found = waiter;
        if (!found)
            return false;
        kind = found->blocker_kind;
        owner = found->blocker_owner;
        if (kind == FILE_LOCK_POSIX && owner == request->owner)
            return true;
    }
    return false;
}

/* Puts a lock into the list (its order does not matter). */
static void link_lock(struct file_locks *locks, struct file_lock *lock)
{
    lock->next = locks->locks;
    locks->locks = lock;
}

/* A POSIX or OFD request without conflicts, for its owner: the owner's
 * locks on the request's bytes are replaced, those of the same type that
 * touch it are merged into it, and a lock cut in two by an unlock or a
 * change of type keeps both ends (Linux's posix_lock_inode). The
 * records it needs are taken first, so -ENOLCK changes nothing. */
/* The records apply_range needs: one for the new lock unless it
 * unlocks, one more if it cuts one of the owner's locks in two. */
static unsigned records_needed(const struct file_locks *locks, const struct file_lock *request)
{
    unsigned needed = request->type != FILE_LOCK_UNLOCK;
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next)
        if (lock->file == request->file && same_owner(lock, request) &&
            lock->type != request->type && lock->start < request->start &&
            lock->end > request->end)
            needed++;
    return needed;
}

static int apply_range(struct file_locks *locks, const struct file_lock *request)
{
    struct file_lock *spare[2];
    unsigned needed = records_needed(locks, request);
    for (unsigned i = 0; i < needed; i++) {
        spare[i] = allocate_record(locks, sizeof *spare[i]);
        if (!spare[i]) {
            if (i)
                free_lock(locks, spare[0]);
            return -LINUX_ENOLCK;
        }
    }
    unsigned used = 0;
    int64_t start = request->start, end = request->end;
    struct file_lock **link = &locks->locks;
    while (*link) {
        struct file_lock *lock = *link;
        bool mine = lock->file == request->file && same_owner(lock, request);
        /* start - 1 and end + 1 without overflow: start >= 0, end <= OFFSET_MAX. */
        bool touches = mine && lock->start - 1 <= end && start - 1 <= lock->end;
        if (!touches) {
            link = &lock->next;
            continue;
        }
        if (lock->type == request->type) {
            start = lock->start < start ? lock->start : start;
            end = lock->end > end ? lock->end : end;
        } else if (overlap(lock, request)) {
            /* What sticks out on either side stays as it was. */
            if (lock->start < request->start && lock->end > request->end) {
                struct file_lock *tail = spare[used++];
                *tail = *lock;
                tail->start = request->end + 1;
                link_lock(locks, tail);
                lock->end = request->start - 1;
                link = &lock->next;
                continue;
            }
            if (lock->start < request->start) {
                lock->end = request->start - 1;
                link = &lock->next;
                continue;
            }
            if (lock->end > request->end) {
                lock->start = request->end + 1;
                link = &lock->next;
                continue;
            }
        } else {
            link = &lock->next;     /* only adjacent, of another type */
            continue;
        }
        *link = lock->next;         /* merged, or covered */
        free_lock(locks, lock);
    }
    if (request->type != FILE_LOCK_UNLOCK) {
        struct file_lock *lock = spare[used++];
        *lock = *request;
        lock->start = start;
        lock->end = end;
        link_lock(locks, lock);
    }
    while (used < needed)
        free_lock(locks, spare[used++]);
    return 0;
}

/* The flock lock of request's description on its file, if any. */
static struct file_lock **flock_of(struct file_locks *locks, const struct file_lock *request)
{
    for (struct file_lock **link = &locks->locks; *link; link = &(*link)->next)
        if ((*link)->file == request->file && same_owner(*link, request))
            return link;
    return NULL;
}

static int apply_flock(struct file_locks *locks, const struct file_lock *request)
{
    struct file_lock *lock = allocate_record(locks, sizeof *lock);
    if (!lock)
        return -LINUX_ENOLCK;
    *lock = *request;
    link_lock(locks, lock);
    return 0;
}

static int apply(struct file_locks *locks, const struct file_lock *request)
{
    return request->kind == FILE_LOCK_FLOCK ? apply_flock(locks, request)
                                            : apply_range(locks, request);
}

/* The owner's locks on request's file, copied into *saved (a list), so a
 * grant its caller never hears of can be taken back; false (and no
 * list) without memory for them. */
static bool remember(struct file_locks *locks, const struct file_lock *request,
                     struct file_lock **saved)
{
    *saved = NULL;
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next) {
        if (lock->file != request->file || !same_owner(lock, request))
            continue;
        struct file_lock *copy = allocate_record(locks, sizeof *copy);
        if (!copy) {
            while (*saved) {
                struct file_lock *next = (*saved)->next;
                free_lock(locks, *saved);
                *saved = next;
            }
            return false;
        }
        *copy = *lock;
        copy->next = *saved;
        *saved = copy;
    }
    return true;
}

/* Puts the owner's locks on request's file back as saved had them
 * (restore), or lets saved go. */
static void settle(struct file_locks *locks, const struct file_lock *request,
                   struct file_lock *saved, bool restore)
{
    if (restore) {
        struct file_lock **link = &locks->locks;
        while (*link) {
            struct file_lock *lock = *link;
            if (lock->file == request->file && same_owner(lock, request)) {
                *link = lock->next;
                free_lock(locks, lock);
            } else {
                link = &lock->next;
            }
        }
    }
    while (saved) {
        struct file_lock *next = saved->next;
        if (restore)
            link_lock(locks, saved);
        else
            free_lock(locks, saved);
        saved = next;
    }
}

/* Tries every waiter on file again, oldest first, until a pass grants
 * nothing more (a grant that turns a write lock into a read lock may let
 * an earlier one in). */
static void wake(struct file_locks *locks, const void *file)
{
    bool granted = true;
    while (granted) {
        granted = false;
        struct file_lock_waiter **link = &locks->waiters;
        while (*link) {
            struct file_lock_waiter *waiter = *link;
            if (waiter->request.file != file) {
                link = &waiter->next;
                continue;
            }
            if (!still_waits(locks, waiter)) {
                *link = waiter->next;
                locks->services.drop(locks->services.context, waiter->token);
                free_record(locks, waiter);
                continue;
            }
            const struct file_lock *blocker = first_conflict(locks, &waiter->request);
            if (blocker) {
                waiter->blocker_kind = blocker->kind;
                waiter->blocker_owner = blocker->owner;
                link = &waiter->next;
                continue;
            }
            *link = waiter->next;
            struct file_lock *saved;
            bool remembered = remember(locks, &waiter->request, &saved);
            int result = apply(locks, &waiter->request);
            bool heard = locks->services.answer(locks->services.context, waiter->token, result);
            settle(locks, &waiter->request, saved, result == 0 && !heard && remembered);
            free_record(locks, waiter);
            granted = granted || (result == 0 && heard);
        }
    }
}

static int queue(struct file_locks *locks, const struct file_lock *request,
                 const struct file_lock *blocker, uint64_t token)
{
    struct file_lock_waiter *waiter = allocate_record(locks, sizeof *waiter);
    if (!waiter)
        return -LINUX_ENOLCK;
    *waiter = (struct file_lock_waiter){
        .request = *request,
        .token = token,
        .blocker_owner = blocker->owner,
        .blocker_kind = blocker->kind,
    };
    waiter->request.next = NULL;
    struct file_lock_waiter **link = &locks->waiters;
    while (*link)
        link = &(*link)->next;
    *link = waiter;
    return FILE_LOCKS_QUEUED;
}

int file_locks_set(struct file_locks *locks, const struct file_lock *request, bool wait,
                   uint64_t token)
{
    bool released = false;
    if (request->kind == FILE_LOCK_FLOCK) {
        /* A conversion lets go of the old lock before it asks (Linux's
         * flock_lock_inode), so others may get in between. */
        struct file_lock **old = flock_of(locks, request);
        if (old && (*old)->type == request->type)
            return 0;
        if (old) {
            struct file_lock *lock = *old;
            *old = lock->next;
            free_lock(locks, lock);
            released = true;
        }
    }
    int result = 0;
    if (request->type != FILE_LOCK_UNLOCK) {
        const struct file_lock *blocker = first_conflict(locks, request);
        if (blocker && !wait)
            result = -LINUX_EAGAIN;
        else if (blocker && would_deadlock(locks, request, blocker))
            result = -LINUX_EDEADLK;
        else if (blocker)
            result = queue(locks, request, blocker, token);
        else
            result = apply(locks, request);
    } else if (request->kind != FILE_LOCK_FLOCK) {
        result = apply(locks, request);
    }
    /* Whatever changed may let waiters in: a lock gone, or a write lock
     * that became a read lock. */
    if (released || (result == 0 && request->kind != FILE_LOCK_FLOCK))
        wake(locks, request->file);
    return result;
}

/* Removes the locks on file that match (kind, owner), or all (match NULL). */
static bool remove_locks(struct file_locks *locks, const void *file,
                         bool (*match)(const struct file_lock *, uint64_t), uint64_t owner)
{
    bool removed = false;
    struct file_lock **link = &locks->locks;
    while (*link) {
        struct file_lock *lock = *link;
        if (lock->file == file && (!match || match(lock, owner))) {
            *link = lock->next;
            free_lock(locks, lock);
            removed = true;
        } else {
            link = &lock->next;
        }
    }
    return removed;
}

/* Answers -EBADF to the waiters on file that match (all: match NULL). */
static void refuse_waiters(struct file_locks *locks, const void *file,
                           bool (*match)(const struct file_lock *, uint64_t), uint64_t owner)
{
    struct file_lock_waiter **link = &locks->waiters;
    while (*link) {
        struct file_lock_waiter *waiter = *link;
        if (waiter->request.file == file && (!match || match(&waiter->request, owner))) {
            *link = waiter->next;
            if (still_waits(locks, waiter))
                locks->services.answer(locks->services.context, waiter->token, -LINUX_EBADF);
            else
                locks->services.drop(locks->services.context, waiter->token);
            free_record(locks, waiter);
        } else {
            link = &waiter->next;
        }
    }
}

static bool of_process(const struct file_lock *lock, uint64_t pid)
{
    return lock->kind == FILE_LOCK_POSIX && lock->owner == pid;
}

static bool of_description(const struct file_lock *lock, uint64_t handle)
{
    return lock->kind != FILE_LOCK_POSIX && lock->owner == handle;
}

void file_locks_close_process(struct file_locks *locks, const void *file, uint32_t pid)
{
    if (remove_locks(locks, file, of_process, pid))
        wake(locks, file);
}

void file_locks_close_description(struct file_locks *locks, const void *file, uint64_t handle)
{
    refuse_waiters(locks, file, of_description, handle);
    if (remove_locks(locks, file, of_description, handle))
        wake(locks, file);
}

bool file_locks_on(const struct file_locks *locks, const void *file)
{
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next)
        if (lock->file == file)
            return true;
    for (const struct file_lock_waiter *waiter = locks->waiters; waiter; waiter = waiter->next)
        if (waiter->request.file == file)
            return true;
    return false;
}

void file_locks_forget_file(struct file_locks *locks, const void *file)
{
    refuse_waiters(locks, file, NULL, 0);
    remove_locks(locks, file, NULL, 0);
}

void file_locks_prune(struct file_locks *locks)
{
    struct file_lock_waiter **link = &locks->waiters;
    while (*link) {
        struct file_lock_waiter *waiter = *link;
        if (still_waits(locks, waiter)) {
            link = &waiter->next;
            continue;
        }
        *link = waiter->next;
        locks->services.drop(locks->services.context, waiter->token);
        free_record(locks, waiter);
    }
}
