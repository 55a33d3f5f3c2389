/* The userfaultfd benchmark: one static musl program, run unchanged on
 * Linux and on tern under qemu-system-aarch64 -icount shift=0, where the
 * monotonic clock advances one nanosecond per guest instruction, so every
 * number it prints is an instruction count.
 *
 * A MISSING fault's round trip: the main thread touches a page of a
 * registered anonymous range that is not there yet; a pager thread reads
 * the UFFD_EVENT_PAGEFAULT message, fills the page with UFFDIO_COPY from
 * a buffer of its own, and the main thread goes on. Each touch is a new
 * page, so every one faults. Two pagers:
 *   - blocking: the pager waits in read(2) on a blocking descriptor;
 *   - poll: the pager waits in poll(2), then reads an O_NONBLOCK one.
 * Each case warms up, then times a fixed number of touches, and prints
 * one line (kept until the end, bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   fault pager=P iterations=N ns=X
 *
 * X is per fault; then "uffd_bench done".
 *
 *   uffd_bench            every case
 *   uffd_bench quick      every case, few faults: to check the runner
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "report.h"
#include "userfault.h"

#define PAGE 4096

static int warm_up = 16, iterations = 512;

struct pager {
    int fd;
    int polls;                  /* wait in poll first */
    int pages;                  /* faults to serve */
};

static char source[PAGE] __attribute__((aligned(PAGE)));

static void *serve(void *argument)
{
    struct pager *pager = argument;
    for (int served = 0; served < pager->pages; served++) {
        struct uffd_msg message;
        if (pager->polls) {
            struct pollfd poller = { pager->fd, POLLIN, 0 };
            if (poll(&poller, 1, -1) != 1)
                bench_fail("poll");
        }
        if (read(pager->fd, &message, sizeof message) != sizeof message)
            bench_fail("read");
        if (message.event != UFFD_EVENT_PAGEFAULT)
            bench_fail_because("read", "not a page fault");
        struct uffdio_copy copy = { message.arg.pagefault.address & ~(uint64_t)(PAGE - 1),
                                    (uint64_t)(uintptr_t)source, PAGE, 0, 0 };
        if (ioctl(pager->fd, UFFDIO_COPY, &copy) != 0)
            bench_fail("UFFDIO_COPY");
    }
    return 0;
}

static void run_case(int polls)
{
    int pages = warm_up + iterations;
    int fd = userfault_open(polls ? O_NONBLOCK : 0, 0);
    if (fd < 0)
        bench_fail("userfaultfd");
    char *area = mmap(0, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        bench_fail("mmap");
    if (userfault_register(fd, area, (uint64_t)pages * PAGE) != 0)
        bench_fail("UFFDIO_REGISTER");
    struct pager pager = { fd, polls, pages };
    pthread_t thread;
    if (pthread_create(&thread, 0, serve, &pager) != 0)
        bench_fail("pthread_create");
    volatile char sum = 0;
    for (int i = 0; i < warm_up; i++)
        sum += area[(size_t)i * PAGE];
    uint64_t start = bench_now_ns();
    for (int i = warm_up; i < pages; i++)
        sum += area[(size_t)i * PAGE];
    uint64_t elapsed = bench_now_ns() - start;
    pthread_join(thread, 0);
    if (area[(size_t)(pages - 1) * PAGE + 1] != 'p')
        bench_fail_because("UFFDIO_COPY", "the page has not the pager's bytes");
    bench_report("fault pager=%s iterations=%d ns=%llu\n", polls ? "poll" : "blocking",
                 iterations, (unsigned long long)(elapsed / (uint64_t)iterations));
    close(fd);
    munmap(area, (size_t)pages * PAGE);
}

int main(int argc, char **argv)
{
    bench_start("uffd_bench");
    if (argc == 2 && strcmp(argv[1], "quick") == 0) {
        warm_up = 2;
        iterations = 8;
    } else if (argc != 1) {
        fprintf(stderr, "usage: uffd_bench [quick]\n");
        return 2;
    }
    memset(source, 'p', sizeof source);
    bench_calibrate();
    run_case(0);
    run_case(1);
    bench_report("uffd_bench done\n");
    bench_print_report();
    return 0;
}
