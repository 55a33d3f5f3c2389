/*
 * futex_waitv(2): wait on up to 128 futexes at once, through the futex
 * server's FUTEX_WAITV (protocol/futex.h). Checks come in Linux 6.1's
 * order (kernel/futex/syscalls.c, waitwake.c): the flags, the count and
 * the array; the timeout's clock, the timeout (EFAULT, EINVAL); every
 * entry's flags (EFAULT for an entry that cannot be read, EINVAL); every
 * futex's name (EINVAL unaligned, procmgr's key for a shared one); then
 * the words in order, the first one that differs ending the call with
 * EAGAIN.
 *
 * The personality reads each word before the server does (a bad one
 * faults here: EFAULT; a lazily mapped one is mapped now), and stops with
 * EAGAIN at one that already differs: Linux would stop there too. The
 * server then compares every word again as it queues the caller, so a
 * wake between the two reads is not lost. The words travel in one window
 * that spans them all, from the lowest to the end of the highest; the
 * server reads only the words, so the pages between need not exist.
 */
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/futex.h"

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

/* Linux's struct futex_waitv. */
struct linux_futex_waitv {
    uint64_t value;
    uint64_t address;
    uint32_t flags;
    uint32_t reserved;
};

/* The counter deadline of the absolute timeout on clock (0: none). */
static int64_t waitv_deadline(const struct linux_timespec *timeout, int32_t clock,
                              uint64_t *deadline)
{
    *deadline = 0;
    if (!timeout)
        return 0;
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return -LINUX_EINVAL;
    return linux_futex_deadline(timeout, true, clock == CLOCK_REALTIME, deadline);
}

/* The entries as the server takes them; false for flags Linux refuses:
 * any but FUTEX2_SIZE_U32 and FUTEX_PRIVATE_FLAG, no size, or a nonzero
 * reserved field. private[i] says how entry i names its futex. */
static bool parse_entries(const struct linux_futex_waitv *waiters, uint32_t count,
                          struct futex_waitv_entry *entries, bool *private)
{
    const uint32_t known = LINUX_FUTEX2_SIZE_U32 | LINUX_FUTEX_PRIVATE_FLAG;
    for (uint32_t i = 0; i < count; i++) {
        struct linux_futex_waitv waiter = waiters[i];
        if ((waiter.flags & ~known) || waiter.reserved || !(waiter.flags & LINUX_FUTEX2_SIZE_U32))
            return false;
        entries[i] = (struct futex_waitv_entry){
            .address = waiter.address,
            .expected = (uint32_t)waiter.value,
        };
        private[i] = waiter.flags & LINUX_FUTEX_PRIVATE_FLAG;
    }
    return true;
}

int64_t sys_futex_waitv(const struct linux_futex_waitv *waiters, uint32_t count, uint32_t flags,
                        const struct linux_timespec *timeout, int32_t clock)
{
    if (flags != 0 || count == 0 || count > FUTEX_WAITV_MAX || !waiters)
        return -LINUX_EINVAL;
    uint64_t deadline;
    int64_t error = waitv_deadline(timeout, clock, &deadline);
    if (error)
        return error;
    struct futex_waitv_entry entries[FUTEX_WAITV_MAX];
    bool private[FUTEX_WAITV_MAX];
    if (!parse_entries(waiters, count, entries, private))
        return -LINUX_EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        if (entries[i].address & 3)
            return -LINUX_EINVAL;
        int64_t key = linux_futex_key(entries[i].address, private[i]);
        if (key < 0)
            return key;
        entries[i].key = (uint64_t)key;
    }
    uint64_t lowest = UINT64_MAX, highest = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t address = entries[i].address;
        if (*(volatile uint32_t *)(uintptr_t)address != entries[i].expected)
            return -LINUX_EAGAIN;
        lowest = address < lowest ? address : lowest;
        highest = address > highest ? address : highest;
    }
    /* Not linux_set_window: its touching every page of the span would
     * fault on the holes between the words. */
    tern_set_window(0, lowest, highest - lowest + sizeof(uint32_t), TERN_WINDOW_READ);
    linux_set_window(1, (uint64_t)(uintptr_t)entries, count * sizeof entries[0],
                     TERN_WINDOW_READ);
    uint64_t mr[4] = {count, deadline, lowest, 0};
    return linux_call(LINUX_SLOT_FUTEX, FUTEX_WAITV, 3, 0, 2, mr);
}
