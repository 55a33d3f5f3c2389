/*
 * A minimal assertion framework for the host unit tests. A failed check
 * prints file:line and the values and lets the test go on; main() ends with
 * `return check_report();`, which prints "N passed, N failed" and exits
 * non-zero on any failure. One test binary is one translation unit, so the
 * counters below are private to it.
 */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed;
static int check_failed;

#define CHECK(condition)                                                     \
    do {                                                                     \
        if (condition) {                                                     \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
                    #condition);                                             \
        }                                                                    \
    } while (0)

#define CHECK_EQ_U64(actual, expected)                                       \
    do {                                                                     \
        uint64_t check_actual = (uint64_t)(actual);                          \
        uint64_t check_expected = (uint64_t)(expected);                      \
        if (check_actual == check_expected) {                                \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            fprintf(stderr,                                                  \
                    "%s:%d: %s == %s failed: 0x%" PRIx64 " (%" PRIu64        \
                    ") != 0x%" PRIx64 " (%" PRIu64 ")\n",                    \
                    __FILE__, __LINE__, #actual, #expected, check_actual,    \
                    check_actual, check_expected, check_expected);           \
        }                                                                    \
    } while (0)

#define CHECK_EQ_STR(actual, expected)                                       \
    do {                                                                     \
        const char *check_actual = (actual);                                 \
        const char *check_expected = (expected);                             \
        if (check_actual != NULL &&                                          \
            strcmp(check_actual, check_expected) == 0) {                     \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n",    \
                    __FILE__, __LINE__, #actual, #expected,                  \
                    check_actual ? check_actual : "(null)", check_expected); \
        }                                                                    \
    } while (0)

/* Runs one test function and names it if any of its checks failed. */
#define RUN_TEST(test) check_run(#test, test)

static inline void check_run(const char *name, void (*test)(void))
{
    int failed_before = check_failed;
    test();
    if (check_failed != failed_before)
        fprintf(stderr, "  ... in %s\n", name);
}

static inline int check_report(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Reads a test fixture into a buffer of exactly its size, so that
 * AddressSanitizer catches a read past its end. Exits if it cannot. */
static inline uint8_t *check_read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL || fseek(file, 0, SEEK_END) != 0) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(EXIT_FAILURE);
    }
    long length = ftell(file);
    uint8_t *bytes = malloc(length > 0 ? (size_t)length : 1);
    rewind(file);
    if (length <= 0 || bytes == NULL ||
        fread(bytes, 1, (size_t)length, file) != (size_t)length) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(EXIT_FAILURE);
    }
    fclose(file);
    *size = (size_t)length;
    return bytes;
}

#endif
