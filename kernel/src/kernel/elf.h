/* The parts of ELF64 the kernel needs to start the root task. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdint.h>

struct elf64_header {
    uint8_t ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t program_header_offset;
    uint64_t section_header_offset;
    uint32_t flags;
    uint16_t header_size;
    uint16_t program_header_size;
    uint16_t program_header_count;
    uint16_t section_header_size;
    uint16_t section_header_count;
    uint16_t section_names_index;
};

struct elf64_program_header {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t virtual_address;
    uint64_t physical_address;
    uint64_t file_size;
    uint64_t memory_size;
    uint64_t align;
};

#define ELF_TYPE_EXECUTABLE 2
#define ELF_MACHINE_AARCH64 183
#define ELF_SEGMENT_LOAD    1
#define ELF_FLAG_EXECUTE    1
#define ELF_FLAG_WRITE      2
#define ELF_FLAG_READ       4

#endif
