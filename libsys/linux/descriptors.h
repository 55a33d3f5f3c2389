/*
 * The descriptor table as the rest of the personality uses it: descriptor
 * n is the capability in slot linux_fd_slot(n), open if its bit in the
 * process info page says so (fd_table.h). New descriptors are reserved
 * first, filled (a capability a server's answer carries, received with
 * linux_call_receiving, or a copy), then settled: installed, or released
 * if filling failed.
 */
#ifndef LINUX_DESCRIPTORS_H
#define LINUX_DESCRIPTORS_H

#include <stdbool.h>
#include <stdint.h>

/* The slot (cptr) of open descriptor fd, or -EBADF. */
int64_t linux_fd_capability(int64_t fd);

/* The lowest free descriptor >= lowest below RLIMIT_NOFILE, reserved; or
 * -EMFILE. */
int64_t linux_fd_reserve(unsigned lowest);
/* The reserved descriptor's slot is filled: it becomes open. */
void linux_fd_install(unsigned fd, bool cloexec);
/* The reserved descriptor's slot stayed empty: it becomes free. */
void linux_fd_release(unsigned fd);
/* The end of making reserved descriptor fd, whose slot result says was
 * filled (not negative: installed, close-on-exec if cloexec) or not (a
 * -errno: released). Returns fd, or result if negative. */
int64_t linux_fd_settle(unsigned fd, int64_t result, bool cloexec);

/* Sets or clears an open descriptor's close-on-exec flag (F_SETFD,
 * FIOCLEX, FIONCLEX); one closed meanwhile is left alone. */
void linux_fd_set_cloexec(unsigned fd, bool cloexec);

/* Copies the file capability in from_slot to the empty to_slot and tells
 * its server (FILE_RETAIN): a second reference to the same open file
 * description. 0 or -errno (the destination is empty again then). */
int64_t linux_capability_duplicate(uint64_t from_slot, uint64_t to_slot);

/* Drops a file capability: FILE_CLOSE to its server, then empties the
 * slot. */
void linux_capability_close(uint64_t slot);

/* epoll's (epoll.c): descriptor fd was closed (its instance loses a
 * descriptor; registrations through it stay but it no longer names them),
 * or from was copied to to. */
void linux_epoll_descriptor_closed(unsigned fd);
/* kcmp's KCMP_EPOLL_TFD (epoll.c): whether epoll epfd watches tfd as its
 * toff-th item of that number: 0, -ENOENT, -EBADF or -EINVAL. */
int64_t linux_epoll_watches(int64_t epfd, int64_t tfd, uint64_t toff);
void linux_epoll_descriptor_copied(unsigned from, unsigned to);
/* signalfd's (signalfd.c): its mask goes with the descriptor. */
void linux_signalfd_closed(unsigned fd);
void linux_signalfd_copied(unsigned from, unsigned to);

/* Empties a slot without telling any server (a capability that did not
 * become a descriptor). */
void linux_slot_delete(uint64_t slot);

#endif
