/* A demo: lazy restore with userfaultfd, the way a checkpoint/restore
 * tool brings a process's memory back (CRIU's lazy pages). The program
 * fills 16 pages of "state", saves them as an image (a memfd standing
 * for the file on disk), throws the memory away, and maps an empty region
 * at the same address, registered MISSING with userfaultfd. Then it runs
 * on as if nothing happened: each page it touches faults, and a pager
 * thread reads the fault's message, reads that page from the image and
 * puts it in place with UFFDIO_COPY, printing what it did. The touches
 * go one at a time (reads, a write, reads again), so the transcript is
 * the same on every run; at the end every page was restored once, on
 * demand, and the region reads as it was saved, with the one write kept.
 *
 * UFFD_USER_MODE_ONLY makes it run unprivileged (every fault is the
 * program's own touch). Run it alone with tools/exec
 * build/target/conformance/demo_userfaultfd_restore. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096
#define PAGES 16

struct pager {
    int uffd;
    int image;                  /* the saved pages, page i at offset i * PAGE */
    int stop;                   /* readable once main is done */
    char *region;
    int restored;               /* pages put back */
    int per_page[PAGES];        /* how often each page was */
    int failures;
};

/* The state a page holds: a line naming it, then a pattern. */
static void fill_state(char *page, int index)
{
    for (int i = 0; i < PAGE; i++)
        page[i] = (char)('a' + (index + i) % 26);
    snprintf(page, 32, "page %02d of the saved state", index);
}

/* The pager: one fault at a time, each page read from the image and
 * copied in, until main says stop. */
static void *pager_main(void *argument)
{
    struct pager *pager = argument;
    static char buffer[PAGE] __attribute__((aligned(PAGE)));
    for (;;) {
        struct pollfd pollers[2] = { { pager->uffd, POLLIN, 0 }, { pager->stop, POLLIN, 0 } };
        if (poll(pollers, 2, 10000) < 1 || pollers[1].revents)
            return 0;
        struct uffd_msg message;
        if (read(pager->uffd, &message, sizeof message) != sizeof message ||
            message.event != UFFD_EVENT_PAGEFAULT) {
            pager->failures++;
            return 0;
        }
        uint64_t address = message.arg.pagefault.address;
        int index = (int)((address - (uint64_t)(uintptr_t)pager->region) / PAGE);
        if (index < 0 || index >= PAGES ||
            pread(pager->image, buffer, PAGE, (off_t)index * PAGE) != PAGE) {
            pager->failures++;
            return 0;
        }
        printf("pager: %s fault on page %2d: restored from the image\n",
               message.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE ? "write" : "read ", index);
        /* Counted before the copy, which lets the toucher go on: main
         * reads the count after its touch. */
        __atomic_add_fetch(&pager->restored, 1, __ATOMIC_RELEASE);
        pager->per_page[index]++;
        struct uffdio_copy copy = { address, (uint64_t)(uintptr_t)buffer, PAGE, 0, 0 };
        if (ioctl(pager->uffd, UFFDIO_COPY, &copy) != 0 || copy.copy != PAGE) {
            pager->failures++;
            return 0;
        }
    }
}

/* What the program does with its memory after the restore: touch the
 * page, and say what it found. The bytes are copied out first, so the
 * fault never comes inside printf, holding stdout's lock the pager's
 * printf needs. */
static void read_page(const char *region, int index)
{
    char line[32];
    memcpy(line, region + (size_t)index * PAGE, sizeof line);
    line[sizeof line - 1] = 0;
    printf("main:  page %2d says \"%s\"\n", index, line);
}

int main(void)
{
    /* Before: the program's state, in memory. */
    char *region = mmap(0, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    REQUIRE(region != MAP_FAILED);
    for (int i = 0; i < PAGES; i++)
        fill_state(region + (size_t)i * PAGE, i);

    /* The checkpoint: the pages saved to an image, the memory gone. */
    int image = memfd_create("image", 0);
    REQUIRE(image >= 0);
    CHECK_EQ(write(image, region, PAGES * PAGE), PAGES * PAGE);
    printf("saved %d pages to the image\n", PAGES);
    CHECK_OK(munmap(region, PAGES * PAGE));

    /* The restore: an empty region at the same address, its pages
     * userfaultfd's to fill. */
    char *empty = mmap(region, PAGES * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    REQUIRE(empty == region);
    int stop[2];
    REQUIRE(pipe(stop) == 0);
    struct pager pager = { .image = image, .stop = stop[0], .region = region };
    pager.uffd = userfault_open(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
    REQUIRE(pager.uffd >= 0);
    REQUIRE(userfault_register(pager.uffd, region, PAGES * PAGE) == 0);
    printf("mapped an empty region of %d pages and registered it\n", PAGES);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, pager_main, &pager) == 0);

    /* The program runs on: a few reads, a write, more reads. */
    read_page(region, 3);
    read_page(region, 0);
    read_page(region, 3);               /* there already: no fault */
    region[12 * PAGE + 100] = '!';
    printf("main:  wrote to page 12\n");
    read_page(region, 12);
    read_page(region, 15);
    printf("main:  %d pages restored so far\n", __atomic_load_n(&pager.restored, __ATOMIC_ACQUIRE));

    /* Then it reads everything: the rest comes in, in order. */
    static char expected[PAGE];
    int same = 0;
    for (int i = 0; i < PAGES; i++) {
        fill_state(expected, i);
        if (i == 12)
            expected[100] = '!';
        same += memcmp(region + (size_t)i * PAGE, expected, PAGE) == 0;
    }
    printf("main:  %d of %d pages read back as saved (page 12 with its write)\n", same, PAGES);

    close(stop[1]);                     /* the pager's poll sees the end */
    pthread_join(thread, 0);
    close(pager.uffd);
    int once = 0;
    for (int i = 0; i < PAGES; i++)
        once += pager.per_page[i] == 1;
    printf("restored %d pages, each once, on demand\n", once);
    CHECK_EQ(pager.failures, 0);
    CHECK_EQ(same, PAGES);
    CHECK_EQ(pager.restored, PAGES);
    CHECK_EQ(once, PAGES);
    return check_finish("demo_userfaultfd_restore");
}
