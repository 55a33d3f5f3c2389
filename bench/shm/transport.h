/* Three ways to move chunks from a producer process to a consumer process
 * made by fork, behind one interface, so that shm_bench.c drives them all
 * with the same loop:
 *
 *   - pipe: the producer write()s each chunk from its own buffer and the
 *     consumer read()s it into its own (two copies, made by the kernel);
 *   - memfd: a memfd both map MAP_SHARED holds SLOT_COUNT chunk-sized
 *     slots; a futex word per slot hands each slot over and back (no
 *     copy);
 *   - posix-shm: the same slots in a shm_open object (a file in /dev/shm),
 *     handed over under a PTHREAD_PROCESS_SHARED mutex with two
 *     PTHREAD_PROCESS_SHARED condition variables.
 *
 * The order of calls: transport_create in the first process, fork, then
 * in each process transport_attach, the chunks in order (begin, then end,
 * for each), transport_detach; and transport_destroy in the first process
 * once the other has exited. */
#ifndef SHM_BENCH_TRANSPORT_H
#define SHM_BENCH_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Two slots: the producer fills one while the consumer reads the other. */
#define SLOT_COUNT 2

enum transport_kind { TRANSPORT_PIPE, TRANSPORT_MEMFD, TRANSPORT_POSIX_SHM };

struct transport {
    enum transport_kind kind;
    size_t chunk_size;          /* a multiple of PAGE_SIZE */
    int pipe_ends[2];           /* pipe */
    char *own_buffer;           /* pipe: this process's chunk buffer */
    int object;                 /* memfd: its descriptor until attached */
    char *shared;               /* memfd, posix-shm: the mapping */
};

/* "pipe", "memfd", "posix-shm"; false for any other name. */
bool transport_kind_named(const char *name, enum transport_kind *kind);
const char *transport_name(enum transport_kind kind);

void transport_create(struct transport *transport, enum transport_kind kind, size_t chunk_size);
void transport_attach(struct transport *transport, bool producer);

/* The producer's buffer for chunk `index`, once it may be written; then
 * hand it over. */
char *transport_produce_begin(struct transport *transport, uint64_t index);
void transport_produce_end(struct transport *transport, uint64_t index);

/* The consumer's view of chunk `index`, once it has arrived; then give
 * it back. */
const char *transport_consume_begin(struct transport *transport, uint64_t index);
void transport_consume_end(struct transport *transport, uint64_t index);

void transport_detach(struct transport *transport);
void transport_destroy(struct transport *transport);

#endif
