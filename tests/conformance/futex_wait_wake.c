/* Raw FUTEX_WAIT and FUTEX_WAKE between threads: EAGAIN when the word
 * differs, ETIMEDOUT after a relative timeout (and FUTEX_WAIT_BITSET's
 * absolute one, on CLOCK_MONOTONIC and with FUTEX_CLOCK_REALTIME on
 * CLOCK_REALTIME), exact wake counts, wake with no waiters, and the same
 * with FUTEX_PRIVATE_FLAG. */
#include <pthread.h>

#include "check.h"
#include "futex.h"

enum { waiters = 4 };

static int word, parking;
static int wait_flags;
static int woken;

static void *wait_once(void *unused)
{
    (void)unused;
    long result = futex_wait(&word, 0, NULL, wait_flags);
    __atomic_add_fetch(&woken, 1, __ATOMIC_RELEASE);
    return (void *)result;
}

static long long monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Whether clock reads deadline or later. */
static int reached(int clock, const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

/* Four waiters asleep, then woken 2, 1, then the rest; counts exact. */
static void check_wake_counts(int flags)
{
    wait_flags = flags;
    word = 0;
    woken = 0;
    pthread_t threads[waiters];
    for (int i = 0; i < waiters; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, wait_once, NULL), 0);
    CHECK_EQ(futex_park_waiters(&word, &parking, waiters, flags), waiters);
    CHECK_EQ(futex_wake(&word, INT_MAX, flags), 0);
    CHECK_EQ(futex_wake(&parking, 2, flags), 2);
    while (__atomic_load_n(&woken, __ATOMIC_ACQUIRE) < 2)
        usleep(1000);
    CHECK_EQ(futex_wake(&parking, 1, flags), 1);
    CHECK_EQ(futex_wake(&parking, INT_MAX, flags), 1);
    CHECK_EQ(futex_wake(&parking, INT_MAX, flags), 0);
    int all_returned_zero = 1;
    for (int i = 0; i < waiters; i++) {
        void *result;
        CHECK_EQ(pthread_join(threads[i], &result), 0);
        if ((long)result != 0)
            all_returned_zero = 0;
    }
    CHECK(all_returned_zero);
}

int main(void)
{
    static const int flag_variants[] = {0, FUTEX_PRIVATE_FLAG};
    for (int v = 0; v < 2; v++) {
        int flags = flag_variants[v];
        int value = 5;
        /* The word is not the expected value. */
        CHECK_ERRNO(futex_wait(&value, 6, NULL, flags), EAGAIN);
        /* A relative timeout expires. */
        struct timespec timeout = {0, 50000000};
        long long start = monotonic_ns();
        CHECK_ERRNO(futex_wait(&value, 5, &timeout, flags), ETIMEDOUT);
        CHECK(monotonic_ns() - start >= 50000000LL);
        struct timespec zero = {0, 0};
        CHECK_ERRNO(futex_wait(&value, 5, &zero, flags), ETIMEDOUT);
        /* No waiters: nothing to wake. */
        CHECK_EQ(futex_wake(&value, 1, flags), 0);
        CHECK_EQ(futex_wake(&value, INT_MAX, flags), 0);
        CHECK_EQ(value, 5);

        /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. */
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_nsec += 50000000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
        CHECK_ERRNO(syscall(SYS_futex, &value, FUTEX_WAIT_BITSET | flags, 5,
                            &deadline, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
        CHECK(reached(CLOCK_MONOTONIC, &deadline));
        /* A deadline in the past. */
        CHECK_ERRNO(syscall(SYS_futex, &value, FUTEX_WAIT_BITSET | flags, 5,
                            &zero, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
        /* With FUTEX_CLOCK_REALTIME, an absolute CLOCK_REALTIME one. */
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 50000000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
        CHECK_ERRNO(syscall(SYS_futex, &value, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | flags,
                            5, &deadline, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
        CHECK(reached(CLOCK_REALTIME, &deadline));
        CHECK_ERRNO(syscall(SYS_futex, &value, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | flags,
                            5, &zero, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);

        check_wake_counts(flags);
    }

    printf("EAGAIN, ETIMEDOUT, wake counts 2+1+1 of 4, shared and private\n");
    return check_finish("futex_wait_wake");
}
