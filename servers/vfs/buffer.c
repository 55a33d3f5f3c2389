/* Piecewise copies to the client: see buffer.h. */
#include "buffer.h"

/* What holes, /dev/zero and padding read as. */
static const uint8_t zeros[VFS_PAGE_SIZE];

uint64_t buffer_copy_to_client(const struct vfs_buffer *buffer, uint64_t offset,
                               const void *source, uint64_t length)
{
    const uint8_t *bytes = source;
    uint64_t done = 0;
    while (done < length) {
        uint64_t piece = length - done < BUFFER_COPY_PIECE ? length - done : BUFFER_COPY_PIECE;
        if (buffer->copy_to_client(buffer->context, offset + done, bytes + done, piece) != 0)
            break;
        done += piece;
    }
    return done;
}

uint64_t buffer_zero_client(const struct vfs_buffer *buffer, uint64_t offset, uint64_t length)
{
    uint64_t done = 0;
    while (done < length) {
        uint64_t piece = length - done < sizeof(zeros) ? length - done : sizeof(zeros);
        if (buffer->copy_to_client(buffer->context, offset + done, zeros, piece) != 0)
            break;
        done += piece;
    }
    return done;
}
