/* The shared-memory benchmark: one static musl program, run unchanged on
 * Linux and on tern under qemu-system-aarch64 -icount shift=0, where the
 * monotonic clock advances one nanosecond per guest instruction, so every
 * number it prints is an instruction count (summed over all cores).
 *
 * Transfers: a producer process (made by fork) hands the consumer (the
 * first process) 100 MiB in 64 KiB chunks, through a pipe, a memfd both
 * map, or a POSIX shared-memory object (transport.h says how each hands a
 * chunk over). The producer writes one word in every 4 KiB page of a
 * chunk, which says which chunk and page it is, and the consumer checks
 * each: the same small work on both systems, and on every transport, so
 * what differs between the rows is what it costs to move the bytes and
 * hand them over. The consumer times from its "go" (all slots empty, the
 * producer waiting for it) until it has checked the last chunk, and only
 * then lets the producer go on to unmap and exit; the first chunks, before
 * the go, fault in every page either process uses.
 *
 * Steps, to split what a futex hand-over costs (one process, nobody waits,
 * nothing switches): getpid, and a FUTEX_WAKE that wakes nobody, on a
 * private word and on a word of a MAP_SHARED memfd mapping (a shared
 * futex, named by the page it lives in rather than by its address).
 *
 * Fork: a process that has written to N MiB of private anonymous memory
 * forks a child that exits at once, and waits for it, again and again:
 * instructions per fork + exit + wait.
 *
 *   shm_bench                          everything below, with the defaults
 *   shm_bench MODE MIB [CHUNK_KIB]     one transfer: pipe, memfd, posix-shm
 *   shm_bench steps                    the steps alone
 *   shm_bench quick                    every case, small (1 MiB, 2 forks
 *                                      with 1 MiB): to check the runner
 *   shm_bench fork MIB ITERATIONS      one fork case
 *
 * It prints, once everything is done (no console output falls into a
 * timed phase):
 *
 *   calibration instructions=I ns=T
 *   transfer mode=M bytes=B chunk=C chunks=N ns=T
 *   step NAME iterations=N ns=T
 *   fork touched=B iterations=N ns_per_fork=T
 *   shm_bench done
 *
 * bench/run-shm-bench runs it on both systems and compares; bench/run-
 * profile can run one case, twice with different sizes, and subtract. */
#include "report.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRANSFER_BYTES (100 * MIB)
#define CHUNK_SIZE (64 * KIB)
/* Chunks through before the go: every slot twice over, and more. */
#define WARM_UP_CHUNKS 8

#define FORK_TOUCHED (64 * MIB)
#define FORK_ITERATIONS 20
#define FORK_ITERATIONS_UNTOUCHED 100
#define FORK_WARM_UP 2

/* --- Transfers ---------------------------------------------------------- */

/* The word at the start of page `page` of chunk `index`. */
static uint64_t stamp(uint64_t index, size_t page)
{
    return (index << 16 | page) ^ 0x5eed0000cafe0000u;
}

static void produce(struct transport *transport, uint64_t index)
{
    char *chunk = transport_produce_begin(transport, index);
    for (size_t page = 0; page < transport->chunk_size / PAGE_SIZE; page++)
        *(uint64_t *)(chunk + page * PAGE_SIZE) = stamp(index, page);
    transport_produce_end(transport, index);
}

static void consume(struct transport *transport, uint64_t index)
{
    const char *chunk = transport_consume_begin(transport, index);
    for (size_t page = 0; page < transport->chunk_size / PAGE_SIZE; page++) {
        if (*(const uint64_t *)(chunk + page * PAGE_SIZE) != stamp(index, page))
            bench_fail_because(transport_name(transport->kind), "wrong data");
    }
    transport_consume_end(transport, index);
}

static void run_transfer(enum transport_kind kind, size_t bytes, size_t chunk_size)
{
    uint64_t chunks = bytes / chunk_size;
    struct transport transport;
    transport_create(&transport, kind, chunk_size);
    int go[2];
    if (pipe(go) != 0)
        bench_fail("pipe");

    pid_t child = bench_fork();
    if (child == 0) {
        if (close(go[1]) != 0)
            bench_fail("close");
        transport_attach(&transport, true);
        for (uint64_t index = 0; index < WARM_UP_CHUNKS; index++)
            produce(&transport, index);
        char signal;
        if (read(go[0], &signal, 1) != 1)
            bench_fail("read go");
        for (uint64_t index = WARM_UP_CHUNKS; index < WARM_UP_CHUNKS + chunks; index++)
            produce(&transport, index);
        /* Wait for the consumer's clock to stop before letting go of
         * anything: where a wake-up does not preempt the waker, this
         * process's unmapping and exit would otherwise be timed. */
        if (read(go[0], &signal, 1) != 1)
            bench_fail("read done");
        transport_detach(&transport);
        exit(0);
    }
    if (close(go[0]) != 0)
        bench_fail("close");
    transport_attach(&transport, false);
    for (uint64_t index = 0; index < WARM_UP_CHUNKS; index++)
        consume(&transport, index);

    /* Every slot is empty and the producer waits for the go. */
    uint64_t start = bench_now_ns();
    if (write(go[1], "g", 1) != 1)
        bench_fail("write go");
    for (uint64_t index = WARM_UP_CHUNKS; index < WARM_UP_CHUNKS + chunks; index++)
        consume(&transport, index);
    uint64_t elapsed = bench_now_ns() - start;

    if (write(go[1], "d", 1) != 1)
        bench_fail("write done");
    transport_detach(&transport);
    if (close(go[1]) != 0)
        bench_fail("close");
    bench_wait_for_success(child);
    transport_destroy(&transport);
    bench_report("transfer mode=%s bytes=%zu chunk=%zu chunks=%llu ns=%llu\n",
                transport_name(kind), (size_t)(chunks * chunk_size), chunk_size,
                (unsigned long long)chunks, (unsigned long long)elapsed);
}

/* --- Steps: what one futex call costs, in one process ------------------ */

#define STEP_WARM_UP 200
#define STEP_ITERATIONS 5000

#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

enum step { STEP_GETPID, STEP_WAKE_PRIVATE, STEP_WAKE_SHARED };

static const char *const step_names[] = {
    [STEP_GETPID] = "getpid",
    [STEP_WAKE_PRIVATE] = "futex-wake-private",
    [STEP_WAKE_SHARED] = "futex-wake-shared",
};

static void do_step(enum step step, uint32_t *private_word, uint32_t *shared_word)
{
    long woken = 0;
    switch (step) {
    case STEP_GETPID:
        woken = getpid() > 0 ? 0 : -1;
        break;
    case STEP_WAKE_PRIVATE:
        woken = syscall(SYS_futex, private_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
        break;
    case STEP_WAKE_SHARED:
        woken = syscall(SYS_futex, shared_word, FUTEX_WAKE, 1, NULL, NULL, 0);
        break;
    }
    if (woken != 0)
        bench_fail_because(step_names[step], "not 0");
}

static void run_steps(void)
{
    static uint32_t private_word;
    int fd = memfd_create("shm_bench steps", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, PAGE_SIZE) != 0)
        bench_fail("memfd_create or ftruncate");
    uint32_t *shared_word = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (shared_word == MAP_FAILED)
        bench_fail("mmap MAP_SHARED");
    *shared_word = 0;   /* faulted in */
    for (enum step step = STEP_GETPID; step <= STEP_WAKE_SHARED; step++) {
        for (int i = 0; i < STEP_WARM_UP; i++)
            do_step(step, &private_word, shared_word);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < STEP_ITERATIONS; i++)
            do_step(step, &private_word, shared_word);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], STEP_ITERATIONS,
                    (unsigned long long)(elapsed / STEP_ITERATIONS));
    }
    if (munmap(shared_word, PAGE_SIZE) != 0 || close(fd) != 0)
        bench_fail("munmap or close");
}

/* --- Fork --------------------------------------------------------------- */

static void fork_exit_wait(void)
{
    pid_t child = bench_fork();
    if (child == 0)
        _exit(0);
    bench_wait_for_success(child);
}

static void run_fork(size_t touched, int iterations)
{
    char *memory = NULL;
    if (touched > 0) {
        memory = mmap(NULL, touched, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            bench_fail("mmap");
        /* A write to every page makes each one the process's own. */
        for (size_t offset = 0; offset < touched; offset += PAGE_SIZE)
            memory[offset] = (char)(offset / PAGE_SIZE + 1);
    }
    for (int i = 0; i < FORK_WARM_UP; i++)
        fork_exit_wait();
    uint64_t start = bench_now_ns();
    for (int i = 0; i < iterations; i++)
        fork_exit_wait();
    uint64_t elapsed = bench_now_ns() - start;
    if (memory && munmap(memory, touched) != 0)
        bench_fail("munmap");
    bench_report("fork touched=%zu iterations=%d ns_per_fork=%llu\n", touched, iterations,
                (unsigned long long)(elapsed / (uint64_t)iterations));
}

/* --- Main --------------------------------------------------------------- */

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: shm_bench [quick | steps]\n"
                    "       shm_bench pipe|memfd|posix-shm MIB [CHUNK_KIB]\n"
                    "       shm_bench fork MIB ITERATIONS\n");
    exit(2);
}

/* A positive number, or usage. */
static long positive(const char *text)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value <= 0)
        usage();
    return value;
}

int main(int argc, char **argv)
{
    bench_start("shm_bench");
    enum transport_kind kind;
    bool quick = argc == 2 && strcmp(argv[1], "quick") == 0;
    if (argc == 1 || quick) {
        size_t bytes = quick ? MIB : TRANSFER_BYTES;
        bench_calibrate();
        run_transfer(TRANSPORT_PIPE, bytes, CHUNK_SIZE);
        run_transfer(TRANSPORT_MEMFD, bytes, CHUNK_SIZE);
        run_transfer(TRANSPORT_POSIX_SHM, bytes, CHUNK_SIZE);
        run_steps();
        run_fork(0, quick ? 2 : FORK_ITERATIONS_UNTOUCHED);
        run_fork(quick ? MIB : FORK_TOUCHED, quick ? 2 : FORK_ITERATIONS);
        bench_report("shm_bench done\n");
    } else if (argc == 2 && strcmp(argv[1], "steps") == 0) {
        run_steps();
    } else if (argc == 4 && strcmp(argv[1], "fork") == 0) {
        long mib = strcmp(argv[2], "0") == 0 ? 0 : positive(argv[2]);
        run_fork((size_t)mib * MIB, (int)positive(argv[3]));
    } else if ((argc == 3 || argc == 4) && transport_kind_named(argv[1], &kind)) {
        size_t chunk = argc == 4 ? (size_t)positive(argv[3]) * KIB : CHUNK_SIZE;
        if (chunk % PAGE_SIZE != 0)
            usage();
        run_transfer(kind, (size_t)positive(argv[2]) * MIB, chunk);
    } else {
        usage();
    }
    bench_print_report();
    return 0;
}
