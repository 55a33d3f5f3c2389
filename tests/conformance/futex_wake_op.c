/* FUTEX_WAKE_OP: every operation on the second word (SET, ADD, OR, ANDN,
 * XOR, with FUTEX_OP_OPARG_SHIFT) and every comparison of its old value
 * (signed, 12-bit arguments); waiters woken on the first word and, when
 * the comparison held, on the second; the result counts both; operations
 * of two threads at once are atomic; EFAULT for a second word that cannot
 * be written (nobody woken), EINVAL for a misaligned word, ENOSYS for an
 * unknown operation (the word untouched), an unknown comparison (the word
 * changed) and FUTEX_CLOCK_REALTIME; a waiter in another process woken
 * through a shared word. Shared and private. */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "check.h"
#include "futex.h"

enum { increments = 3000 };

static int flags;               /* the variant: 0 or FUTEX_PRIVATE_FLAG */
static int first, second, parking;

struct sleeper {
    int *word;
    int expected;
    pthread_t thread;
    long result;
};

static void *sleep_on_word(void *argument)
{
    struct sleeper *sleeper = argument;
    sleeper->result = futex_wait(sleeper->word, sleeper->expected, NULL, flags);
    return NULL;
}

/* count threads asleep on word (holding its value now): parked on
 * another word once they all sleep, then moved back. */
static void start_sleepers(struct sleeper *sleepers, int count, int *word)
{
    for (int i = 0; i < count; i++) {
        sleepers[i].word = word;
        sleepers[i].expected = *word;
        REQUIRE(pthread_create(&sleepers[i].thread, NULL, sleep_on_word, &sleepers[i]) == 0);
    }
    futex_park_waiters(word, &parking, count, flags);
    REQUIRE(futex_cmp_requeue(&parking, 0, INT_MAX, word, parking, flags) == count);
}

/* Joins sleepers that were woken; returns how many returned 0. */
static int join_sleepers(struct sleeper *sleepers, int count)
{
    int zero = 0;
    for (int i = 0; i < count; i++) {
        pthread_join(sleepers[i].thread, NULL);
        zero += sleepers[i].result == 0;
    }
    return zero;
}

/* One operation with one sleeper on each word: how many it woke (the
 * first word's always, the second's if the comparison held), and the
 * second word's value after it in *after. */
static long operate(unsigned op, int start, int *after)
{
    first = 0;
    second = start;
    struct sleeper on_first, on_second;
    start_sleepers(&on_first, 1, &first);
    start_sleepers(&on_second, 1, &second);
    long woken = futex_wake_op(&first, 1, &second, 1, op, flags);
    *after = second;
    if (woken < 2)
        futex_wake(&second, 1, flags);
    join_sleepers(&on_first, 1);
    join_sleepers(&on_second, 1);
    return woken;
}

struct operation_case {
    unsigned op;
    int start, after;
    long woken;
};

static const struct operation_case operation_cases[] = {
    {FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 3), 3, 5, 2},
    {FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 4), 3, 5, 1},
    {FUTEX_OP(FUTEX_OP_ADD, 7, FUTEX_OP_CMP_NE, 3), 3, 10, 1},
    {FUTEX_OP(FUTEX_OP_ADD, -1, FUTEX_OP_CMP_NE, 0), 3, 2, 2},
    {FUTEX_OP(FUTEX_OP_OR, 0x30, FUTEX_OP_CMP_LT, 4), 3, 0x33, 2},
    {FUTEX_OP(FUTEX_OP_OR, 0x30, FUTEX_OP_CMP_LT, 3), 3, 0x33, 1},
    {FUTEX_OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_LE, 3), 3, 2, 2},
    {FUTEX_OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_LE, 2), 3, 2, 1},
    {FUTEX_OP(FUTEX_OP_XOR, 6, FUTEX_OP_CMP_GT, 2), 3, 5, 2},
    {FUTEX_OP(FUTEX_OP_XOR, 6, FUTEX_OP_CMP_GT, 3), 3, 5, 1},
    {FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GE, 3), 3, 0, 2},
    {FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GE, 4), 3, 0, 1},
    /* The shift: the argument is 1 << it. */
    {FUTEX_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_EQ, 3), 3, 19, 2},
    {FUTEX_OP(FUTEX_OP_ANDN | FUTEX_OP_OPARG_SHIFT, 1, FUTEX_OP_CMP_EQ, 3), 3, 1, 2},
    {FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 31, FUTEX_OP_CMP_EQ, 0), 0, INT32_MIN, 2},
    /* Signed comparisons and arguments. */
    {FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_LT, 0), -1, 0, 2},
    {FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, -2), -1, 0, 2},
    {FUTEX_OP(FUTEX_OP_SET, -2048, FUTEX_OP_CMP_EQ, -2048), -2048, -2048, 2},
    {FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_GT, 0), INT32_MIN, 1, 1},
    /* What glibc's old pthread_cond_signal sent: set 0, wake if it was > 1. */
    {FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 1), 2, 0, 2},
};

static void check_operations(void)
{
    int cases = (int)(sizeof operation_cases / sizeof operation_cases[0]);
    for (int i = 0; i < cases; i++) {
        const struct operation_case *c = &operation_cases[i];
        int after = 0;
        long woken = operate(c->op, c->start, &after);
        if (!CHECK(woken == c->woken && after == c->after))
            fprintf(stderr, "    case %d: woke %ld, word %d\n", i, woken, after);
    }
}

/* Three sleepers on the first word, two on the second: counts 2 and 1
 * wake three, the result; then counts 0 wake one each, as Linux's do. */
static void check_counts(void)
{
    first = 0;
    second = 1;
    struct sleeper on_first[3], on_second[2];
    start_sleepers(on_first, 3, &first);
    start_sleepers(on_second, 2, &second);
    unsigned add_if_one = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 1);
    CHECK_EQ(futex_wake_op(&first, 2, &second, 1, add_if_one, flags), 3);
    CHECK_EQ(second, 2);
    unsigned always = FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_NE, 0);
    CHECK_EQ(futex_wake_op(&first, 0, &second, 0, always, flags), 2);
    CHECK_EQ(futex_wake_op(&first, INT_MAX, &second, INT_MAX, always, flags), 0);
    CHECK_EQ(join_sleepers(on_first, 3), 3);
    CHECK_EQ(join_sleepers(on_second, 2), 2);

    /* Nobody waits: the operation alone. */
    second = 7;
    CHECK_EQ(futex_wake_op(&first, 1, &second, 1,
                           FUTEX_OP(FUTEX_OP_XOR, 1, FUTEX_OP_CMP_EQ, 7), flags), 0);
    CHECK_EQ(second, 6);
    /* The same word twice: both counts. */
    start_sleepers(on_first, 3, &first);
    unsigned if_zero = FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_EQ, 0);
    CHECK_EQ(futex_wake_op(&first, 1, &first, 1, if_zero, flags), 2);
    CHECK_EQ(futex_wake(&first, INT_MAX, flags), 1);
    CHECK_EQ(join_sleepers(on_first, 3), 3);
}

static void *add_many(void *unused)
{
    (void)unused;
    unsigned add = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0);
    long failures = 0;
    for (int i = 0; i < increments; i++)
        failures += futex_wake_op(&first, 1, &second, 1, add, flags) != 0;
    return (void *)failures;
}

/* Two threads adding at once lose no addition. */
static void check_atomicity(void)
{
    second = 0;
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        REQUIRE(pthread_create(&threads[i], NULL, add_many, NULL) == 0);
    long failures = 0;
    for (int i = 0; i < 2; i++) {
        void *result;
        pthread_join(threads[i], &result);
        failures += (long)result;
    }
    CHECK_EQ(failures, 0);
    CHECK_EQ(second, 2 * increments);
}

static void check_errors(void)
{
    unsigned set_one = FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0);
    int *misaligned = (int *)((char *)&second + 1);
    CHECK_ERRNO(futex_wake_op(misaligned, 1, &second, 1, set_one, flags), EINVAL);
    CHECK_ERRNO(futex_wake_op(&first, 1, misaligned, 1, set_one, flags), EINVAL);
    CHECK_ERRNO(syscall(SYS_futex, &first, FUTEX_WAKE_OP | FUTEX_CLOCK_REALTIME | flags, 1,
                        1L, &second, set_one), ENOSYS);

    /* A second word that cannot be written: EFAULT, and the first
     * word's sleeper is not woken. */
    int *read_only = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(read_only != MAP_FAILED);
    first = 0;
    struct sleeper on_first;
    start_sleepers(&on_first, 1, &first);
    CHECK_ERRNO(futex_wake_op(&first, 1, read_only, 1, set_one, flags), EFAULT);
    CHECK_EQ(*read_only, 0);
    CHECK_EQ(futex_wake(&first, 1, flags), 1);
    CHECK_EQ(join_sleepers(&on_first, 1), 1);
    void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(hole != MAP_FAILED);
    REQUIRE(munmap(hole, 4096) == 0);
    CHECK_ERRNO(futex_wake_op(&first, 1, (int *)hole, 1, set_one, flags), EFAULT);

    /* An unknown operation is refused before the word is touched: even an
     * unmapped private one (a shared one needs its key first: EFAULT). */
    second = 3;
    for (unsigned op = 5; op <= 7; op++) {
        CHECK_ERRNO(futex_wake_op(&first, 1, &second, 1,
                                  FUTEX_OP(op, 1, FUTEX_OP_CMP_EQ, 3), flags), ENOSYS);
        CHECK_ERRNO(futex_wake_op(&first, 1, &second, 1,
                                  FUTEX_OP(op | FUTEX_OP_OPARG_SHIFT, 1, FUTEX_OP_CMP_EQ, 3),
                                  flags), ENOSYS);
    }
    CHECK_EQ(second, 3);
    CHECK_ERRNO(futex_wake_op(&first, 1, (int *)hole, 1, FUTEX_OP(6, 1, FUTEX_OP_CMP_EQ, 0),
                              flags), flags ? ENOSYS : EFAULT);
    /* An unknown comparison is found after the operation. */
    CHECK_ERRNO(futex_wake_op(&first, 1, &second, 1, FUTEX_OP(FUTEX_OP_SET, 9, 6, 0), flags),
                ENOSYS);
    CHECK_EQ(second, 9);
    CHECK_ERRNO(futex_wake_op(&first, 1, &second, 1, FUTEX_OP(FUTEX_OP_ADD, 1, 15, 0), flags),
                ENOSYS);
    CHECK_EQ(second, 10);
    munmap(read_only, 4096);
}

/* A child process asleep on a shared word is woken by the parent's
 * operation on it. */
static void check_across_processes(void)
{
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    int *word = &shared[0], *other = &shared[1], *child_parking = &shared[2];
    *word = 1;
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(futex_wait(word, 1, NULL, 0), 0);
        check_child_exit();
    }
    futex_park_waiters(word, child_parking, 1, 0);
    REQUIRE(futex_cmp_requeue(child_parking, 0, INT_MAX, word, *child_parking, 0) == 1);
    CHECK_EQ(futex_wake_op(other, 1, word, 1, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 1),
                           0), 1);
    CHECK_EQ(*word, 0);
    check_child_passed(child);
    munmap(shared, 4096);
}

int main(void)
{
    static const int flag_variants[] = {0, FUTEX_PRIVATE_FLAG};
    for (int v = 0; v < 2; v++) {
        flags = flag_variants[v];
        check_operations();
        check_counts();
        check_atomicity();
        check_errors();
    }
    check_across_processes();

    printf("20 operations and comparisons, counts, %d atomic additions, errors, "
           "shared and private; a child woken through a shared word\n", 2 * increments);
    return check_finish("futex_wake_op");
}
