/*
 * The block execve hands procmgr (protocol/procmgr.h): the path, then
 * argc argument strings, then envc environment strings, each
 * NUL-terminated. Built without IPC; host-tested in
 * tests/host/test_personality_exec_block.c.
 */
#ifndef LINUX_EXEC_BLOCK_H
#define LINUX_EXEC_BLOCK_H

#include <stdint.h>

/* Linux's limits: the strings together may take a quarter of the 8 MiB
 * default stack, each string at most 32 pages. */
#define EXEC_BLOCK_LIMIT        (2ULL << 20)
#define EXEC_BLOCK_STRING_LIMIT (32ULL * 4096)

struct exec_block_layout {
    uint64_t argc;
    uint64_t envc;
    uint64_t length;        /* bytes of the whole block */
};

/* Counts and measures; argv or envp may be 0 (no strings, as Linux takes
 * it). -LINUX_E2BIG if the block would pass limit or a string
 * EXEC_BLOCK_STRING_LIMIT. */
int64_t exec_block_measure(const char *path, const char *const *argv, const char *const *envp,
                           uint64_t limit, struct exec_block_layout *layout);

/* Writes the block measured by exec_block_measure into block. */
void exec_block_fill(char *block, const char *path, const char *const *argv,
                     const char *const *envp, const struct exec_block_layout *layout);

#endif
