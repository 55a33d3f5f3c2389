/* Two threads of one process, pinned to cores 0 and 1, touch the same
 * page at the same moment, page after page: each access goes on as if
 * its thread had been alone (on Linux the fault that finds the page
 * there already, the other thread's fault having put it there, is
 * spurious and the access is simply tried again). New anonymous pages
 * read and written, and pages a fork left shared copy-on-write read and
 * written: every word either thread wrote is there afterwards, the rest
 * of each page as it was, and the other process's copy unchanged. Each
 * race runs in a child, so that a thread killed by a fault fails a
 * check. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { page_words = 4096 / sizeof(uint32_t), pages = 256, marker_word = 2 };

struct race {
    volatile uint32_t *memory;      /* pages pages */
    int write;                      /* each thread writes its word; else reads it */
    int marked;                     /* marker_word holds marker(i) on page i; else 0 */
    unsigned arrived;               /* arrivals at the pages, both threads' */
};

/* What thread side (0 or 1) writes into word side of page i. */
static uint32_t value(unsigned i, int side)
{
    return i * 2 + (unsigned)side + 1;
}

static uint32_t marker(unsigned i)
{
    return 0x5a000000u + i;
}

static int pin_to(int core)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

/* Both threads wait here before page i: the second to arrive lets both
 * go at once. */
static void meet(struct race *race, unsigned i)
{
    __atomic_add_fetch(&race->arrived, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&race->arrived, __ATOMIC_ACQUIRE) < 2 * (i + 1))
        ;
}

/* One side of the race: its word of every page, read or written at the
 * moment the other side touches the same page. The reads that found
 * something else, counted. */
static long touch_pages(struct race *race, int side)
{
    long wrong = 0;
    for (unsigned i = 0; i < pages; i++) {
        volatile uint32_t *word = race->memory + i * page_words + side;
        meet(race, i);
        if (race->write)
            *word = value(i, side);
        else if (*word != 0)
            wrong++;
    }
    return wrong;
}

static struct race race;

static void *second_side(void *unused)
{
    (void)unused;
    if (pin_to(1) != 0)
        return (void *)-1L;
    return (void *)touch_pages(&race, 1);
}

/* Whether every page holds what the race left: both words written (or
 * still zero after reads) and the marker as it was. */
static int pages_hold_the_race(const struct race *race)
{
    for (unsigned i = 0; i < pages; i++) {
        const volatile uint32_t *page = race->memory + i * page_words;
        for (int side = 0; side < 2; side++)
            if (page[side] != (race->write ? value(i, side) : 0))
                return 0;
        if (page[marker_word] != (race->marked ? marker(i) : 0))
            return 0;
    }
    return 1;
}

/* In a child: the two sides race over memory, then the pages are checked. */
static void run_race(volatile uint32_t *memory, int write, int marked)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        race = (struct race){ memory, write, marked, 0 };
        CHECK_OK(pin_to(0));
        pthread_t thread;
        REQUIRE(pthread_create(&thread, NULL, second_side, NULL) == 0);
        long wrong = touch_pages(&race, 0);
        void *other_wrong;
        CHECK_EQ(pthread_join(thread, &other_wrong), 0);
        CHECK_EQ(wrong, 0);
        CHECK_EQ((long)other_wrong, 0);
        CHECK(pages_hold_the_race(&race));
        check_child_exit();
    }
    check_child_passed(child);
}

static volatile uint32_t *new_pages(void)
{
    void *memory = mmap(NULL, pages * page_words * sizeof(uint32_t), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    return memory;
}

static void unmap(volatile uint32_t *memory)
{
    CHECK_OK(munmap((void *)memory, pages * page_words * sizeof(uint32_t)));
}

/* Pages the child gets copy-on-write: each with its marker, written
 * here first. */
static volatile uint32_t *marked_pages(void)
{
    volatile uint32_t *memory = new_pages();
    for (unsigned i = 0; i < pages; i++)
        memory[i * page_words + marker_word] = marker(i);
    return memory;
}

/* The parent's copy of marked pages after a child raced over them. */
static int pages_unchanged(const volatile uint32_t *memory)
{
    for (unsigned i = 0; i < pages; i++) {
        const volatile uint32_t *page = memory + i * page_words;
        if (page[0] != 0 || page[1] != 0 || page[marker_word] != marker(i))
            return 0;
    }
    return 1;
}

static void new_pages_read_at_once(void)
{
    volatile uint32_t *memory = new_pages();
    run_race(memory, 0, 0);
    unmap(memory);
}

static void new_pages_written_at_once(void)
{
    volatile uint32_t *memory = new_pages();
    run_race(memory, 1, 0);
    unmap(memory);
}

static void shared_pages_read_at_once(void)
{
    volatile uint32_t *memory = marked_pages();
    run_race(memory, 0, 1);
    CHECK(pages_unchanged(memory));
    unmap(memory);
}

static void shared_pages_written_at_once(void)
{
    volatile uint32_t *memory = marked_pages();
    run_race(memory, 1, 1);
    CHECK(pages_unchanged(memory));
    unmap(memory);
}

int main(void)
{
    new_pages_read_at_once();
    new_pages_written_at_once();
    shared_pages_read_at_once();
    shared_pages_written_at_once();
    return check_finish("memory_concurrent_faults");
}
