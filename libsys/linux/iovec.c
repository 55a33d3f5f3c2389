/*
 * The iovec walk (iovec.h).
 */
#include "iovec.h"
#include "sys/linux_abi.h"

#define SSIZE_MAX_VALUE ((uint64_t)INT64_MAX)

int64_t iovec_total_length(const struct linux_iovec *iov, int64_t count)
{
    if (count < 0 || count > LINUX_UIO_MAXIOV)
        return -LINUX_EINVAL;
    uint64_t total = 0;
    for (int64_t i = 0; i < count; i++) {
        if (iov[i].length > SSIZE_MAX_VALUE - total)
            return -LINUX_EINVAL;
        total += iov[i].length;
    }
    return (int64_t)(total > LINUX_MAX_RW_COUNT ? LINUX_MAX_RW_COUNT : total);
}

int64_t iovec_transfer_each(const struct linux_iovec *iov, int count,
                            iovec_transfer_function *transfer, void *context)
{
    uint64_t moved = 0;
    for (int i = 0; i < count && moved < LINUX_MAX_RW_COUNT; i++) {
        uint64_t length = iov[i].length;
        if (length == 0)
            continue;
        if (length > LINUX_MAX_RW_COUNT - moved)
            length = LINUX_MAX_RW_COUNT - moved;
        int64_t result = transfer(context, iov[i].base, length);
        if (result < 0)
            return moved > 0 ? (int64_t)moved : result;
        if ((uint64_t)result > length)
            result = (int64_t)length;   /* a server never moves more than asked */
        moved += (uint64_t)result;
        if ((uint64_t)result < length)
            break;
    }
    return (int64_t)moved;
}

void iovec_gather(const struct linux_iovec *iov, int count, uint8_t *buffer)
{
    for (int i = 0; i < count; i++) {
        if (iov[i].length == 0)
            continue;
        __builtin_memcpy(buffer, (const void *)(uintptr_t)iov[i].base, iov[i].length);
        buffer += iov[i].length;
    }
}

void iovec_scatter(const struct linux_iovec *iov, int count, const uint8_t *buffer,
                   uint64_t length)
{
    for (int i = 0; i < count && length > 0; i++) {
        uint64_t part = iov[i].length < length ? iov[i].length : length;
        if (part == 0)
            continue;
        __builtin_memcpy((void *)(uintptr_t)iov[i].base, buffer, part);
        buffer += part;
        length -= part;
    }
}
