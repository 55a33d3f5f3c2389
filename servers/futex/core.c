/*
 * Futex wait queues: a fixed pool of waiters, linked into hash buckets in
 * arrival order, those with a deadline into one list in deadline order,
 * and each caller's waiters into a ring of siblings. See core.h for what
 * each operation promises.
 */
#include "core.h"

#include "sys/linux_abi.h"

void futex_table_init(struct futex_table *table, struct futex_waiter *pool, unsigned pool_size,
                      struct futex_summary *summary)
{
    *table = (struct futex_table){ .pool = pool, .pool_size = pool_size, .summary = summary };
    for (unsigned i = pool_size; i-- > 0;) {
        pool[i] = (struct futex_waiter){ .next = table->free_waiters };
        table->free_waiters = &pool[i];
    }
}

struct futex_key futex_key_of(uint64_t pid, uint64_t key, uint64_t address)
{
    if (key != 0)
        return (struct futex_key){ .shared = true, .pid = 0, .word = key };
    return (struct futex_key){ .shared = false, .pid = pid, .word = address };
}

static bool keys_equal(struct futex_key a, struct futex_key b)
{
    return a.shared == b.shared && a.pid == b.pid && a.word == b.word;
}

static unsigned bucket_index(struct futex_key key)
{
    return futex_summary_bucket(key.shared, key.pid, key.word);
}

static struct futex_bucket *bucket_of(struct futex_table *table, struct futex_key key)
{
    return &table->buckets[bucket_index(key)];
}

/* The summary's count of a bucket (sys/protocol/futex.h) goes up or down. */
static void count_waiting(struct futex_table *table, unsigned bucket, int change)
{
    uint16_t *count = &table->summary->waiting[bucket];
    __atomic_store_n(count, (uint16_t)(*count + change), __ATOMIC_RELAXED);
}

/* A waiter counts itself before its word is compared, and the count is
 * seen before the word is read (a waker stores its word, then reads the
 * count: one of the two sees the other's store). */
static void announce_waiter(struct futex_table *table, unsigned bucket)
{
    count_waiting(table, bucket, 1);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void bucket_append(struct futex_bucket *bucket, struct futex_waiter *waiter)
{
    waiter->next = 0;
    waiter->previous = bucket->last;
    if (bucket->last)
        bucket->last->next = waiter;
    else
        bucket->first = waiter;
    bucket->last = waiter;
}

static void bucket_remove(struct futex_bucket *bucket, struct futex_waiter *waiter)
{
    if (waiter->previous)
        waiter->previous->next = waiter->next;
    else
        bucket->first = waiter->next;
    if (waiter->next)
        waiter->next->previous = waiter->previous;
    else
        bucket->last = waiter->previous;
    waiter->next = 0;
    waiter->previous = 0;
}

/* Puts a waiter with a deadline in deadline order, after those with the
 * same one (they came first). Searched from the latest: deadlines mostly
 * come in order, so the search mostly stops at once. */
static void deadline_insert(struct futex_table *table, struct futex_waiter *waiter)
{
    struct futex_waiter *earlier = table->latest;
    while (earlier && earlier->deadline > waiter->deadline)
        earlier = earlier->earlier;
    waiter->earlier = earlier;
    waiter->later = earlier ? earlier->later : table->earliest;
    if (waiter->later)
        waiter->later->earlier = waiter;
    else
        table->latest = waiter;
    if (earlier)
        earlier->later = waiter;
    else
        table->earliest = waiter;
    table->timed_waiter_count++;
}

static void deadline_remove(struct futex_table *table, struct futex_waiter *waiter)
{
    if (waiter->earlier)
        waiter->earlier->later = waiter->later;
    else
        table->earliest = waiter->later;
    if (waiter->later)
        waiter->later->earlier = waiter->earlier;
    else
        table->latest = waiter->earlier;
    waiter->earlier = 0;
    waiter->later = 0;
    table->timed_waiter_count--;
}

/* Takes the waiter out of its queue and back into the free list. */
static void forget_waiter(struct futex_table *table, struct futex_waiter *waiter)
{
    bucket_remove(&table->buckets[waiter->bucket], waiter);
    count_waiting(table, waiter->bucket, -1);
    if (waiter->deadline)
        deadline_remove(table, waiter);
    waiter->queued = false;
    waiter->next = table->free_waiters;
    table->free_waiters = waiter;
    table->waiter_count--;
}

/* Takes the waiter and its siblings (the caller's other futexes) out;
 * returns the caller's handle, which is the caller's to answer or
 * release. */
static uint64_t forget_caller(struct futex_table *table, struct futex_waiter *waiter)
{
    uint64_t handle = waiter->handle;
    struct futex_waiter *sibling = waiter;
    do {
        struct futex_waiter *leaving = sibling;
        sibling = leaving->sibling;
        forget_waiter(table, leaving);
    } while (sibling != waiter);
    return handle;
}

/* Wakes the caller of a waiter found in bucket: answers it the waiter's
 * index. Returns whether it was there to count, and in *next where the
 * scan goes on: the caller's siblings left too, and if next was one of
 * them the scan starts over (the woken are gone, and the waiters passed
 * over still do not match). */
static bool wake_caller(struct futex_table *table, struct futex_bucket *bucket,
                        struct futex_waiter *waiter, struct futex_waiter **next,
                        futex_answer_function *answer, void *context)
{
    uint32_t index = waiter->index;
    bool counted = answer(context, forget_caller(table, waiter), index);
    if (*next && !(*next)->queued)
        *next = bucket->first;
    return counted;
}

static bool is_aligned(uint64_t address)
{
    return address % sizeof(uint32_t) == 0;
}

/* Takes a free waiter and queues it; the caller made sure one is free. */
static struct futex_waiter *queue_waiter(struct futex_table *table, struct futex_key key,
                                         unsigned bucket, uint64_t pid, uint64_t handle,
                                         uint64_t deadline, uint32_t bitset, uint32_t index)
{
    struct futex_waiter *waiter = table->free_waiters;
    table->free_waiters = waiter->next;
    *waiter = (struct futex_waiter){
        .sibling = waiter,
        .key = key,
        .pid = pid,
        .handle = handle,
        .deadline = deadline,
        .bitset = bitset,
        .index = index,
        .bucket = (uint16_t)bucket,
        .queued = true,
    };
    bucket_append(&table->buckets[bucket], waiter);     /* counted already: announce_waiter */
    table->waiter_count++;
    if (deadline)
        deadline_insert(table, waiter);
    return waiter;
}

int64_t futex_wait(struct futex_table *table, const struct futex_wait_request *request,
                   uint64_t now, futex_read_word_function *read_word, void *context)
{
    if (request->bitset == 0 || !is_aligned(request->address))
        return -LINUX_EINVAL;
    struct futex_key key = futex_key_of(request->pid, request->key, request->address);
    unsigned bucket = bucket_index(key);
    announce_waiter(table, bucket);
    uint32_t value;
    int64_t result = read_word(context, request->address, &value);
    if (result == 0 && value != request->expected)
        result = -LINUX_EAGAIN;
    else if (result == 0 && request->deadline != 0 && request->deadline <= now)
        result = -LINUX_ETIMEDOUT;
    else if (result == 0 && !table->free_waiters)
        result = -LINUX_ENOMEM;
    if (result < 0) {
        count_waiting(table, bucket, -1);   /* the announcement goes; a waiter keeps it */
        return result;
    }
    queue_waiter(table, key, bucket, request->pid, request->handle, request->deadline,
                 request->bitset, 0);
    return FUTEX_QUEUED;
}

int64_t futex_waitv(struct futex_table *table, const struct futex_waitv_request *request,
                    uint64_t now, futex_read_word_function *read_word, void *context)
{
    const struct futex_waitv_entry *entries = request->entries;
    if (request->count == 0 || request->count > FUTEX_WAITV_MAX)
        return -LINUX_EINVAL;
    /* Linux names every futex (the alignment check) before it reads any. */
    for (uint32_t i = 0; i < request->count; i++) {
        if (!is_aligned(entries[i].address))
            return -LINUX_EINVAL;
    }
    struct futex_key keys[FUTEX_WAITV_MAX];
    unsigned buckets[FUTEX_WAITV_MAX];
    for (uint32_t i = 0; i < request->count; i++) {
        keys[i] = futex_key_of(request->pid, entries[i].key, entries[i].address);
        buckets[i] = bucket_index(keys[i]);
        announce_waiter(table, buckets[i]);
    }
    int64_t result = 0;
    for (uint32_t i = 0; i < request->count && result == 0; i++) {
        uint32_t value;
        result = read_word(context, entries[i].address, &value);
        if (result == 0 && value != entries[i].expected)
            result = -LINUX_EAGAIN;
    }
    if (result == 0 && request->deadline != 0 && request->deadline <= now)
        result = -LINUX_ETIMEDOUT;
    if (result == 0 && table->pool_size - table->waiter_count < request->count)
        result = -LINUX_ENOMEM;
    if (result == 0) {
        struct futex_waiter *first = 0, *last = 0;
        for (uint32_t i = 0; i < request->count; i++) {
            struct futex_waiter *waiter = queue_waiter(table, keys[i], buckets[i], request->pid,
                                                       request->handle, request->deadline, ~0u,
                                                       i);
            if (last)
                last->sibling = waiter;
            else
                first = waiter;
            last = waiter;
        }
        last->sibling = first;
        return FUTEX_QUEUED;
    }
    /* The announcements go; queued waiters keep theirs. */
    for (uint32_t i = 0; i < request->count; i++)
        count_waiting(table, buckets[i], -1);
    return result;
}

/* Wakes up to count callers waiting on key with a bitset that meets
 * bitset, oldest first. Linux stops after the waiter that reaches count,
 * so a count of 0 or less still wakes one. */
static int64_t wake_futex(struct futex_table *table, struct futex_key key, int32_t count,
                          uint32_t bitset, futex_answer_function *answer, void *context)
{
    int64_t limit = count > 0 ? count : 1;
    struct futex_bucket *bucket = bucket_of(table, key);
    int64_t woken = 0;
    struct futex_waiter *next;
    for (struct futex_waiter *waiter = bucket->first; waiter && woken < limit; waiter = next) {
        next = waiter->next;
        if (!keys_equal(waiter->key, key) || !(waiter->bitset & bitset))
            continue;
        if (wake_caller(table, bucket, waiter, &next, answer, context))
            woken++;
    }
    return woken;
}

int64_t futex_wake(struct futex_table *table, const struct futex_wake_request *request,
                   futex_answer_function *answer, void *context)
{
    if (request->bitset == 0 || !is_aligned(request->address))
        return -LINUX_EINVAL;
    struct futex_key key = futex_key_of(request->pid, request->key, request->address);
    return wake_futex(table, key, request->count, request->bitset, answer, context);
}

int64_t futex_wake_op(struct futex_table *table, const struct futex_wake_op_request *request,
                      futex_answer_function *answer, void *context)
{
    if (!is_aligned(request->address) || !is_aligned(request->address2))
        return -LINUX_EINVAL;
    struct futex_key key = futex_key_of(request->pid, request->key, request->address);
    int64_t woken = wake_futex(table, key, request->count, ~0u, answer, context);
    if (request->wake2) {
        struct futex_key key2 = futex_key_of(request->pid, request->key2, request->address2);
        woken += wake_futex(table, key2, request->count2, ~0u, answer, context);
    }
    return woken;
}

int64_t futex_requeue(struct futex_table *table, const struct futex_requeue_request *request,
                      futex_read_word_function *read_word, futex_answer_function *answer,
                      void *context)
{
    if (request->wake_count < 0 || request->requeue_count < 0)
        return -LINUX_EINVAL;
    if (!is_aligned(request->address) || !is_aligned(request->address2))
        return -LINUX_EINVAL;
    if (request->compare) {
        uint32_t value;
        int error = read_word(context, request->address, &value);
        if (error)
            return error;
        if (value != request->expected)
            return -LINUX_EAGAIN;
    }
    struct futex_key from = futex_key_of(request->pid, request->key, request->address);
    struct futex_key to = futex_key_of(request->pid, request->key2, request->address2);
    unsigned from_bucket = bucket_index(from), to_bucket = bucket_index(to);
    struct futex_bucket *bucket = &table->buckets[from_bucket];
    /* Waiters to requeue are gathered first: appended at once, they could
     * land in the bucket being scanned and be met again. */
    struct futex_bucket moving = { 0 };
    int64_t woken = 0, requeued = 0;
    struct futex_waiter *next;
    for (struct futex_waiter *waiter = bucket->first; waiter; waiter = next) {
        next = waiter->next;
        if (woken >= request->wake_count && requeued >= request->requeue_count)
            break;
        if (!keys_equal(waiter->key, from))
            continue;
        if (woken < request->wake_count) {
            if (wake_caller(table, bucket, waiter, &next, answer, context))
                woken++;
            continue;
        }
        bucket_remove(bucket, waiter);
        count_waiting(table, from_bucket, -1);
        bucket_append(&moving, waiter);
        requeued++;
    }
    for (struct futex_waiter *waiter = moving.first; waiter; waiter = next) {
        next = waiter->next;
        waiter->key = to;
        waiter->bucket = (uint16_t)to_bucket;
        bucket_append(&table->buckets[to_bucket], waiter);
        count_waiting(table, to_bucket, 1);
    }
    return woken + requeued;
}

uint64_t futex_expire(struct futex_table *table, uint64_t now, futex_answer_function *answer,
                      void *context)
{
    while (table->earliest && table->earliest->deadline <= now)
        answer(context, forget_caller(table, table->earliest), -LINUX_ETIMEDOUT);
    return futex_earliest_deadline(table);
}

bool futex_cancel(struct futex_table *table, uint64_t handle)
{
    for (unsigned i = 0; i < table->pool_size; i++) {
        struct futex_waiter *waiter = &table->pool[i];
        if (waiter->queued && waiter->handle == handle) {
            forget_caller(table, waiter);
            return true;
        }
    }
    return false;
}

unsigned futex_cancel_selected(struct futex_table *table, futex_select_function *select,
                               void *context)
{
    unsigned cancelled = 0;
    for (unsigned i = 0; i < table->pool_size; i++) {
        struct futex_waiter *waiter = &table->pool[i];
        if (waiter->queued && select(context, waiter->handle)) {
            forget_caller(table, waiter);
            cancelled++;
        }
    }
    return cancelled;
}

unsigned futex_cancel_process(struct futex_table *table, uint64_t pid,
                              void (*release)(void *context, uint64_t handle), void *context)
{
    unsigned cancelled = 0;
    for (unsigned i = 0; i < table->pool_size; i++) {
        struct futex_waiter *waiter = &table->pool[i];
        if (waiter->queued && waiter->pid == pid) {
            release(context, forget_caller(table, waiter));
            cancelled++;
        }
    }
    return cancelled;
}
