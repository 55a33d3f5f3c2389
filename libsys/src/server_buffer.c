/* A request's client buffers: sys/server_buffer.h. */
#include "sys/server_buffer.h"
#include "sys/protocol/file.h"
#include "sys/runtime.h"

_Static_assert(FILE_SMALL_REGISTERS(FILE_SMALL_MAX) <= TERN_MSG_MAX_LENGTH,
               "a small call fits the message registers");

static int copy_to_window(void *context, uint64_t offset, const void *source, size_t length)
{
    return server_write_window(context, 0, offset, source, length);
}

static int copy_from_window(void *context, uint64_t offset, void *destination, size_t length)
{
    return server_read_window(context, 0, offset, destination, length);
}

struct client_buffer server_window_buffer(struct server_request *request)
{
    return (struct client_buffer){copy_to_window, copy_from_window, request};
}

static int copy_to_small(void *context, uint64_t offset, const void *source, size_t length)
{
    memcpy(server_small_bytes(context) + offset, source, length);
    return 0;
}

static int copy_from_small(void *context, uint64_t offset, void *destination, size_t length)
{
    memcpy(destination, server_small_bytes(context) + offset, length);
    return 0;
}

struct client_buffer server_small_buffer(struct server_request *request)
{
    return (struct client_buffer){copy_to_small, copy_from_small, request};
}

enum server_outcome server_answer_small_read(struct server_request *request, int64_t result)
{
    request->mr[0] = (uint64_t)result;
    request->answer = tern_message(0, 0, FILE_SMALL_REGISTERS(result > 0 ? (uint64_t)result : 0));
    return SERVER_ANSWER;
}
