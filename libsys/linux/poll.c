/*
 * ppoll and the waiting loop behind it and pselect6 (poll.h).
 *
 * A scan asks every descriptor's server (FILE_POLL). If nothing is ready
 * and the caller will wait, the following scans pass a copy of this
 * thread's notification, badged POLL_WAKE_BADGE, which each server keeps
 * and signals when its descriptor changes; the timeout arms the same
 * notification (badge TIMEOUT_BADGE, as sleeps do). After a wake-up
 * everything is scanned again: a signal may be stale (left by an earlier
 * poll, or by a descriptor that is still not ready), which costs a scan
 * and nothing else. musl's poll and pause are ppoll too.
 */
#include "descriptors.h"
#include "limits.h"
#include "paths.h"
#include "personality.h"
#include "poll.h"
#include "server_call.h"
#include "signals.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

#define TIMEOUT_BADGE       1
#define POLL_WAKE_BADGE     2
#define SIGSET_SIZE         8
/* What a descriptor whose server has no FILE_POLL has: Linux's
 * DEFAULT_POLLMASK. */
#define ALWAYS_READY        (FILE_POLLIN | FILE_POLLOUT | FILE_POLLRDNORM | FILE_POLLWRNORM)

uint64_t linux_poll_capability(uint64_t slot, uint64_t events, uint64_t notification)
{
    events |= FILE_POLLERR | FILE_POLLHUP;
    if (notification != 0)
        tern_set_cap(0, notification);
    uint64_t mr[4] = {events, 0, 0, 0};
    int64_t result = linux_call(slot, FILE_POLL, 1, notification != 0, 0, mr);
    if (result == -LINUX_ENOSYS)
        return events & ALWAYS_READY;
    if (result == -LINUX_EBADF)
        return FILE_POLLNVAL;
    if (result < 0)
        return FILE_POLLERR;
    return (uint64_t)result & events;
}

uint64_t linux_poll_descriptor(int64_t fd, uint64_t slot, uint64_t events, uint64_t notification)
{
    bool is_epoll;
    uint64_t ready = linux_epoll_poll(fd, events, notification, &is_epoll);
    if (is_epoll)
        return ready;
    uint64_t mask;
    if (linux_signalfd_mask(fd, &mask))
        return linux_signalfd_poll(mask, events | FILE_POLLERR | FILE_POLLHUP, notification);
    return linux_poll_capability(slot, events, notification);
}

/* This thread's notification, and a badged copy of it in the scratch
 * slot for servers to keep (0 if it cannot be made: then the wait ends
 * only at the timeout). */
static uint64_t thread_notification(void)
{
    return linux_thread_notification_slot((unsigned)linux_thread_info()->area);
}

static uint64_t mint_wake_capability(void)
{
    uint64_t slot = linux_scratch_slot();
    enum tern_error error = tern_cnode_mint(LINUX_SLOT_CNODE, slot, LINUX_SLOT_DEPTH,
                                            LINUX_SLOT_CNODE, thread_notification(),
                                            LINUX_SLOT_DEPTH, TERN_RIGHTS_ALL, POLL_WAKE_BADGE);
    return error == TERN_OK ? slot : 0;
}

static void write_time_left(struct linux_timespec *timeout, uint64_t deadline)
{
    uint64_t now = linux_counter_now();
    *timeout = ticks_to_timespec(now < deadline ? deadline - now : 0, linux_counter_frequency());
}

int64_t linux_poll_wait(poll_scan_function *scan, void *context,
                        struct linux_timespec *timeout, bool update_timeout)
{
    bool zero_timeout = timeout != 0 && timeout->seconds == 0 && timeout->nanoseconds == 0;
    uint64_t deadline = timeout == 0 ? 0
                        : deadline_after(linux_counter_now(),
                                         timespec_to_ticks(timeout, linux_counter_frequency()));
    int64_t ready = scan(context, 0);
    if (ready != 0 || zero_timeout) {
        if (ready != 0 && timeout != 0 && !zero_timeout && update_timeout)
            write_time_left(timeout, deadline);
        return ready;
    }

    uint64_t notification = thread_notification();
    if (timeout != 0 &&
        tern_notification_set_timeout(notification, deadline, TIMEOUT_BADGE) != TERN_OK)
        deadline = linux_counter_now();     /* cannot sleep: give up after one more scan */
    uint64_t wake = mint_wake_capability();
    for (;;) {
        uint64_t word;
        tern_poll(notification, &word);     /* forget older signals: only later ones count */
        ready = scan(context, wake);
        bool timed_out = timeout != 0 && linux_counter_now() >= deadline;
        if (ready != 0 || timed_out)
            break;
        /* A signal: -EINTR, or a restart; a signal a signalfd polled
         * for (procmgr interrupts for those too) is only a rescan. */
        if (tern_message_label(tern_wait(notification, &word)) == TERN_INTERRUPTED &&
            linux_signal_deliverable()) {
            ready = -LINUX_ERESTARTNOHAND;
            break;
        }
    }
    linux_thread_info()->accepting_signals = 0;     /* signalfd.c's, if it set any */
    if (timeout != 0) {
        tern_notification_set_timeout(notification, 0, TIMEOUT_BADGE);
        if (update_timeout)
            write_time_left(timeout, deadline);
    }
    if (wake != 0)
        linux_slot_delete(wake);    /* the servers' copies may still signal: harmless */
    return ready;
}

struct one_descriptor {
    uint64_t slot;
    uint64_t events;
    uint64_t revents;
};

static int64_t scan_one(void *context, uint64_t notification)
{
    struct one_descriptor *one = context;
    one->revents = linux_poll_capability(one->slot, one->events, notification);
    return one->revents != 0;
}

int64_t linux_poll_wait_one(uint64_t slot, uint64_t events)
{
    struct one_descriptor one = {slot, events, 0};
    if (linux_poll_wait(scan_one, &one, 0, false) < 0)
        return -LINUX_ERESTARTSYS;      /* as Linux's pipe waits */
    return (int64_t)one.revents;
}

struct linux_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

struct poll_list {
    struct linux_pollfd *fds;
    uint64_t count;
};

static int64_t scan_poll_list(void *context, uint64_t notification)
{
    struct poll_list *list = context;
    int64_t ready = 0;
    for (uint64_t i = 0; i < list->count; i++) {
        struct linux_pollfd *entry = &list->fds[i];
        uint64_t revents = 0;
        if (entry->fd >= 0) {
            int64_t slot = linux_fd_capability(entry->fd);
            revents = slot < 0 ? FILE_POLLNVAL
                               : linux_poll_descriptor(entry->fd, (uint64_t)slot,
                                                       (uint16_t)entry->events, notification);
        }
        entry->revents = (int16_t)revents;
        ready += revents != 0;
    }
    return ready;
}

int64_t sys_ppoll(struct linux_pollfd *fds, uint64_t count, struct linux_timespec *timeout,
                  const uint64_t *signal_mask, uint64_t mask_size)
{
    if (timeout != 0 && !timespec_is_valid(timeout))
        return -LINUX_EINVAL;
    if (signal_mask != 0 && mask_size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (count > linux_descriptor_limit())
        return -LINUX_EINVAL;
    if (count > 0 && fds == 0)
        return -LINUX_EFAULT;
    struct poll_list list = {fds, count};
    if (signal_mask != 0)
        linux_block_temporarily(*signal_mask);     /* until the call ends (signals.h) */
    return linux_poll_wait(scan_poll_list, &list, timeout, true);
}
