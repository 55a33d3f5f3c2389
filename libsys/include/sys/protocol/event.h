/*
 * The event protocol (servers/event, docs/protocols/event.md): event
 * descriptors. A process reaches the server through its session
 * (LINUX_SLOT_EVENT, badged with its pid and credentials:
 * SESSION_PROCESS_BADGE with EVENT_SESSION_FLAG, minted by procmgr). What
 * it makes are descriptors that speak the file protocol (file.h): read,
 * write, poll, the status flags, dup, fork and close are a descriptor's
 * like any other; a timerfd also takes two labels of its own.
 *
 *   label                  through      registers in                 result; caps
 *   EVENT_EVENTFD          session      initial count, flags         0; cap 0: the descriptor
 *   EVENT_TIMERFD          session      clock, flags                 0; cap 0: the descriptor
 *   EVENT_TIMERFD_SETTIME  a timerfd    flags, value, interval,      0; MR1-2: the old
 *                                       epoch offset                 remaining time, interval
 *   EVENT_TIMERFD_GETTIME  a timerfd                                 0; MR1-2: remaining, interval
 *   EVENT_PIDFD            procmgr's    pid, flags, ended                0; cap 0: the descriptor
 *                          notice session
 *   EVENT_PIDFD_QUERY      a pidfd                                      0; MR1-3: pid, ended,
 *                                                                      O_NONBLOCK
 *   EVENT_EPOLL            session                                      0; MR1: its id; cap 0:
 *                                                                      the descriptor
 *   EVENT_EPOLL_ID         an epoll                                     its id (> 0)
 *   EVENT_SIGNALFD         session      flags                           0; MR1: its id; cap 0:
 *                                                                      the descriptor
 *
 * EVENT_EVENTFD: eventfd2's count (an unsigned int) and flags
 * (EVENT_EFD_SEMAPHORE, O_NONBLOCK; EFD_CLOEXEC is the personality's):
 * other flags are -EINVAL. A read of at least 8 bytes gives the count as
 * 8 bytes (native order) and resets it, or gives 1 and takes 1 with
 * EVENT_EFD_SEMAPHORE; a write of at least 8 bytes adds their value. Both
 * wait as Linux's do (docs/protocols/event.md).
 *
 * EVENT_TIMERFD: timerfd_create's clock (CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_BOOTTIME, and their _ALARM forms for root only: -EPERM; others
 * -EINVAL) and flags (O_NONBLOCK; TFD_CLOEXEC is the personality's). Times
 * are ticks of the virtual counter: SETTIME's value is 0 (disarm), ticks
 * from now, or with EVENT_TIMER_ABSTIME the instant on the timer's clock
 * (CLOCK_REALTIME's counts from the epoch: the caller sends the ticks
 * from the epoch to boot as the epoch offset); a read gives the
 * expirations as 8 bytes; FILE_IOCTL's TFD_IOC_SET_TICKS sets them. A
 * label sent to another kind of descriptor is -EINVAL (-ENOSYS from
 * another server).
 *
 * EVENT_EPOLL makes the descriptor of an epoll instance: a file
 * description that dup, fork, close-on-exec and close treat as any other
 * (stat shows the anonymous inode); its registrations and readiness are
 * the personality's, which knows an instance by its id, the same through
 * every descriptor of it (EVENT_EPOLL_ID; -EINVAL through another kind).
 *
 * EVENT_SIGNALFD makes a signalfd's descriptor (flags: O_NONBLOCK): as
 * an epoll's, a description like any other whose reading and polling
 * are the personality's (signals are procmgr's and the process's); its
 * id is its handle, and a read or write through the server is -EINVAL.
 *
 * pidfds are procmgr's to make (it knows which processes exist):
 * EVENT_PIDFD comes through procmgr's notice session (SESSION_NOTICE_BADGE,
 * the server's entry asks for exit notices), and SERVER_PROCESS_ENDED
 * there makes a process's pidfds readable. procmgr asks a pidfd which
 * process it names (EVENT_PIDFD_QUERY; -EBADF from another kind) for
 * pidfd_send_signal, pidfd_getfd and waitid's P_PIDFD.
 */
#ifndef SYS_PROTOCOL_EVENT_H
#define SYS_PROTOCOL_EVENT_H

#include <stdint.h>

enum event_label {
    EVENT_EVENTFD = 0xb00,
    EVENT_TIMERFD,
    EVENT_TIMERFD_SETTIME,
    EVENT_TIMERFD_GETTIME,
    EVENT_PIDFD,
    EVENT_PIDFD_QUERY,
    EVENT_EPOLL,
    EVENT_EPOLL_ID,
    EVENT_SIGNALFD,
};

/* Sessions are marked: descriptor handles never have this bit. */
#define EVENT_SESSION_FLAG      (1ULL << 62)

/* eventfd2's flags (arm64): EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC. */
#define EVENT_EFD_SEMAPHORE     0x1
#define EVENT_EFD_NONBLOCK      04000
#define EVENT_EFD_CLOEXEC       02000000

/* timerfd's clocks, flags and ioctl (arm64). */
#define EVENT_CLOCK_REALTIME        0
#define EVENT_CLOCK_MONOTONIC       1
#define EVENT_CLOCK_BOOTTIME        7
#define EVENT_CLOCK_REALTIME_ALARM  8
#define EVENT_CLOCK_BOOTTIME_ALARM  9
#define EVENT_TFD_NONBLOCK          04000
#define EVENT_TFD_CLOEXEC           02000000
#define EVENT_TIMER_ABSTIME         1
#define EVENT_TIMER_CANCEL_ON_SET   2
#define EVENT_TFD_IOC_SET_TICKS     0x40085400u

#endif
