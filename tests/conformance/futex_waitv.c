/* futex_waitv: a thread waits on several futexes, private and shared, and
 * a wake of any one returns its index and leaves no waiter on the others;
 * 128 futexes at once; EAGAIN when any word differs (compared as 32
 * bits); absolute timeouts on CLOCK_MONOTONIC and CLOCK_REALTIME; Linux
 * 6.1's EINVALs and EFAULTs, in its order; a child process woken through
 * a shared word, and one killed while waiting leaves no waiter behind; a
 * requeue moves one of the futexes; a signal interrupts the wait (EINTR,
 * or a restart with SA_RESTART). */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include "check.h"
#include "futex.h"

static int words[FUTEX_WAITV_MAX], parking;
static volatile sig_atomic_t handled;

struct waiter {
    struct futex_waitv entries[FUTEX_WAITV_MAX];
    unsigned count;
    long result;
    int error;
    pthread_t thread;
};

static struct futex_waitv entry(int *word, int flags)
{
    return (struct futex_waitv){
        .val = (uint32_t)*word, .uaddr = (uintptr_t)word, .flags = FUTEX_32 | flags,
    };
}

static void *wait_on_entries(void *argument)
{
    struct waiter *waiter = argument;
    errno = 0;
    waiter->result = futex_waitv(waiter->entries, waiter->count, NULL, 0);
    waiter->error = errno;
    return NULL;
}

/* Parks the caller's futex at word (flags its own) on `parking` once it
 * sleeps, then moves it back: then the caller is known to be asleep. */
static void wait_until_asleep(int *word, int *parking_word, int flags)
{
    futex_park_waiters(word, parking_word, 1, flags);
    REQUIRE(futex_cmp_requeue(parking_word, 0, INT_MAX, word, *parking_word, flags) == 1);
}

static void start_waiter(struct waiter *waiter)
{
    REQUIRE(pthread_create(&waiter->thread, NULL, wait_on_entries, waiter) == 0);
    struct futex_waitv *first = &waiter->entries[0];
    wait_until_asleep((int *)(uintptr_t)first->uaddr, &parking,
                      first->flags & FUTEX_PRIVATE_FLAG);
}

/* Whether clock reads deadline or later. */
static int reached(int clock, const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static struct timespec in_50_ms(int clock)
{
    struct timespec deadline;
    clock_gettime(clock, &deadline);
    deadline.tv_nsec += 50000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    return deadline;
}

/* Three futexes (private, shared, private); waking each in turn returns
 * its index, and the caller is gone from the other two. */
static void check_wake_any(void)
{
    for (unsigned woken = 0; woken < 3; woken++) {
        struct waiter waiter = {.count = 3};
        waiter.entries[0] = entry(&words[0], FUTEX_PRIVATE_FLAG);
        waiter.entries[1] = entry(&words[1], 0);
        waiter.entries[2] = entry(&words[2], FUTEX_PRIVATE_FLAG);
        start_waiter(&waiter);
        int flags = woken == 1 ? 0 : FUTEX_PRIVATE_FLAG;
        CHECK_EQ(futex_wake(&words[woken], INT_MAX, flags), 1);
        pthread_join(waiter.thread, NULL);
        CHECK_EQ(waiter.result, woken);
        CHECK_EQ(futex_wake(&words[0], INT_MAX, FUTEX_PRIVATE_FLAG), 0);
        CHECK_EQ(futex_wake(&words[1], INT_MAX, 0), 0);
        CHECK_EQ(futex_wake(&words[2], INT_MAX, FUTEX_PRIVATE_FLAG), 0);
    }
}

/* The most futexes Linux takes at once; one wake of the 101st. */
static void check_many(void)
{
    static struct waiter waiter = {.count = FUTEX_WAITV_MAX};
    for (int i = 0; i < FUTEX_WAITV_MAX; i++)
        waiter.entries[i] = entry(&words[i], i % 2 ? 0 : FUTEX_PRIVATE_FLAG);
    start_waiter(&waiter);
    CHECK_EQ(futex_wake(&words[100], 1, FUTEX_PRIVATE_FLAG), 1);
    pthread_join(waiter.thread, NULL);
    CHECK_EQ(waiter.result, 100);
    long left = 0;
    for (int i = 0; i < FUTEX_WAITV_MAX; i++)
        left += futex_wake(&words[i], INT_MAX, i % 2 ? 0 : FUTEX_PRIVATE_FLAG);
    CHECK_EQ(left, 0);
}

/* A requeue moves one of the caller's futexes; a wake there finds it. */
static void check_requeue(void)
{
    struct waiter waiter = {.count = 2};
    waiter.entries[0] = entry(&words[0], FUTEX_PRIVATE_FLAG);
    waiter.entries[1] = entry(&words[1], FUTEX_PRIVATE_FLAG);
    start_waiter(&waiter);
    CHECK_EQ(futex_cmp_requeue(&words[1], 0, 1, &words[3], words[1], FUTEX_PRIVATE_FLAG), 1);
    CHECK_EQ(futex_wake(&words[1], INT_MAX, FUTEX_PRIVATE_FLAG), 0);
    CHECK_EQ(futex_wake(&words[3], INT_MAX, FUTEX_PRIVATE_FLAG), 1);
    pthread_join(waiter.thread, NULL);
    CHECK_EQ(waiter.result, 1);
    CHECK_EQ(futex_wake(&words[0], INT_MAX, FUTEX_PRIVATE_FLAG), 0);
}

static void check_values_and_timeouts(void)
{
    struct futex_waitv entries[3] = {
        entry(&words[0], FUTEX_PRIVATE_FLAG), entry(&words[1], 0),
        entry(&words[2], FUTEX_PRIVATE_FLAG),
    };
    /* A word that differs, in the middle. */
    entries[1].val = 5;
    CHECK_ERRNO(futex_waitv(entries, 3, NULL, 0), EAGAIN);
    entries[1].val = 0;
    /* Only the low 32 bits of val count (6.1). */
    struct timespec past = {0, 0};
    entries[2].val = 1ULL << 32;
    CHECK_ERRNO(futex_waitv(entries, 3, &past, CLOCK_MONOTONIC), ETIMEDOUT);
    entries[2].val = 0;
    CHECK_ERRNO(futex_waitv(entries, 3, &past, CLOCK_REALTIME), ETIMEDOUT);
    /* The words are compared before the timeout. */
    entries[0].val = 1;
    CHECK_ERRNO(futex_waitv(entries, 3, &past, CLOCK_MONOTONIC), EAGAIN);
    entries[0].val = 0;

    static const int clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
    for (int c = 0; c < 2; c++) {
        struct timespec deadline = in_50_ms(clocks[c]);
        CHECK_ERRNO(futex_waitv(entries, 3, &deadline, clocks[c]), ETIMEDOUT);
        CHECK(reached(clocks[c], &deadline));
    }
}

static void check_errors(void)
{
    static struct futex_waitv many[FUTEX_WAITV_MAX + 1];
    for (int i = 0; i <= FUTEX_WAITV_MAX; i++)
        many[i] = entry(&words[i % FUTEX_WAITV_MAX], FUTEX_PRIVATE_FLAG);
    many[0].val = 1;     /* were the call to go on, EAGAIN */
    CHECK_ERRNO(syscall(SYS_futex_waitv, many, 1, 1, NULL, 0), EINVAL);
    CHECK_ERRNO(futex_waitv(many, 0, NULL, 0), EINVAL);
    CHECK_ERRNO(futex_waitv(many, FUTEX_WAITV_MAX + 1, NULL, 0), EINVAL);
    CHECK_ERRNO(futex_waitv(NULL, 1, NULL, 0), EINVAL);
    CHECK_ERRNO(futex_waitv(many, FUTEX_WAITV_MAX, NULL, 0), EAGAIN);

    /* An entry's flags: 32 bits only, private or not, nothing else. */
    static const uint32_t bad_flags[] = {
        0, 1, 3, FUTEX_PRIVATE_FLAG, FUTEX_32 | 4, FUTEX_32 | FUTEX_CLOCK_REALTIME,
        FUTEX_32 | 0x80000000u,
    };
    struct futex_waitv entries[2] = {
        entry(&words[0], FUTEX_PRIVATE_FLAG), entry(&words[1], FUTEX_PRIVATE_FLAG),
    };
    entries[0].val = 1;
    for (unsigned i = 0; i < sizeof bad_flags / sizeof bad_flags[0]; i++) {
        entries[1].flags = bad_flags[i];
        CHECK_ERRNO(futex_waitv(entries, 2, NULL, 0), EINVAL);
    }
    entries[1].flags = FUTEX_32;
    entries[1].__reserved = 1;
    CHECK_ERRNO(futex_waitv(entries, 2, NULL, 0), EINVAL);
    entries[1].__reserved = 0;
    CHECK_ERRNO(futex_waitv(entries, 2, NULL, 0), EAGAIN);

    /* Timeouts: the clock (only when there is a timeout), then the time. */
    struct timespec bad_nanoseconds = {0, 1000000000}, negative = {-1, 0}, past = {0, 0};
    CHECK_ERRNO(futex_waitv(entries, 2, &past, CLOCK_BOOTTIME), EINVAL);
    CHECK_ERRNO(futex_waitv(entries, 2, &past, CLOCK_PROCESS_CPUTIME_ID), EINVAL);
    CHECK_ERRNO(futex_waitv(entries, 2, NULL, CLOCK_BOOTTIME), EAGAIN);
    CHECK_ERRNO(futex_waitv(entries, 2, &bad_nanoseconds, CLOCK_MONOTONIC), EINVAL);
    CHECK_ERRNO(futex_waitv(entries, 2, &negative, CLOCK_REALTIME), EINVAL);

    /* Memory that is not there. */
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(page != MAP_FAILED);
    REQUIRE(munmap(page + 4096, 4096) == 0);
    int *hole = (int *)(page + 4096);
    struct timespec *hole_time = (struct timespec *)(page + 4096);
    CHECK_ERRNO(futex_waitv((struct futex_waitv *)hole, 1, NULL, 0), EFAULT);
    CHECK_ERRNO(futex_waitv(entries, 2, hole_time, CLOCK_MONOTONIC), EFAULT);
    /* An array running into the hole. */
    struct futex_waitv *straddling = (struct futex_waitv *)(page + 4096) - 1;
    *straddling = entry(&words[0], FUTEX_PRIVATE_FLAG);
    straddling->val = 1;
    CHECK_ERRNO(futex_waitv(straddling, 1, NULL, 0), EAGAIN);
    CHECK_ERRNO(futex_waitv(straddling, 2, NULL, 0), EFAULT);
    for (int flags = 0; flags <= FUTEX_PRIVATE_FLAG; flags += FUTEX_PRIVATE_FLAG) {
        struct futex_waitv bad_word[2] = {
            entry(&words[0], FUTEX_PRIVATE_FLAG),
            {.uaddr = (uintptr_t)hole, .flags = FUTEX_32 | flags},
        };
        CHECK_ERRNO(futex_waitv(bad_word, 2, NULL, 0), EFAULT);
        CHECK_ERRNO(futex_waitv(&bad_word[1], 1, NULL, 0), EFAULT);
        bad_word[1].uaddr = (uintptr_t)((char *)&words[1] + 2);
        CHECK_ERRNO(futex_waitv(bad_word, 2, NULL, 0), EINVAL);
    }

    /* Linux's order: the timeout before the entries; every entry's flags,
     * then every futex's name (alignment), then the words in order. */
    entries[1].flags = 0;
    CHECK_ERRNO(futex_waitv(entries, 2, hole_time, CLOCK_MONOTONIC), EFAULT);
    CHECK_ERRNO(futex_waitv(entries, 2, hole_time, CLOCK_BOOTTIME), EINVAL);
    entries[1].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
    struct futex_waitv ordered[2] = {
        {.uaddr = (uintptr_t)hole, .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG},
        {.uaddr = (uintptr_t)((char *)&words[1] + 1), .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG},
    };
    CHECK_ERRNO(futex_waitv(ordered, 2, NULL, 0), EINVAL);
    ordered[1] = entry(&words[1], FUTEX_PRIVATE_FLAG);
    ordered[1].val = 1;
    CHECK_ERRNO(futex_waitv(ordered, 2, NULL, 0), EFAULT);
    ordered[0] = ordered[1];
    ordered[1] = (struct futex_waitv){.uaddr = (uintptr_t)hole,
                                      .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG};
    CHECK_ERRNO(futex_waitv(ordered, 2, NULL, 0), EAGAIN);
    munmap(page, 4096);
}

/* Children wait on two shared words: one is woken (its index is its
 * exit status), one is killed and leaves nothing behind. */
static void check_across_processes(void)
{
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    int *child_parking = &shared[2];
    struct futex_waitv entries[2] = {entry(&shared[0], 0), entry(&shared[1], 0)};
    pid_t child = fork();
    if (child == 0)
        _exit((int)futex_waitv(entries, 2, NULL, 0));
    wait_until_asleep(&shared[0], child_parking, 0);
    CHECK_EQ(futex_wake(&shared[1], INT_MAX, 0), 1);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    CHECK_EQ(futex_wake(&shared[0], INT_MAX, 0), 0);

    child = fork();
    if (child == 0)
        _exit((int)futex_waitv(entries, 2, NULL, 0));
    wait_until_asleep(&shared[0], child_parking, 0);
    CHECK_EQ(kill(child, SIGKILL), 0);
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK_EQ(futex_wake(&shared[0], INT_MAX, 0), 0);
    CHECK_EQ(futex_wake(&shared[1], INT_MAX, 0), 0);
    /* Nor does the dead one take a wake from a live waiter. */
    struct waiter waiter = {.count = 1};
    waiter.entries[0] = entry(&shared[1], 0);
    start_waiter(&waiter);
    CHECK_EQ(futex_wake(&shared[1], 1, 0), 1);
    pthread_join(waiter.thread, NULL);
    CHECK_EQ(waiter.result, 0);
    munmap(shared, 4096);
}

static void note_signal(int signal)
{
    (void)signal;
    handled = 1;
}

/* A handler interrupts the wait: EINTR, or with SA_RESTART the call
 * goes on and a later wake ends it. */
static void check_signals(void)
{
    for (int restart = 0; restart < 2; restart++) {
        struct sigaction action = {.sa_handler = note_signal, .sa_flags = restart ? SA_RESTART : 0};
        REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
        handled = 0;
        struct waiter waiter = {.count = 2};
        waiter.entries[0] = entry(&words[0], FUTEX_PRIVATE_FLAG);
        waiter.entries[1] = entry(&words[1], 0);
        start_waiter(&waiter);
        CHECK_EQ(pthread_kill(waiter.thread, SIGUSR1), 0);
        while (!handled)
            usleep(1000);
        if (restart) {
            /* Woken once the restarted call sleeps again. */
            long woken;
            while ((woken = futex_wake(&words[1], INT_MAX, 0)) == 0)
                usleep(1000);
            CHECK_EQ(woken, 1);
        }
        pthread_join(waiter.thread, NULL);
        if (restart) {
            CHECK_EQ(waiter.result, 1);
        } else {
            CHECK(waiter.result == -1 && waiter.error == EINTR);
        }
        CHECK_EQ(futex_wake(&words[0], INT_MAX, FUTEX_PRIVATE_FLAG), 0);
        CHECK_EQ(futex_wake(&words[1], INT_MAX, 0), 0);
    }
}

int main(void)
{
    check_wake_any();
    check_many();
    check_requeue();
    check_values_and_timeouts();
    check_errors();
    check_across_processes();
    check_signals();

    printf("woken on each of 3 and 1 of 128 by index, EAGAIN, timeouts on both clocks, "
           "errors in Linux's order, across processes, killed, interrupted\n");
    return check_finish("futex_waitv");
}
