/*
 * What becomes of a signal (signal_delivery.h).
 */
#include "signal_delivery.h"
#include "sys/linux_abi.h"

int signal_check_disposition(uint64_t signal, uint64_t disposition)
{
    if (signal == 0 || signal > LINUX_NSIG || disposition > SIGNAL_HANDLER)
        return -LINUX_EINVAL;
    if ((signal == LINUX_SIGKILL || signal == LINUX_SIGSTOP) && disposition != SIGNAL_DEFAULT)
        return -LINUX_EINVAL;
    return 0;
}

bool signal_ignored_by_default(unsigned signal)
{
    return signal == LINUX_SIGCHLD || signal == LINUX_SIGCONT || signal == LINUX_SIGURG
        || signal == LINUX_SIGWINCH;
}

bool signal_stops_by_default(unsigned signal)
{
    return signal == LINUX_SIGSTOP || signal == LINUX_SIGTSTP || signal == LINUX_SIGTTIN
        || signal == LINUX_SIGTTOU;
}

enum signal_action signal_action(unsigned signal, uint8_t disposition)
{
    if (signal == LINUX_SIGKILL)
        return SIGNAL_ACTION_TERMINATE;
    switch (disposition) {
    case SIGNAL_IGNORE:
        return SIGNAL_ACTION_NONE;
    case SIGNAL_DEFAULT:
        if (signal_ignored_by_default(signal))
            return SIGNAL_ACTION_NONE;
        if (signal_stops_by_default(signal))
            return SIGNAL_ACTION_STOP;
        return SIGNAL_ACTION_TERMINATE;
    default:
        return SIGNAL_ACTION_HANDLER;
    }
}

bool signal_taken_by(struct thread_masks masks, unsigned signal)
{
    uint64_t bit = LINUX_SIGNAL_BIT(signal);
    return !(masks.blocked & bit) || (masks.accepting & bit);
}

unsigned signal_choose_thread(const struct thread_masks masks[], unsigned count, unsigned signal)
{
    for (unsigned i = 0; i < count; i++)
        if (signal_taken_by(masks[i], signal))
            return i;
    return count;
}

enum signal_outcome signal_outcome(unsigned signal, uint8_t disposition, bool taken,
                                   struct thread_masks taker, bool stopped)
{
    if (!taken)
        return SIGNAL_STAYS_PENDING;    /* blocked everywhere: it waits */
    enum signal_action action = signal_action(signal, disposition);
    bool accepted = (taker.accepting & LINUX_SIGNAL_BIT(signal)) != 0;
    if (action == SIGNAL_ACTION_NONE && !accepted)
        return SIGNAL_DISCARDED;        /* as Linux discards an ignored signal nobody blocks */
    if (stopped)
        return SIGNAL_STAYS_PENDING;    /* taken once the process continues */
    if (accepted)
        return SIGNAL_INTERRUPTS;       /* sigtimedwait takes it, whatever its action */
    switch (action) {
    case SIGNAL_ACTION_TERMINATE:
        return SIGNAL_TERMINATES;
    case SIGNAL_ACTION_STOP:
        return SIGNAL_STOPS;
    default:
        return SIGNAL_INTERRUPTS;
    }
}

#define STOP_SIGNALS (LINUX_SIGNAL_BIT(LINUX_SIGSTOP) | LINUX_SIGNAL_BIT(LINUX_SIGTSTP) \
                      | LINUX_SIGNAL_BIT(LINUX_SIGTTIN) | LINUX_SIGNAL_BIT(LINUX_SIGTTOU))

uint64_t signal_discarded_by(unsigned signal)
{
    if (signal == LINUX_SIGCONT)
        return STOP_SIGNALS;
    if (signal_stops_by_default(signal))
        return LINUX_SIGNAL_BIT(LINUX_SIGCONT);
    return 0;
}

bool signal_stop_applies(unsigned signal, bool group_orphaned)
{
    return signal == LINUX_SIGSTOP || !group_orphaned;
}

bool signal_child_stop_notifies(uint8_t sigchld_disposition, bool no_child_stop)
{
    return sigchld_disposition != SIGNAL_IGNORE && !no_child_stop;
}

/* The signals a fault raises: Linux's SYNCHRONOUS_MASK, taken first. */
#define SYNCHRONOUS (LINUX_SIGNAL_BIT(LINUX_SIGSEGV) | LINUX_SIGNAL_BIT(LINUX_SIGBUS) |      \
                     LINUX_SIGNAL_BIT(LINUX_SIGILL) | LINUX_SIGNAL_BIT(LINUX_SIGTRAP) |      \
                     LINUX_SIGNAL_BIT(LINUX_SIGFPE) | LINUX_SIGNAL_BIT(LINUX_SIGSYS))

/* Linux's next_signal: a synchronous one first, else the lowest. */
static unsigned next_of(uint64_t set)
{
    if (set & SYNCHRONOUS)
        set &= SYNCHRONOUS;
    return (unsigned)__builtin_ctzll(set) + 1;
}

unsigned signal_next(uint64_t thread_pending, uint64_t process_pending, uint64_t blocked,
                     bool *from_thread)
{
    uint64_t own = thread_pending & ~blocked, shared = process_pending & ~blocked;
    *from_thread = own != 0;
    if (own)
        return next_of(own);
    return shared ? next_of(shared) : 0;
}

bool signal_fault_caught(unsigned signal, uint8_t disposition, uint64_t blocked)
{
    return disposition == SIGNAL_HANDLER && !(blocked & LINUX_SIGNAL_BIT(signal));
}
