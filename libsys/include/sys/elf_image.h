/*
 * Validating and describing a static aarch64 ELF64 executable held in
 * memory: what execve needs to map its segments and build its stack
 * (procmgr), and what init needs to start a native program.
 * Pure: reads the file bytes, allocates nothing, changes nothing.
 */
#ifndef SYS_ELF_IMAGE_H
#define SYS_ELF_IMAGE_H

#include <stdint.h>

#define ELF_IMAGE_MAX_SEGMENTS 16
/* Segments may not reach below this (Linux's default mmap_min_addr), so a
 * null pointer dereference always faults. */
#define ELF_IMAGE_LOWEST_ADDRESS 0x10000ULL

struct elf_segment {
    uint64_t address;       /* p_vaddr, plus the load bias for a PIE */
    uint64_t memory_size;   /* p_memsz */
    uint64_t file_offset;   /* p_offset */
    uint64_t file_size;     /* p_filesz */
    unsigned prot;          /* LINUX_PROT_* from p_flags */
};

struct elf_image {
    uint64_t entry;                 /* plus the bias */
    uint64_t program_headers;       /* AT_PHDR: where the headers are in the loaded image, or 0 */
    uint64_t program_header_size;   /* e_phentsize */
    uint64_t program_header_count;  /* e_phnum */
    uint64_t load_bias;             /* 0 for ET_EXEC, pie_base for ET_DYN */
    uint64_t end;                   /* page-aligned end of the highest segment: where brk starts */
    unsigned segment_count;         /* PT_LOAD segments with p_memsz > 0, ascending */
    struct elf_segment segments[ELF_IMAGE_MAX_SEGMENTS];
};

/*
 * 0, or -LINUX_ENOEXEC for anything that is not a loadable static aarch64
 * ELF64 little-endian executable: bad magic, class, data, version or
 * machine; type not ET_EXEC/ET_DYN; e_phentsize not 56; no or too many
 * program headers, or headers out of the file; a segment out of the file,
 * with p_filesz > p_memsz, with p_offset % 4096 != p_vaddr % 4096, out of
 * [ELF_IMAGE_LOWEST_ADDRESS, LINUX_MMAP_TOP), not ascending or sharing a
 * page with another; more than ELF_IMAGE_MAX_SEGMENTS; no segment at all;
 * pie_base not page-aligned for an ET_DYN.
 * -LINUX_ENOENT if it has PT_INTERP (dynamically linked: Linux fails with
 * ENOENT when the interpreter is missing, and we have none); the header
 * checks come first, as in Linux.
 * AT_PHDR is PT_PHDR's address if there is one, else the address of e_phoff
 * inside the PT_LOAD that holds it in the file, else 0 (Linux would pass an
 * address that is not mapped).
 */
int elf_image_parse(const void *file, uint64_t file_size, uint64_t pie_base,
                    struct elf_image *image);

/* The same for an image that may reach up to limit instead of
 * LINUX_MMAP_TOP (the personality, above the mmap area). */
int elf_image_parse_below(const void *file, uint64_t file_size, uint64_t pie_base,
                          uint64_t limit, struct elf_image *image);

#endif
