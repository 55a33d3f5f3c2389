/* What the benchmarks share: report.h. */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CALIBRATION_LOOPS 10000000

static const char *program = "bench";
/* The result lines so far; only the first process prints them. */
static char report[4096];
static size_t report_length;
static bool in_child;

void bench_start(const char *name)
{
    program = name;
}

void bench_print_report(void)
{
    fwrite(report, 1, report_length, stdout);
    fflush(stdout);
}

void bench_fail_because(const char *what, const char *why)
{
    if (!in_child)
        bench_print_report();
    fprintf(stderr, "%s: %s: %s\n", program, what, why);
    exit(1);
}

void bench_fail(const char *what)
{
    bench_fail_because(what, strerror(errno));
}

void bench_report(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(report + report_length, sizeof report - report_length, format,
                           arguments);
    va_end(arguments);
    if (length < 0 || (size_t)length >= sizeof report - report_length)
        bench_fail_because("report", "too long");
    report_length += (size_t)length;
}

uint64_t bench_now_ns(void)
{
    struct timespec time;
    if (clock_gettime(CLOCK_MONOTONIC, &time) != 0)
        bench_fail("clock_gettime");
    return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

void bench_calibrate(void)
{
    uint64_t turns = CALIBRATION_LOOPS;
    uint64_t start = bench_now_ns();
    __asm__ volatile("1: subs %0, %0, #1\n\tb.ne 1b" : "+r"(turns) : : "cc");
    uint64_t elapsed = bench_now_ns() - start;
    bench_report("calibration instructions=%d ns=%llu\n", 2 * CALIBRATION_LOOPS,
                 (unsigned long long)elapsed);
}

pid_t bench_fork(void)
{
    pid_t child = fork();
    if (child < 0)
        bench_fail("fork");
    if (child == 0)
        in_child = true;
    return child;
}

void bench_wait_for_success(pid_t child)
{
    int status;
    if (waitpid(child, &status, 0) != child)
        bench_fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        bench_fail_because("child", "did not exit 0");
}
