/*
 * The file protocol: what every server that owns file descriptors answers
 * (vfs for files, directories and the console; later pipe, mqueue,
 * sockets...). A descriptor is a capability to that server's endpoint,
 * badged with the open file description (OFD), so the offset and status
 * flags live in the server and are shared by dup and fork.
 *
 * The server counts references to each OFD: the personality sends
 * FILE_RETAIN when it copies a descriptor (dup, fork copies every one
 * through procmgr, which retains them), FILE_CLOSE when it drops one; the
 * OFD goes away with its last reference. The personality's FILE_CLOSE
 * names its process (MR0), as Linux's flush knows who closes: a server
 * may drop that process's state on the file then (a queue's mq_notify
 * registration). The pid is the caller's word: a process that lies can
 * at worst drop another's state on a file it holds a descriptor of.
 * Results are Linux's.
 *
 *   label           registers in            windows          result
 *   FILE_READ       length[, flags]         0: buffer (W)    bytes read
 *   FILE_WRITE      length[, flags]         0: buffer (R)    bytes written
 *   FILE_PREAD      length, offset          0: buffer (W)    bytes read
 *   FILE_PWRITE     length, offset          0: buffer (R)    bytes written
 *   FILE_SEEK       offset, whence                           new offset
 *   FILE_STAT                               0: struct linux_stat (W)   0
 *   FILE_GETDENTS   length                  0: buffer (W)    bytes (linux_dirent64 records)
 *   FILE_GET_FLAGS                                           status flags (O_ACCMODE|O_APPEND|O_NONBLOCK|...)
 *   FILE_SET_FLAGS  flags                                    0 (only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME change)
 *   FILE_IOCTL      request, argument[, flags]   0: argument buffer (R/W) if any   ioctl's result
 *   FILE_TRUNCATE   length                                   0
 *   FILE_RETAIN                                              0
 *   FILE_CLOSE      [the closer's pid]                       0
 *   FILE_SYNC                                                0 (fsync, fdatasync)
 *   FILE_POLL       events                  cap 0: a notification (optional)   revents
 *   FILE_READ_SMALL   length (<= FILE_SMALL_MAX)             bytes read; the bytes in MR1..
 *   FILE_WRITE_SMALL  length (<= FILE_SMALL_MAX), the bytes from MR1   bytes written
 *   FILE_GET_SEALS                                           the seals (F_GET_SEALS)
 *   FILE_ADD_SEALS  seals                                    0 (F_ADD_SEALS)
 *   FILE_WATCH_BOARD, FILE_WATCH, FILE_UNWATCH: epoll's readiness
 *                   boards (sys/protocol/watch.h)
 *   FILE_LOCK       command, start, end, pid                 0 (F_SETLK, F_SETLKW, F_OFD_SETLK[W])
 *   FILE_GET_LOCK   command, start, end, pid                 type, start, end, pid (F_GETLK, F_OFD_GETLK)
 *   FILE_FLOCK      command                                  0 (flock)
 *   FILE_PATH       length (window 0's)     0: buffer (W)    the name's whole length
 *   FILE_PREAD_SMALL  length (<= FILE_SMALL_MAX), offset     bytes read; the bytes in MR1..
 *
 * Locks (sys/file_locks.h) are the runtime's for every server with a
 * file table, on the file the description names (the server's object).
 * The command register is FILE_LOCK_COMMAND(kind, type, wait): kind
 * FILE_LOCK_POSIX (a lock of the process pid: the caller's word, as the
 * closer's pid is) or FILE_LOCK_DESCRIPTION (the description's own; the
 * pid register is not read), type Linux's F_RDLCK, F_WRLCK or F_UNLCK,
 * wait (F_SETLKW) for a caller kept waiting until the lock is its. Bytes
 * start..end, both included, 0 <= start <= end <= INT64_MAX: the
 * personality turns l_whence, l_start and l_len into them (its errors,
 * EINVAL and EOVERFLOW, are its own). A read lock through a description
 * not open for reading, a write lock through one not open for writing:
 * -EBADF; a conflict without wait: -EAGAIN; waiting that would deadlock
 * (POSIX owners, the server's own files only): -EDEADLK. FILE_GET_LOCK's
 * answer is F_UNLCK when nothing is in the way, else the lock that is
 * (its pid -1 for an OFD lock). FILE_FLOCK's command has kind and range
 * unused: LOCK_SH is F_RDLCK, LOCK_EX F_WRLCK, LOCK_UN F_UNLCK, and
 * without LOCK_NB wait is set; a conflict is -EAGAIN (EWOULDBLOCK).
 * A waiting caller that a signal interrupts is let go, never granted;
 * it asks again if it restarts. FILE_CLOSE's pid drops that process's
 * POSIX locks on the file; the description's last FILE_CLOSE its OFD and
 * flock locks (and its own waiters get -EBADF).
 *
 * Seals are a tmpfs (shmem) file's: memfds take them (docs/protocols/
 * memfd.md), other tmpfs files show F_SEAL_SEAL and take none (EPERM);
 * any other file has none: EINVAL, but EPERM for FILE_ADD_SEALS through a
 * description not open for writing (Linux checks that first).
 *
 * The SMALL calls are FILE_READ, FILE_WRITE and FILE_PREAD with the data
 * in the message registers instead of a window: no window to name, no window
 * copy, and up to 24 bytes (MR1..MR3) the message is short enough for
 * the kernel's IPC fast path both ways. Bytes are packed from MR1 on in
 * memory order, eight to a register, little-endian (byte i is bits
 * 8 * (i % 8) of MR(1 + i / 8)); a message carrying n bytes after one
 * word has FILE_SMALL_REGISTERS(n) registers. A SMALL write's reply is a
 * FILE_WRITE's (a pipe's MR1 is its SIGPIPE mark, pipe.h); a SMALL
 * read's reply has the result in MR0 and, when it is positive, that many
 * bytes from MR1, and so has a SMALL pread's. A server that does not
 * know them answers -ENOSYS and the client falls back on FILE_READ,
 * FILE_WRITE or FILE_PREAD (a file without FILE_PREAD answers
 * FILE_PREAD_SMALL -ESPIPE at once). Results and errors are those of
 * the calls they stand for, but the server never reports -EFAULT:
 * the client copies between the registers and its buffer (and must check
 * that a read's buffer is writable before it calls, since what the
 * server hands back is consumed).
 *
 * A terminal's server answers the job-control ioctls (TIOCSCTTY,
 * TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID) and TIOCSTI with
 * FILE_TERMINAL_REFERRAL, the terminal's number in MR1 and in MR2 whether
 * the description is open for reading: sessions and process groups are
 * procmgr's, so the caller asks it (PROC_TERMINAL, procmgr.h), and a
 * character is pushed into a terminal's input only with procmgr's leave
 * (its permission rule is about the caller's session). Any other file
 * answers them -ENOTTY, as every ioctl it does not know.
 *
 * Only procmgr knows whether a caller is in its terminal's foreground
 * group. While a session has a terminal, its server answers a FILE_READ
 * or FILE_READ_SMALL, a FILE_WRITE or FILE_WRITE_SMALL under TOSTOP, and
 * the FILE_IOCTLs that change its settings (TCSETS, TCSETSW, TCSETSF)
 * with FILE_TERMINAL_ACCESS and the terminal's number in MR1, unless
 * the request's flags register (FILE_READ's and FILE_WRITE's MR1,
 * FILE_IOCTL's MR2) has FILE_FOREGROUND: the caller asks procmgr
 * (PROC_TERMINAL, PROC_TERMINAL_READ or _WRITE), which stops a background
 * group with SIGTTIN or SIGTTOU as Linux's terminals do, and then sends
 * the request again with FILE_FOREGROUND (a process that sets it without
 * asking only skips its own job control).
 *
 * FILE_PATH answers what Linux's d_path gives for the description, the
 * target readlink of /proc/<pid>/fd/N shows: a file's path ("/tmp/a",
 * with " (deleted)" once its last name went), "pipe:[N]" and "socket:[N]"
 * (N its st_ino), "anon_inode:[eventfd]" and the other anonymous kinds,
 * "/memfd:NAME (deleted)". As much of it as fits in window 0 (MR0 its
 * length) goes there, without a NUL, and the result is its whole length,
 * at most FILE_PATH_MAX.
 *
 * FILE_POLL answers at once with the poll(2) events (POLLIN, POLLOUT,
 * POLLHUP, POLLERR...) the descriptor has now among `events` (POLLHUP and
 * POLLERR always count). If none and a notification came, the server
 * keeps it and signals it once when the descriptor's state changes (then
 * forgets it): the poller calls FILE_POLL again for every descriptor, so
 * a signal that is no longer needed does no harm. Servers whose objects
 * are always ready (vfs) answer and never keep the notification.
 */
#ifndef SYS_PROTOCOL_FILE_H
#define SYS_PROTOCOL_FILE_H

#include <stdint.h>

#define FILE_TERMINAL_REFERRAL  1   /* FILE_IOCTL's: ask procmgr (above) */
#define FILE_TERMINAL_ACCESS    (-4096)     /* ask procmgr first (above); no errno */
#define FILE_FOREGROUND         1           /* the flags register's: procmgr said yes */

enum file_label {
    FILE_READ = 0x100,
    FILE_WRITE,
    FILE_PREAD,
    FILE_PWRITE,
    FILE_SEEK,
    FILE_STAT,
    FILE_GETDENTS,
    FILE_GET_FLAGS,
    FILE_SET_FLAGS,
    FILE_IOCTL,
    FILE_TRUNCATE,
    FILE_RETAIN,
    FILE_CLOSE,
    FILE_SYNC,
    FILE_POLL,
    FILE_READ_SMALL,
    FILE_WRITE_SMALL,
    FILE_GET_SEALS,
    FILE_ADD_SEALS,
    /* epoll's readiness boards: sys/protocol/watch.h */
    FILE_WATCH_BOARD,
    FILE_WATCH,
    FILE_UNWATCH,
    /* File locks (above) */
    FILE_LOCK,
    FILE_GET_LOCK,
    FILE_FLOCK,
    FILE_PATH,
    FILE_PREAD_SMALL,
};

/* The longest name FILE_PATH gives: a path (PATH_MAX, its NUL included)
 * and " (deleted)". */
#define FILE_PATH_MAX   (4096 + 10)

/* FILE_LOCK's, FILE_GET_LOCK's and FILE_FLOCK's command register. */
#define FILE_LOCK_KIND(command)     ((command) & 0xff)
#define FILE_LOCK_TYPE(command)     (((command) >> 8) & 0xff)
#define FILE_LOCK_WAITS             (1u << 16)
#define FILE_LOCK_COMMAND(kind, type, wait) \
    ((uint64_t)(kind) | (uint64_t)(type) << 8 | ((wait) ? FILE_LOCK_WAITS : 0))

/* Seals (fcntl F_ADD_SEALS), as Linux numbers them. */
#define FILE_SEAL_SEAL          0x01
#define FILE_SEAL_SHRINK        0x02
#define FILE_SEAL_GROW          0x04
#define FILE_SEAL_WRITE         0x08
#define FILE_SEAL_FUTURE_WRITE  0x10
/* The seals Linux 6.1 knows (F_SEAL_EXEC came in 6.3). */
#define FILE_SEALS_KNOWN        (FILE_SEAL_SEAL | FILE_SEAL_SHRINK | FILE_SEAL_GROW | \
                                 FILE_SEAL_WRITE | FILE_SEAL_FUTURE_WRITE)

/* The most bytes a SMALL call carries: the message registers after the
 * first, (TERN_MSG_MAX_LENGTH - 1) * 8. Up to FILE_SMALL_FAST bytes the
 * message has at most TERN_MSG_REGISTERS registers (the fast path's). */
#define FILE_SMALL_MAX  504
#define FILE_SMALL_FAST 24
#define FILE_SMALL_REGISTERS(bytes) (1 + ((bytes) + 7) / 8)

/* Packs count bytes (at most FILE_SMALL_MAX) from register 1 on: mr is
 * registers 0-3 (the IPC calls' array), message the IPC buffer's message
 * registers (registers 4 and up). */
static inline void file_small_pack(uint64_t mr[4], uint64_t *message, const void *bytes,
                                   uint64_t count)
{
    /* The event descriptors' 8-byte values and the single bytes a shell
     * reads and writes one at a time: one load, no call to memcpy. */
    if (count == 8) {
        __builtin_memcpy(&mr[1], bytes, 8);
        return;
    }
    if (count == 1) {
        mr[1] = *(const uint8_t *)bytes;
        return;
    }
    uint64_t in_registers = count < FILE_SMALL_FAST ? count : FILE_SMALL_FAST;
    __builtin_memcpy(&mr[1], bytes, in_registers);
    if (count > FILE_SMALL_FAST)
        __builtin_memcpy(&message[4], (const uint8_t *)bytes + FILE_SMALL_FAST,
                         count - FILE_SMALL_FAST);
}

/* The other way: count bytes packed from register 1 into bytes. */
static inline void file_small_unpack(void *bytes, const uint64_t mr[4], const uint64_t *message,
                                     uint64_t count)
{
    if (count == 8) {
        __builtin_memcpy(bytes, &mr[1], 8);
        return;
    }
    if (count == 1) {
        *(uint8_t *)bytes = (uint8_t)mr[1];
        return;
    }
    uint64_t in_registers = count < FILE_SMALL_FAST ? count : FILE_SMALL_FAST;
    __builtin_memcpy(bytes, &mr[1], in_registers);
    if (count > FILE_SMALL_FAST)
        __builtin_memcpy((uint8_t *)bytes + FILE_SMALL_FAST, &message[4],
                         count - FILE_SMALL_FAST);
}

/* poll(2) events. */
#define FILE_POLLIN     0x001
#define FILE_POLLPRI    0x002
#define FILE_POLLOUT    0x004
#define FILE_POLLERR    0x008
#define FILE_POLLHUP    0x010
#define FILE_POLLNVAL   0x020
#define FILE_POLLRDNORM 0x040
#define FILE_POLLWRNORM 0x100

#endif
