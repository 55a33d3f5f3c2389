/*
 * Programs that run as processes: a thread in a fresh VSpace and CSpace of
 * its own. Their code lives in the .standalone section (page-aligned, see
 * libsys/user.ld); process_new copies those pages into fresh frames and
 * maps them at the same addresses in the new VSpace, plus a stack, an IPC
 * buffer and shared data pages. So standalone code must not refer to
 * anything outside its section: no globals, no string literals, no calls
 * to functions elsewhere (the syscalls are forced inline), no jump tables
 * (standalone.c is built with -fno-jump-tables).
 *
 * A process starts at its entry with x0 = PROCESS_DATA. Its CNode has
 * radix PROCESS_CNODE_BITS and a guard filling the rest of the 64 bits, so
 * slot n is cptr n.
 */
#ifndef STANDALONE_H
#define STANDALONE_H

#include <stdint.h>
#include "tern/errors.h"

#define PROCESS_CNODE_BITS      7
#define PROCESS_DATA            0x3000000000ULL
#define PROCESS_STACK_TOP       0x3100000000ULL
#define PROCESS_STACK_PAGES     4
#define PROCESS_IPC_BUFFER      0x3200000000ULL

/* Slots every process has. */
#define PROCESS_SLOT_PARK       1   /* notification (read only) nobody signals: wait here when done */
#define PROCESS_SLOT_NOTIFY     2   /* notification to signal (when a program says so) */

#define STANDALONE __attribute__((section(".standalone"), used, noinline))

extern char __standalone_start[], __standalone_end[];

/* ---- standalone_report: signal PROCESS_SLOT_NOTIFY, compute, report ---- */

struct report_data {
    uint64_t input;
    uint64_t output;            /* input * 3 + 1 */
    uint64_t signal_error;      /* Signal's label */
    uint64_t done;
};
void standalone_report(void *data);

/* ---- standalone_membarrier: run membarrier commands, record results ---- */

#define MEMBARRIER_STEPS_MAX    32
struct membarrier_step {
    uint64_t command;
    uint64_t flags;
    int64_t cpu_id;
    int64_t result;
};
struct membarrier_data {
    uint64_t count;
    struct membarrier_step steps[MEMBARRIER_STEPS_MAX];
    uint64_t done;
};
void standalone_membarrier(void *data);

/* ---- standalone_fuzz: random invocations and system calls ---- */

/* The test fills the fuzzer's slots FUZZ_SLOT_FIRST .. slot_end - 1; the
 * fuzzer aims mostly at those, sometimes at any of 0 .. FUZZ_SLOT_RANGE - 1
 * and now and then at random cptrs. */
#define FUZZ_SLOT_FIRST         3
#define FUZZ_SLOT_RANGE         48
/* Addresses the fuzzer favours for mappings: nothing of its own is there. */
#define FUZZ_REGION             0x2000000000ULL

struct fuzz_data {
    uint64_t seed;
    uint64_t invocations_wanted;    /* Calls to make */
    uint64_t slot_end;              /* slots FUZZ_SLOT_FIRST .. slot_end - 1 are filled */
    /* The invocation labels the object in each slot answers to (count 0:
     * none; an endpoint takes any). The fuzzer picks among them half the
     * time, so that most invocations get past the label check. */
    uint8_t label_first[FUZZ_SLOT_RANGE];
    uint8_t label_count[FUZZ_SLOT_RANGE];
    uint64_t invocations;           /* Calls made */
    uint64_t other_calls;           /* NBSend, Signal, Poll, NBRecv, Yield */
    uint64_t by_label[TERN_ERROR_COUNT + 1];   /* Calls by reply label; last: other */
    uint64_t done;
};
void standalone_fuzz(void *data);

#endif
