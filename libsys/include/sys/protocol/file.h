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
 * OFD goes away with its last reference. Results are Linux's.
 *
 *   label           registers in            windows          result
 *   FILE_READ       length                  0: buffer (W)    bytes read
 *   FILE_WRITE      length                  0: buffer (R)    bytes written
 *   FILE_PREAD      length, offset          0: buffer (W)    bytes read
 *   FILE_PWRITE     length, offset          0: buffer (R)    bytes written
 *   FILE_SEEK       offset, whence                           new offset
 *   FILE_STAT                               0: struct linux_stat (W)   0
 *   FILE_GETDENTS   length                  0: buffer (W)    bytes (linux_dirent64 records)
 *   FILE_GET_FLAGS                                           status flags (O_ACCMODE|O_APPEND|O_NONBLOCK|...)
 *   FILE_SET_FLAGS  flags                                    0 (only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME change)
 *   FILE_IOCTL      request, argument       0: argument buffer (R/W) if any   ioctl's result
 *   FILE_TRUNCATE   length                                   0
 *   FILE_RETAIN                                              0
 *   FILE_CLOSE                                               0
 *   FILE_SYNC                                                0 (fsync, fdatasync)
 *   FILE_POLL       events                  cap 0: a notification (optional)   revents
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
};

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
