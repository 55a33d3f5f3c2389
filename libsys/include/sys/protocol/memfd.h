/*
 * The memfd protocol (servers/memfd, docs/protocols/memfd.md): memory
 * files, as memfd_create(2) makes them. A process reaches the server
 * through its session (LINUX_SLOT_MEMFD), badged with its pid and
 * credentials (SESSION_PROCESS_BADGE with MEMFD_SESSION_FLAG, minted by
 * procmgr). A memfd is a descriptor speaking the file protocol (file.h,
 * seals included) and the memory-object protocol (memory.h).
 *
 *   label          through   registers in             windows         result; caps
 *   MEMFD_CREATE   session   flags (MFD_*), length    0: the name     0; cap 0: the descriptor
 *
 * MEMFD_CREATE: the name (at most MEMFD_NAME_MAX bytes, without its NUL)
 * only names the file for people: FILE_PATH (file.h) shows it as
 * "/memfd:NAME (deleted)", as Linux's readlink of /proc/<pid>/fd/N does,
 * or as it is with MEMFD_SHOWN_AS_PATH (the personality's /proc files,
 * which show the path they were opened by). Flags other than MFD_CLOEXEC (the
 * personality's business), MFD_ALLOW_SEALING and MFD_HUGETLB with a huge
 * page size are EINVAL, as on Linux 6.1 (which knows neither
 * MFD_NOEXEC_SEAL nor MFD_EXEC). A longer name is EINVAL, a name the
 * server cannot read EFAULT.
 */
#ifndef SYS_PROTOCOL_MEMFD_H
#define SYS_PROTOCOL_MEMFD_H

#include <stdbool.h>
#include <stdint.h>

enum memfd_label {
    MEMFD_CREATE = 0x800,
};

/* Sessions are marked: descriptor handles never have this bit. */
#define MEMFD_SESSION_FLAG      (1ULL << 62)

/* Linux's limit: NAME_MAX less the "memfd:" prefix. */
#define MEMFD_NAME_MAX          249

/* memfd_create's flags. */
#define MEMFD_CLOEXEC           0x0001
#define MEMFD_ALLOW_SEALING     0x0002
#define MEMFD_HUGETLB           0x0004
/* Not Linux's (MR0's upper half): FILE_PATH gives the name as it is. */
#define MEMFD_SHOWN_AS_PATH     (1ULL << 32)
/* With MFD_HUGETLB: log2 of the huge page size, in bits 26-31 (0: the
 * default, 2 MiB). */
#define MEMFD_HUGE_SHIFT        26
#define MEMFD_HUGE_MASK         0x3fu

/* Whether memfd_create knows every flag: the personality asks before it
 * reads the name (Linux's order: EINVAL before EFAULT), the server again. */
static inline bool memfd_flags_valid(uint32_t flags)
{
    uint32_t known = MEMFD_CLOEXEC | MEMFD_ALLOW_SEALING | MEMFD_HUGETLB;
    /* The huge page size bits count only with MFD_HUGETLB. */
    if (flags & MEMFD_HUGETLB)
        known |= MEMFD_HUGE_MASK << MEMFD_HUGE_SHIFT;
    return (flags & ~known) == 0;
}

#endif
