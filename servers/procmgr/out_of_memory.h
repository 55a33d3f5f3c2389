/*
 * Whom procmgr ends when memory for processes runs out, as Linux's OOM
 * killer chooses (mm/oom_kill.c, oom_badness): the process that holds
 * the most pages, which then dies of SIGKILL. A fault that finds no page
 * for a process's private memory (a new page, a copy on write) asks;
 * if another process is chosen, it goes and the fault is tried again,
 * so the process that happened to fault lives on when it is not the
 * hog. Plain C, host-tested (tests/host/test_procmgr_out_of_memory.c).
 */
#ifndef PROCMGR_OUT_OF_MEMORY_H
#define PROCMGR_OUT_OF_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

struct oom_candidate {
    uint32_t pid;
    /* What its end gives back: the pages it has frames of its own for,
     * and those of shared anonymous memory only it maps (Linux counts
     * its rss; pages of a file or of memory others map too would stay,
     * so they do not count here: a process that holds only those is
     * never chosen, and one kill never leads to another for nothing). */
    uint64_t pages;
    bool exempt;            /* never chosen: no program (init), or already ending */
};

/* The choice so far, as the processes are looked at one by one: pid 0
 * while none is chosen. */
struct oom_choice {
    uint32_t pid;
    uint64_t pages;
};

/* candidate replaces the choice if it holds more pages (the first of
 * equals stays, as Linux keeps the first it finds); exempt ones and ones
 * without a page never do: nothing to free. */
void oom_consider(struct oom_choice *choice, const struct oom_candidate *candidate);

#endif
