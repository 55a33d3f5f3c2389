/* FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: wake some waiters, move others to
 * a second word where a later wake finds them; the compare fails with
 * EAGAIN when the word changed; the result counts woken plus moved. */
#include <pthread.h>

#include "check.h"
#include "futex.h"

enum { waiters = 5 };

static int first, second, third;
static int woken;

static void *wait_on_first(void *unused)
{
    (void)unused;
    long result = futex_wait(&first, 0, NULL, FUTEX_PRIVATE_FLAG);
    __atomic_add_fetch(&woken, 1, __ATOMIC_RELEASE);
    return (void *)result;
}

static void wait_for_woken(int count)
{
    while (__atomic_load_n(&woken, __ATOMIC_ACQUIRE) < count)
        usleep(1000);
}

int main(void)
{
    const int private = FUTEX_PRIVATE_FLAG;
    pthread_t threads[waiters];
    for (int i = 0; i < waiters; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, wait_on_first, NULL), 0);
    /* All five asleep on `third`, then moved back to `first`. */
    CHECK_EQ(futex_park_waiters(&first, &third, waiters, private), waiters);
    CHECK_EQ(futex_cmp_requeue(&third, 0, INT_MAX, &first, 0, private), waiters);

    /* The compare fails: nothing happens. */
    CHECK_ERRNO(futex_cmp_requeue(&first, 1, INT_MAX, &second, 1, private), EAGAIN);

    /* Wake 1, move 2: result 3. */
    CHECK_EQ(futex_cmp_requeue(&first, 1, 2, &second, 0, private), 3);
    wait_for_woken(1);
    /* Two left on first, two on second. Plain FUTEX_REQUEUE (no compare)
     * wakes none and moves one more. */
    CHECK_EQ(syscall(SYS_futex, &first, FUTEX_REQUEUE | private, 0, 1L, &second),
             1);
    CHECK_EQ(futex_wake(&second, INT_MAX, private), 3);
    wait_for_woken(4);
    CHECK_EQ(futex_wake(&second, INT_MAX, private), 0);
    CHECK_EQ(futex_wake(&first, INT_MAX, private), 1);
    wait_for_woken(5);
    CHECK_EQ(futex_wake(&first, INT_MAX, private), 0);
    for (int i = 0; i < waiters; i++) {
        void *result;
        CHECK_EQ(pthread_join(threads[i], &result), 0);
        CHECK_EQ((long)result, 0);
    }

    /* With nobody waiting the result is 0. */
    CHECK_EQ(futex_cmp_requeue(&first, 1, 1, &second, 0, private), 0);
    /* A negative count is EINVAL. */
    CHECK_ERRNO(futex_cmp_requeue(&first, 1, -1, &second, 0, private), EINVAL);
    CHECK_ERRNO(futex_cmp_requeue(&first, -1, 1, &second, 0, private), EINVAL);

    printf("cmp_requeue woke 1 and moved 2 (result 3); requeue moved 1; EAGAIN on change\n");
    return check_finish("futex_requeue");
}
