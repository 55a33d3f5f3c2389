/*
 * A QEMU TCG plugin for bench/run-profile: counts how often each
 * translated block runs, and at exit writes one line per block that ran:
 *
 *   <guest virtual address> <instructions> <first instruction word> <runs>
 *
 * in hex, hex, hex and decimal, to the file named by its "out" argument.
 * The first instruction word tells apart the programs that share an
 * address (every server links at 0x400000): the profile's reader matches
 * it against each candidate's ELF. A block translated twice (its page was
 * mapped again, or the translation cache was flushed) has two lines.
 *
 * QEMU installs the headers of its plugin API only with its sources; the
 * few calls used here are declared below as QEMU 7.2 (plugin API version
 * 1, Debian 12's) defines them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*tb_translated)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*at_exit)(qemu_plugin_id_t id, void *data);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_translated callback);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *counter, uint64_t increment);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, at_exit callback, void *data);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t index);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
    uint64_t address;
    uint64_t instructions;
    uint32_t first_word;
    uint64_t runs;              /* QEMU adds 1 here each time the block runs */
};

/* Blocks live in chunks that never move: QEMU holds their counters' addresses. */
#define CHUNK_BLOCKS 65536
struct chunk {
    struct chunk *next;
    unsigned used;
    struct block blocks[CHUNK_BLOCKS];
};

static struct chunk *chunks;
static const char *output_path;

static struct block *new_block(void)
{
    if (!chunks || chunks->used == CHUNK_BLOCKS) {
        struct chunk *chunk = calloc(1, sizeof(*chunk));
        if (!chunk)
            return 0;
        chunk->next = chunks;
        chunks = chunk;
    }
    return &chunks->blocks[chunks->used++];
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    struct block *block = new_block();
    if (!block)
        return;
    block->address = qemu_plugin_tb_vaddr(tb);
    block->instructions = qemu_plugin_tb_n_insns(tb);
    memcpy(&block->first_word, qemu_plugin_insn_data(qemu_plugin_tb_get_insn(tb, 0)),
           sizeof(block->first_word));
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &block->runs, 1);
}

static void write_counts(qemu_plugin_id_t id, void *data)
{
    (void)id;
    (void)data;
    FILE *out = fopen(output_path, "w");
    if (!out) {
        perror(output_path);
        return;
    }
    for (const struct chunk *chunk = chunks; chunk; chunk = chunk->next)
        for (unsigned i = 0; i < chunk->used; i++) {
            const struct block *block = &chunk->blocks[i];
            if (block->runs)
                fprintf(out, "%llx %llx %x %llu\n", (unsigned long long)block->address,
                        (unsigned long long)block->instructions, block->first_word,
                        (unsigned long long)block->runs);
        }
    fclose(out);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t *info,
                                                               int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], "out=", 4) == 0)
            output_path = argv[i] + 4;
    if (!output_path) {
        fprintf(stderr, "count_blocks: give out=FILE\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
    qemu_plugin_register_atexit_cb(id, write_counts, 0);
    return 0;
}
