/*
 * Host tests of libsys's file locks (sys/file_locks.h): ranges, splitting
 * and merging, conflicts, waiting and waking, deadlock detection, OFD
 * against POSIX owners, and flock's conversions.
 */
#include <stdlib.h>
#include "check.h"
#include "sys/file_locks.h"
#include "sys/linux_abi.h"

/* Callers behind tokens 1..MAX_TOKENS: whether each waits, and what it
 * was answered (NOT_ANSWERED until then). */
#define MAX_TOKENS 16
#define NOT_ANSWERED 12345
static bool token_waits[MAX_TOKENS + 1];
static int64_t token_answer[MAX_TOKENS + 1];
static bool token_dropped[MAX_TOKENS + 1];
static unsigned allocation_limit = 1000000;
static unsigned live_blocks;

static void *allocate(void *context, size_t size)
{
    (void)context;
    if (allocation_limit == 0)
        return NULL;
    allocation_limit--;
    live_blocks++;
    return malloc(size);
}

static void release(void *context, void *block)
{
    (void)context;
    live_blocks--;
    free(block);
}

static bool waiting(void *context, uint64_t token)
{
    (void)context;
    return token_waits[token];
}

/* A caller whose call ends just as it is answered. */
static bool token_gone_at_answer[MAX_TOKENS + 1];

static bool answer(void *context, uint64_t token, int64_t result)
{
    (void)context;
    token_waits[token] = false;
    if (token_gone_at_answer[token])
        return false;
    token_answer[token] = result;
    return true;
}

static void drop(void *context, uint64_t token)
{
    (void)context;
    token_dropped[token] = true;
}

static const struct file_lock_services services = {allocate, release, waiting, answer, drop, 0};
static int file_a, file_b;

static void start(struct file_locks *locks)
{
    file_locks_init(locks, &services);
    for (unsigned i = 0; i <= MAX_TOKENS; i++) {
        token_waits[i] = true;
        token_answer[i] = NOT_ANSWERED;
        token_dropped[i] = false;
        token_gone_at_answer[i] = false;
    }
    allocation_limit = 1000000;
}

/* Everything goes; no record may be left behind. */
static void finish(struct file_locks *locks)
{
    file_locks_forget_file(locks, &file_a);
    file_locks_forget_file(locks, &file_b);
    CHECK(locks->locks == NULL && locks->waiters == NULL);
    CHECK_EQ_U64(live_blocks, 0);
}

static struct file_lock posix(const void *file, uint32_t pid, int type, int64_t start,
                              int64_t end)
{
    return (struct file_lock){.file = file, .owner = pid, .pid = pid, .kind = FILE_LOCK_POSIX,
                              .type = (uint8_t)type, .start = start, .end = end};
}

static struct file_lock description(const void *file, uint64_t handle, int type, int64_t start,
                                    int64_t end)
{
    return (struct file_lock){.file = file, .owner = handle, .kind = FILE_LOCK_DESCRIPTION,
                              .type = (uint8_t)type, .start = start, .end = end};
}

static struct file_lock flock_lock(const void *file, uint64_t handle, int type)
{
    return (struct file_lock){.file = file, .owner = handle, .kind = FILE_LOCK_FLOCK,
                              .type = (uint8_t)type, .start = 0, .end = FILE_LOCK_OFFSET_MAX};
}

static int set(struct file_locks *locks, struct file_lock lock)
{
    return file_locks_set(locks, &lock, false, 0);
}

static int set_waiting(struct file_locks *locks, struct file_lock lock, uint64_t token)
{
    return file_locks_set(locks, &lock, true, token);
}

static unsigned count_locks(const struct file_locks *locks)
{
    unsigned count = 0;
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next)
        count++;
    return count;
}

/* Whether owner holds exactly [start, end] of type as one record. */
static bool holds(const struct file_locks *locks, uint64_t owner, int type, int64_t start,
                  int64_t end)
{
    for (const struct file_lock *lock = locks->locks; lock; lock = lock->next)
        if (lock->owner == owner && lock->type == type && lock->start == start &&
            lock->end == end)
            return true;
    return false;
}

static void read_locks_share_and_write_locks_conflict(void)
{
    struct file_locks locks;
    start(&locks);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 0, 9)), 0);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 2, FILE_LOCK_READ, 5, 14)), 0);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 3, FILE_LOCK_WRITE, 9, 9)), -LINUX_EAGAIN);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 3, FILE_LOCK_WRITE, 15, 20)), 0);
    CHECK_EQ_U64(set(&locks, posix(&file_b, 3, FILE_LOCK_WRITE, 0, 20)), 0);
    finish(&locks);
}

static void test_reports_the_conflicting_lock(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 7, FILE_LOCK_WRITE, 10, 19));
    struct file_lock request = posix(&file_a, 8, FILE_LOCK_READ, 0, 10), conflict;
    CHECK(file_locks_test(&locks, &request, &conflict));
    CHECK_EQ_U64(conflict.pid, 7);
    CHECK_EQ_U64(conflict.start, 10);
    CHECK_EQ_U64(conflict.end, 19);
    CHECK_EQ_U64(conflict.type, FILE_LOCK_WRITE);
    request = posix(&file_a, 7, FILE_LOCK_WRITE, 0, 100);
    CHECK(!file_locks_test(&locks, &request, &conflict));   /* its own never conflict */
    request = posix(&file_a, 8, FILE_LOCK_READ, 0, 9);
    CHECK(!file_locks_test(&locks, &request, &conflict));
    finish(&locks);
}

static void unlocking_the_middle_splits_a_lock(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 99));
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 40, 59)), 0);
    CHECK_EQ_U64(count_locks(&locks), 2);
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 0, 39));
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 60, 99));
    CHECK_EQ_U64(set(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 40, 59)), 0);
    finish(&locks);
}

static void another_type_in_the_middle_makes_three_locks(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, FILE_LOCK_OFFSET_MAX));
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 10, 19)), 0);
    CHECK_EQ_U64(count_locks(&locks), 3);
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 0, 9));
    CHECK(holds(&locks, 1, FILE_LOCK_READ, 10, 19));
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 20, FILE_LOCK_OFFSET_MAX));
    CHECK_EQ_U64(set(&locks, posix(&file_a, 2, FILE_LOCK_READ, 10, 19)), 0);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 2, FILE_LOCK_READ, 9, 19)), -LINUX_EAGAIN);
    finish(&locks);
}

static void adjacent_and_overlapping_locks_of_one_type_merge(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 0, 9));
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 20, 29));
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 10, 19));
    CHECK_EQ_U64(count_locks(&locks), 1);
    CHECK(holds(&locks, 1, FILE_LOCK_READ, 0, 29));
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 25, 40));
    CHECK(holds(&locks, 1, FILE_LOCK_READ, 0, 40));
    /* Adjacent locks of another type or owner stay apart. */
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 41, 50));
    set(&locks, posix(&file_a, 2, FILE_LOCK_READ, 51, 60));
    CHECK_EQ_U64(count_locks(&locks), 3);
    finish(&locks);
}

static void an_upgrade_covering_the_lock_replaces_it(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 5, 9));
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 20)), 0);
    CHECK_EQ_U64(count_locks(&locks), 1);
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 0, 20));
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, FILE_LOCK_OFFSET_MAX)), 0);
    CHECK_EQ_U64(count_locks(&locks), 0);
    finish(&locks);
}

static void no_memory_changes_nothing(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 99));
    /* A read lock in the middle needs two records: with one, nothing. */
    allocation_limit = 1;
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 40, 59)), -LINUX_ENOLCK);
    CHECK_EQ_U64(count_locks(&locks), 1);
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 0, 99));
    /* An unlock in the middle needs one. */
    allocation_limit = 0;
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 40, 59)), -LINUX_ENOLCK);
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 0, 99));
    /* Unlocking an end needs none. */
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 90, 99)), 0);
    CHECK(holds(&locks, 1, FILE_LOCK_WRITE, 0, 89));
    allocation_limit = 1000000;
    finish(&locks);
}

static void records_stop_at_the_limit_with_enolck(void)
{
    struct file_locks locks;
    start(&locks);
    /* Every other byte: no two locks merge. */
    for (unsigned i = 0; i < FILE_LOCKS_RECORDS_MAX; i++)
        set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 2 * (int64_t)i, 2 * (int64_t)i));
    CHECK_EQ_U64(count_locks(&locks), FILE_LOCKS_RECORDS_MAX);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 2 * FILE_LOCKS_RECORDS_MAX,
                                   2 * FILE_LOCKS_RECORDS_MAX)), -LINUX_ENOLCK);
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 0, 0), 1),
                 -LINUX_ENOLCK);
    /* Merging into a lock takes a record only for a moment; unlocking
     * whole locks takes none. */
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, 0)), 0);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 2)), 0);
    CHECK_EQ_U64(count_locks(&locks), FILE_LOCKS_RECORDS_MAX - 1);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, FILE_LOCK_OFFSET_MAX)), 0);
    CHECK_EQ_U64(count_locks(&locks), 0);
    finish(&locks);
}

static void a_waiter_gets_the_lock_when_it_goes(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 9));
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 5, 5), 3),
                 FILE_LOCKS_QUEUED);
    set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, 4));
    CHECK_EQ_U64(token_answer[3], NOT_ANSWERED);        /* byte 5 is still taken */
    set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 5, 9));
    CHECK_EQ_U64(token_answer[3], 0);
    CHECK(holds(&locks, 2, FILE_LOCK_WRITE, 5, 5));
    finish(&locks);
}

static void closing_a_file_drops_only_that_processes_posix_locks(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 0, 9));
    set(&locks, posix(&file_b, 1, FILE_LOCK_READ, 0, 9));
    set(&locks, posix(&file_a, 2, FILE_LOCK_READ, 0, 9));
    set(&locks, description(&file_a, 1, FILE_LOCK_READ, 0, 9));    /* handle 1, not pid 1 */
    set_waiting(&locks, posix(&file_a, 3, FILE_LOCK_WRITE, 0, 0), 4);
    file_locks_close_process(&locks, &file_a, 1);
    CHECK_EQ_U64(count_locks(&locks), 3);
    CHECK_EQ_U64(token_answer[4], NOT_ANSWERED);
    file_locks_close_process(&locks, &file_a, 2);
    CHECK_EQ_U64(token_answer[4], NOT_ANSWERED);        /* the OFD lock is still there */
    file_locks_close_description(&locks, &file_a, 1);
    CHECK_EQ_U64(token_answer[4], 0);
    finish(&locks);
}

static void a_vanished_waiter_is_dropped_not_granted(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 0));
    set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 0, 0), 5);
    set_waiting(&locks, posix(&file_a, 3, FILE_LOCK_WRITE, 0, 0), 6);
    token_waits[5] = false;                 /* a signal ended its call */
    set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, 0));
    CHECK(token_dropped[5]);
    CHECK_EQ_U64(token_answer[5], NOT_ANSWERED);
    CHECK_EQ_U64(token_answer[6], 0);
    CHECK(holds(&locks, 3, FILE_LOCK_WRITE, 0, 0));
    finish(&locks);
}

static void a_grant_nobody_hears_is_taken_back(void)
{
    struct file_locks locks;
    start(&locks);
    /* Process 2 holds a read lock on 0..9 and waits to make 5..5 a
     * write lock; its call ends as the grant goes out. */
    set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 5, 5));
    set(&locks, posix(&file_a, 2, FILE_LOCK_READ, 0, 9));
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 5, 5), 3),
                 FILE_LOCKS_QUEUED);
    token_gone_at_answer[3] = true;
    file_locks_close_process(&locks, &file_a, 1);
    CHECK_EQ_U64(count_locks(&locks), 1);
    CHECK(holds(&locks, 2, FILE_LOCK_READ, 0, 9));     /* as before it waited */
    /* A flock waiter had given up its lock when it asked: none now. */
    set(&locks, flock_lock(&file_b, 20, FILE_LOCK_WRITE));
    set_waiting(&locks, flock_lock(&file_b, 21, FILE_LOCK_WRITE), 5);
    token_gone_at_answer[5] = true;
    file_locks_close_description(&locks, &file_b, 20);
    CHECK(!file_locks_on(&locks, &file_b));
    finish(&locks);
}

static void waiters_are_granted_in_order_and_readers_together(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 0));
    set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_READ, 0, 0), 2);
    set_waiting(&locks, posix(&file_a, 3, FILE_LOCK_READ, 0, 0), 3);
    set_waiting(&locks, posix(&file_a, 4, FILE_LOCK_WRITE, 0, 0), 4);
    set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, 0));
    CHECK_EQ_U64(token_answer[2], 0);
    CHECK_EQ_U64(token_answer[3], 0);
    CHECK_EQ_U64(token_answer[4], NOT_ANSWERED);
    file_locks_close_process(&locks, &file_a, 2);
    file_locks_close_process(&locks, &file_a, 3);
    CHECK_EQ_U64(token_answer[4], 0);
    finish(&locks);
}

static void two_processes_waiting_for_each_other_deadlock(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 0));
    set(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 1, 1));
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 1, 1), 1),
                 FILE_LOCKS_QUEUED);
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 0, 0), 2),
                 -LINUX_EDEADLK);
    /* Across files of the server too, and through a third process. */
    set(&locks, posix(&file_b, 3, FILE_LOCK_WRITE, 0, 0));
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_b, 2, FILE_LOCK_WRITE, 0, 0), 3),
                 FILE_LOCKS_QUEUED);
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 3, FILE_LOCK_WRITE, 0, 0), 4),
                 -LINUX_EDEADLK);
    /* A waiter that went no longer counts. */
    token_waits[1] = false;
    CHECK_EQ_U64(set_waiting(&locks, posix(&file_a, 2, FILE_LOCK_WRITE, 0, 0), 5),
                 FILE_LOCKS_QUEUED);
    finish(&locks);
    CHECK_EQ_U64(token_answer[3], -LINUX_EBADF);    /* its file went */
}

static void ofd_locks_are_not_deadlock_checked(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, description(&file_a, 10, FILE_LOCK_WRITE, 0, 0));
    set(&locks, description(&file_a, 11, FILE_LOCK_WRITE, 1, 1));
    CHECK_EQ_U64(set_waiting(&locks, description(&file_a, 10, FILE_LOCK_WRITE, 1, 1), 1),
                 FILE_LOCKS_QUEUED);
    CHECK_EQ_U64(set_waiting(&locks, description(&file_a, 11, FILE_LOCK_WRITE, 0, 0), 2),
                 FILE_LOCKS_QUEUED);
    finish(&locks);
}

static void ofd_and_posix_locks_conflict_even_in_one_process(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 9));
    CHECK_EQ_U64(set(&locks, description(&file_a, 1, FILE_LOCK_READ, 0, 0)), -LINUX_EAGAIN);
    set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, 9));
    CHECK_EQ_U64(set(&locks, description(&file_a, 1, FILE_LOCK_WRITE, 0, 0)), 0);
    CHECK_EQ_U64(set(&locks, description(&file_a, 2, FILE_LOCK_WRITE, 0, 0)), -LINUX_EAGAIN);
    CHECK_EQ_U64(set(&locks, posix(&file_a, 1, FILE_LOCK_READ, 0, 0)), -LINUX_EAGAIN);
    finish(&locks);
}

static void closing_a_description_refuses_its_waiters(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, description(&file_a, 10, FILE_LOCK_WRITE, 0, 0));
    set_waiting(&locks, description(&file_a, 11, FILE_LOCK_WRITE, 0, 0), 7);
    file_locks_close_description(&locks, &file_a, 11);
    CHECK_EQ_U64(token_answer[7], -LINUX_EBADF);
    finish(&locks);
}

static void flock_and_posix_locks_are_independent(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, FILE_LOCK_OFFSET_MAX));
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 20, FILE_LOCK_WRITE)), 0);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 21, FILE_LOCK_READ)), -LINUX_EAGAIN);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_b, 21, FILE_LOCK_WRITE)), 0);
    finish(&locks);
}

static void flock_converts_and_shares(void)
{
    struct file_locks locks;
    start(&locks);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 20, FILE_LOCK_READ)), 0);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 21, FILE_LOCK_READ)), 0);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 20, FILE_LOCK_READ)), 0);
    CHECK_EQ_U64(count_locks(&locks), 2);
    /* Upgrading while another shares fails, and the shared lock is gone
     * by then (Linux drops it first). */
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 20, FILE_LOCK_WRITE)), -LINUX_EAGAIN);
    CHECK_EQ_U64(count_locks(&locks), 1);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 21, FILE_LOCK_WRITE)), 0);
    CHECK_EQ_U64(count_locks(&locks), 1);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 21, FILE_LOCK_READ)), 0);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 20, FILE_LOCK_READ)), 0);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 21, FILE_LOCK_UNLOCK)), 0);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 21, FILE_LOCK_UNLOCK)), 0);
    CHECK_EQ_U64(count_locks(&locks), 1);
    finish(&locks);
}

static void a_flock_conversion_wakes_waiters(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, flock_lock(&file_a, 20, FILE_LOCK_WRITE));
    CHECK_EQ_U64(set_waiting(&locks, flock_lock(&file_a, 21, FILE_LOCK_READ), 8),
                 FILE_LOCKS_QUEUED);
    CHECK_EQ_U64(set(&locks, flock_lock(&file_a, 20, FILE_LOCK_READ)), 0);
    CHECK_EQ_U64(token_answer[8], 0);
    finish(&locks);
}

static void on_tells_whether_anything_is_on_a_file(void)
{
    struct file_locks locks;
    start(&locks);
    CHECK(!file_locks_on(&locks, &file_a));
    set(&locks, posix(&file_a, 1, FILE_LOCK_WRITE, 0, 0));
    CHECK(file_locks_on(&locks, &file_a));
    CHECK(!file_locks_on(&locks, &file_b));
    set(&locks, posix(&file_a, 1, FILE_LOCK_UNLOCK, 0, 0));
    CHECK(!file_locks_on(&locks, &file_a));
    set(&locks, flock_lock(&file_b, 20, FILE_LOCK_WRITE));
    set_waiting(&locks, flock_lock(&file_b, 21, FILE_LOCK_WRITE), 1);
    file_locks_close_description(&locks, &file_b, 20);
    CHECK(file_locks_on(&locks, &file_b));      /* the waiter's, granted */
    file_locks_close_description(&locks, &file_b, 21);
    CHECK(!file_locks_on(&locks, &file_b));
    finish(&locks);
}

static void prune_lets_go_of_vanished_waiters(void)
{
    struct file_locks locks;
    start(&locks);
    set(&locks, flock_lock(&file_a, 20, FILE_LOCK_WRITE));
    set_waiting(&locks, flock_lock(&file_a, 21, FILE_LOCK_WRITE), 9);
    set_waiting(&locks, flock_lock(&file_a, 22, FILE_LOCK_WRITE), 10);
    token_waits[9] = false;
    file_locks_prune(&locks);
    CHECK(token_dropped[9]);
    CHECK(!token_dropped[10]);
    CHECK(locks.waiters && locks.waiters->token == 10 && !locks.waiters->next);
    finish(&locks);
}

int main(void)
{
    read_locks_share_and_write_locks_conflict();
    test_reports_the_conflicting_lock();
    unlocking_the_middle_splits_a_lock();
    another_type_in_the_middle_makes_three_locks();
    adjacent_and_overlapping_locks_of_one_type_merge();
    an_upgrade_covering_the_lock_replaces_it();
    no_memory_changes_nothing();
    records_stop_at_the_limit_with_enolck();
    a_waiter_gets_the_lock_when_it_goes();
    closing_a_file_drops_only_that_processes_posix_locks();
    a_vanished_waiter_is_dropped_not_granted();
    waiters_are_granted_in_order_and_readers_together();
    a_grant_nobody_hears_is_taken_back();
    two_processes_waiting_for_each_other_deadlock();
    ofd_locks_are_not_deadlock_checked();
    ofd_and_posix_locks_conflict_even_in_one_process();
    closing_a_description_refuses_its_waiters();
    flock_and_posix_locks_are_independent();
    flock_converts_and_shares();
    a_flock_conversion_wakes_waiters();
    prune_lets_go_of_vanished_waiters();
    on_tells_whether_anything_is_on_a_file();
    return check_report();
}
