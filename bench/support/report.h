/* What the benchmarks run on Linux and on tern share (bench/pipe,
 * bench/sysv): result lines kept until the end, so no console output
 * (and, on Linux, no console interrupt) falls into a timed phase; the
 * clock, which under -icount shift=0 counts guest instructions; the
 * calibration loop that checks it; failing loudly; children by fork. */
#ifndef BENCH_SUPPORT_REPORT_H
#define BENCH_SUPPORT_REPORT_H

#include <stdint.h>
#include <sys/types.h>

/* The program's name, for "NAME: what: why" when something fails. */
void bench_start(const char *name);

/* Prints the lines so far (the first process only), says what failed
 * and why on stderr, and exits 1; bench_fail gives errno's why. */
__attribute__((noreturn)) void bench_fail_because(const char *what, const char *why);
__attribute__((noreturn)) void bench_fail(const char *what);

/* One more result line (printf's format, ending in a newline). */
__attribute__((format(printf, 1, 2))) void bench_report(const char *format, ...);
void bench_print_report(void);

/* CLOCK_MONOTONIC in nanoseconds: guest instructions under -icount. */
uint64_t bench_now_ns(void);

/* "calibration instructions=I ns=T": a loop of exactly two instructions
 * per turn, which should take as many nanoseconds as it runs
 * instructions (plus what the system's timer ticks cost meanwhile). */
void bench_calibrate(void);

/* fork, failing loudly; the child no longer prints the report. */
pid_t bench_fork(void);
/* The child exited 0, or the benchmark fails. */
void bench_wait_for_success(pid_t child);

#endif
