/*
 * Pipes and FIFOs as the rest of the personality sees them: descriptors
 * whose capability names the pipe server (protocol/pipe.h), which speaks
 * the file protocol and a few calls of its own.
 */
#ifndef LINUX_PIPES_H
#define LINUX_PIPES_H

#include <stdint.h>

/* The capacity of the pipe whose end is in slot; a negative result for a
 * descriptor that is no pipe (its server does not know PIPE_GET_SIZE). */
int64_t linux_pipe_capacity(uint64_t slot);

/* The bytes the pipe holds now (FIONREAD), or -errno. */
int64_t linux_pipe_bytes_held(uint64_t slot);

/* fcntl's F_GETPIPE_SZ and F_SETPIPE_SZ on the descriptor in slot
 * (-EBADF for one that is no pipe, as Linux says). */
int64_t linux_pipe_fcntl(uint64_t slot, int64_t command, uint64_t argument);

/* Finishes the open of a FIFO: slot holds the capability vfs answered
 * VFS_OPENED_FIFO with; PIPE_OPEN_FIFO through it (which may wait for the
 * other end) leaves the pipe end in slot instead. flags are open's. 0 or
 * -errno (slot is empty then). */
int64_t linux_fifo_open(uint64_t slot, uint64_t flags);

#endif
