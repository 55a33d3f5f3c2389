/* What every part of shm_bench shares: the result lines, kept until the
 * end so that no console output falls into a timed phase, the way out on
 * a failed call, and the clock. */
#ifndef SHM_BENCH_REPORT_H
#define SHM_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#define KIB 1024
#define MIB (1024 * 1024)
#define PAGE_SIZE 4096      /* on both systems */

/* True in a process made by fork: it prints no report if it fails. */
extern bool in_child;

void report_line(const char *format, ...) __attribute__((format(printf, 1, 2)));
void print_report(void);

/* Print the report so far (in the first process), then "shm_bench: WHAT:
 * WHY" on stderr, and exit 1. fail() gives strerror(errno) as the why. */
_Noreturn void fail_because(const char *what, const char *why);
_Noreturn void fail(const char *what);

/* CLOCK_MONOTONIC: the virtual counter, so guest instructions under
 * qemu -icount shift=0. */
uint64_t now_ns(void);

#endif
