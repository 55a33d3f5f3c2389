/*
 * The file protocol (sys/protocol/file.h) as a server answers it: a
 * table of operations, like Linux's struct file_operations, where every
 * entry left NULL gets Linux's generic answer. A new kind of descriptor
 * fills in what it does differently and inherits the rest.
 *
 * Requests come through a descriptor: request->badge is the handle of
 * its open file description (OFD). Before any operation the runtime
 * checks the request has the registers its label needs and, for
 * read_small, write_small and pread_small, a length they take (at most
 * FILE_SMALL_MAX, a write's bytes all there) (else -EINVAL), and answers
 * the generic ioctls (FIONBIO) itself, as Linux's do_vfs_ioctl does
 * before a file's own ioctl.
 *
 * The generic answers, for an operation left NULL:
 *   read, write            -EINVAL (the file cannot be read or written)
 *   read_small, write_small -ENOSYS (the client falls back on read, write)
 *   pread_small            -ENOSYS (the client falls back on pread); -ESPIPE
 *                          without a pread
 *   pread, pwrite, seek    -ESPIPE
 *   getdents               -ENOTDIR
 *   truncate, sync         -EINVAL
 *   ioctl                  -ENOTTY
 *   get_seals, add_seals   -EINVAL (not a tmpfs file); add_seals -EPERM
 *                          first when the OFD is not open for writing
 *   poll                   readable and writable at once (Linux's DEFAULT_POLLMASK)
 *   stat                   an anonymous inode: mode 0600 with no file type,
 *                          owned by root, as Linux's anon_inodefs shows it
 *   path                   "anon_inode:[" the server's anonymous_name "]",
 *                          as Linux's anon_inodefs files show (FILE_PATH;
 *                          -ENOSYS without one)
 *   get_flags, set_flags, retain, close   the server's file table
 *                          (sys/file_table.h): F_GETFL, F_SETFL's settable
 *                          flags, and reference counting, with release
 *                          called when the last reference goes
 * Each checks first that the OFD exists (-EBADF).
 *
 * File locks (FILE_LOCK, FILE_GET_LOCK, FILE_FLOCK) are the runtime's
 * alone, for any server with a file table (file_server_locks.c): locks
 * on the description's object; the closer's POSIX locks go at
 * FILE_CLOSE, the description's own with its last reference, whoever
 * held that (the table tells: description_ended in sys/file_table.h),
 * and all of them when the object's last description goes.
 * A server without a file table answers them -EINVAL.
 */
#ifndef SYS_FILE_SERVER_H
#define SYS_FILE_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/file_table.h"
#include "sys/protocol/file.h"
#include "sys/server.h"
#include "sys/watch.h"

/* st_dev and st_ino of the anonymous inode the generic stat shows. */
#define FILE_ANONYMOUS_DEVICE   13
#define FILE_ANONYMOUS_INODE    1

struct file_operations {
    /* Data: each answers the request (server_answer) or defers it. */
    enum server_outcome (*read)(struct server_request *request);
    enum server_outcome (*write)(struct server_request *request);
    enum server_outcome (*read_small)(struct server_request *request);
    enum server_outcome (*write_small)(struct server_request *request);
    enum server_outcome (*pread)(struct server_request *request);
    enum server_outcome (*pwrite)(struct server_request *request);
    enum server_outcome (*pread_small)(struct server_request *request);
    enum server_outcome (*seek)(struct server_request *request);
    enum server_outcome (*stat)(struct server_request *request);
    enum server_outcome (*getdents)(struct server_request *request);
    enum server_outcome (*ioctl)(struct server_request *request);
    enum server_outcome (*truncate)(struct server_request *request);
    enum server_outcome (*sync)(struct server_request *request);
    enum server_outcome (*poll)(struct server_request *request);
    enum server_outcome (*get_seals)(struct server_request *request);
    enum server_outcome (*add_seals)(struct server_request *request);
    /* The OFD named by handle: its flags or -EBADF; F_SETFL; one more
     * reference; one less. */
    int64_t (*get_flags)(uint64_t handle);
    int (*set_flags)(uint64_t handle, uint64_t flags);
    int (*retain)(uint64_t handle);
    int (*close)(uint64_t handle);
    /* With the file table's close: the last reference to object went. */
    void (*release)(void *object);
    /* Before a FILE_CLOSE that names the closing process (its pid), as
     * Linux's flush runs at every close: what that process keeps on the
     * file may go (mq_notify's registration). NULL: nothing. */
    void (*flush)(uint64_t handle, uint32_t pid);
    /* epoll (sys/watch.h): where the OFD's watches go and how its
     * readiness is read; false, or NULL: it cannot be watched (-EPERM,
     * as Linux's epoll_ctl for a file without poll). The server calls
     * watch_list_changed wherever it wakes pollers, and
     * watch_list_forget when a description goes. */
    bool (*watch)(uint64_t handle, struct watch_target *target);
    /* FILE_PATH: the OFD's name as Linux's d_path gives it (file.h),
     * written to name (room for FILE_PATH_MAX bytes, no NUL needed): its
     * length, or -EBADF. */
    int64_t (*path)(uint64_t handle, char *name);
};

struct file_server {
    const struct file_operations *operations;
    /* The server's OFDs, for the generic get_flags, set_flags, retain
     * and close (NULL if the server keeps them itself). */
    struct file_table *files;
    /* Its descriptors are polled but lend no boards: FILE_WATCH_BOARD
     * and FILE_WATCH answer WATCH_POLL_ONLY (sys/protocol/watch.h). */
    bool poll_only;
    /* The generic FILE_PATH's kind: "anon_inode:[" anonymous_name "]"
     * ("userfaultfd"); NULL (and no path operation): -ENOSYS. */
    const char *anonymous_name;
};

/* Whether label is one of the file protocol's (enum file_label). */
static inline bool file_protocol_label(uint64_t label)
{
    return label >= FILE_READ && label <= FILE_PREAD_SMALL;
}

/* For a path operation: prefix, number in decimal, then suffix ("pipe:["
 * 12 "]") at name; the length. */
int64_t file_server_path_numbered(char *name, const char *prefix, uint64_t number,
                                  const char *suffix);

/* Answers a file-protocol request through a descriptor. */
enum server_outcome file_server_handle(const struct file_server *server,
                                       struct server_request *request);

/* The status flags of the request's OFD, or -EBADF (the server's own
 * get_flags, or its file table's). */
int64_t file_server_flags(const struct file_server *server, uint64_t handle);

#endif
