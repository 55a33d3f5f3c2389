/* The process_vm_readv benchmark: one static musl program, run unchanged
 * on Linux and on tern under qemu-system-aarch64 -icount shift=0, where
 * the monotonic clock advances one nanosecond per guest instruction, so
 * every number it prints is an instruction count.
 *
 * A parent reads 1 MiB of its fork child's memory (touched by the child
 * beforehand) into a buffer of its own (touched too), in 4 KiB iovecs:
 *   - 256 local and 256 remote iovecs of 4 KiB each;
 *   - 256 local iovecs of 4 KiB from one remote iovec of 1 MiB;
 *   - for the fixed cost, one 4 KiB read (one iovec each side).
 * Each case warms up, then times a fixed number of calls, and prints one
 * line (kept until the end, bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   readv bytes=B local_iovecs=L remote_iovecs=R iterations=N ns=X
 *
 * X is per call; then "pvm_bench done".
 *
 *   pvm_bench            every case
 *   pvm_bench quick      every case, few calls: to check the runner
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "report.h"

#define KIB 1024
#define MIB (1024 * KIB)
#define PIECE (4 * KIB)
#define PIECES (MIB / PIECE)

static char remote_buffer[MIB] __attribute__((aligned(4096)));
static char local_buffer[MIB] __attribute__((aligned(4096)));
static struct iovec local[PIECES], remote[PIECES];

static int warm_up = 5, iterations = 100;

static void run_case(pid_t child, size_t bytes, int local_count, int remote_count)
{
    for (int i = 0; i < local_count; i++)
        local[i] = (struct iovec){ local_buffer + i * (bytes / local_count), bytes / local_count };
    for (int i = 0; i < remote_count; i++)
        remote[i] = (struct iovec){ remote_buffer + i * (bytes / remote_count),
                                    bytes / remote_count };
    for (int i = 0; i < warm_up; i++)
        if (process_vm_readv(child, local, local_count, remote, remote_count, 0) != (ssize_t)bytes)
            bench_fail("process_vm_readv");
    uint64_t start = bench_now_ns();
    for (int i = 0; i < iterations; i++)
        if (process_vm_readv(child, local, local_count, remote, remote_count, 0) != (ssize_t)bytes)
            bench_fail("process_vm_readv");
    uint64_t elapsed = bench_now_ns() - start;
    if (local_buffer[bytes - 1] != (char)((bytes - 1) * 7))
        bench_fail_because("process_vm_readv", "the bytes read are not the child's");
    bench_report("readv bytes=%zu local_iovecs=%d remote_iovecs=%d iterations=%d ns=%llu\n",
                 bytes, local_count, remote_count, iterations,
                 (unsigned long long)(elapsed / (uint64_t)iterations));
}

int main(int argc, char **argv)
{
    bench_start("pvm_bench");
    if (argc == 2 && strcmp(argv[1], "quick") == 0) {
        warm_up = 1;
        iterations = 3;
    } else if (argc != 1) {
        fprintf(stderr, "usage: pvm_bench [quick]\n");
        return 2;
    }
    for (size_t i = 0; i < MIB; i++)
        remote_buffer[i] = (char)(i * 7);
    memset(local_buffer, 1, sizeof local_buffer);
    int ready[2], done[2];
    if (pipe(ready) != 0 || pipe(done) != 0)
        bench_fail("pipe");
    pid_t child = bench_fork();
    if (child == 0) {
        /* Its own copy of every page, as a process that wrote its memory. */
        for (size_t i = 0; i < MIB; i += 4096)
            remote_buffer[i] = (char)(i * 7);
        char byte = 'r';
        if (write(ready[1], &byte, 1) != 1 || read(done[0], &byte, 1) != 1)
            _exit(1);
        _exit(0);
    }
    char byte;
    if (read(ready[0], &byte, 1) != 1)
        bench_fail("read");
    bench_calibrate();
    run_case(child, MIB, PIECES, PIECES);
    run_case(child, MIB, PIECES, 1);
    run_case(child, PIECE, 1, 1);
    if (write(done[1], "d", 1) != 1)
        bench_fail("write");
    bench_wait_for_success(child);
    bench_report("pvm_bench done\n");
    bench_print_report();
    return 0;
}
