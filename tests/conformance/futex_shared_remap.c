/* A shared futex is named by the memory its address maps, not by the
 * address: once a different memfd is mapped where the first one was
 * (munmap and mmap, or MAP_FIXED over it), a FUTEX_WAKE at that address
 * reaches the waiters of the new memory, here a child waiting on the
 * word through a mapping of its own at another address, and no longer
 * those of the old. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "futex.h"

enum { page = 4096 };

static long futex(volatile uint32_t *word, int operation, uint32_t value,
                  const struct timespec *timeout)
{
    return syscall(SYS_futex, word, operation, value, timeout, NULL, 0);
}

static int memory_file(void)
{
    int fd = memfd_create("futex_shared_remap", 0);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, page) == 0);
    return fd;
}

/* Wakes the word at address until one waiter is woken, for at most 5 s;
 * the number woken by the last try. */
static long wake_one(volatile uint32_t *word)
{
    for (int tries = 0; tries < 500; tries++) {
        long woken = futex(word, FUTEX_WAKE, 1, NULL);
        if (woken != 0)
            return woken;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return 0;
}

/* A child that waits (at most 10 s) on the word of fd's memory, mapped
 * at an address of its own; it exits 0 if woken. */
static pid_t waiter_on(int fd)
{
    pid_t child = fork();
    if (child == 0) {
        void *unused = mmap(NULL, 3 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        (void)unused;   /* so the child's mapping lands elsewhere */
        volatile uint32_t *word = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (word == MAP_FAILED)
            _exit(2);
        struct timespec limit = {10, 0};
        _exit(futex(word, FUTEX_WAIT, 0, &limit) == 0 ? 0 : 1);
    }
    return child;
}

static void waits_for_child(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    int first = memory_file(), second = memory_file(), third = memory_file();
    volatile uint32_t *word = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, first, 0);
    REQUIRE(word != MAP_FAILED);
    pid_t child = waiter_on(first);
    CHECK_EQ(wake_one(word), 1);
    waits_for_child(child);

    /* The same address, another memfd. */
    CHECK_EQ(munmap((void *)word, page), 0);
    volatile uint32_t *again = mmap((void *)word, page, PROT_READ | PROT_WRITE,
                                    MAP_SHARED | MAP_FIXED, second, 0);
    REQUIRE(again == word);
    child = waiter_on(second);
    CHECK_EQ(wake_one(word), 1);
    waits_for_child(child);

    /* MAP_FIXED over the mapping, without munmap. */
    again = mmap((void *)word, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, third, 0);
    REQUIRE(again == word);
    child = waiter_on(third);
    CHECK_EQ(wake_one(word), 1);
    waits_for_child(child);
    /* Nobody waits on the second memfd's word any more. */
    volatile uint32_t *old = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, second, 0);
    REQUIRE(old != MAP_FAILED);
    CHECK_EQ(futex(old, FUTEX_WAKE, 1, NULL), 0);
    return check_finish("futex_shared_remap");
}
