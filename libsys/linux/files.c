/*
 * Open files: openat and the calls on a descriptor, each one call of the
 * file protocol (protocol/file.h) to the server the descriptor's
 * capability names, with the user's buffer as the message window; a read,
 * pread or write of at most FILE_SMALL_MAX bytes carries its bytes in the
 * message registers instead (FILE_READ_SMALL, FILE_PREAD_SMALL,
 * FILE_WRITE_SMALL).
 */
#include "descriptors.h"
#include "file_size_limit.h"
#include "file_transfer.h"
#include "iovec.h"
#include "paths.h"
#include "personality.h"
#include "pipes.h"
#include "poll.h"
#include "server_call.h"
#include "syscalls.h"
#include "terminal.h"
#include "sys/linux_abi.h"
#include "sys/linux_userfault.h"
#include "sys/protocol/file.h"
#include "procfs.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"
#include "sys/syscall.h"

int64_t sys_openat(int64_t dirfd, const char *path, uint64_t flags, uint64_t mode)
{
    char absolute[LINUX_PROCFS_PATH_MAX];
    const char *in_proc = linux_procfs_path(dirfd, path, absolute);
    if (in_proc)
        return linux_procfs_open(in_proc, flags);
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t slot = linux_fd_slot((unsigned)fd);
    int64_t result = linux_open_into(slot, dirfd, path, flags, mode);
    if (result == VFS_OPENED_FIFO)
        result = linux_fifo_open(slot, flags);
    return linux_fd_settle((unsigned)fd, result, flags & LINUX_O_CLOEXEC);
}

/* FILE_READ_SMALL, FILE_PREAD_SMALL and FILE_WRITE_SMALL: the bytes in
 * the registers, and the copies from and to the user's buffer done here.
 * A bad buffer faults in the personality, and the call ends with -EFAULT:
 * a read's buffer is touched for writing before the server hands over
 * (and forgets) its bytes. Returns -ENOSYS from a server that does not
 * know them. */
static inline __attribute__((always_inline)) int64_t read_small(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length, uint64_t offset, uint64_t mr[4])
{
    /* Most small buffers lie in one page: touched here, without a call. */
    if (length != 0 && (buffer & 4095) + length <= 4096)
        __atomic_fetch_add((uint8_t *)(uintptr_t)buffer, 0, __ATOMIC_RELAXED);
    else
        linux_touch_pages(buffer, length, true);
    mr[0] = length;
    mr[1] = offset;
    int64_t result = label == FILE_PREAD ? linux_call(slot, FILE_PREAD_SMALL, 2, 0, 0, mr)
                                         : linux_call(slot, FILE_READ_SMALL, 1, 0, 0, mr);
    if (result > 0) {
        if ((uint64_t)result > length)
            result = (int64_t)length;   /* a server never hands more than asked */
        file_small_unpack((void *)(uintptr_t)buffer, mr, tern_ipc_buffer()->message,
                          (uint64_t)result);
    }
    return result;
}

static inline __attribute__((always_inline)) int64_t write_small(uint64_t slot, uint64_t buffer, uint64_t length, uint64_t mr[4])
{
    mr[0] = length;
    file_small_pack(mr, tern_ipc_buffer()->message, (const void *)(uintptr_t)buffer, length);
    return linux_write_call(slot, FILE_WRITE_SMALL, FILE_SMALL_REGISTERS(length), 0, 0, mr);
}

/* A buffer outside the user range (NULL...) goes through a window: the
 * server then fails only if it comes to copying, as Linux does (a read at
 * the end of a file is 0, a write without readers EPIPE). */
static bool goes_small(uint64_t label, uint64_t buffer, uint64_t length, uint64_t flags)
{
    return length <= FILE_SMALL_MAX &&
           (label == FILE_READ || label == FILE_PREAD || label == FILE_WRITE) && flags == 0 &&
           (length == 0 || linux_user_range(buffer, length));
}

/* One transfer, with flags (FILE_FOREGROUND) in FILE_READ's or
 * FILE_WRITE's second register; mr gets the reply's registers. */
static inline __attribute__((always_inline)) int64_t transfer(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length,
                        uint64_t offset, uint64_t flags, uint64_t mr[4])
{
    if (goes_small(label, buffer, length, flags)) {
        int64_t result = label == FILE_WRITE ? write_small(slot, buffer, length, mr)
                                             : read_small(slot, label, buffer, length, offset, mr);
        if (result != -LINUX_ENOSYS)
            return result;
    }
    bool positioned = label == FILE_PREAD || label == FILE_PWRITE;
    bool reads = label == FILE_READ || label == FILE_PREAD;
    if (length > LINUX_MAX_RW_COUNT)
        length = LINUX_MAX_RW_COUNT;
    linux_set_window(0, buffer, length, reads ? TERN_WINDOW_WRITE : TERN_WINDOW_READ);
    mr[0] = length;
    mr[1] = positioned ? offset : flags;
    unsigned registers = positioned || flags ? 2 : 1;
    return reads ? linux_call(slot, label, registers, 0, 1, mr)
                 : linux_write_call(slot, label, registers, 0, 1, mr);
}

/* The answers that are not results but ask the caller to do something
 * first: FILE_TERMINAL_ACCESS, USERFAULT_FORK_EVENT (both below -4095,
 * where no errno is) and UNIX_IDENTITY_NEEDED (above any byte count). */
static inline bool is_referral(int64_t result)
{
    _Static_assert(FILE_TERMINAL_ACCESS < -4095 && USERFAULT_FORK_EVENT < -4095,
                   "referrals below the errnos");
    return result < -4095 || result >= UNIX_IDENTITY_NEEDED;
}

static __attribute__((noinline, cold)) int64_t
transfer_referred(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length,
                  uint64_t offset, int64_t result, uint64_t mr[4])
{
    /* A terminal a session has: procmgr says whether the caller is in
     * its foreground first (sys/protocol/file.h). */
    if (result == FILE_TERMINAL_ACCESS) {
        bool reads = label == FILE_READ || label == FILE_PREAD;
        result = linux_terminal_access(mr[1], reads);
        if (result == 0)
            result = transfer(slot, label, buffer, length, offset, FILE_FOREGROUND, mr);
    }
    /* A userfaultfd's fork event: the child's descriptor is to be taken. */
    if (result == USERFAULT_FORK_EVENT)
        result = linux_userfault_fork_event(slot, buffer, length, mr[1]);
    /* A unix socket whose receiver wants to know who writes. */
    if (result == UNIX_IDENTITY_NEEDED)
        result = linux_socket_write_as(slot, buffer, length);
    return result;
}

static inline __attribute__((always_inline)) int64_t
transfer_answered(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length, uint64_t offset)
{
    uint64_t mr[4] = {0, 0, 0, 0};
    int64_t result = transfer(slot, label, buffer, length, offset, 0, mr);
    if (__builtin_expect(is_referral(result), 0))
        return transfer_referred(slot, label, buffer, length, offset, result, mr);
    return result;
}

/* A write while RLIMIT_FSIZE is set: out of the way of the others. */
static __attribute__((noinline, cold)) int64_t
write_within_size_limit(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length,
                        uint64_t offset)
{
    int64_t refused = linux_write_within_size_limit(slot, label, offset, &length);
    return refused < 0 ? refused : transfer_answered(slot, label, buffer, length, offset);
}

/* Inlined where the label is known, so that a read pays nothing for
 * RLIMIT_FSIZE. */
static inline __attribute__((always_inline)) int64_t
file_transfer(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length, uint64_t offset)
{
    if ((label == FILE_WRITE || label == FILE_PWRITE) &&
        __builtin_expect(linux_file_size_limited(), 0))
        return write_within_size_limit(slot, label, buffer, length, offset);
    return transfer_answered(slot, label, buffer, length, offset);
}

int64_t linux_file_transfer(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length,
                            uint64_t offset)
{
    return file_transfer(slot, label, buffer, length, offset);
}

static int64_t transfer_fd(int64_t fd, uint64_t label, uint64_t buffer, uint64_t length,
                           int64_t offset)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    if (offset < 0)
        return -LINUX_EINVAL;
    return file_transfer((uint64_t)slot, label, buffer, length, (uint64_t)offset);
}

/* A signalfd's server cannot read it (-EINVAL): signals are the
 * process's. Asked only then, so other reads pay nothing for it. */
static __attribute__((noinline, cold)) int64_t read_refused(int64_t fd, uint64_t buffer,
                                                            uint64_t length)
{
    uint64_t mask;
    if (linux_signalfd_mask(fd, &mask))
        return linux_signalfd_read(fd, mask, buffer, length);
    return -LINUX_EINVAL;
}

int64_t sys_read(int64_t fd, uint64_t buffer, uint64_t length)
{
    int64_t result = transfer_fd(fd, FILE_READ, buffer, length, 0);
    if (__builtin_expect(result == -LINUX_EINVAL, 0))
        return read_refused(fd, buffer, length);
    return result;
}

/* A write that found no reader (a pipe's, a stream socket's) raises
 * SIGPIPE, as Linux's pipe_write does, also when it had put bytes in
 * before the last reader went: when the server's reply says so. */
int64_t linux_written(int64_t result)
{
    if ((result == -LINUX_EPIPE || result > 0) && linux_thread_state()->reply_asked_sigpipe)
        linux_raise_signal(LINUX_SIGPIPE, PROC_TGKILL_AS_KILL);
    return result;
}

int64_t sys_write(int64_t fd, uint64_t buffer, uint64_t length)
{
    return linux_written(transfer_fd(fd, FILE_WRITE, buffer, length, 0));
}

int64_t sys_pread64(int64_t fd, uint64_t buffer, uint64_t length, int64_t offset)
{
    return transfer_fd(fd, FILE_PREAD, buffer, length, offset);
}

int64_t sys_pwrite64(int64_t fd, uint64_t buffer, uint64_t length, int64_t offset)
{
    return transfer_fd(fd, FILE_PWRITE, buffer, length, offset);
}

/* sendfile: read from in_fd (at *offset, which advances, or at its own
 * offset), write to out_fd, through a buffer of the personality's; stops
 * at a short read or write, as Linux's does. */
#define SENDFILE_CHUNK 4096
int64_t sys_sendfile(int64_t out_fd, int64_t in_fd, int64_t *offset, uint64_t count)
{
    if (linux_fd_capability(out_fd) < 0 || linux_fd_capability(in_fd) < 0)
        return -LINUX_EBADF;
    if (offset != 0 && *offset < 0)
        return -LINUX_EINVAL;
    uint8_t chunk[SENDFILE_CHUNK];
    uint64_t done = 0;
    while (done < count) {
        uint64_t want = count - done < sizeof chunk ? count - done : sizeof chunk;
        int64_t got = offset ? sys_pread64(in_fd, (uint64_t)chunk, want, *offset)
                             : sys_read(in_fd, (uint64_t)chunk, want);
        if (got <= 0)
            return done ? (int64_t)done : got;
        int64_t put = sys_write(out_fd, (uint64_t)chunk, (uint64_t)got);
        if (put < 0)
            return done ? (int64_t)done : put;
        done += (uint64_t)put;
        if (offset)
            *offset += put;
        if (put < got || (uint64_t)got < want)
            break;
    }
    return (int64_t)done;
}

/* The vectored calls of a large total: one transfer per buffer, the
 * offset advancing for the positioned ones. */
struct vector_transfer {
    uint64_t slot;
    uint64_t label;
    uint64_t offset;
    bool moved;
};

static int64_t transfer_one_buffer(void *context, uint64_t base, uint64_t length)
{
    struct vector_transfer *vector = context;
    /* A readv that has something stops where the next read would wait
     * (a pipe that has no more now): Linux's pipe_read fills the buffers
     * with what is there in one go. */
    if (vector->label == FILE_READ && vector->moved &&
        !(linux_poll_capability(vector->slot, FILE_POLLIN, 0) & FILE_POLLIN))
        return 0;
    int64_t result =
        linux_file_transfer(vector->slot, vector->label, base, length, vector->offset);
    if (result > 0) {
        vector->offset += (uint64_t)result;
        vector->moved = true;
    }
    return result;
}

/* A small total moves in one transfer through a buffer here, as Linux's
 * read_iter and write_iter take an iovec: a writev to a pipe is as atomic
 * as a write (PIPE_BUF), and a readv gets what one read would. */
#define GATHERED_LIMIT 4096

/* Whether every buffer is the process's and writable, touched now: a
 * bad one faults here (EFAULT) before anything is read. */
static bool buffers_writable(const struct linux_iovec *iov, int64_t count)
{
    for (int64_t i = 0; i < count; i++) {
        if (iov[i].length && !linux_user_range(iov[i].base, iov[i].length))
            return false;
        linux_touch_pages(iov[i].base, iov[i].length, true);
    }
    return true;
}

static int64_t transfer_vector(int64_t fd, uint64_t label, const struct linux_iovec *iov,
                               int64_t count, int64_t offset)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    if (offset < 0)
        return -LINUX_EINVAL;
    int64_t total = iovec_total_length(iov, count);
    if (total < 0)
        return total;
    if (count > 0 && iov == 0)
        return -LINUX_EFAULT;
    bool writes = label == FILE_WRITE || label == FILE_PWRITE;
    if (count > 1 && total <= GATHERED_LIMIT && (writes || buffers_writable(iov, count))) {
        uint8_t gathered[GATHERED_LIMIT];
        if (writes)
            iovec_gather(iov, (int)count, gathered);
        int64_t result = linux_file_transfer((uint64_t)slot, label,
                                             (uint64_t)(uintptr_t)gathered, (uint64_t)total,
                                             (uint64_t)offset);
        if (!writes && result > 0)
            iovec_scatter(iov, (int)count, gathered, (uint64_t)result);
        return result;
    }
    struct vector_transfer vector = {(uint64_t)slot, label, (uint64_t)offset, false};
    return iovec_transfer_each(iov, (int)count, transfer_one_buffer, &vector);
}

int64_t sys_readv(int64_t fd, const struct linux_iovec *iov, int64_t count)
{
    return transfer_vector(fd, FILE_READ, iov, count, 0);
}

int64_t sys_writev(int64_t fd, const struct linux_iovec *iov, int64_t count)
{
    return linux_written(transfer_vector(fd, FILE_WRITE, iov, count, 0));
}

int64_t sys_preadv(int64_t fd, const struct linux_iovec *iov, int64_t count, int64_t offset)
{
    return transfer_vector(fd, FILE_PREAD, iov, count, offset);
}

int64_t sys_pwritev(int64_t fd, const struct linux_iovec *iov, int64_t count, int64_t offset)
{
    return transfer_vector(fd, FILE_PWRITE, iov, count, offset);
}

int64_t sys_lseek(int64_t fd, int64_t offset, uint64_t whence)
{
    bool directory;
    int64_t position = linux_procfs_seek(fd, offset, whence, &directory);
    if (directory)
        return position;
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    return linux_request((uint64_t)slot, FILE_SEEK, 2, (uint64_t)offset, whence, 0, 0);
}

int64_t sys_getdents64(int64_t fd, uint64_t buffer, uint64_t length)
{
    int64_t listed;
    if (linux_procfs_getdents(fd, buffer, length, &listed))
        return listed;
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    linux_set_window(0, buffer, length, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {length, 0, 0, 0};
    return linux_call((uint64_t)slot, FILE_GETDENTS, 1, 0, 1, mr);
}

/* ioctl requests whose argument points at memory, and its size; the
 * others pass the argument as a value. */
#define LINUX_TERMIOS_SIZE  36      /* the kernel's struct termios on arm64 */
#define LINUX_WINSIZE_SIZE  8
/* Requests about the descriptor, not the file. */
#define LINUX_FIONCLEX      0x5450
#define LINUX_FIOCLEX       0x5451

static uint64_t ioctl_argument_size(uint32_t request)
{
    switch (request) {
    case LINUX_TCGETS:
    case LINUX_TCSETS:
    case LINUX_TCSETSW:
    case LINUX_TCSETSF:
        return LINUX_TERMIOS_SIZE;
    case LINUX_TIOCGWINSZ:
    case LINUX_TIOCSWINSZ:
        return LINUX_WINSIZE_SIZE;
    case LINUX_FIONREAD:
    case LINUX_FIONBIO:
    case LINUX_TIOCGPGRP:
    case LINUX_TIOCSPGRP:
    case LINUX_TIOCOUTQ:
    case LINUX_TIOCGSID:
        return sizeof(int32_t);
    case LINUX_TIOCSTI:
        return 1;
    default:
        /* Newer requests carry a direction and their argument's size
         * (Linux's _IOC encoding: TFD_IOC_SET_TICKS is _IOW('T', 0, u64)). */
        return (request >> 30) ? (request >> 16) & 0x3fff : 0;
    }
}

/* FIOCLEX and FIONCLEX set and clear the close-on-exec flag, which the
 * personality keeps: like Linux's generic ioctl code, it answers them
 * without the file's own ioctl. But an O_PATH descriptor is EBADF for
 * every ioctl, and only its server knows it is one. */
static int64_t ioctl_set_cloexec(int64_t fd, uint64_t slot, bool cloexec)
{
    int64_t status_flags = linux_request(slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    if (status_flags < 0)
        return status_flags;
    if (status_flags & LINUX_O_PATH)
        return -LINUX_EBADF;
    linux_fd_set_cloexec((unsigned)fd, cloexec);
    return 0;
}

int64_t sys_ioctl(int64_t fd, uint64_t request, uint64_t argument)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    uint32_t command = (uint32_t)request;      /* an unsigned int in Linux */
    if (command == LINUX_FIOCLEX || command == LINUX_FIONCLEX)
        return ioctl_set_cloexec(fd, (uint64_t)slot, command == LINUX_FIOCLEX);
    uint64_t size = ioctl_argument_size(command);
    unsigned windows = 0;
    if (size > 0) {
        if (argument == 0)
            return -LINUX_EFAULT;
        linux_set_window(0, argument, size, TERN_WINDOW_READ | TERN_WINDOW_WRITE);
        windows = 1;
        if (__builtin_expect((command & 0xff00) == 0xaa00, 0))     /* userfaultfd's type */
            windows = linux_userfault_windows(command, argument);
    }
    uint64_t mr[4] = {command, argument, 0, 0};
    int64_t result = linux_call((uint64_t)slot, FILE_IOCTL, 2, 0, windows, mr);
    if (__builtin_expect(result == USERFAULT_SOURCE_UNMAPPED, 0))
        return linux_userfault_copy_rest((uint64_t)slot, argument, mr[1]);
    if (__builtin_expect(result == USERFAULT_DEVICE_REFERRAL, 0))
        return linux_userfault_from_device((uint64_t)slot, argument);
    if (result == FILE_TERMINAL_REFERRAL)
        return linux_terminal_ioctl(command, argument, mr);
    /* A change to a terminal's settings: procmgr checks the caller is in
     * its foreground first (sys/protocol/file.h). */
    if (result == FILE_TERMINAL_ACCESS) {
        result = linux_terminal_access(mr[1], false);
        if (result == 0) {
            if (windows)
                linux_set_window(0, argument, size, TERN_WINDOW_READ | TERN_WINDOW_WRITE);
            uint64_t again[4] = {command, argument, FILE_FOREGROUND, 0};
            result = linux_call((uint64_t)slot, FILE_IOCTL, 3, 0, windows, again);
        }
    }
    return result;
}

static int64_t truncate_capability(uint64_t slot, uint64_t length)
{
    if (__builtin_expect(linux_file_size_limited(), 0)) {
        int64_t refused = linux_truncate_within_size_limit(slot, length);
        if (refused < 0)
            return refused;
    }
    return linux_request(slot, FILE_TRUNCATE, 1, length, 0, 0, 0);
}

int64_t sys_ftruncate(int64_t fd, int64_t length)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    if (length < 0)
        return -LINUX_EINVAL;
    return truncate_capability((uint64_t)slot, (uint64_t)length);
}

int64_t sys_truncate(const char *path, int64_t length)
{
    if (length < 0)
        return -LINUX_EINVAL;
    uint64_t slot = linux_scratch_slot();
    int64_t result = linux_open_into(slot, LINUX_AT_FDCWD, path, LINUX_O_WRONLY, 0);
    if (result == VFS_OPENED_FIFO) {
        linux_slot_delete(slot);
        return -LINUX_EINVAL;   /* only regular files have a length to cut */
    }
    if (result < 0)
        return result;
    result = truncate_capability(slot, (uint64_t)length);
    linux_capability_close(slot);
    return result;
}

int64_t sys_fsync(int64_t fd)
{
    int64_t slot = linux_fd_capability(fd);
    if (slot < 0)
        return slot;
    return linux_request((uint64_t)slot, FILE_SYNC, 0, 0, 0, 0, 0);
}
