/*
 * splice, tee and vmsplice. Between two pipes the pipe server moves the
 * data itself (PIPE_SPLICE, PIPE_TEE through the in end, the out end as
 * capability 0). Between a pipe and a file the personality moves it
 * through a buffer of its own: reads from one, writes to the other, in
 * Linux's amounts (what the pipe holds, or what fits in it, up to the
 * length asked), honouring the offset pointers, SPLICE_F_NONBLOCK and the
 * ends' O_NONBLOCK. vmsplice is writev to a pipe's write end (readv from a
 * read end); SPLICE_F_GIFT and SPLICE_F_MOVE are hints that change nothing.
 */
#include "descriptors.h"
#include "file_transfer.h"
#include "personality.h"
#include "pipes.h"
#include "poll.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/pipe.h"

#define SPLICE_F_NONBLOCK   2
#define SPLICE_F_ALL        0xf
#define CHUNK               4096

/* One end of a splice: its capability, whether it is a pipe (and its
 * capacity), its status flags. */
struct end {
    uint64_t slot;
    int64_t capacity;           /* < 0: not a pipe */
    uint64_t flags;
};

static int64_t look_at(int64_t fd, struct end *end)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    end->slot = (uint64_t)slot;
    end->capacity = linux_pipe_capacity(end->slot);
    int64_t flags = linux_request(end->slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    if (flags < 0)
        return flags;
    end->flags = (uint64_t)flags;
    return 0;
}

static bool is_pipe(const struct end *end)
{
    return end->capacity >= 0;
}

static bool readable(const struct end *end)
{
    return (end->flags & LINUX_O_ACCMODE) != LINUX_O_WRONLY;
}

static bool writable(const struct end *end)
{
    return (end->flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY;
}

static int64_t write_result(int64_t result)
{
    if (result == -LINUX_EPIPE)
        linux_raise_signal(LINUX_SIGPIPE, PROC_TGKILL_AS_KILL);
    return result;
}

/* Through the pipe server: PIPE_SPLICE or PIPE_TEE. */
static int64_t pipe_to_pipe(uint64_t label, const struct end *in, const struct end *out,
                            uint64_t length, uint64_t flags)
{
    tern_set_cap(0, out->slot);
    uint64_t mr[4] = {length, flags, 0, 0};
    return write_result(linux_call(in->slot, label, 2, 1, 0, mr));
}

/* An empty pipe that must not wait: end of file if it has no writers
 * left, else EAGAIN. */
static int64_t empty_pipe(const struct end *in)
{
    return (linux_poll_capability(in->slot, FILE_POLLIN, 0) & FILE_POLLHUP) ? 0 : -LINUX_EAGAIN;
}

/* The pipe's free space, waiting for some unless nonblocking; 0 means
 * "stop here" (something was moved already, the caller decides). */
static int64_t room_in_pipe(const struct end *out, bool wait, bool nonblocking)
{
    for (;;) {
        int64_t held = linux_pipe_bytes_held(out->slot);
        if (held < 0)
            return held;
        if (held < out->capacity)
            return out->capacity - held;
        if (!wait)
            return 0;
        int64_t revents = nonblocking ? (int64_t)linux_poll_capability(out->slot, FILE_POLLOUT, 0)
                                      : linux_poll_wait_one(out->slot, FILE_POLLOUT);
        if (revents < 0)
            return revents;     /* a signal */
        if (revents & FILE_POLLERR)
            return write_result(-LINUX_EPIPE);    /* no readers */
        if (nonblocking && !(revents & FILE_POLLOUT))
            return -LINUX_EAGAIN;
    }
}

static int64_t pipe_to_file(const struct end *in, const struct end *out, int64_t *out_offset,
                            uint64_t length, bool nonblocking)
{
    uint8_t chunk[CHUNK];
    uint64_t done = 0;
    while (done < length) {
        /* Only the first read may wait (for data or the last writer). */
        if (done > 0 || nonblocking) {
            int64_t held = linux_pipe_bytes_held(in->slot);
            if (held < 0)
                return done ? (int64_t)done : held;
            if (held == 0)
                return done ? (int64_t)done : empty_pipe(in);
        }
        uint64_t want = length - done < CHUNK ? length - done : CHUNK;
        int64_t got = linux_file_transfer(in->slot, FILE_READ, (uint64_t)(uintptr_t)chunk, want, 0);
        if (got <= 0)
            return done ? (int64_t)done : got;
        int64_t put = out_offset != 0
                          ? linux_file_transfer(out->slot, FILE_PWRITE, (uint64_t)(uintptr_t)chunk,
                                                (uint64_t)got, (uint64_t)*out_offset)
                          : linux_file_transfer(out->slot, FILE_WRITE, (uint64_t)(uintptr_t)chunk,
                                                (uint64_t)got, 0);
        if (put < 0)
            return done ? (int64_t)done : put;
        done += (uint64_t)put;
        if (out_offset != 0)
            *out_offset += put;
        if (put < got)
            break;
    }
    return (int64_t)done;
}

static int64_t file_to_pipe(const struct end *in, int64_t *in_offset, const struct end *out,
                            uint64_t length, bool nonblocking)
{
    uint8_t chunk[CHUNK];
    uint64_t done = 0;
    while (done < length) {
        int64_t room = room_in_pipe(out, done == 0, nonblocking);
        if (room <= 0)
            return done ? (int64_t)done : room;
        uint64_t want = length - done;
        if (want > (uint64_t)room)
            want = (uint64_t)room;
        if (want > CHUNK)
            want = CHUNK;
        int64_t got = in_offset != 0
                          ? linux_file_transfer(in->slot, FILE_PREAD, (uint64_t)(uintptr_t)chunk,
                                                want, (uint64_t)*in_offset)
                          : linux_file_transfer(in->slot, FILE_READ, (uint64_t)(uintptr_t)chunk,
                                                want, 0);
        if (got <= 0)
            return done ? (int64_t)done : got;
        int64_t put = linux_file_transfer(out->slot, FILE_WRITE, (uint64_t)(uintptr_t)chunk,
                                          (uint64_t)got, 0);
        int64_t unwritten = got - (put > 0 ? put : 0);
        if (in_offset == 0 && unwritten > 0)   /* give back what was read and not moved */
            linux_request_uninterrupted(in->slot, FILE_SEEK, 2, (uint64_t)-unwritten,
                                        LINUX_SEEK_CUR, 0, 0);
        if (put < 0)
            return done ? (int64_t)done : write_result(put);
        done += (uint64_t)put;
        if (in_offset != 0)
            *in_offset += put;
        if (put < got || (uint64_t)got < want)
            break;
    }
    return (int64_t)done;
}

int64_t sys_splice(int64_t in_fd, int64_t *in_offset, int64_t out_fd, int64_t *out_offset,
                   uint64_t length, uint64_t flags)
{
    if (length == 0)
        return 0;
    if (flags & ~(uint64_t)SPLICE_F_ALL)
        return -LINUX_EINVAL;
    struct end in, out;
    int64_t result = look_at(in_fd, &in);
    if (result == 0)
        result = look_at(out_fd, &out);
    if (result < 0)
        return result;
    if ((is_pipe(&in) && in_offset != 0) || (is_pipe(&out) && out_offset != 0))
        return -LINUX_ESPIPE;
    if (!readable(&in) || !writable(&out))
        return -LINUX_EBADF;
    if (is_pipe(&in) && is_pipe(&out))
        return pipe_to_pipe(PIPE_SPLICE, &in, &out, length, flags);
    if (is_pipe(&in)) {
        if ((out_offset != 0 && *out_offset < 0))
            return -LINUX_EINVAL;
        if (out.flags & LINUX_O_APPEND)
            return -LINUX_EINVAL;
        bool nonblocking = (flags & SPLICE_F_NONBLOCK) || (in.flags & LINUX_O_NONBLOCK);
        return pipe_to_file(&in, &out, out_offset, length, nonblocking);
    }
    if (is_pipe(&out)) {
        if (in_offset != 0 && *in_offset < 0)
            return -LINUX_EINVAL;
        bool nonblocking = (flags & SPLICE_F_NONBLOCK) || (out.flags & LINUX_O_NONBLOCK);
        return file_to_pipe(&in, in_offset, &out, length, nonblocking);
    }
    return -LINUX_EINVAL;
}

int64_t sys_tee(int64_t in_fd, int64_t out_fd, uint64_t length, uint64_t flags)
{
    if (flags & ~(uint64_t)SPLICE_F_ALL)
        return -LINUX_EINVAL;
    if (length == 0)
        return 0;
    struct end in, out;
    int64_t result = look_at(in_fd, &in);
    if (result == 0)
        result = look_at(out_fd, &out);
    if (result < 0)
        return result;
    if (!readable(&in) || !writable(&out))
        return -LINUX_EBADF;
    if (!is_pipe(&in) || !is_pipe(&out))
        return -LINUX_EINVAL;
    return pipe_to_pipe(PIPE_TEE, &in, &out, length, flags);
}

/* vmsplice into a pipe: writev's way (one write for a small total, so it
 * is as atomic), but with SPLICE_F_NONBLOCK no more than fits now. */
static int64_t user_to_pipe(const struct end *out, const struct linux_iovec *iov, int count,
                            uint64_t total, bool nonblocking)
{
    if (nonblocking) {
        int64_t room = room_in_pipe(out, true, true);
        if (room < 0)
            return room;
        if (total > (uint64_t)room)
            total = (uint64_t)room;
    }
    if (total <= PIPE_ATOMIC_WRITE) {
        uint8_t gathered[PIPE_ATOMIC_WRITE];
        uint64_t filled = 0;
        for (int i = 0; i < count && filled < total; i++) {
            uint64_t part = iov[i].length < total - filled ? iov[i].length : total - filled;
            __builtin_memcpy(gathered + filled, (const void *)(uintptr_t)iov[i].base, part);
            filled += part;
        }
        return write_result(linux_file_transfer(out->slot, FILE_WRITE,
                                                (uint64_t)(uintptr_t)gathered, total, 0));
    }
    uint64_t done = 0;
    for (int i = 0; i < count && done < total; i++) {
        uint64_t part = iov[i].length < total - done ? iov[i].length : total - done;
        if (part == 0)
            continue;
        int64_t put = linux_file_transfer(out->slot, FILE_WRITE, iov[i].base, part, 0);
        if (put < 0)
            return done ? (int64_t)done : write_result(put);
        done += (uint64_t)put;
        if ((uint64_t)put < part)
            break;
    }
    return (int64_t)done;
}

int64_t sys_vmsplice(int64_t fd, const struct linux_iovec *iov, uint64_t count, uint64_t flags)
{
    if (flags & ~(uint64_t)SPLICE_F_ALL)
        return -LINUX_EINVAL;
    struct end end;
    int64_t result = look_at(fd, &end);
    if (result < 0)
        return result;
    if (count > LINUX_UIO_MAXIOV)
        return -LINUX_EINVAL;
    if (count > 0 && iov == 0)
        return -LINUX_EFAULT;
    int64_t total = iovec_total_length(iov, (int64_t)count);
    if (total <= 0)
        return total;
    if (!is_pipe(&end))
        return -LINUX_EBADF;
    bool nonblocking = (flags & SPLICE_F_NONBLOCK) || (end.flags & LINUX_O_NONBLOCK);
    /* A descriptor open for writing (a FIFO's O_RDWR one too) is written,
     * as Linux decides. */
    if (writable(&end))
        return user_to_pipe(&end, iov, (int)count, (uint64_t)total, nonblocking);
    if (nonblocking) {
        int64_t held = linux_pipe_bytes_held(end.slot);
        if (held <= 0)
            return held < 0 ? held : empty_pipe(&end);
    }
    return sys_readv(fd, iov, (int64_t)count);
}
