/* What every part of shm_bench shares: the report, the way out on a
 * failed call and the clock of every benchmark (bench/support/report.h),
 * and its units. */
#ifndef SHM_BENCH_REPORT_H
#define SHM_BENCH_REPORT_H

#include "../support/report.h"

#define KIB 1024
#define MIB (1024 * 1024)
#define PAGE_SIZE 4096      /* on both systems */

#endif
