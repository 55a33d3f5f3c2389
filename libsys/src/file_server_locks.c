/*
 * File locks as every file server answers them (FILE_LOCK, FILE_GET_LOCK,
 * FILE_FLOCK: sys/protocol/file.h): the lock core (sys/file_locks.h)
 * bound to the runtime. One server is one program, so its locks are one
 * table here, keyed by the objects of its file table: a server that has
 * a file table has locks without a line of its own.
 *
 * A caller that must wait keeps its reply object in the core as its
 * token; the core asks the runtime whether it still waits before it
 * grants it anything.
 */
#include "file_server_locks.h"
#include "sys/file_locks.h"
#include "sys/linux_abi.h"
#include "sys/server_services.h"

static struct file_locks locks;
static bool started;

static bool caller_waits(void *context, uint64_t reply)
{
    (void)context;
    return server_caller_waits(reply);
}

static bool answer(void *context, uint64_t reply, int64_t result)
{
    (void)context;
    uint64_t mr[1] = {(uint64_t)result};
    return server_answer_deferred(reply, tern_message(0, 0, 1), mr);
}

static void drop(void *context, uint64_t reply)
{
    (void)context;
    server_release_reply(reply);
}

static struct file_locks *server_locks(void)
{
    if (!started) {
        const struct file_lock_services services = {
            .allocate = server_core_allocate,
            .free = server_core_free,
            .waiting = caller_waits,
            .answer = answer,
            .drop = drop,
        };
        file_locks_init(&locks, &services);
        started = true;
    }
    return &locks;
}

/* An OFD of files' went with its last reference: FILE_CLOSE's, or one
 * the server held itself (a reader waiting when the descriptor was
 * closed). Its OFD and flock locks go, and callers waiting through it
 * are refused; if it was object's last OFD, what else is left on object
 * goes too (the POSIX locks of a process that never said it closed), so
 * an object made later at the same address starts with none. */
static void description_ended(const struct file_table *files, uint64_t handle,
                              const void *object)
{
    struct file_locks *table = server_locks();
    file_locks_close_description(table, object, handle);
    /* The walk of the table only when something is left on the file. */
    if (file_locks_on(table, object) && !file_table_names(files, object))
        file_locks_forget_file(table, object);
}

/* The request's lock from its registers (file.h): false if they cannot
 * be one. */
static bool decode(const struct server_request *request, const struct file_description *file,
                   struct file_lock *lock)
{
    uint64_t command = request->mr[0];
    uint64_t kind = FILE_LOCK_KIND(command), type = FILE_LOCK_TYPE(command);
    if (type > FILE_LOCK_UNLOCK || (command & ~(uint64_t)(0xffff | FILE_LOCK_WAITS)))
        return false;
    *lock = (struct file_lock){.file = file->object, .owner = request->badge,
                               .kind = FILE_LOCK_FLOCK, .type = (uint8_t)type,
                               .start = 0, .end = FILE_LOCK_OFFSET_MAX};
    if (tern_message_label(request->info) == FILE_FLOCK)
        return true;
    int64_t start = (int64_t)request->mr[1], end = (int64_t)request->mr[2];
    if (kind > FILE_LOCK_DESCRIPTION || start < 0 || end < start)
        return false;
    lock->kind = (uint8_t)kind;
    lock->start = start;
    lock->end = end;
    if (kind == FILE_LOCK_POSIX) {
        lock->owner = (uint32_t)request->mr[3];
        lock->pid = (uint32_t)request->mr[3];
    }
    return true;
}

/* F_GETLK: the lock in the way (its type, bytes and pid), or F_UNLCK. */
static enum server_outcome test_lock(struct server_request *request, const struct file_lock *lock)
{
    struct file_lock conflict;
    if (lock->type == FILE_LOCK_UNLOCK)
        return server_answer(request, -LINUX_EINVAL);
    if (!file_locks_test(server_locks(), lock, &conflict)) {
        uint64_t values[1] = {FILE_LOCK_UNLOCK};
        return server_answer_values(request, 1, values);
    }
    int64_t pid = conflict.kind == FILE_LOCK_POSIX ? (int64_t)conflict.pid : -1;
    uint64_t values[4] = {conflict.type, (uint64_t)conflict.start, (uint64_t)conflict.end,
                          (uint64_t)pid};
    return server_answer_values(request, 4, values);
}

/* F_SETLK's rule (Linux's check_fmode_for_setlk): a read lock needs the
 * description open for reading, a write lock open for writing. */
static bool mode_allows(const struct file_description *file, const struct file_lock *lock)
{
    if (lock->kind == FILE_LOCK_FLOCK || lock->type == FILE_LOCK_UNLOCK)
        return true;
    return lock->type == FILE_LOCK_READ ? file_flags_readable(file->flags)
                                        : file_flags_writable(file->flags);
}

enum server_outcome file_server_lock_request(const struct file_server *server,
                                             struct server_request *request)
{
    struct file_description *file = server->files ? file_table_find(server->files, request->badge)
                                                  : NULL;
    if (!server->files)
        return server_answer(request, -LINUX_EINVAL);     /* no files to lock (a pipe's ends) */
    /* An O_PATH description is no file to lock (Linux's fcntl and
     * flock do not find it). */
    if (!file || (file->flags & LINUX_O_PATH))
        return server_answer(request, -LINUX_EBADF);
    struct file_lock lock;
    if (!decode(request, file, &lock))
        return server_answer(request, -LINUX_EINVAL);
    if (tern_message_label(request->info) == FILE_GET_LOCK)
        return test_lock(request, &lock);
    if (!mode_allows(file, &lock))
        return server_answer(request, -LINUX_EBADF);
    /* Keeping a caller waiting needs a reply object: without one left,
     * waiting is refused as Linux refuses locks it has no memory for. */
    bool asks_to_wait = request->mr[0] & FILE_LOCK_WAITS;
    bool wait = asks_to_wait && (lock.type == FILE_LOCK_UNLOCK || server_can_defer());
    /* Every way its OFDs end must reach the locks, not only FILE_CLOSE. */
    server->files->description_ended = description_ended;
    int result = file_locks_set(server_locks(), &lock, wait, request->reply);
    if (result == FILE_LOCKS_QUEUED)
        return SERVER_DEFER;
    if (result == -LINUX_EAGAIN && asks_to_wait)
        result = -LINUX_ENOLCK;
    return server_answer(request, result);
}

void file_server_locks_process_closing(const void *object, uint32_t pid)
{
    if (started)
        file_locks_close_process(&locks, object, pid);
}

void file_server_locks_prune(void)
{
    if (started)
        file_locks_prune(&locks);
}
