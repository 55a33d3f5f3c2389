/*
 * Starting a native program (a server) from an ELF file of the boot
 * archive, the way the kernel starts init: its own CNode, VSpace and
 * thread, the fixed slots of enum tern_root_slot, a struct tern_boot_info
 * of its own at NATIVE_BOOT_INFO, 16 stack pages below NATIVE_STACK_TOP
 * and its IPC buffer at NATIVE_IPC_BUFFER. init then gives it capabilities
 * and untyped memory, and starts it.
 */
#ifndef INIT_NATIVE_PROGRAM_H
#define INIT_NATIVE_PROGRAM_H

#include <stdint.h>
#include "sys/memory.h"

#define NATIVE_STACK_TOP        0x7f00000000ULL
#define NATIVE_STACK_PAGES      16
#define NATIVE_IPC_BUFFER       0x7f10000000ULL
#define NATIVE_BOOT_INFO        0x7f20000000ULL
#define NATIVE_BOOT_ARCHIVE     0x7e00000000ULL
#define NATIVE_UNTYPED_FIRST_SLOT 1024  /* the program's untyped capabilities start here */

struct native_program {
    const char *name;
    unsigned cnode_bits;
    /* Slots in init's CNode. */
    uint64_t cnode;                 /* with the guard that makes slot n cptr n */
    uint64_t vspace, tcb;
    uint64_t boot_info_frame;
    struct tern_boot_info *boot_info;   /* mapped in init until started */
    uint64_t entry;
    uint64_t next_untyped_slot;     /* where the next untyped goes in its CNode */
};

/* Build the program from the archive's file called path; false (after
 * saying why) if it is missing or malformed or memory runs out. */
bool native_program_create(struct native_program *program, struct memory *memory,
                           const void *archive, uint64_t archive_size, const char *path,
                           unsigned cnode_bits);
/* The memory native_program_create takes to build the program called
 * path with a CNode of that radix (its objects and the pages of its
 * image, stack and page tables), as a power of two: an untyped of that
 * size holds all of it. 0 if the archive has no such program. */
unsigned native_program_build_bits(const void *archive, uint64_t archive_size, const char *path,
                                   unsigned cnode_bits);
/* Put a copy of init's capability in slot of the program's CNode, with
 * rights and (if non-zero) a badge. */
bool native_program_give(struct native_program *program, uint64_t slot, uint64_t init_slot,
                         uint64_t rights, uint64_t badge);
/* Carve an untyped of 2^size_bits bytes and hand it to the program,
 * listed in its boot info. */
bool native_program_give_untyped(struct native_program *program, struct memory *memory,
                                 unsigned size_bits);
/* Move an untyped capability of init's (not yet used) to the program. */
bool native_program_move_untyped(struct native_program *program, uint64_t init_slot,
                                 unsigned size_bits);
/* Finish the boot info and start the thread at priority. */
bool native_program_start(struct native_program *program, unsigned priority);

#endif
