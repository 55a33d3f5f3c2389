/*
 * Robust futex lists (set_robust_list): what the end of a thread does to
 * the futexes its list names, as Linux 6.1's exit_robust_list and
 * handle_futex_death do. The list is in the thread's own memory, so
 * every step may fault; this file decides and reads, writes and wakes
 * only through the callbacks it is given (robust_lists.c: the process's
 * address space and the futex server). Plain C, host-tested
 * (tests/host/test_procmgr_robust_list.c).
 *
 * The head (struct robust_list_head, ROBUST_LIST_HEAD_SIZE bytes): the
 * first entry, futex_offset (signed: from an entry to its futex word)
 * and list_op_pending (an entry being locked or unlocked, or 0). An
 * entry's first word is the next entry; bit 0 of a pointer marks a PI
 * futex. The list ends where it comes back to the head.
 */
#ifndef PROCMGR_ROBUST_LIST_H
#define PROCMGR_ROBUST_LIST_H

#include <stdbool.h>
#include <stdint.h>

#define ROBUST_LIST_HEAD_SIZE   24
/* Entries walked at most: a longer list (or a cycle) ends there. */
#define ROBUST_LIST_LIMIT       2048
/* The futex word of a robust mutex: its owner's tid and two flags. */
#define FUTEX_WAITERS           0x80000000u
#define FUTEX_OWNER_DIED        0x40000000u
#define FUTEX_TID_MASK          0x3fffffffu
/* Compare-and-swaps tried on one word that keeps changing under them.
 * Linux tries until one holds; procmgr serves every process, so a word
 * another process rewrites that often is left as it is. */
#define ROBUST_WORD_ATTEMPTS    100

/* The memory of the process whose thread ended. */
struct robust_list_memory {
    /* Copies length bytes at address into bytes: 0, or -1 where they
     * cannot be read. */
    int (*read)(void *context, uint64_t address, void *bytes, unsigned length);
    /* One atomic compare-and-swap of the 32-bit word at address: 1 if it
     * held expected and now holds desired, 0 if it held *found instead;
     * -1 where the program could not write it. */
    int (*compare_exchange)(void *context, uint64_t address, uint32_t expected,
                            uint32_t desired, uint32_t *found);
    /* Wakes one waiter of the futex at address, as a shared futex
     * (Linux's FLAGS_SHARED: a private waiter is not woken). */
    void (*wake)(void *context, uint64_t address);
    void *context;
};

enum robust_death {
    ROBUST_LEAVE,               /* not the dead thread's: nothing to do */
    ROBUST_WAKE,                /* word unchanged, but one waiter woken */
    ROBUST_MARK,                /* word becomes *marked */
    ROBUST_MARK_AND_WAKE,       /* word becomes *marked, then one waiter woken */
};

/* What the death of thread tid does to a futex word holding word, found
 * in its list (pending: as its list_op_pending; pi: a PI futex).
 * A word it owns becomes its FUTEX_WAITERS bit with FUTEX_OWNER_DIED,
 * and a waiter is woken if there were any (not for PI futexes, whose
 * waiters Linux wakes elsewhere). A pending non-PI word with no owner
 * wakes a waiter and stays: the thread died between unlocking and
 * waking, or after being woken and before locking. */
enum robust_death robust_futex_death(uint32_t word, uint32_t tid, bool pending, bool pi,
                                     uint32_t *marked);

/* The end of thread tid whose robust list head is at head: every entry
 * of the list, then list_op_pending, as robust_futex_death says. The
 * walk stops at the first fault or misaligned word, after
 * ROBUST_LIST_LIMIT entries, or once it comes back to an entry it saw
 * (a cycle: what the limit would do later, as the words already marked
 * are no longer the thread's). */
void robust_list_release(const struct robust_list_memory *memory, uint64_t head,
                         uint32_t tid);

#endif
