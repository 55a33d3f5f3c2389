#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool in_child;

static char report[4096];
static size_t report_length;

void print_report(void)
{
    fwrite(report, 1, report_length, stdout);
    fflush(stdout);
}

void fail_because(const char *what, const char *why)
{
    if (!in_child)
        print_report();
    fprintf(stderr, "shm_bench: %s: %s\n", what, why);
    exit(1);
}

void fail(const char *what)
{
    fail_because(what, strerror(errno));
}

void report_line(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(report + report_length, sizeof report - report_length, format,
                           arguments);
    va_end(arguments);
    if (length < 0 || (size_t)length >= sizeof report - report_length)
        fail_because("report", "too long");
    report_length += (size_t)length;
}

uint64_t now_ns(void)
{
    struct timespec time;
    if (clock_gettime(CLOCK_MONOTONIC, &time) != 0)
        fail("clock_gettime");
    return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}
