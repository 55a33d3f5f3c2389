/* Robust futex lists at a thread's end: robust_list.h. */
#include "robust_list.h"

enum robust_death robust_futex_death(uint32_t word, uint32_t tid, bool pending, bool pi,
                                     uint32_t *marked)
{
    uint32_t owner = word & FUTEX_TID_MASK;
    if (pending && !pi && owner == 0)
        return ROBUST_WAKE;
    if (owner != tid)
        return ROBUST_LEAVE;
    /* Marked even if FUTEX_OWNER_DIED is already set, and a waiter woken
     * again: a thread that took the word over from a dead owner may die
     * in turn before it could tidy up. */
    *marked = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    return !pi && (word & FUTEX_WAITERS) ? ROBUST_MARK_AND_WAKE : ROBUST_MARK;
}

/* The futex word at address after thread tid died: 0, or -1 to end the
 * walk (a fault, a misaligned word). */
static int futex_death(const struct robust_list_memory *memory, uint64_t address,
                       uint32_t tid, bool pending, bool pi)
{
    uint32_t word;
    if ((address & 3) || memory->read(memory->context, address, &word, sizeof word) < 0)
        return -1;
    for (unsigned attempt = 0; attempt < ROBUST_WORD_ATTEMPTS; attempt++) {
        uint32_t marked = 0;
        enum robust_death death = robust_futex_death(word, tid, pending, pi, &marked);
        if (death == ROBUST_LEAVE)
            return 0;
        if (death == ROBUST_WAKE) {
            memory->wake(memory->context, address);
            return 0;
        }
        int swapped = memory->compare_exchange(memory->context, address, word, marked, &word);
        if (swapped < 0)
            return -1;
        if (swapped) {
            if (death == ROBUST_MARK_AND_WAKE)
                memory->wake(memory->context, address);
            return 0;
        }
        /* Changed meanwhile (a waiter set FUTEX_WAITERS): decide again. */
    }
    return 0;
}

/* An entry pointer as the list stores it: the address, and bit 0 for PI. */
static uint64_t entry_address(uint64_t pointer)
{
    return pointer & ~(uint64_t)1;
}

void robust_list_release(const struct robust_list_memory *memory, uint64_t head, uint32_t tid)
{
    uint64_t words[3];          /* list.next, futex_offset, list_op_pending */
    if (memory->read(memory->context, head, words, sizeof words) < 0)
        return;
    uint64_t entry = entry_address(words[0]), pending = entry_address(words[2]);
    bool pi = words[0] & 1;
    uint64_t offset = words[1];         /* signed: the sum wraps as it should */
    /* A cycle (Brent's): the walk has come back to a mark put on an
     * entry it passed, moved ever further apart. */
    uint64_t mark = entry;
    unsigned since_mark = 0, mark_distance = 1;
    for (unsigned limit = ROBUST_LIST_LIMIT; entry != head;) {
        /* The next entry first: once the word is marked, another thread
         * may take the mutex and reuse its memory. */
        uint64_t next;
        int fetched = memory->read(memory->context, entry, &next, sizeof next);
        /* The pending entry may be in the list too: it is done last. */
        if (entry != pending && futex_death(memory, entry + offset, tid, false, pi) < 0)
            return;
        if (fetched < 0)
            return;
        entry = entry_address(next);
        pi = next & 1;
        if (--limit == 0 || entry == mark)
            break;
        if (++since_mark == mark_distance) {
            mark = entry;
            since_mark = 0;
            mark_distance *= 2;
        }
    }
    if (pending)
        futex_death(memory, pending + offset, tid, true, words[2] & 1);
}
