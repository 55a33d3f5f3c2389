#include "transport.h"

#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const names[] = {
    [TRANSPORT_PIPE] = "pipe",
    [TRANSPORT_MEMFD] = "memfd",
    [TRANSPORT_POSIX_SHM] = "posix-shm",
};

bool transport_kind_named(const char *name, enum transport_kind *kind)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *kind = (enum transport_kind)i;
            return true;
        }
    }
    return false;
}

const char *transport_name(enum transport_kind kind)
{
    return names[kind];
}

/* --- The shared region (memfd, posix-shm) ------------------------------ */

/* Its first page; the slots follow, one chunk each. */
struct control {
    /* memfd: a futex word per slot, SLOT_FULL and SLOT_WAITED. */
    _Atomic uint32_t slot_word[SLOT_COUNT];
    /* posix-shm: whether each slot is full, under `lock`. */
    pthread_mutex_t lock;
    pthread_cond_t slot_emptied;
    pthread_cond_t slot_filled;
    bool slot_full[SLOT_COUNT];
};

_Static_assert(sizeof(struct control) <= PAGE_SIZE, "the control block fits its page");

static size_t shared_length(const struct transport *transport)
{
    return PAGE_SIZE + SLOT_COUNT * transport->chunk_size;
}

static struct control *control(const struct transport *transport)
{
    return (struct control *)transport->shared;
}

static char *slot(const struct transport *transport, uint64_t index)
{
    return transport->shared + PAGE_SIZE + (index % SLOT_COUNT) * transport->chunk_size;
}

static char *map_shared(const struct transport *transport, int fd)
{
    char *memory = mmap(NULL, shared_length(transport), PROT_READ | PROT_WRITE, MAP_SHARED,
                        fd, 0);
    if (memory == MAP_FAILED)
        bench_fail("mmap MAP_SHARED");
    return memory;
}

/* posix-shm's name in /dev/shm, made unique by the first process's pid. */
static void shm_name(char name[32], pid_t creator)
{
    snprintf(name, 32, "/shm_bench.%d", (int)creator);
}

/* --- memfd: a futex word per slot -------------------------------------- */

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#define SLOT_FULL   1u      /* the consumer's turn */
#define SLOT_WAITED 2u      /* someone sleeps on the word: wake them */

/* Waits until the slot's word says `full` (SLOT_FULL or 0). The waiter
 * marks the word SLOT_WAITED before it sleeps, so the other side makes
 * the futex call only when someone sleeps: a hand-over that finds the
 * other process busy costs no system call. Only one process ever waits
 * on a word (the producer for an empty slot, the consumer for a full
 * one), and the other side's exchange clears the mark. */
static void slot_wait(_Atomic uint32_t *word, uint32_t full)
{
    for (;;) {
        uint32_t seen = atomic_load_explicit(word, memory_order_acquire);
        if ((seen & SLOT_FULL) == full)
            return;
        if (!(seen & SLOT_WAITED)) {
            if (!atomic_compare_exchange_strong_explicit(word, &seen, seen | SLOT_WAITED,
                                                         memory_order_acquire,
                                                         memory_order_acquire))
                continue;
            seen |= SLOT_WAITED;
        }
        /* EAGAIN: the word changed before we slept; EINTR: look again. */
        if (syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0) != 0
            && errno != EAGAIN && errno != EINTR)
            bench_fail("futex FUTEX_WAIT");
    }
}

static void slot_set(_Atomic uint32_t *word, uint32_t full)
{
    uint32_t before = atomic_exchange_explicit(word, full, memory_order_release);
    if ((before & SLOT_WAITED) && syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
        bench_fail("futex FUTEX_WAKE");
}

/* --- posix-shm: a mutex and two condition variables ------------------- */

static void init_control_locks(struct control *shared)
{
    pthread_mutexattr_t mutex_attributes;
    pthread_condattr_t condition_attributes;
    if (pthread_mutexattr_init(&mutex_attributes) != 0
        || pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED) != 0
        || pthread_mutex_init(&shared->lock, &mutex_attributes) != 0
        || pthread_condattr_init(&condition_attributes) != 0
        || pthread_condattr_setpshared(&condition_attributes, PTHREAD_PROCESS_SHARED) != 0
        || pthread_cond_init(&shared->slot_emptied, &condition_attributes) != 0
        || pthread_cond_init(&shared->slot_filled, &condition_attributes) != 0)
        bench_fail_because("posix-shm", "cannot make the process-shared mutex and conditions");
}

/* Waits, under the lock, until the slot is full or empty as wanted. */
static void locked_slot_wait(struct control *shared, unsigned slot_index, bool full)
{
    pthread_cond_t *condition = full ? &shared->slot_filled : &shared->slot_emptied;
    pthread_mutex_lock(&shared->lock);
    while (shared->slot_full[slot_index] != full)
        pthread_cond_wait(condition, &shared->lock);
    pthread_mutex_unlock(&shared->lock);
}

static void locked_slot_set(struct control *shared, unsigned slot_index, bool full)
{
    pthread_mutex_lock(&shared->lock);
    shared->slot_full[slot_index] = full;
    pthread_cond_signal(full ? &shared->slot_filled : &shared->slot_emptied);
    pthread_mutex_unlock(&shared->lock);
}

/* --- The interface ------------------------------------------------------ */

/* The first process's pid, for posix-shm's name (the other has its own). */
static pid_t creator;

void transport_create(struct transport *transport, enum transport_kind kind, size_t chunk_size)
{
    *transport = (struct transport){ .kind = kind, .chunk_size = chunk_size, .object = -1 };
    char name[32];
    switch (kind) {
    case TRANSPORT_PIPE:
        if (pipe(transport->pipe_ends) != 0)
            bench_fail("pipe");
        break;
    case TRANSPORT_MEMFD:
        /* Its futex words start at 0: every slot empty, nobody waiting. */
        transport->object = memfd_create("shm_bench", MFD_CLOEXEC);
        if (transport->object < 0)
            bench_fail("memfd_create");
        if (ftruncate(transport->object, (off_t)shared_length(transport)) != 0)
            bench_fail("ftruncate memfd");
        break;
    case TRANSPORT_POSIX_SHM: {
        creator = getpid();
        shm_name(name, creator);
        int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd < 0)
            bench_fail("shm_open O_CREAT");
        if (ftruncate(fd, (off_t)shared_length(transport)) != 0)
            bench_fail("ftruncate shm");
        /* Made here, before either process uses them; each process then
         * opens and maps the object by its name. */
        transport->shared = map_shared(transport, fd);
        init_control_locks(control(transport));
        if (munmap(transport->shared, shared_length(transport)) != 0 || close(fd) != 0)
            bench_fail("munmap or close shm");
        transport->shared = NULL;
        break;
    }
    }
}

/* Private memory for the pipe's chunks, faulted in now so that no fault
 * falls into a timed phase. */
static char *map_touched(size_t length)
{
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (memory == MAP_FAILED)
        bench_fail("mmap");
    memset(memory, 0x5a, length);
    return memory;
}

/* Each process maps the object for itself, as two unrelated processes
 * would; the slots' pages are faulted in by the first chunks through them
 * (shm_bench.c's warm-up), on both sides. */
void transport_attach(struct transport *transport, bool producer)
{
    char name[32];
    switch (transport->kind) {
    case TRANSPORT_PIPE:
        if (close(transport->pipe_ends[producer ? 0 : 1]) != 0)
            bench_fail("close");
        transport->pipe_ends[producer ? 0 : 1] = -1;
        transport->own_buffer = map_touched(transport->chunk_size);
        break;
    case TRANSPORT_MEMFD:
        transport->shared = map_shared(transport, transport->object);
        if (close(transport->object) != 0)
            bench_fail("close memfd");
        transport->object = -1;
        break;
    case TRANSPORT_POSIX_SHM: {
        shm_name(name, creator);
        int fd = shm_open(name, O_RDWR, 0);
        if (fd < 0)
            bench_fail("shm_open");
        transport->shared = map_shared(transport, fd);
        if (close(fd) != 0)
            bench_fail("close shm");
        break;
    }
    }
}

char *transport_produce_begin(struct transport *transport, uint64_t index)
{
    unsigned slot_index = (unsigned)(index % SLOT_COUNT);
    switch (transport->kind) {
    case TRANSPORT_PIPE:
        return transport->own_buffer;
    case TRANSPORT_MEMFD:
        slot_wait(&control(transport)->slot_word[slot_index], 0);
        break;
    case TRANSPORT_POSIX_SHM:
        locked_slot_wait(control(transport), slot_index, false);
        break;
    }
    return slot(transport, index);
}

static void write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written <= 0)
            bench_fail(written < 0 ? "write" : "write wrote nothing");
        data += written;
        length -= (size_t)written;
    }
}

void transport_produce_end(struct transport *transport, uint64_t index)
{
    unsigned slot_index = (unsigned)(index % SLOT_COUNT);
    switch (transport->kind) {
    case TRANSPORT_PIPE:
        write_all(transport->pipe_ends[1], transport->own_buffer, transport->chunk_size);
        break;
    case TRANSPORT_MEMFD:
        slot_set(&control(transport)->slot_word[slot_index], SLOT_FULL);
        break;
    case TRANSPORT_POSIX_SHM:
        locked_slot_set(control(transport), slot_index, true);
        break;
    }
}

/* Reads a whole chunk (one read, when the pipe holds it all). */
static void read_exact(int fd, char *data, size_t length)
{
    while (length > 0) {
        ssize_t got = read(fd, data, length);
        if (got < 0)
            bench_fail("read");
        if (got == 0)
            bench_fail_because("read", "end of file too early");
        data += got;
        length -= (size_t)got;
    }
}

const char *transport_consume_begin(struct transport *transport, uint64_t index)
{
    unsigned slot_index = (unsigned)(index % SLOT_COUNT);
    switch (transport->kind) {
    case TRANSPORT_PIPE:
        read_exact(transport->pipe_ends[0], transport->own_buffer, transport->chunk_size);
        return transport->own_buffer;
    case TRANSPORT_MEMFD:
        slot_wait(&control(transport)->slot_word[slot_index], SLOT_FULL);
        break;
    case TRANSPORT_POSIX_SHM:
        locked_slot_wait(control(transport), slot_index, true);
        break;
    }
    return slot(transport, index);
}

void transport_consume_end(struct transport *transport, uint64_t index)
{
    unsigned slot_index = (unsigned)(index % SLOT_COUNT);
    switch (transport->kind) {
    case TRANSPORT_PIPE:
        break;
    case TRANSPORT_MEMFD:
        slot_set(&control(transport)->slot_word[slot_index], 0);
        break;
    case TRANSPORT_POSIX_SHM:
        locked_slot_set(control(transport), slot_index, false);
        break;
    }
}

void transport_detach(struct transport *transport)
{
    if (transport->kind == TRANSPORT_PIPE) {
        for (int end = 0; end < 2; end++) {
            if (transport->pipe_ends[end] >= 0 && close(transport->pipe_ends[end]) != 0)
                bench_fail("close");
        }
        if (munmap(transport->own_buffer, transport->chunk_size) != 0)
            bench_fail("munmap");
        return;
    }
    if (munmap(transport->shared, shared_length(transport)) != 0)
        bench_fail("munmap shared");
}

void transport_destroy(struct transport *transport)
{
    char name[32];
    if (transport->kind == TRANSPORT_POSIX_SHM) {
        shm_name(name, creator);
        if (shm_unlink(name) != 0)
            bench_fail("shm_unlink");
    }
}
