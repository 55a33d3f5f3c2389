/*
 * Pending signals with their siginfo (pending_signals.h).
 */
#include "pending_signals.h"

bool pending_has_room(const struct pending_signals *pending, unsigned signal)
{
    return signal < LINUX_SIGRTMIN || !(pending->set & LINUX_SIGNAL_BIT(signal))
        || pending->queue_length < PENDING_QUEUE_LIMIT;
}

int pending_add(struct pending_signals *pending, unsigned signal, const struct signal_info *info,
                const struct pending_memory *memory)
{
    uint64_t bit = LINUX_SIGNAL_BIT(signal);
    if (!pending_has_room(pending, signal))
        return -LINUX_EAGAIN;
    if (!(pending->set & bit)) {
        pending->set |= bit;
        pending->first[signal] = *info;
        return 0;
    }
    if (signal < LINUX_SIGRTMIN)
        return 0;                       /* merges with the one pending */
    struct queued_signal *instance = memory->allocate(sizeof *instance);
    if (!instance)
        return -LINUX_EAGAIN;
    *instance = (struct queued_signal){ .next = 0, .signal = signal, .info = *info };
    struct queued_signal **tail = &pending->queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = instance;
    pending->queue_length++;
    return 0;
}

struct signal_info pending_take(struct pending_signals *pending, unsigned signal,
                                const struct pending_memory *memory)
{
    struct signal_info taken = pending->first[signal];
    for (struct queued_signal **link = &pending->queue; *link; link = &(*link)->next) {
        struct queued_signal *instance = *link;
        if (instance->signal == signal) {
            pending->first[signal] = instance->info;
            *link = instance->next;
            pending->queue_length--;
            memory->free(instance);
            return taken;
        }
    }
    pending->set &= ~LINUX_SIGNAL_BIT(signal);
    return taken;
}

void pending_discard(struct pending_signals *pending, unsigned signal,
                     const struct pending_memory *memory)
{
    struct queued_signal **link = &pending->queue;
    while (*link) {
        struct queued_signal *instance = *link;
        if (signal == 0 || instance->signal == signal) {
            *link = instance->next;
            pending->queue_length--;
            memory->free(instance);
        } else {
            link = &instance->next;
        }
    }
    pending->set &= signal ? ~LINUX_SIGNAL_BIT(signal) : 0;
}

void pending_move(struct pending_signals *to, struct pending_signals *from)
{
    *to = *from;
    from->set = 0;
    from->queue = 0;
    from->queue_length = 0;
}
