/*
 * A request's client buffers (sys/client_buffer.h), for the server
 * runtime's servers to hand their cores: window 0 of the call, or the
 * bytes a small call carries in its message registers (FILE_READ_SMALL,
 * FILE_WRITE_SMALL: sys/protocol/file.h).
 */
#ifndef SYS_SERVER_BUFFER_H
#define SYS_SERVER_BUFFER_H

#include <stdint.h>
#include "sys/client_buffer.h"
#include "sys/server.h"

/* Window 0 of the request: a copy the window does not allow is -EFAULT
 * (server_read_window, server_write_window). */
struct client_buffer server_window_buffer(struct server_request *request);

/* A small write's bytes as they came, or a small read's as its answer
 * sends them: packed from register 1 of the request on. */
static inline uint8_t *server_small_bytes(struct server_request *request)
{
    return (uint8_t *)&request->mr[1];
}

/* Those bytes as a client buffer. The handler checks the length first:
 * at most FILE_SMALL_MAX, and for a write no more than came. */
struct client_buffer server_small_buffer(struct server_request *request);

/* The answer of a small read: the result (bytes read or -errno) in
 * register 0, its bytes already in place after it. */
enum server_outcome server_answer_small_read(struct server_request *request, int64_t result);

#endif
