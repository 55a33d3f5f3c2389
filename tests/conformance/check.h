/*
 * The conformance tests' one helper: counted checks.
 *
 * A failing check prints file:line and the expression to stderr and is
 * counted; check_finish() prints "<test>: N checks passed" on stdout and
 * returns the exit status (0, or 1 if any check failed). Stdout must be the
 * same on Linux and on tern, so tests print only deterministic facts and
 * never pids, addresses or times. Every check counts the same number of
 * times on every run: no checks inside loops whose trip count depends on
 * timing.
 *
 * Children of fork() check with the same macros and leave with
 * check_child_exit(), whose status (0 or 1) the parent checks (with
 * check_child_passed(), or by hand); their count
 * is not added to the parent's.
 */
#ifndef CONFORMANCE_CHECK_H
#define CONFORMANCE_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int check_count;
static int check_failures;

/* Stdout unbuffered: nothing sits in a buffer that fork() would copy. */
__attribute__((constructor)) static void check_unbuffer_stdout(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

static inline int check_record(int passed, const char *expression,
                               const char *file, int line)
{
    __atomic_add_fetch(&check_count, 1, __ATOMIC_RELAXED);
    if (!passed) {
        __atomic_add_fetch(&check_failures, 1, __ATOMIC_RELAXED);
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expression);
    }
    return passed;
}

#define CHECK(condition) \
    check_record((condition) ? 1 : 0, #condition, __FILE__, __LINE__)

/* Equality of two integers, showing both values when they differ. */
#define CHECK_EQ(actual, expected)                                          \
    do {                                                                    \
        long long check_actual_ = (long long)(actual);                      \
        long long check_expected_ = (long long)(expected);                  \
        if (!check_record(check_actual_ == check_expected_,                 \
                          #actual " == " #expected, __FILE__, __LINE__))    \
            fprintf(stderr, "    got %lld, expected %lld\n",                \
                    check_actual_, check_expected_);                        \
    } while (0)

/* A call that must succeed (return anything but -1). */
#define CHECK_OK(call)                                                      \
    do {                                                                    \
        errno = 0;                                                          \
        long check_result_ = (long)(call);                                  \
        int check_errno_ = errno;                                           \
        if (!check_record(check_result_ != -1, #call " succeeds",           \
                          __FILE__, __LINE__))                              \
            fprintf(stderr, "    failed with errno %d (%s)\n",              \
                    check_errno_, strerror(check_errno_));                  \
    } while (0)

/* A call that must fail with -1 and this errno. */
#define CHECK_ERRNO(call, expected_errno)                                   \
    do {                                                                    \
        errno = 0;                                                          \
        long check_result_ = (long)(call);                                  \
        int check_errno_ = errno;                                           \
        if (!check_record(check_result_ == -1 &&                            \
                              check_errno_ == (expected_errno),             \
                          #call " fails with " #expected_errno,             \
                          __FILE__, __LINE__))                              \
            fprintf(stderr, "    returned %ld, errno %d (%s)\n",            \
                    check_result_, check_errno_, strerror(check_errno_));   \
    } while (0)

/* A pointer-returning call that must fail with this errno (mmap's
 * MAP_FAILED, or NULL). */
#define CHECK_PTR_ERRNO(call, failure_value, expected_errno)                \
    do {                                                                    \
        errno = 0;                                                          \
        void *check_pointer_ = (void *)(call);                              \
        int check_errno_ = errno;                                           \
        if (!check_record(check_pointer_ == (void *)(failure_value) &&      \
                              check_errno_ == (expected_errno),             \
                          #call " fails with " #expected_errno,             \
                          __FILE__, __LINE__))                              \
            fprintf(stderr, "    errno %d (%s)\n", check_errno_,            \
                    strerror(check_errno_));                                \
    } while (0)

/* A setup step the rest of the test needs: stop at once if it fails. */
#define REQUIRE(condition)                                                  \
    do {                                                                    \
        if (!CHECK(condition)) {                                            \
            fprintf(stderr, "%s:%d: cannot go on\n", __FILE__, __LINE__);   \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

static inline int check_finish(const char *test_name)
{
    if (check_failures == 0) {
        printf("%s: %d checks passed\n", test_name, check_count);
        return 0;
    }
    printf("%s: %d of %d checks failed\n", test_name, check_failures,
           check_count);
    return 1;
}

/* The end of a forked child that made checks of its own. */
static inline __attribute__((noreturn)) void check_child_exit(void)
{
    _exit(check_failures == 0 ? 0 : 1);
}

/* The parent's side: the child exited, and with status 0 (its checks
 * passed). */
static inline void check_child_passed(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* checks() in a forked child, which leaves with check_child_exit(), and
 * the parent's check that its checks passed: for what must not touch the
 * test's own process (a resource limit, a user id). */
static inline void check_in_child(void (*checks)(void))
{
    pid_t child = fork();
    if (!CHECK(child >= 0))
        return;
    if (child == 0) {
        checks();
        check_child_exit();
    }
    check_child_passed(child);
}

/* Not testable here: the runner reports the test as skipped. */
static inline __attribute__((noreturn)) void check_skip(const char *reason)
{
    printf("SKIP: %s\n", reason);
    exit(77);
}

#endif
