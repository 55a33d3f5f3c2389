/*
 * How much of the memory for processes procmgr lends to the servers that
 * hold memory on processes' behalf (memory files: borrows_memory in
 * sys/servers.h, SERVER_TAKE_MEMORY in sys/protocol/common.h). Pure, so
 * the host tests check it.
 *
 * Linux lets a tmpfs hold at most half of RAM unless told otherwise;
 * here every borrower together gets at most half of the chunks, and
 * never the last sixteenth, which stays for processes to start, fork
 * and fault pages in. What is lent is never taken back: the server keeps
 * reusing it (its pages hold bytes processes may still map).
 */
#ifndef PROCMGR_LENDING_POLICY_H
#define PROCMGR_LENDING_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* May one more chunk be lent, with total chunks for processes, free of
 * them, and lent already (in chunks)? */
bool lending_allowed(uint64_t total, uint64_t free, uint64_t lent);

#endif
