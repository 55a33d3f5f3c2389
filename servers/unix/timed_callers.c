#include "timed_callers.h"

#define TIMEOUT_HZ 250

struct timed_caller *timed_callers_find(struct timed_callers *callers, uint64_t reply)
{
    if (!callers->count)
        return 0;
    for (unsigned i = 0; i < TIMED_CALLERS_CAPACITY; i++)
        if (callers->entry[i].reply == reply)
            return &callers->entry[i];
    return 0;
}

struct timed_caller *timed_callers_add(struct timed_callers *callers, uint64_t reply,
                                       uint64_t deadline, unsigned registers)
{
    for (unsigned i = 0; i < TIMED_CALLERS_CAPACITY; i++) {
        struct timed_caller *entry = &callers->entry[i];
        if (!entry->reply) {
            *entry = (struct timed_caller){.reply = reply, .deadline = deadline,
                                           .registers = registers};
            callers->count++;
            return entry;
        }
    }
    return 0;
}

void timed_callers_remove(struct timed_callers *callers, struct timed_caller *entry)
{
    entry->reply = 0;
    callers->count--;
}

uint64_t timed_callers_earliest(const struct timed_callers *callers)
{
    uint64_t earliest = 0;
    for (unsigned i = 0; callers->count && i < TIMED_CALLERS_CAPACITY; i++) {
        const struct timed_caller *entry = &callers->entry[i];
        if (entry->reply && !entry->expired && (!earliest || entry->deadline < earliest))
            earliest = entry->deadline;
    }
    return earliest;
}

uint64_t timed_deadline(uint64_t now, uint64_t frequency, uint64_t jiffies)
{
    uint64_t seconds = jiffies / TIMEOUT_HZ, rest = jiffies % TIMEOUT_HZ;
    if (seconds > (UINT64_MAX - now) / frequency / 2)
        return UINT64_MAX;
    return now + seconds * frequency + rest * frequency / TIMEOUT_HZ;
}
