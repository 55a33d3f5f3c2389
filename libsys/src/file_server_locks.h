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
/* A FILE_CLOSE of a description of object by the process pid: its
 * POSIX locks there go. The description's own locks go with its last
 * reference, however that goes (the file table tells the runtime). */
void file_server_locks_process_closing(const void *object, uint32_t pid);
/* Lets go of lock waiters whose callers went (a reply object is wanted). */
void file_server_locks_prune(void);

#endif
