/*
 * What one system call to each server costs a single process that blocks
 * nobody and switches to no other process: the same static musl program
 * on Debian's Linux and on tern (bench/run-calls-bench), where each call
 * goes to a different server (on Linux, to a different part of the one
 * kernel). Under QEMU's -icount shift=0 the nanoseconds it reports are
 * guest instructions.
 *
 * Output, after "calibration ..." (bench/support/report.h), one line per
 * call:  step NAME iterations=N ns=X
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "report.h"

/* Linux's futex operation (musl has no linux/futex.h). */
#define FUTEX_WAKE_PRIVATE (1 | 128)

#define WARM_UP     1000
#define ITERATIONS  20000
#define FILE_PATH   "/tmp/calls_bench_byte"

enum step {
    STEP_GETPID,        /* enters the system and goes nowhere else */
    STEP_FILE_READ,     /* pread of a 1-byte file: vfs */
    STEP_FUTEX_WAKE,    /* FUTEX_WAKE_PRIVATE with nobody waiting: the futex server */
    STEP_PIPE_EMPTY,    /* read of an empty O_NONBLOCK pipe: the pipe server */
    STEP_PIPE_SIZE,     /* fcntl F_GETPIPE_SZ: the personality's fcntl, then the pipe server */
    STEP_EVENTFD_EMPTY, /* read of an eventfd at 0, EFD_NONBLOCK: the event server */
    STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
    [STEP_GETPID] = "getpid",
    [STEP_FILE_READ] = "file-read-1B",
    [STEP_FUTEX_WAKE] = "futex-wake-nobody",
    [STEP_PIPE_EMPTY] = "pipe-read-empty",
    [STEP_PIPE_SIZE] = "pipe-size",
    [STEP_EVENTFD_EMPTY] = "eventfd-read-empty",
};

struct targets {
    int file;
    int pipe_ends[2];
    int eventfd;
    uint32_t futex_word;
};

static void do_step(enum step step, struct targets *t)
{
    char byte;
    uint64_t count;
    switch (step) {
    case STEP_GETPID:
        if (getpid() <= 0)
            bench_fail_because("getpid", "not positive");
        break;
    case STEP_FILE_READ:
        if (pread(t->file, &byte, 1, 0) != 1)
            bench_fail("pread of the 1-byte file");
        break;
    case STEP_FUTEX_WAKE:
        if (syscall(SYS_futex, &t->futex_word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0) != 0)
            bench_fail("FUTEX_WAKE_PRIVATE");
        break;
    case STEP_PIPE_EMPTY:
        if (read(t->pipe_ends[0], &byte, 1) != -1 || errno != EAGAIN)
            bench_fail_because("read of an empty pipe", "not EAGAIN");
        break;
    case STEP_PIPE_SIZE:
        if (fcntl(t->pipe_ends[0], F_GETPIPE_SZ) <= 0)
            bench_fail("fcntl F_GETPIPE_SZ");
        break;
    case STEP_EVENTFD_EMPTY:
        if (read(t->eventfd, &count, sizeof(count)) != -1 || errno != EAGAIN)
            bench_fail_because("read of an eventfd at 0", "not EAGAIN");
        break;
    case STEP_COUNT:
        break;
    }
}

static void open_targets(struct targets *t)
{
    if (mkdir("/tmp", 01777) != 0 && errno != EEXIST)
        bench_fail("mkdir /tmp");
    t->file = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (t->file < 0 || write(t->file, "x", 1) != 1)
        bench_fail("the 1-byte file");
    if (pipe2(t->pipe_ends, O_NONBLOCK) != 0)
        bench_fail("pipe2");
    t->eventfd = eventfd(0, EFD_NONBLOCK);
    if (t->eventfd < 0)
        bench_fail("eventfd");
    t->futex_word = 0;
}

int main(void)
{
    bench_start("calls_bench");
    bench_calibrate();
    struct targets targets;
    open_targets(&targets);
    for (enum step step = 0; step < STEP_COUNT; step++) {
        for (int i = 0; i < WARM_UP; i++)
            do_step(step, &targets);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < ITERATIONS; i++)
            do_step(step, &targets);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], ITERATIONS,
                     (unsigned long long)(elapsed / ITERATIONS));
    }
    unlink(FILE_PATH);
    bench_report("calls_bench done\n");
    bench_print_report();
    return 0;
}
