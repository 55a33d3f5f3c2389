/* Robust futex lists at a thread's end (servers/procmgr/robust_list.c):
 * what each futex word becomes, the walk through a list in a fake
 * address space, and how it ends on faults, a cycle, the limit. */
#include "check.h"
#include "robust_list.h"

#define TID 1234u
#define OTHER 99u
#define BASE 0x100000ull
#define SIZE (1u << 20)

/* A process's memory: SIZE bytes at BASE, readable from BASE to
 * readable_end and writable from BASE to writable_end. */
static uint8_t bytes[SIZE];
static uint64_t readable_end, writable_end;
static uint64_t woken[8192];
static unsigned wake_count, read_count;
/* Compare-and-swaps that find the word changed: another thread sets or
 * clears FUTEX_WAITERS just before each of them. */
static unsigned interference;

static void memory_reset(void)
{
    memset(bytes, 0, sizeof bytes);
    readable_end = writable_end = BASE + SIZE;
    wake_count = read_count = interference = 0;
}

static uint32_t *word_at(uint64_t address)
{
    return (uint32_t *)&bytes[address - BASE];
}

static void put_pointer(uint64_t address, uint64_t value)
{
    memcpy(&bytes[address - BASE], &value, sizeof value);
}

static int fake_read(void *context, uint64_t address, void *into, unsigned length)
{
    (void)context;
    read_count++;
    if (address < BASE || address > readable_end || length > readable_end - address)
        return -1;
    memcpy(into, &bytes[address - BASE], length);
    return 0;
}

static int fake_compare_exchange(void *context, uint64_t address, uint32_t expected,
                                 uint32_t desired, uint32_t *found)
{
    (void)context;
    if (address < BASE || address + 4 > writable_end)
        return -1;
    if (interference) {
        interference--;
        *word_at(address) ^= FUTEX_WAITERS;
    }
    *found = *word_at(address);
    if (*found != expected)
        return 0;
    *word_at(address) = desired;
    return 1;
}

static void fake_wake(void *context, uint64_t address)
{
    (void)context;
    if (wake_count < sizeof woken / sizeof woken[0])
        woken[wake_count] = address;
    wake_count++;
}

static const struct robust_list_memory memory = {
    fake_read, fake_compare_exchange, fake_wake, 0,
};

/* musl's layout: the head in the thread's descriptor, each entry a
 * mutex's _m_next, its futex word (_m_lock) offset bytes away. */
#define HEAD (BASE + 0x100)
#define OFFSET (-8)
#define ENTRY(n) (BASE + 0x1000 + (uint64_t)(n) * 0x40)
#define WORD(n) (ENTRY(n) + OFFSET)

static void set_head(uint64_t first, uint64_t pending)
{
    put_pointer(HEAD, first);
    put_pointer(HEAD + 8, (uint64_t)(int64_t)OFFSET);
    put_pointer(HEAD + 16, pending);
}

/* Entries 0 .. count-1 linked in order, the last back to the head. */
static void link_entries(unsigned count)
{
    for (unsigned n = 0; n < count; n++)
        put_pointer(ENTRY(n), n + 1 < count ? ENTRY(n + 1) : HEAD);
    set_head(count ? ENTRY(0) : HEAD, 0);
}

static void a_word_the_thread_owns_is_marked(void)
{
    uint32_t marked = 0;
    CHECK_EQ_U64(robust_futex_death(TID, TID, false, false, &marked), ROBUST_MARK);
    CHECK_EQ_U64(marked, FUTEX_OWNER_DIED);
    CHECK_EQ_U64(robust_futex_death(TID | FUTEX_WAITERS, TID, false, false, &marked),
                 ROBUST_MARK_AND_WAKE);
    CHECK_EQ_U64(marked, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    /* Taken over from a dead owner, and dead in turn: marked and woken again. */
    CHECK_EQ_U64(robust_futex_death(TID | FUTEX_OWNER_DIED | FUTEX_WAITERS, TID, false, false,
                                    &marked), ROBUST_MARK_AND_WAKE);
    CHECK_EQ_U64(marked, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    /* A PI futex's waiters are not woken here. */
    CHECK_EQ_U64(robust_futex_death(TID | FUTEX_WAITERS, TID, false, true, &marked),
                 ROBUST_MARK);
    CHECK_EQ_U64(marked, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    /* The pending entry too, if the thread got it. */
    CHECK_EQ_U64(robust_futex_death(TID, TID, true, false, &marked), ROBUST_MARK);
}

static void another_owner_is_left_alone(void)
{
    uint32_t marked = 0x5555;
    CHECK_EQ_U64(robust_futex_death(OTHER | FUTEX_WAITERS, TID, false, false, &marked),
                 ROBUST_LEAVE);
    CHECK_EQ_U64(robust_futex_death(0, TID, false, false, &marked), ROBUST_LEAVE);
    CHECK_EQ_U64(robust_futex_death(FUTEX_OWNER_DIED, TID, false, false, &marked),
                 ROBUST_LEAVE);
    CHECK_EQ_U64(robust_futex_death(OTHER, TID, true, false, &marked), ROBUST_LEAVE);
    /* Only the tid bits count. */
    CHECK_EQ_U64(robust_futex_death(TID + (1u << 30), OTHER, false, false, &marked),
                 ROBUST_LEAVE);
    CHECK_EQ_U64(marked, 0x5555);
}

static void a_pending_word_without_owner_wakes_a_waiter(void)
{
    uint32_t marked = 0;
    CHECK_EQ_U64(robust_futex_death(0, TID, true, false, &marked), ROBUST_WAKE);
    CHECK_EQ_U64(robust_futex_death(FUTEX_WAITERS | FUTEX_OWNER_DIED, TID, true, false,
                                    &marked), ROBUST_WAKE);
    CHECK_EQ_U64(robust_futex_death(0, TID, true, true, &marked), ROBUST_LEAVE);
}

static void the_walk_marks_the_threads_words_and_wakes_their_waiters(void)
{
    memory_reset();
    link_entries(4);
    *word_at(WORD(0)) = TID;
    *word_at(WORD(1)) = OTHER | FUTEX_WAITERS;
    *word_at(WORD(2)) = TID | FUTEX_WAITERS;
    *word_at(WORD(3)) = 0;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED);
    CHECK_EQ_U64(*word_at(WORD(1)), OTHER | FUTEX_WAITERS);
    CHECK_EQ_U64(*word_at(WORD(2)), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(*word_at(WORD(3)), 0);
    CHECK_EQ_U64(wake_count, 1);
    CHECK_EQ_U64(woken[0], WORD(2));
}

static void an_empty_list_does_nothing(void)
{
    memory_reset();
    link_entries(0);
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(wake_count, 0);
    CHECK_EQ_U64(read_count, 1);        /* the head */
}

static void the_pending_entry_comes_last_and_once(void)
{
    memory_reset();
    link_entries(2);
    put_pointer(HEAD + 16, ENTRY(1));   /* being unlocked, still listed */
    *word_at(WORD(0)) = TID | FUTEX_WAITERS;
    *word_at(WORD(1)) = TID | FUTEX_WAITERS;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(1)), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(wake_count, 2);
    CHECK_EQ_U64(woken[0], WORD(0));
    CHECK_EQ_U64(woken[1], WORD(1));

    /* Unlocked but its waiter not woken yet when the thread died. */
    memory_reset();
    link_entries(1);
    put_pointer(ENTRY(5), HEAD);
    put_pointer(HEAD + 16, ENTRY(5));
    *word_at(WORD(5)) = 0;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(5)), 0);
    CHECK_EQ_U64(wake_count, 1);
    CHECK_EQ_U64(woken[0], WORD(5));
}

static void a_pi_entry_is_marked_without_a_wake(void)
{
    memory_reset();
    link_entries(2);
    put_pointer(ENTRY(0), ENTRY(1) | 1);        /* entry 1 is PI */
    *word_at(WORD(0)) = TID | FUTEX_WAITERS;
    *word_at(WORD(1)) = TID | FUTEX_WAITERS;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(*word_at(WORD(1)), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(wake_count, 1);
    CHECK_EQ_U64(woken[0], WORD(0));

    /* The head's first entry and pending carry the bit too. */
    memory_reset();
    link_entries(1);
    put_pointer(HEAD, ENTRY(0) | 1);
    put_pointer(ENTRY(7), HEAD);
    put_pointer(HEAD + 16, ENTRY(7) | 1);
    *word_at(WORD(0)) = TID | FUTEX_WAITERS;
    *word_at(WORD(7)) = 0;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(wake_count, 0);
}

static void an_unreadable_head_does_nothing(void)
{
    memory_reset();
    link_entries(1);
    *word_at(WORD(0)) = TID;
    readable_end = HEAD + 16;           /* list_op_pending cannot be read */
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), TID);
    robust_list_release(&memory, 0, TID);
    robust_list_release(&memory, ~0ull - 8, TID);
    CHECK_EQ_U64(wake_count, 0);
}

static void an_entry_whose_next_cannot_be_read_is_the_last(void)
{
    memory_reset();
    link_entries(3);
    put_pointer(ENTRY(1), 0x10);        /* corrupt: nothing there */
    put_pointer(HEAD + 16, ENTRY(2));
    *word_at(WORD(0)) = TID;
    *word_at(WORD(1)) = TID;
    *word_at(WORD(2)) = TID;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED);
    CHECK_EQ_U64(*word_at(WORD(1)), FUTEX_OWNER_DIED);
    /* Entry 2 is not reached, and a fault ends it before the pending one
     * too, as in Linux. */
    CHECK_EQ_U64(*word_at(WORD(2)), TID);

    /* The next pointer itself faults: that entry is still done. */
    memory_reset();
    link_entries(2);
    *word_at(WORD(0)) = TID;
    *word_at(WORD(1)) = TID;
    readable_end = ENTRY(1) + 4;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED);
    CHECK_EQ_U64(*word_at(WORD(1)), FUTEX_OWNER_DIED);
}

static void a_word_that_faults_ends_the_walk(void)
{
    memory_reset();
    link_entries(3);
    put_pointer(HEAD + 16, ENTRY(2));
    *word_at(WORD(0)) = TID;
    *word_at(WORD(1)) = TID;
    *word_at(WORD(2)) = TID;
    writable_end = WORD(1);             /* readable, not writable */
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED);
    CHECK_EQ_U64(*word_at(WORD(1)), TID);
    CHECK_EQ_U64(*word_at(WORD(2)), TID);

    /* Not the thread's: read, never written, and the walk goes on. */
    memory_reset();
    link_entries(2);
    *word_at(WORD(0)) = OTHER;
    *word_at(WORD(1)) = TID;
    writable_end = WORD(1);
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), OTHER);
    CHECK_EQ_U64(*word_at(WORD(1)), TID);   /* faults: its own */

    /* A misaligned word ends it too. */
    memory_reset();
    link_entries(2);
    put_pointer(HEAD + 8, (uint64_t)(OFFSET + 1));
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(read_count, 2);            /* the head, entry 0's next */
}

static void a_word_changed_meanwhile_is_decided_again(void)
{
    memory_reset();
    link_entries(1);
    *word_at(WORD(0)) = TID;
    interference = 1;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(wake_count, 1);

    /* One that never holds still is given up; the walk goes on. */
    memory_reset();
    link_entries(2);
    *word_at(WORD(0)) = TID;
    *word_at(WORD(1)) = TID;
    interference = ROBUST_WORD_ATTEMPTS;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), TID);   /* toggled an even number of times */
    CHECK_EQ_U64(*word_at(WORD(1)), FUTEX_OWNER_DIED);
}

static void the_walk_stops_after_the_limit(void)
{
    memory_reset();
    unsigned count = ROBUST_LIST_LIMIT + 500;
    link_entries(count);
    for (unsigned n = 0; n < count; n++)
        *word_at(WORD(n)) = TID;
    put_pointer(ENTRY(count + 1), HEAD);
    put_pointer(HEAD + 16, ENTRY(count + 1));
    *word_at(WORD(count + 1)) = TID;
    robust_list_release(&memory, HEAD, TID);
    unsigned marked = 0;
    for (unsigned n = 0; n < count; n++)
        marked += *word_at(WORD(n)) == FUTEX_OWNER_DIED;
    CHECK_EQ_U64(marked, ROBUST_LIST_LIMIT);
    CHECK_EQ_U64(*word_at(WORD(ROBUST_LIST_LIMIT - 1)), FUTEX_OWNER_DIED);
    CHECK_EQ_U64(*word_at(WORD(ROBUST_LIST_LIMIT)), TID);
    CHECK_EQ_U64(*word_at(WORD(count + 1)), FUTEX_OWNER_DIED);    /* pending still */
}

static void a_cycle_ends_the_walk_early(void)
{
    /* 0 -> 1 -> ... -> 9 -> 3 -> ...: every word once, far from the limit. */
    memory_reset();
    link_entries(10);
    put_pointer(ENTRY(9), ENTRY(3));
    for (unsigned n = 0; n < 10; n++)
        *word_at(WORD(n)) = TID | FUTEX_WAITERS;
    put_pointer(ENTRY(12), HEAD);
    put_pointer(HEAD + 16, ENTRY(12));
    *word_at(WORD(12)) = TID;
    robust_list_release(&memory, HEAD, TID);
    unsigned marked = 0;
    for (unsigned n = 0; n < 10; n++)
        marked += *word_at(WORD(n)) == (FUTEX_OWNER_DIED | FUTEX_WAITERS);
    CHECK_EQ_U64(marked, 10);
    CHECK_EQ_U64(wake_count, 10);
    CHECK(read_count < 60);
    CHECK_EQ_U64(*word_at(WORD(12)), FUTEX_OWNER_DIED);

    /* An entry that points at itself. */
    memory_reset();
    link_entries(1);
    put_pointer(ENTRY(0), ENTRY(0));
    *word_at(WORD(0)) = TID;
    robust_list_release(&memory, HEAD, TID);
    CHECK_EQ_U64(*word_at(WORD(0)), FUTEX_OWNER_DIED);
    CHECK(read_count < 8);
}

int main(void)
{
    RUN_TEST(a_word_the_thread_owns_is_marked);
    RUN_TEST(another_owner_is_left_alone);
    RUN_TEST(a_pending_word_without_owner_wakes_a_waiter);
    RUN_TEST(the_walk_marks_the_threads_words_and_wakes_their_waiters);
    RUN_TEST(an_empty_list_does_nothing);
    RUN_TEST(the_pending_entry_comes_last_and_once);
    RUN_TEST(a_pi_entry_is_marked_without_a_wake);
    RUN_TEST(an_unreadable_head_does_nothing);
    RUN_TEST(an_entry_whose_next_cannot_be_read_is_the_last);
    RUN_TEST(a_word_that_faults_ends_the_walk);
    RUN_TEST(a_word_changed_meanwhile_is_decided_again);
    RUN_TEST(the_walk_stops_after_the_limit);
    RUN_TEST(a_cycle_ends_the_walk_early);
    return check_report();
}
