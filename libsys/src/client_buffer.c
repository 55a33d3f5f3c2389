/* Piecewise copies to a client's buffer: sys/client_buffer.h. */
#include "sys/client_buffer.h"

#define COPY_PIECE (64 * 1024)
#define ZEROS_SIZE 4096

/* What holes and padding read as. */
static const uint8_t zeros[ZEROS_SIZE];

uint64_t client_buffer_copy_to(const struct client_buffer *buffer, uint64_t offset,
                               const void *source, uint64_t length)
{
    const uint8_t *bytes = source;
    uint64_t done = 0;
    while (done < length) {
        uint64_t piece = length - done < COPY_PIECE ? length - done : COPY_PIECE;
        if (buffer->copy_to_client(buffer->context, offset + done, bytes + done, piece) != 0)
            break;
        done += piece;
    }
    return done;
}

uint64_t client_buffer_zero(const struct client_buffer *buffer, uint64_t offset, uint64_t length)
{
    uint64_t done = 0;
    while (done < length) {
        uint64_t piece = length - done < ZEROS_SIZE ? length - done : ZEROS_SIZE;
        if (buffer->copy_to_client(buffer->context, offset + done, zeros, piece) != 0)
            break;
        done += piece;
    }
    return done;
}
