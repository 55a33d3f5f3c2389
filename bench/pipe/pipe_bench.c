/* The pipe benchmark: one static musl program, run unchanged on Linux and
 * on tern under qemu-system-aarch64 -icount shift=0, where the monotonic
 * clock (the virtual counter) advances one nanosecond per guest
 * instruction, so every number below is an instruction count.
 *
 * Cases, each (but the steps) between two processes made by fork:
 *   - ping-pong: one byte there and back over two pipes;
 *   - to split those costs, single calls in one process (nobody blocks,
 *     nothing switches): getpid, fcntl F_GETPIPE_SZ, a read of an empty
 *     O_NONBLOCK pipe, a write of one byte and its read;
 *   - throughput: one writer, one reader, one pipe, for writes of 4 B,
 *     4 KiB, 64 KiB and 1 MiB, with the default pipe size and with 1 MiB
 *     (F_SETPIPE_SZ).
 * Each case warms up first (page faults, the pipe's first pages, caches of
 * either kernel), then times a fixed amount of work, and prints one line:
 *
 *   calibration instructions=I ns=T
 *   pingpong-1B iterations=N round_trip_ns=X
 *   step NAME iterations=N ns=X
 *   throughput write=W pipe=P bytes=B ns=T MBps=M
 *
 * then "pipe_bench done". The lines are kept and printed at the end, so
 * no console output (and, on Linux, no console interrupt) falls into a
 * timed phase. Any failed call prints the lines so far and
 * "pipe_bench: ..." on stderr and exits 1.
 *
 * "pipe_bench pingpong N" runs only the ping-pong, for N round trips
 * (bench/run-profile compares two such runs). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report.h"

#define KIB 1024
#define MIB (1024 * 1024)

#define PINGPONG_WARM_UP 200
#define PINGPONG_ITERATIONS 5000

/* The reader asks for this much per read, or the write size if larger. */
#define READ_CHUNK (64 * KIB)

static void make_pipe(int ends[2])
{
    if (pipe(ends) != 0)
        bench_fail("pipe");
}

static void close_or_fail(int fd)
{
    if (close(fd) != 0)
        bench_fail("close");
}

static void write_all(int fd, const void *data, size_t length)
{
    const char *next = data;
    while (length > 0) {
        ssize_t written = write(fd, next, length);
        if (written < 0)
            bench_fail("write");
        if (written == 0)
            bench_fail_because("write", "wrote nothing");
        next += written;
        length -= (size_t)written;
    }
}

/* Reads exactly `length` bytes (one read if the data is there). */
static void read_exact(int fd, void *data, size_t length)
{
    char *next = data;
    while (length > 0) {
        ssize_t got = read(fd, next, length);
        if (got < 0)
            bench_fail("read");
        if (got == 0)
            bench_fail_because("read", "end of file too early");
        next += got;
        length -= (size_t)got;
    }
}

/* Memory that is private to this process and already faulted in, so no
 * copy-on-write fault after fork lands in a timed phase. */
static char *map_touched(size_t length)
{
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (memory == MAP_FAILED)
        bench_fail("mmap");
    memset(memory, 0x5a, length);
    return memory;
}

/* --- Ping-pong --------------------------------------------------------- */

static void echo_bytes(int from, int to, int count)
{
    for (int i = 0; i < count; i++) {
        char byte;
        read_exact(from, &byte, 1);
        byte++;
        write_all(to, &byte, 1);
    }
}

static void send_and_check(int to, int from, int count)
{
    for (int i = 0; i < count; i++) {
        char byte = (char)i, answer;
        write_all(to, &byte, 1);
        read_exact(from, &answer, 1);
        if (answer != (char)(byte + 1))
            bench_fail_because("ping-pong", "wrong byte back");
    }
}

static int pingpong_round_trips = PINGPONG_ITERATIONS;

static void run_pingpong(void)
{
    int there[2], back[2];
    make_pipe(there);
    make_pipe(back);
    pid_t child = bench_fork();
    if (child == 0) {
        close_or_fail(there[1]);
        close_or_fail(back[0]);
        echo_bytes(there[0], back[1], PINGPONG_WARM_UP + pingpong_round_trips);
        exit(0);
    }
    close_or_fail(there[0]);
    close_or_fail(back[1]);
    send_and_check(there[1], back[0], PINGPONG_WARM_UP);
    uint64_t start = bench_now_ns();
    send_and_check(there[1], back[0], pingpong_round_trips);
    uint64_t elapsed = bench_now_ns() - start;
    close_or_fail(there[1]);
    close_or_fail(back[0]);
    bench_wait_for_success(child);
    bench_report("pingpong-1B iterations=%d round_trip_ns=%llu\n", pingpong_round_trips,
                (unsigned long long)(elapsed / (uint64_t)pingpong_round_trips));
}

/* --- Steps: what one pipe call costs, in one process ------------------ */

/* Each step is one call (or two) that blocks nobody and switches nothing;
 * together they split what a pipe call costs: entering the system at all,
 * a round trip to whatever holds the pipe, the same with the caller's
 * buffer handed over, and moving a byte in and out. */
enum step {
    STEP_GETPID,      /* a system call that goes nowhere else */
    STEP_PIPE_SIZE,   /* fcntl F_GETPIPE_SZ: the pipe, no data */
    STEP_READ_EMPTY,  /* read of an empty O_NONBLOCK pipe: -EAGAIN */
    STEP_WRITE_READ,  /* write one byte, read it back */
};

static const char *const step_names[] = {
    [STEP_GETPID] = "getpid",
    [STEP_PIPE_SIZE] = "pipe-size",
    [STEP_READ_EMPTY] = "read-empty",
    [STEP_WRITE_READ] = "write-read-1B",
};

static void do_step(enum step step, const int ends[2])
{
    char byte = 1;
    switch (step) {
    case STEP_GETPID:
        if (getpid() <= 0)
            bench_fail_because("getpid", "not positive");
        break;
    case STEP_PIPE_SIZE:
        if (fcntl(ends[0], F_GETPIPE_SZ) <= 0)
            bench_fail("fcntl F_GETPIPE_SZ");
        break;
    case STEP_READ_EMPTY:
        if (read(ends[0], &byte, 1) != -1 || errno != EAGAIN)
            bench_fail_because("read of an empty pipe", "not EAGAIN");
        break;
    case STEP_WRITE_READ:
        write_all(ends[1], &byte, 1);
        read_exact(ends[0], &byte, 1);
        break;
    }
}

static void run_steps(void)
{
    int ends[2];
    make_pipe(ends);
    if (fcntl(ends[0], F_SETFL, O_NONBLOCK) != 0)
        bench_fail("fcntl F_SETFL");
    for (enum step step = STEP_GETPID; step <= STEP_WRITE_READ; step++) {
        for (int i = 0; i < PINGPONG_WARM_UP; i++)
            do_step(step, ends);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < PINGPONG_ITERATIONS; i++)
            do_step(step, ends);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], PINGPONG_ITERATIONS,
                    (unsigned long long)(elapsed / PINGPONG_ITERATIONS));
    }
    close_or_fail(ends[0]);
    close_or_fail(ends[1]);
}

/* --- Throughput -------------------------------------------------------- */

struct throughput_case {
    size_t write_size;
    size_t pipe_size;    /* 0: leave the default */
    size_t timed_bytes;  /* a multiple of write_size */
};

/* Byte `position` of the stream: every write sends the same pattern. */
static char pattern_byte(size_t position, size_t write_size)
{
    size_t offset = position % write_size;
    return (char)(offset * 7 + (offset >> 8));
}

/* The writer: `warm_up` bytes, then wait for the reader's go, then
 * `timed` bytes, then close. */
static void write_stream(int data, int go, size_t write_size, size_t warm_up, size_t timed)
{
    char *buffer = map_touched(write_size);
    for (size_t i = 0; i < write_size; i++)
        buffer[i] = pattern_byte(i, write_size);
    for (size_t sent = 0; sent < warm_up; sent += write_size)
        write_all(data, buffer, write_size);
    char signal;
    read_exact(go, &signal, 1);
    for (size_t sent = 0; sent < timed; sent += write_size)
        write_all(data, buffer, write_size);
    close_or_fail(data);
}

/* Reads `length` bytes in reads of `chunk`; checks them against the
 * pattern when `check` (only outside the timed phase, so checking costs
 * nothing there). */
static void read_stream(int data, char *buffer, size_t chunk, size_t length, size_t write_size,
                        bool check)
{
    size_t position = 0;
    while (position < length) {
        size_t want = length - position < chunk ? length - position : chunk;
        ssize_t got = read(data, buffer, want);
        if (got < 0)
            bench_fail("read");
        if (got == 0)
            bench_fail_because("read", "end of file too early");
        for (ssize_t i = 0; check && i < got; i++) {
            if (buffer[i] != pattern_byte(position + (size_t)i, write_size))
                bench_fail_because("throughput", "wrong data");
        }
        position += (size_t)got;
    }
}

static size_t warm_up_bytes(const struct throughput_case *test, size_t pipe_size)
{
    /* Enough to go through the whole pipe twice and every page of the
     * reader's buffer, but no more than a quarter of the timed work. */
    size_t chunk = test->write_size > READ_CHUNK ? test->write_size : READ_CHUNK;
    size_t wanted = 2 * (pipe_size > chunk ? pipe_size : chunk);
    size_t limit = test->timed_bytes / 4;
    size_t bytes = wanted < limit ? wanted : limit;
    return bytes / test->write_size * test->write_size;
}

static void run_throughput(const struct throughput_case *test)
{
    int data[2], go[2];
    make_pipe(data);
    make_pipe(go);
    if (test->pipe_size != 0 && fcntl(data[1], F_SETPIPE_SZ, (int)test->pipe_size) < 0)
        bench_fail("fcntl F_SETPIPE_SZ");
    int pipe_size = fcntl(data[0], F_GETPIPE_SZ);
    if (pipe_size < 0)
        bench_fail("fcntl F_GETPIPE_SZ");
    size_t warm_up = warm_up_bytes(test, (size_t)pipe_size);

    pid_t child = bench_fork();
    if (child == 0) {
        close_or_fail(data[0]);
        close_or_fail(go[1]);
        write_stream(data[1], go[0], test->write_size, warm_up, test->timed_bytes);
        exit(0);
    }
    close_or_fail(data[1]);
    close_or_fail(go[0]);
    size_t chunk = test->write_size > READ_CHUNK ? test->write_size : READ_CHUNK;
    char *buffer = map_touched(chunk);
    read_stream(data[0], buffer, chunk, warm_up, test->write_size, true);

    /* The pipe is empty and the writer waits for the go: time exactly the
     * timed bytes, from the go to the last byte read. */
    uint64_t start = bench_now_ns();
    write_all(go[1], "g", 1);
    read_stream(data[0], buffer, chunk, test->timed_bytes, test->write_size, false);
    uint64_t elapsed = bench_now_ns() - start;

    char extra;
    ssize_t end = read(data[0], &extra, 1);
    if (end != 0)
        bench_fail_because("throughput", end < 0 ? strerror(errno) : "more data than written");
    close_or_fail(data[0]);
    close_or_fail(go[1]);
    if (munmap(buffer, chunk) != 0)
        bench_fail("munmap");
    bench_wait_for_success(child);
    /* bytes per microsecond = MB/s of virtual time */
    bench_report("throughput write=%zu pipe=%d bytes=%zu ns=%llu MBps=%llu\n", test->write_size,
                pipe_size, test->timed_bytes, (unsigned long long)elapsed,
                (unsigned long long)(elapsed ? (uint64_t)test->timed_bytes * 1000 / elapsed : 0));
}

static const struct throughput_case throughput_cases[] = {
    {4, 0, 128 * KIB},
    {4 * KIB, 0, 16 * MIB},
    {64 * KIB, 0, 16 * MIB},
    {MIB, 0, 16 * MIB},
    {4, MIB, 128 * KIB},
    {4 * KIB, MIB, 16 * MIB},
    {64 * KIB, MIB, 16 * MIB},
    {MIB, MIB, 16 * MIB},
};

int main(int argc, char **argv)
{
    bench_start("pipe_bench");
    if (argc == 3 && strcmp(argv[1], "pingpong") == 0 && atoi(argv[2]) > 0) {
        pingpong_round_trips = atoi(argv[2]);
        run_pingpong();
        bench_print_report();
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_bench [pingpong ROUND_TRIPS]\n");
        return 2;
    }
    bench_calibrate();
    run_pingpong();
    run_steps();
    for (size_t i = 0; i < sizeof throughput_cases / sizeof throughput_cases[0]; i++)
        run_throughput(&throughput_cases[i]);
    bench_report("pipe_bench done\n");
    bench_print_report();
    return 0;
}
