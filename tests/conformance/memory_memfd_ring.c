/* A producer and a consumer, two processes, through a ring of slots in a
 * memfd both map MAP_SHARED, counted by two process-shared semaphores in
 * the same memory (free slots, filled slots). The consumer maps the memfd
 * it inherited at an address of its own, so the ring's bytes and the
 * semaphores' futexes meet through the file, not the address; it gets
 * every message once and in order, however the two interleave. */
#include <semaphore.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { slots = 8, messages = 5000, page = 4096 };

struct ring {
    sem_t free_slots, filled_slots;
    uint32_t head, tail;            /* each side's own index */
    uint64_t slot[slots];
};

static struct ring *map_ring(int fd)
{
    struct ring *ring = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(ring != MAP_FAILED);
    return ring;
}

/* The message number i: not a plain counter, so a slot read twice or
 * skipped changes the sums. */
static uint64_t message(uint64_t i)
{
    return i * 2654435761u + 17;
}

int main(void)
{
    int fd = memfd_create("memory_memfd_ring", 0);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, page) == 0);
    struct ring *ring = map_ring(fd);
    REQUIRE(sem_init(&ring->free_slots, 1, slots) == 0);
    REQUIRE(sem_init(&ring->filled_slots, 1, 0) == 0);

    pid_t consumer = fork();
    if (consumer == 0) {
        /* Its own mapping, somewhere else. */
        void *elsewhere = mmap(NULL, 5 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        (void)elsewhere;
        struct ring *own = map_ring(fd);
        CHECK(own != ring);
        int in_order = 1;
        uint64_t sum = 0;
        for (uint64_t i = 0; i < messages; i++) {
            while (sem_wait(&own->filled_slots) != 0)
                ;
            uint64_t value = own->slot[own->tail % slots];
            own->tail++;
            sem_post(&own->free_slots);
            in_order &= value == message(i);
            sum += value;
        }
        CHECK(in_order);
        uint64_t expected = 0;
        for (uint64_t i = 0; i < messages; i++)
            expected += message(i);
        CHECK_EQ(sum, expected);
        check_child_exit();
    }
    REQUIRE(consumer > 0);
    for (uint64_t i = 0; i < messages; i++) {
        while (sem_wait(&ring->free_slots) != 0)
            ;
        ring->slot[ring->head % slots] = message(i);
        ring->head++;
        sem_post(&ring->filled_slots);
    }
    int status = 0;
    CHECK_EQ(waitpid(consumer, &status, 0), consumer);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Every slot came back free, and the consumer saw every message. */
    int value = -1;
    CHECK_EQ(sem_getvalue(&ring->free_slots, &value), 0);
    CHECK_EQ(value, slots);
    CHECK_EQ(ring->tail, messages);
    return check_finish("memory_memfd_ring");
}
