/*
 * signalfd (signalfd4): a descriptor whose reads take the caller's
 * pending signals of a mask. Signals are procmgr's and the process's
 * (the info pages show what is pending), so reading and polling one is
 * the personality's: a read takes signals as sigtimedwait does
 * (PROC_SIGNAL_ACCEPT, procmgr carrying out no action), poll, select and
 * epoll look at the pending words. The descriptor itself is the event
 * server's (EVENT_SIGNALFD): dup, fork, close-on-exec, close, fstat and
 * O_NONBLOCK are any descriptor's. The mask is kept here by descriptor
 * number, with the description's id, so that signalfd on one descriptor
 * changes it for every dup. docs/personality.md says what differs from
 * Linux.
 */
#include "descriptors.h"
#include "personality.h"
#include "poll.h"
#include "server_call.h"
#include "signals.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/event.h"
#include "sys/protocol/file.h"

#define SIGSET_SIZE         8
#define SFD_NONBLOCK        LINUX_O_NONBLOCK
#define SFD_CLOEXEC         LINUX_O_CLOEXEC
#define RECORD_SIZE         128

/* struct signalfd_siginfo. */
struct signalfd_record {
    uint32_t signo;
    int32_t error;
    int32_t code;
    uint32_t pid;
    uint32_t uid;
    int32_t fd;
    uint32_t tid;
    uint32_t band;
    uint32_t overrun;
    uint32_t trapno;
    int32_t status;
    int32_t value_int;
    uint64_t value_ptr;
    uint64_t utime;
    uint64_t stime;
    uint64_t address;
    uint16_t address_lsb;
    uint16_t pad2;
    int32_t syscall;
    uint64_t call_address;
    uint32_t arch;
    uint8_t pad[28];
};
_Static_assert(sizeof(struct signalfd_record) == RECORD_SIZE, "signalfd_siginfo's size");

static struct linux_lock signalfd_lock;
static uint64_t ids[LINUX_MAX_FDS];        /* 0: not a signalfd */
static uint64_t masks[LINUX_MAX_FDS];

bool linux_signalfd_mask(int64_t fd, uint64_t *mask)
{
    if (fd < 0 || fd >= LINUX_MAX_FDS || !ids[fd])
        return false;
    *mask = masks[fd];
    return true;
}

void linux_signalfd_closed(unsigned fd)
{
    if (fd < LINUX_MAX_FDS)
        ids[fd] = 0;
}

void linux_signalfd_copied(unsigned from, unsigned to)
{
    if (from < LINUX_MAX_FDS && to < LINUX_MAX_FDS && ids[from]) {
        ids[to] = ids[from];
        masks[to] = masks[from];
    }
}

/* Every descriptor of the description id gets mask. */
static void set_mask(uint64_t id, uint64_t mask)
{
    for (unsigned fd = 0; fd < LINUX_MAX_FDS; fd++)
        if (ids[fd] == id)
            masks[fd] = mask;
}

int64_t sys_signalfd4(int64_t fd, const uint64_t *user_mask, uint64_t size, uint64_t flags)
{
    /* Linux's order: the size, the mask read, the flags, the descriptor. */
    if (size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (!linux_user_range((uint64_t)(uintptr_t)user_mask, SIGSET_SIZE))
        return -LINUX_EFAULT;
    uint64_t mask = *user_mask & ~LINUX_UNBLOCKABLE;   /* SIGKILL, SIGSTOP: ignored */
    if (flags & ~(uint64_t)(SFD_NONBLOCK | SFD_CLOEXEC))
        return -LINUX_EINVAL;
    if ((int32_t)fd != -1) {
        if (linux_fd_capability(fd) < 0)
            return -LINUX_EBADF;
        linux_lock(&signalfd_lock);
        bool known = fd < LINUX_MAX_FDS && ids[fd];
        if (known)
            set_mask(ids[fd], mask);
        linux_unlock(&signalfd_lock);
        return known ? fd : -LINUX_EINVAL;
    }
    int64_t new = linux_fd_reserve(0);
    if (new < 0)
        return new;
    uint64_t mr[4] = {flags & SFD_NONBLOCK, 0, 0, 0};
    int64_t result = linux_call_receiving(linux_fd_slot((unsigned)new), LINUX_SLOT_EVENT,
                                          EVENT_SIGNALFD, 2, 0, 0, mr);
    if (result >= 0) {
        linux_lock(&signalfd_lock);
        ids[new] = mr[1];
        masks[new] = mask;
        linux_unlock(&signalfd_lock);
    }
    return linux_fd_settle((unsigned)new, result, flags & SFD_CLOEXEC);
}

/* Linux's signalfd_copyinfo: the fields each kind of signal has. */
static void fill_record(struct signalfd_record *record, const struct linux_siginfo *taken)
{
    __builtin_memset(record, 0, sizeof *record);
    record->signo = (uint32_t)taken->signo;
    record->error = taken->error;
    record->code = taken->code;
    if (taken->code == LINUX_SI_TIMER) {
        record->tid = taken->sender.pid;
        record->overrun = taken->sender.uid;
        record->value_ptr = taken->sender.value;
        record->value_int = (int32_t)taken->sender.value;
        return;
    }
    record->pid = taken->sender.pid;
    record->uid = taken->sender.uid;
    if (taken->code > 0 && taken->signo == LINUX_SIGCHLD) {
        record->status = (int32_t)taken->sender.value;
    } else if (taken->code < 0) {       /* sigqueue, tkill...: Linux's SIL_RT */
        record->value_ptr = taken->sender.value;
        record->value_int = (int32_t)taken->sender.value;
    }
}

/* Takes up to count records of mask's signals into buffer: how many. */
static uint64_t take_records(uint64_t mask, struct signalfd_record *buffer, uint64_t count)
{
    uint64_t taken = 0;
    struct linux_siginfo info;
    while (taken < count && linux_signal_accept(mask, &info) > 0)
        fill_record(&buffer[taken++], &info);
    return taken;
}

int64_t linux_signalfd_read(int64_t fd, uint64_t mask, uint64_t buffer, uint64_t length)
{
    if (length < RECORD_SIZE)
        return -LINUX_EINVAL;
    uint64_t count = length / RECORD_SIZE;
    if (!linux_user_range(buffer, count * RECORD_SIZE))
        return -LINUX_EFAULT;
    struct signalfd_record *records = (struct signalfd_record *)buffer;
    uint64_t taken = take_records(mask, records, count);
    if (taken)
        return (int64_t)(taken * RECORD_SIZE);
    int64_t slot = linux_fd_capability(fd);
    int64_t flags = slot < 0 ? slot : linux_request((uint64_t)slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    if (flags < 0)
        return flags;
    if (flags & LINUX_O_NONBLOCK)
        return -LINUX_EAGAIN;
    /* Wait as sigtimedwait does: procmgr interrupts this thread for a
     * signal of the mask it blocks; one it lets through has its way. */
    struct linux_thread_info *thread = linux_thread_info();
    thread->accepting_signals = mask & linux_blocked_signals();
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* before the pending words are read */
    int64_t result;
    for (;;) {
        taken = take_records(mask, records, count);
        if (taken) {
            result = (int64_t)(taken * RECORD_SIZE);
            break;
        }
        uint64_t pending = thread->pending_signals | linux_process_info()->pending_signals;
        if (pending & mask)
            continue;       /* came meanwhile */
        if (linux_signal_deliverable()) {
            result = -LINUX_ERESTARTSYS;     /* Linux's signalfd_dequeue */
            break;
        }
        linux_sleep_until(UINT64_MAX);
    }
    thread->accepting_signals = 0;
    return result;
}

uint64_t linux_signalfd_poll(uint64_t mask, uint64_t events, uint64_t notification)
{
    struct linux_thread_info *thread = linux_thread_info();
    if (notification) {
        /* A signal of the mask that this thread blocks interrupts its
         * wait (poll.c rescans then), as a reader's does. */
        thread->accepting_signals |= mask & linux_blocked_signals();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    return (linux_signalfd_pending(mask)) ? events & FILE_POLLIN : 0;   /* never RDNORM */
}

uint64_t linux_signalfd_pending(uint64_t mask)
{
    return (linux_thread_info()->pending_signals | linux_process_info()->pending_signals) & mask;
}
