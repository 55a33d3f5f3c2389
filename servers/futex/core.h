/*
 * The futex server's state machine: wait queues in a hash table, with no
 * IPC in it (main.c binds it to the protocol of sys/protocol/futex.h).
 *
 * A waiter is a caller blocked on one futex: an opaque handle (for the
 * server, the reply object its caller is bound to), the futex it waits
 * on, its bitset and its deadline. A FUTEX_WAIT is one waiter; a
 * FUTEX_WAITV is one per futex, all with the caller's handle and linked
 * in a ring, so that whatever ends one of them (a wake, the deadline, a
 * cancellation) takes the caller out of every queue at once. Waiters come
 * from a fixed pool the server sizes, so memory is bounded: a wait that
 * finds too few free fails with -ENOMEM (Linux cannot run out this way;
 * it is the nearest errno).
 *
 * Futexes are named as Linux names them: a private futex by (pid,
 * address), so equal addresses in two processes never meet; a shared one
 * by the key procmgr computed for the physical word, the same in every
 * process, with the address left out. The two kinds never match each
 * other.
 *
 * The core never touches client memory or answers a caller itself: it
 * reads the futex word and lets waiters go through the callbacks below,
 * so the compare and the queueing happen in one step against every wake
 * (the server is single-threaded).
 */
#ifndef SERVERS_FUTEX_CORE_H
#define SERVERS_FUTEX_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/protocol/futex.h"

/* Reads the 32-bit word at address, of the caller of the request being
 * decided, into *value: returns 0, or -LINUX_EFAULT when the word cannot
 * be read. */
typedef int futex_read_word_function(void *context, uint64_t address, uint32_t *value);

/* Answers a caller that leaves the table with result (woken: the index
 * of the futex that woke it, 0 for a FUTEX_WAIT; -LINUX_ETIMEDOUT ...);
 * the handle is the server's again afterwards. Returns whether the
 * caller was still waiting: a waiter whose caller vanished was never
 * woken, so it is not counted. */
typedef bool futex_answer_function(void *context, uint64_t handle, int64_t result);

/* Says whether a caller should be cancelled (and, if so, takes its handle
 * back: the table forgets it without answering). */
typedef bool futex_select_function(void *context, uint64_t handle);

struct futex_key {
    bool shared;
    uint64_t pid;               /* private: the process; shared: 0 */
    uint64_t word;              /* private: the address; shared: procmgr's key */
};

struct futex_waiter {
    struct futex_waiter *next;      /* in its bucket, or in the free list */
    struct futex_waiter *previous;  /* in its bucket */
    /* The caller's next waiter, in a ring: the other futexes of its
     * FUTEX_WAITV, or itself alone. */
    struct futex_waiter *sibling;
    struct futex_key key;
    uint64_t pid;                   /* whose thread waits, for either kind */
    uint64_t handle;
    uint64_t deadline;              /* CNTVCT ticks, 0: none */
    /* With a deadline: its neighbours in the table's deadline order. */
    struct futex_waiter *earlier;
    struct futex_waiter *later;
    uint32_t bitset;
    uint32_t index;                 /* its entry of a FUTEX_WAITV: the answer to a wake */
    uint16_t bucket;                /* where its key hashes (bucket_index) */
    bool queued;
};

#define FUTEX_BUCKET_COUNT FUTEX_SUMMARY_BUCKETS   /* the summary counts each */

/* Waiters of every futex that hashes to the bucket, oldest first: FIFO
 * per futex falls out of scanning in order. */
struct futex_bucket {
    struct futex_waiter *first;
    struct futex_waiter *last;
};

struct futex_table {
    struct futex_bucket buckets[FUTEX_BUCKET_COUNT];
    struct futex_waiter *pool;
    unsigned pool_size;
    struct futex_waiter *free_waiters;
    unsigned waiter_count;
    unsigned timed_waiter_count;    /* of those, the ones with a deadline */
    /* The waiters with a deadline, earliest first, ties in arrival order:
     * every request asks for the earliest (the timer follows it). */
    struct futex_waiter *earliest;
    struct futex_waiter *latest;
    /* The counts clients read (sys/protocol/futex.h). */
    struct futex_summary *summary;
};

/* FUTEX_WAIT registers and the caller's identity. key 0: private. */
struct futex_wait_request {
    uint64_t pid;
    uint64_t key;
    uint64_t address;
    uint32_t expected;
    uint64_t deadline;
    uint32_t bitset;
    uint64_t handle;
};

struct futex_wake_request {
    uint64_t pid;
    uint64_t key;
    uint64_t address;
    int32_t count;              /* Linux's int: 0 or less still wakes one */
    uint32_t bitset;
};

/* FUTEX_WAITV: the entries as the protocol carries them. */
struct futex_waitv_request {
    uint64_t pid;
    const struct futex_waitv_entry *entries;
    uint32_t count;
    uint64_t deadline;
    uint64_t handle;
};

/* FUTEX_WAKE_OP, once the personality did the operation: wake2 says
 * whether the comparison held (the second futex is woken only then). */
struct futex_wake_op_request {
    uint64_t pid;
    uint64_t key;
    uint64_t address;
    int32_t count;
    uint64_t key2;
    uint64_t address2;
    int32_t count2;
    bool wake2;
};

struct futex_requeue_request {
    uint64_t pid;
    uint64_t key;
    uint64_t address;
    int32_t wake_count;
    int32_t requeue_count;
    uint64_t key2;
    uint64_t address2;
    bool compare;               /* FUTEX_CMP_REQUEUE: the word must hold expected */
    uint32_t expected;
};

/* What futex_wait returns when the caller now waits (its handle is the
 * table's until it is answered or cancelled). */
#define FUTEX_QUEUED 1

/* pool[0..pool_size) becomes the table's supply of waiters; summary
 * (zeroed) the counts it keeps for clients. */
void futex_table_init(struct futex_table *table, struct futex_waiter *pool, unsigned pool_size,
                      struct futex_summary *summary);

/* The name of the futex at address for pid, given the key register. */
struct futex_key futex_key_of(uint64_t pid, uint64_t key, uint64_t address);

/* FUTEX_WAIT: FUTEX_QUEUED, or the answer now: -EINVAL (bitset 0,
 * address not 4-byte aligned), the read's -EFAULT, -EAGAIN (the word is
 * not expected), -ETIMEDOUT (the deadline is at or before now), -ENOMEM
 * (no free waiter). */
int64_t futex_wait(struct futex_table *table, const struct futex_wait_request *request,
                   uint64_t now, futex_read_word_function *read_word, void *context);

/* FUTEX_WAITV: FUTEX_QUEUED, or the answer now: -EINVAL (count 0 or
 * above FUTEX_WAITV_MAX, an address not 4-byte aligned), the first
 * failed read's -EFAULT, -EAGAIN (a word is not its entry's expected:
 * the words are read in order up to the first that differs), -ETIMEDOUT
 * (the deadline is at or before now), -ENOMEM (fewer free waiters than
 * entries). Queued, the caller waits on every futex of the request with
 * bitset ~0, one waiter each (in the pool's count as many). */
int64_t futex_waitv(struct futex_table *table, const struct futex_waitv_request *request,
                    uint64_t now, futex_read_word_function *read_word, void *context);

/* FUTEX_WAKE: wakes up to count callers waiting on the futex with a
 * bitset that meets the request's, oldest first; returns how many were
 * woken, or -EINVAL (bitset 0, unaligned address). A caller of a
 * FUTEX_WAITV counts once and leaves its other queues. */
int64_t futex_wake(struct futex_table *table, const struct futex_wake_request *request,
                   futex_answer_function *answer, void *context);

/* FUTEX_WAKE_OP: wakes up to count callers on the first futex and, with
 * wake2, up to count2 on the second (any bitset; a count of 0 or less
 * wakes one, as for FUTEX_WAKE); returns the sum, or -EINVAL (an
 * unaligned address). */
int64_t futex_wake_op(struct futex_table *table, const struct futex_wake_op_request *request,
                      futex_answer_function *answer, void *context);

/* FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to wake_count waiters of
 * the first futex (any bitset), then moves up to requeue_count of the
 * rest, in order, to the back of the second futex's queue. Returns woken
 * + requeued (Linux returns that for both operations), or -EINVAL
 * (negative count, unaligned address), the read's -EFAULT, -EAGAIN (with
 * compare, the word is not expected). */
int64_t futex_requeue(struct futex_table *table, const struct futex_requeue_request *request,
                      futex_read_word_function *read_word, futex_answer_function *answer,
                      void *context);

/* Answers -ETIMEDOUT to every caller whose deadline is at or before now,
 * earliest deadline first (ties in arrival order). Returns the earliest
 * deadline still pending, 0 for none. */
uint64_t futex_expire(struct futex_table *table, uint64_t now, futex_answer_function *answer,
                      void *context);

/* The earliest deadline of any waiter, 0 for none. */
static inline uint64_t futex_earliest_deadline(const struct futex_table *table)
{
    return table->earliest ? table->earliest->deadline : 0;   /* asked after every request */
}

/* Takes the caller with handle out of the table (every futex it waits
 * on) without answering it; returns whether there was one. The
 * interruption hook: whoever cancels a wait (a signal) answers the
 * handle itself, with -EINTR. */
bool futex_cancel(struct futex_table *table, uint64_t handle);

/* Cancels every caller for which select says so (asked once each);
 * returns how many. */
unsigned futex_cancel_selected(struct futex_table *table, futex_select_function *select,
                               void *context);

/* Cancels every caller of process pid (it died), private or shared,
 * handing each handle to release once; returns how many. */
unsigned futex_cancel_process(struct futex_table *table, uint64_t pid,
                              void (*release)(void *context, uint64_t handle), void *context);

#endif
