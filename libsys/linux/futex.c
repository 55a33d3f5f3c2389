/*
 * futex(2) through the futex server (protocol/futex.h). A private futex
 * (FUTEX_PRIVATE_FLAG) has key 0: the server keys it by the caller's pid
 * and address. A shared one uses the key procmgr gives for the address,
 * the same in every process that maps the page.
 *
 * FUTEX_WAKE_OP's operation on the second word happens here, in the
 * process's own memory, as one atomic compare-and-swap loop; the server
 * then wakes (protocol/futex.h says why that keeps Linux's guarantees).
 *
 * The futex word travels as a read window of 4 bytes, so the server
 * compares it and queues the waiter in one step. Timeouts become absolute
 * counter deadlines: relative for FUTEX_WAIT, absolute for
 * FUTEX_WAIT_BITSET (CLOCK_MONOTONIC, or CLOCK_REALTIME with
 * FUTEX_CLOCK_REALTIME: less the time of day at boot).
 */
#include "clock_math.h"
#include "futex_op.h"
#include "futex_pi.h"
#include "personality.h"
#include "server_call.h"
#include "syscall_numbers.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/futex.h"
#include "sys/protocol/procmgr.h"

#define FUTEX_BITSET_MATCH_ANY 0xffffffffULL

/* procmgr's keys of shared futexes, remembered by page: a key names the
 * object and offset (or the address space and address) the word's page
 * maps, so within a page it grows with the address, and only a change of
 * this process's mappings changes it (linux_futex_forget_keys). Entries
 * carry the pid: a forked child's copy of them is not its own. */
#define KEY_CACHE_SIZE 16
static struct {
    uint64_t pid, page;
    int64_t first;          /* the key of the page's first byte */
} key_cache[KEY_CACHE_SIZE];
static struct linux_lock key_cache_lock;

void linux_futex_forget_keys(void)
{
    linux_lock(&key_cache_lock);
    __builtin_memset(key_cache, 0, sizeof key_cache);
    linux_unlock(&key_cache_lock);
}

int64_t linux_futex_key(uint64_t address, bool private)
{
    if (private)
        return 0;
    uint64_t page = address & ~(uint64_t)(LINUX_PAGE_SIZE - 1);
    uint64_t pid = linux_process_info()->pid;
    unsigned index = (unsigned)(page / LINUX_PAGE_SIZE) % KEY_CACHE_SIZE;
    linux_lock(&key_cache_lock);
    bool known = key_cache[index].pid == pid && key_cache[index].page == page;
    int64_t first = key_cache[index].first;
    linux_unlock(&key_cache_lock);
    if (known)
        return first + (int64_t)(address - page);
    int64_t key = linux_request(LINUX_SLOT_PROCMGR, PROC_FUTEX_KEY, 1, address, 0, 0, 0);
    if (key < 0)
        return key;
    linux_lock(&key_cache_lock);
    key_cache[index].pid = pid;
    key_cache[index].page = page;
    key_cache[index].first = key - (int64_t)(address - page);
    linux_unlock(&key_cache_lock);
    return key;
}

static void set_word_window(uint64_t address)
{
    linux_set_window(0, address, sizeof(uint32_t), TERN_WINDOW_READ);
}

/* The word is nearly always mapped (the program has just read it), so its
 * window goes untouched at first; only a wait whose word the server could
 * not read goes again with the page touched in (a page mapped lazily; a
 * bad address faults then: EFAULT). */
static int64_t futex_wait(uint64_t key, uint64_t address, uint32_t expected, uint64_t deadline,
                          uint64_t bitset)
{
    for (bool touched = false;; touched = true) {
        if (touched)
            set_word_window(address);
        else
            tern_set_window(0, address, sizeof(uint32_t), TERN_WINDOW_READ);
        uint64_t mr[4] = {key, address, (uint64_t)(uint32_t)bitset << 32 | expected, deadline};
        int64_t result = linux_call(LINUX_SLOT_FUTEX, FUTEX_WAIT, 4, 0, 1, mr);
        /* The futex server never answers -EIO: it died while we waited,
         * and init starts it afresh. A wake-up then is a spurious one,
         * which Linux allows and every waiter checks for. */
        if (result == -LINUX_EIO)
            return 0;
        if (result != -LINUX_EFAULT || touched)
            return result;
    }
}

/* A wait with a deadline (0: none), interrupted as Linux's futex_wait
 * is: without a deadline it restarts (-ERESTARTSYS: for an SA_RESTART
 * handler too); with one it is -EINTR for any handler, and without a
 * handler (a stop and SIGCONT) restart_syscall goes on to the same
 * deadline (the restart block), as futex_wait_restart does. */
static int64_t timed_futex_wait(uint64_t key, uint64_t address, uint32_t expected,
                                uint64_t deadline, uint64_t bitset, bool private)
{
    int64_t result = futex_wait(key, address, expected, deadline, bitset);
    if (result != -LINUX_ERESTARTSYS || deadline == 0)
        return result;
    struct linux_thread_state *thread = linux_thread_state();
    thread->restart_call = LINUX_NR_futex;
    thread->restart_deadline = deadline;
    thread->restart_arguments[0] = address;
    thread->restart_arguments[1] = expected;
    thread->restart_arguments[2] = bitset;
    thread->restart_arguments[3] = private;
    return -LINUX_ERESTART_RESTARTBLOCK;
}

int64_t linux_futex_wait_restart(void)
{
    const struct linux_thread_state *thread = linux_thread_state();
    uint64_t address = thread->restart_arguments[0], bitset = thread->restart_arguments[2];
    uint32_t expected = (uint32_t)thread->restart_arguments[1];
    bool private = thread->restart_arguments[3];
    int64_t key = linux_futex_key(address, private);
    if (key < 0)
        return key;
    return timed_futex_wait((uint64_t)key, address, expected, thread->restart_deadline, bitset,
                            private);
}

/* The futex server's summary of who waits (sys/protocol/futex.h), mapped
 * read-only at the first wake; NULL until then, and NO_SUMMARY for good
 * if it cannot be mapped (every wake then asks the server). */
#define NO_SUMMARY ((const struct futex_summary *)1)
static const struct futex_summary *summary;
static struct linux_lock summary_lock;

/* The first wake maps the summary (once, whichever thread gets there). */
__attribute__((noinline, cold)) static const struct futex_summary *map_summary(void)
{
    linux_lock(&summary_lock);
    if (!summary) {
        int64_t address = linux_map_object(0, LINUX_PAGE_SIZE, LINUX_PROT_READ,
                                           LINUX_MAP_SHARED, LINUX_SLOT_FUTEX, 0);
        __atomic_store_n(&summary, address > 0 ? (const struct futex_summary *)address
                                               : NO_SUMMARY, __ATOMIC_RELEASE);
    }
    linux_unlock(&summary_lock);
    return summary;
}

/* Whether the summary says nobody waits on the futex (key 0: private),
 * so that a wake need not ask. The program stored the word before it
 * asked for the wake; the barrier orders that store before the count is
 * read, as the server counts a waiter before it reads the word. */
static inline bool nobody_waits(uint64_t key, uint64_t address)
{
    const struct futex_summary *waiters = __atomic_load_n(&summary, __ATOMIC_ACQUIRE);
    if (__builtin_expect(!waiters, 0))
        waiters = map_summary();
    if (waiters == NO_SUMMARY)
        return false;
    bool shared = key != 0;
    unsigned bucket = futex_summary_bucket(shared, shared ? 0 : linux_process_info()->pid,
                                           shared ? key : address);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&waiters->waiting[bucket], __ATOMIC_RELAXED) == 0;
}

static int64_t futex_wake(uint64_t key, uint64_t address, uint64_t count, uint64_t bitset)
{
    if (nobody_waits(key, address))
        return 0;
    return linux_request(LINUX_SLOT_FUTEX, FUTEX_WAKE, 4, key, address, count, bitset);
}

int64_t linux_futex_wake_any(uint64_t address, uint64_t count)
{
    /* Linux wakes the clear_child_tid word as a shared futex (musl waits
     * on it that way too, in __tl_sync), so the key is procmgr's. */
    int64_t key = linux_futex_key(address, false);
    if (key < 0)
        return key;
    return futex_wake((uint64_t)key, address, count, FUTEX_BITSET_MATCH_ANY);
}

/* FUTEX_WAKE_OP's operation on the word, atomic against every other
 * thread: returns the old value. A bad address faults here, and the call
 * ends with EFAULT (nobody is woken, as in Linux). */
static uint32_t operate_atomically(uint32_t *word, const struct futex_operation *operation)
{
    uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(word, &old, futex_operation_apply(operation, old), true,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        continue;
    return old;
}

/* FUTEX_WAKE_OP, in Linux's order: both keys (EINVAL for an unaligned
 * second word), an unknown operation (ENOSYS, the word untouched), the
 * operation, an unknown comparison (ENOSYS, the word changed), then the
 * wakes: count on the first futex, count2 on the second if the
 * comparison of the old value held. */
static int64_t futex_wake_op(uint64_t key, uint64_t address, uint32_t count, uint64_t address2,
                             uint32_t count2, uint32_t encoded, bool private)
{
    if (address2 & 3)
        return -LINUX_EINVAL;
    int64_t key2 = linux_futex_key(address2, private);
    if (key2 < 0)
        return key2;
    struct futex_operation operation;
    if (!futex_operation_decode(encoded, &operation))
        return -LINUX_ENOSYS;
    uint32_t old = operate_atomically((uint32_t *)(uintptr_t)address2, &operation);
    int held = futex_operation_compare(&operation, old);
    if (held < 0)
        return held;
    tern_set_mr(4, address2);
    tern_set_mr(5, count2);
    tern_set_mr(6, (uint64_t)held);
    uint64_t mr[4] = {key, address, count, (uint64_t)key2};
    return linux_call(LINUX_SLOT_FUTEX, FUTEX_WAKE_OP, 7, 0, 0, mr);
}

/* The deadline of a FUTEX_WAIT (relative timeout) or FUTEX_WAIT_BITSET
 * (absolute, on CLOCK_REALTIME with realtime); 0 waits forever. */
int64_t linux_futex_deadline(const struct linux_timespec *timeout, bool absolute, bool realtime,
                             uint64_t *deadline)
{
    *deadline = 0;
    if (timeout == 0)
        return 0;
    if (!timespec_is_valid(timeout))
        return -LINUX_EINVAL;
    if (realtime) {
        *deadline = linux_realtime_deadline(timeout);
        return 0;
    }
    uint64_t ticks = timespec_to_ticks(timeout, linux_counter_frequency());
    *deadline = absolute ? ticks : deadline_after(linux_counter_now(), ticks);
    if (*deadline == 0)
        *deadline = 1;      /* the epoch itself: long past, not "forever" */
    return 0;
}

int64_t sys_futex(uint64_t address, uint64_t operation, uint64_t value,
                  const struct linux_timespec *timeout, uint64_t address2, uint64_t value3)
{
    uint64_t command = operation & LINUX_FUTEX_CMD_MASK;
    bool private = operation & LINUX_FUTEX_PRIVATE_FLAG;
    bool clock_realtime = operation & LINUX_FUTEX_CLOCK_REALTIME;
    if (clock_realtime && command != LINUX_FUTEX_WAIT_BITSET && command != LINUX_FUTEX_LOCK_PI2 &&
        command != LINUX_FUTEX_WAIT_REQUEUE_PI)
        return -LINUX_ENOSYS;
    if (address & 3)
        return -LINUX_EINVAL;
    if (linux_futex_is_pi(command))
        return linux_futex_pi(address, command, clock_realtime, timeout, value, address2, value3);
    uint64_t bitset = FUTEX_BITSET_MATCH_ANY;
    switch (command) {
    case LINUX_FUTEX_WAIT_BITSET:
    case LINUX_FUTEX_WAKE_BITSET:
        bitset = (uint32_t)value3;
        if (bitset == 0)
            return -LINUX_EINVAL;
        break;
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAKE:
    case LINUX_FUTEX_REQUEUE:
    case LINUX_FUTEX_CMP_REQUEUE:
    case LINUX_FUTEX_WAKE_OP:
        break;
    default:
        return -LINUX_ENOSYS;
    }
    int64_t key = linux_futex_key(address, private);
    if (key < 0)
        return key;

    switch (command) {
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAIT_BITSET: {
        uint64_t deadline;
        int64_t result = linux_futex_deadline(timeout, command == LINUX_FUTEX_WAIT_BITSET,
                                        operation & LINUX_FUTEX_CLOCK_REALTIME, &deadline);
        if (result < 0)
            return result;
        return timed_futex_wait((uint64_t)key, address, (uint32_t)value, deadline, bitset,
                                private);
    }
    case LINUX_FUTEX_WAKE:
    case LINUX_FUTEX_WAKE_BITSET:
        return futex_wake((uint64_t)key, address, (uint32_t)value, bitset);
    case LINUX_FUTEX_WAKE_OP:
        /* The timeout argument is the second count. */
        return futex_wake_op((uint64_t)key, address, (uint32_t)value, address2,
                             (uint32_t)(uintptr_t)timeout, (uint32_t)value3, private);
    default: {
        /* (CMP_)REQUEUE: the timeout argument is the requeue count. */
        if (address2 & 3)
            return -LINUX_EINVAL;
        int64_t key2 = linux_futex_key(address2, private);
        if (key2 < 0)
            return key2;
        bool compare = command == LINUX_FUTEX_CMP_REQUEUE;
        if (compare)
            set_word_window(address);
        tern_set_mr(4, (uint64_t)key2);
        tern_set_mr(5, address2);
        tern_set_mr(6, compare);
        tern_set_mr(7, (uint32_t)value3);
        uint64_t mr[4] = {(uint64_t)key, address, (uint32_t)value,
                          (uint32_t)(uintptr_t)timeout};
        return linux_call(LINUX_SLOT_FUTEX, FUTEX_REQUEUE, 8, 0, compare ? 1 : 0, mr);
    }
    }
}
