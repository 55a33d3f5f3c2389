/* The table of servers (libsys/src/servers.c): every entry names its
 * program, and each server's share of memory fits the machine. */
#include "check.h"
#include "sys/servers.h"

#define MiB (1ULL << 20)

static void every_server_has_a_program_and_a_cnode(void)
{
    for (unsigned id = 0; id < SERVER_COUNT; id++) {
        CHECK(server_table[id].name != 0);
        CHECK(server_table[id].program != 0);
        CHECK(server_table[id].cnode_bits >= 12);
    }
}

/* A big machine gives each server what its entry asks; a small one at
 * most an eighth of its memory each, but never less than 1 MiB. */
static void memory_shares_shrink_with_the_machine(void)
{
    const struct server_entry *pipe = &server_table[SERVER_PIPE];
    CHECK_EQ_U64(server_memory_bits(pipe, 4096 * MiB), pipe->memory_bits);
    CHECK_EQ_U64(1ULL << server_memory_bits(pipe, 251 * MiB), 16 * MiB);
    CHECK_EQ_U64(1ULL << server_memory_bits(pipe, 1019 * MiB), 64 * MiB);
    CHECK_EQ_U64(server_memory_bits(pipe, 4 * MiB), 20);
    CHECK_EQ_U64(1ULL << server_memory_bits(pipe, 300 * MiB), 32 * MiB);
    CHECK_EQ_U64(server_memory_bits(&server_table[SERVER_PROCMGR], 4096 * MiB), 0);
    for (unsigned id = 0; id < SERVER_COUNT; id++)
        CHECK(server_memory_bits(&server_table[id], 1024 * MiB) <= server_table[id].memory_bits);
}

int main(void)
{
    every_server_has_a_program_and_a_cnode();
    memory_shares_shrink_with_the_machine();
    return check_report();
}
