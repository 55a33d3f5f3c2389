/*
 * pselect6 (musl's select and pselect) on the poll loop (poll.h): each
 * descriptor in any of the three sets is polled for what its sets ask,
 * and the sets are rewritten with what is ready, as Linux's do_select:
 * readable is POLLIN, POLLRDNORM, POLLHUP or POLLERR; writable is POLLOUT,
 * POLLWRNORM or POLLERR; exceptional is POLLPRI.
 */
#include "descriptors.h"
#include "personality.h"
#include "poll.h"
#include "signals.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"

#define SET_WORDS       (LINUX_MAX_FDS / 64)
#define SIGSET_SIZE     8
#define READ_EVENTS     (FILE_POLLIN | FILE_POLLRDNORM | FILE_POLLHUP | FILE_POLLERR)
#define WRITE_EVENTS    (FILE_POLLOUT | FILE_POLLWRNORM | FILE_POLLERR)
#define EXCEPT_EVENTS   FILE_POLLPRI

enum { READ_SET, WRITE_SET, EXCEPT_SET, SET_COUNT };

static const uint64_t set_events[SET_COUNT] = {READ_EVENTS, WRITE_EVENTS, EXCEPT_EVENTS};

struct select_sets {
    unsigned count;                         /* descriptors 0 .. count - 1 */
    uint64_t *user[SET_COUNT];              /* the caller's sets (NULL: none) */
    uint64_t wanted[SET_COUNT][SET_WORDS];  /* what they asked, kept across scans */
    uint64_t found[SET_COUNT][SET_WORDS];
};

static bool bit(const uint64_t *set, unsigned fd)
{
    return (set[fd / 64] >> (fd % 64)) & 1;
}

static int64_t scan_sets(void *context, uint64_t notification)
{
    struct select_sets *sets = context;
    __builtin_memset(sets->found, 0, sizeof sets->found);
    int64_t ready = 0;
    for (unsigned fd = 0; fd < sets->count; fd++) {
        uint64_t events = 0;
        for (unsigned which = 0; which < SET_COUNT; which++)
            events |= bit(sets->wanted[which], fd) ? set_events[which] : 0;
        if (events == 0)
            continue;
        int64_t slot = linux_fd_capability(fd);
        if (slot < 0)
            return -LINUX_EBADF;    /* closed by another thread meanwhile */
        uint64_t revents = linux_poll_descriptor(fd, (uint64_t)slot, events, notification);
        if (revents & FILE_POLLNVAL)
            return -LINUX_EBADF;
        for (unsigned which = 0; which < SET_COUNT; which++) {
            if (bit(sets->wanted[which], fd) && (revents & set_events[which])) {
                sets->found[which][fd / 64] |= 1ULL << (fd % 64);
                ready++;
            }
        }
    }
    return ready;
}

int64_t sys_pselect6(int64_t count, uint64_t *read_set, uint64_t *write_set,
                     uint64_t *except_set, struct linux_timespec *timeout,
                     const uint64_t *signal_mask_argument)
{
    /* The sixth argument points at {sigset pointer, its size}. */
    if (timeout != 0 && !timespec_is_valid(timeout))
        return -LINUX_EINVAL;
    if (signal_mask_argument != 0 && signal_mask_argument[0] != 0 &&
        signal_mask_argument[1] != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (count < 0)
        return -LINUX_EINVAL;
    /* Linux cuts count down to the size of its descriptor table. */
    if (count > LINUX_MAX_FDS)
        count = LINUX_MAX_FDS;
    struct select_sets sets = {.count = (unsigned)count,
                               .user = {read_set, write_set, except_set}};
    unsigned words = (sets.count + 63) / 64;
    for (unsigned which = 0; which < SET_COUNT; which++) {
        if (sets.user[which] == 0)
            continue;
        __builtin_memcpy(sets.wanted[which], sets.user[which], words * sizeof(uint64_t));
        if (sets.count % 64 != 0)
            sets.wanted[which][words - 1] &= (1ULL << (sets.count % 64)) - 1;
    }
    /* Every descriptor named must be open before anything waits. */
    for (unsigned fd = 0; fd < sets.count; fd++) {
        bool named = bit(sets.wanted[READ_SET], fd) || bit(sets.wanted[WRITE_SET], fd) ||
                     bit(sets.wanted[EXCEPT_SET], fd);
        if (named && linux_fd_capability(fd) < 0)
            return -LINUX_EBADF;
    }
    if (signal_mask_argument != 0 && signal_mask_argument[0] != 0)
        linux_block_temporarily(*(const uint64_t *)signal_mask_argument[0]);
    int64_t ready = linux_poll_wait(scan_sets, &sets, timeout, true);
    if (ready < 0)
        return ready;
    for (unsigned which = 0; which < SET_COUNT; which++) {
        if (sets.user[which] != 0)
            __builtin_memcpy(sets.user[which], sets.found[which], words * sizeof(uint64_t));
    }
    return ready;
}
