/*
 * The event protocol (servers/event, docs/protocols/event.md): event
 * descriptors. A process reaches the server through its session
 * (LINUX_SLOT_EVENT, badged with its pid: SESSION_BY_PID with
 * EVENT_SESSION_FLAG, minted by procmgr). What it makes are descriptors
 * that speak only the file protocol (file.h): read, write, poll, the
 * status flags, dup, fork and close are a descriptor's like any other.
 *
 *   label            through   registers in          result; caps
 *   EVENT_EVENTFD    session   initial count, flags  0; cap 0: the descriptor
 *
 * EVENT_EVENTFD: eventfd2's count (an unsigned int) and flags
 * (EVENT_EFD_SEMAPHORE, O_NONBLOCK; EFD_CLOEXEC is the personality's):
 * other flags are -EINVAL. A read of at least 8 bytes gives the count as
 * 8 bytes (native order) and resets it, or gives 1 and takes 1 with
 * EVENT_EFD_SEMAPHORE; a write of at least 8 bytes adds their value. Both
 * wait as Linux's do (docs/protocols/event.md).
 */
#ifndef SYS_PROTOCOL_EVENT_H
#define SYS_PROTOCOL_EVENT_H

#include <stdint.h>

enum event_label {
    EVENT_EVENTFD = 0xb00,
};

/* Sessions are marked: descriptor handles never have this bit. */
#define EVENT_SESSION_FLAG      (1ULL << 62)

/* eventfd2's flags (arm64): EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC. */
#define EVENT_EFD_SEMAPHORE     0x1
#define EVENT_EFD_NONBLOCK      04000
#define EVENT_EFD_CLOEXEC       02000000

#endif
