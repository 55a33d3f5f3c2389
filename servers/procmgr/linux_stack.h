/*
 * The initial stack of a new Linux program, laid out byte for byte as
 * Linux's execve does it (fs/exec.c copy_strings, fs/binfmt_elf.c
 * create_elf_tables), since musl's start-up reads it directly. From the
 * top down:
 *
 *   8 zero bytes                      (bprm->p starts one pointer below the top)
 *   the program path (AT_EXECFN)
 *   environment strings, last first   (so envp[0] is lowest)
 *   argument strings, last first      (so argv[0] is lowest)
 *   -- aligned down to 16
 *   "aarch64\0"                       (AT_PLATFORM)
 *   16 random bytes                   (AT_RANDOM)
 *   -- aligned down to 16, leaving room for the table
 *   argc, argv[0..argc), NULL, envp[0..envc), NULL, auxv pairs, AT_NULL pair
 *                                     <- stack pointer, 16-byte aligned
 */
#ifndef PROCMGR_LINUX_STACK_H
#define PROCMGR_LINUX_STACK_H

#include <stdint.h>

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h). */
enum linux_auxv_type {
    LINUX_AUXV_NULL = 0,
    LINUX_AUXV_PHDR = 3,
    LINUX_AUXV_PHENT = 4,
    LINUX_AUXV_PHNUM = 5,
    LINUX_AUXV_PAGESZ = 6,
    LINUX_AUXV_BASE = 7,
    LINUX_AUXV_FLAGS = 8,
    LINUX_AUXV_ENTRY = 9,
    LINUX_AUXV_UID = 11,
    LINUX_AUXV_EUID = 12,
    LINUX_AUXV_GID = 13,
    LINUX_AUXV_EGID = 14,
    LINUX_AUXV_PLATFORM = 15,
    LINUX_AUXV_HWCAP = 16,
    LINUX_AUXV_CLKTCK = 17,
    LINUX_AUXV_SECURE = 23,
    LINUX_AUXV_RANDOM = 25,
    LINUX_AUXV_HWCAP2 = 26,
    LINUX_AUXV_EXECFN = 31,
};

/* Linux's MAX_ARG_STRLEN: one argument or environment string, with its NUL. */
#define LINUX_STACK_MAX_STRING (32 * 4096)

struct linux_stack_facts {
    uint64_t entry, program_headers, program_header_size, program_header_count;
    uint64_t uid, euid, gid, egid, secure;
    uint64_t hwcap, hwcap2;
    uint8_t random[16];             /* AT_RANDOM's bytes */
};

/*
 * Builds the stack for argc arguments and envc environment strings taken
 * from `block` (block_length bytes: the program path, then argc argument
 * strings, then envc environment strings, each NUL-terminated; bytes after
 * the last string are ignored), ending at stack_top, into `image`, which
 * stands for the bytes [stack_top - image_size, stack_top). Bytes of the
 * image below the stack pointer are left as they were.
 * As Linux does since 5.18, argc == 0 gets an empty argv[0], so that
 * argv[0] is never NULL.
 * On success returns 0 and sets *stack_pointer (16-byte aligned, at argc).
 * -LINUX_EFAULT if the strings run past the block; -LINUX_E2BIG if a string
 * is longer than LINUX_STACK_MAX_STRING or the whole does not fit in
 * image_size.
 */
int linux_stack_build(uint8_t *image, uint64_t image_size, uint64_t stack_top,
                      const char *block, uint64_t block_length, unsigned argc, unsigned envc,
                      const struct linux_stack_facts *facts, uint64_t *stack_pointer);

#endif
