/*
 * The file server runtime's locks (file_server_locks.c): what
 * file_server.c and server.c call.
 */
#ifndef LIBSYS_FILE_SERVER_LOCKS_H
#define LIBSYS_FILE_SERVER_LOCKS_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/file_server.h"

/* FILE_LOCK, FILE_GET_LOCK, FILE_FLOCK through a description. */
enum server_outcome file_server_lock_request(const struct file_server *server,
                                             struct server_request *request);
/* A FILE_CLOSE of file (handle), before the file table counts it: the
 * closer's POSIX locks go if it named itself, and on the last reference
 * the description's own locks. */
void file_server_locks_closing(const struct file_description *file, uint64_t handle,
                               bool named_pid, uint32_t pid);
/* A description of object went (after file_table_close): if it was the
 * object's last, what is left on it goes (the POSIX locks of a process
 * that never said it closed), so an object made later at the same
 * address starts with none. */
void file_server_locks_description_gone(const struct file_table *files, const void *object);
/* Lets go of lock waiters whose callers went (a reply object is wanted). */
void file_server_locks_prune(void);

#endif
