/*
 * Waiting for descriptors (ppoll, pselect6, and the calls that must not
 * block where Linux would not): each descriptor's server answers
 * FILE_POLL with the events it has now and, when given a notification,
 * keeps it and signals it once the descriptor's state changes
 * (protocol/file.h). So any server's objects join poll by answering
 * FILE_POLL; the personality never needs to know what they are.
 */
#ifndef LINUX_POLL_H
#define LINUX_POLL_H

#include <stdbool.h>
#include <stdint.h>
#include "clock_math.h"

/* The events among `events` (POLLERR and POLLHUP always count) that the
 * descriptor in slot has now; notification (0: none) is left with its
 * server to signal when that changes. A server that does not know
 * FILE_POLL is always ready to read and write, as Linux's files without
 * a poll method are; a capability gone meanwhile is POLLNVAL. */
uint64_t linux_poll_capability(uint64_t slot, uint64_t events, uint64_t notification);

/* linux_poll_capability for descriptor fd in slot: an epoll descriptor
 * is this process's (epoll.c). */
uint64_t linux_poll_descriptor(int64_t fd, uint64_t slot, uint64_t events, uint64_t notification);
/* An epoll descriptor's events among events (POLLIN when it has events
 * to report), the notification left with its boards; *is_epoll false
 * (and 0) for any other descriptor. */
uint64_t linux_epoll_poll(int64_t fd, uint64_t events, uint64_t notification, bool *is_epoll);

/* signalfd.c: whether fd is a signalfd (its mask in *mask); a read of
 * one; its events among events (POLLIN while a signal of mask is
 * pending), a signal of mask that the thread blocks interrupting the
 * wait of the poller that passes a notification. */
bool linux_signalfd_mask(int64_t fd, uint64_t *mask);
int64_t linux_signalfd_read(int64_t fd, uint64_t mask, uint64_t buffer, uint64_t length);
uint64_t linux_signalfd_poll(uint64_t mask, uint64_t events, uint64_t notification);
/* The signals of mask pending for this thread (its own and its process's). */
uint64_t linux_signalfd_pending(uint64_t mask);

/* One pass over the caller's descriptors: asks each (passing
 * notification on, 0 for none) and records what it found; returns how
 * many are ready, or -errno to end the wait with that. */
typedef int64_t poll_scan_function(void *context, uint64_t notification);

/* Scans until something is ready or the timeout (NULL: none) has passed,
 * sleeping on this thread's notification in between; Linux's do_poll
 * loop. A zero timeout scans once. With a timeout, *timeout is rewritten
 * with the time left when `update_timeout`, as Linux's ppoll and pselect6
 * do (a zero timeout is left alone). Returns the last scan's result. */
int64_t linux_poll_wait(poll_scan_function *scan, void *context,
                        struct linux_timespec *timeout, bool update_timeout);

/* Waits, without a timeout, until the descriptor in slot has one of
 * events (or POLLERR, POLLHUP); returns what it has then, or
 * -ERESTARTSYS if a signal interrupted the wait. */
int64_t linux_poll_wait_one(uint64_t slot, uint64_t events);

#endif
