/*
 * ELF64 parsing for execve and init: sys/elf_image.h. The file comes from
 * a client (vfs or the boot archive), so every offset and size is checked
 * for overflow before use.
 * Headers are copied out with memcpy: the file buffer need not be aligned.
 * Both the target and the test host are little-endian, so the copied
 * fields need no swapping once EI_DATA says little-endian.
 */
#include "sys/elf_image.h"

#include <stdbool.h>

#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/runtime.h"

#define PAGE_SIZE 4096ULL

struct elf_header {
    uint8_t identity[16];
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
    uint16_t section_name_index;
};

struct elf_program_header {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t address;
    uint64_t physical_address;
    uint64_t file_size;
    uint64_t memory_size;
    uint64_t alignment;
};

_Static_assert(sizeof(struct elf_header) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf_program_header) == 56, "Elf64_Phdr is 56 bytes");

enum {
    ELF_CLASS_64 = 2,
    ELF_DATA_LITTLE_ENDIAN = 1,
    ELF_VERSION_CURRENT = 1,
    ELF_TYPE_EXECUTABLE = 2,        /* ET_EXEC */
    ELF_TYPE_SHARED = 3,            /* ET_DYN: a static PIE */
    ELF_MACHINE_AARCH64 = 183,
    ELF_SEGMENT_LOAD = 1,
    ELF_SEGMENT_INTERPRETER = 3,
    ELF_SEGMENT_PROGRAM_HEADERS = 6,
    ELF_FLAG_EXECUTE = 1,
    ELF_FLAG_WRITE = 2,
    ELF_FLAG_READ = 4,
};

/* Linux's limit on e_phnum: the headers must fit in 64 KiB. */
#define ELF_MAX_PROGRAM_HEADERS (65536 / sizeof(struct elf_program_header))

static uint64_t page_down(uint64_t address)
{
    return address & ~(PAGE_SIZE - 1);
}

static bool header_is_aarch64_executable(const struct elf_header *header)
{
    static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
    return memcmp(header->identity, magic, sizeof(magic)) == 0 &&
           header->identity[4] == ELF_CLASS_64 &&
           header->identity[5] == ELF_DATA_LITTLE_ENDIAN &&
           header->identity[6] == ELF_VERSION_CURRENT &&
           (header->type == ELF_TYPE_EXECUTABLE || header->type == ELF_TYPE_SHARED) &&
           header->machine == ELF_MACHINE_AARCH64 &&
           header->program_header_size == sizeof(struct elf_program_header) &&
           header->program_header_count > 0 &&
           header->program_header_count <= ELF_MAX_PROGRAM_HEADERS;
}

static unsigned prot_from_flags(uint32_t flags)
{
    unsigned prot = LINUX_PROT_NONE;
    if (flags & ELF_FLAG_READ)
        prot |= LINUX_PROT_READ;
    if (flags & ELF_FLAG_WRITE)
        prot |= LINUX_PROT_WRITE;
    if (flags & ELF_FLAG_EXECUTE)
        prot |= LINUX_PROT_EXEC;
    return prot;
}

/* Checks one PT_LOAD (before the bias) against the file and the user range;
 * previous_end is the page-aligned end of the segment before it. */
static bool segment_is_loadable(const struct elf_program_header *segment, uint64_t file_size,
                                uint64_t bias, uint64_t previous_end, uint64_t limit)
{
    if (segment->file_size > segment->memory_size ||
        segment->offset > file_size || segment->file_size > file_size - segment->offset ||
        segment->offset % PAGE_SIZE != segment->address % PAGE_SIZE)
        return false;
    if (segment->address > limit || bias > limit - segment->address)
        return false;
    uint64_t start = segment->address + bias;
    if (segment->memory_size > limit - start)
        return false;
    return page_down(start) >= ELF_IMAGE_LOWEST_ADDRESS && page_down(start) >= previous_end;
}

int elf_image_parse(const void *file, uint64_t file_size, uint64_t pie_base,
                    struct elf_image *image)
{
    return elf_image_parse_below(file, file_size, pie_base, LINUX_MMAP_TOP, image);
}

int elf_image_parse_below(const void *file, uint64_t file_size, uint64_t pie_base,
                          uint64_t limit, struct elf_image *image)
{
    const uint8_t *bytes = file;
    struct elf_header header;
    if (file_size < sizeof(header))
        return -LINUX_ENOEXEC;
    memcpy(&header, bytes, sizeof(header));
    if (!header_is_aarch64_executable(&header))
        return -LINUX_ENOEXEC;
    uint64_t table_size = (uint64_t)header.program_header_count * sizeof(struct elf_program_header);
    if (header.program_header_offset > file_size ||
        table_size > file_size - header.program_header_offset)
        return -LINUX_ENOEXEC;

    const uint8_t *table = bytes + header.program_header_offset;
    struct elf_program_header segment;
    for (unsigned i = 0; i < header.program_header_count; i++) {
        memcpy(&segment, table + i * sizeof(segment), sizeof(segment));
        if (segment.type == ELF_SEGMENT_INTERPRETER)
            return -LINUX_ENOENT;
    }

    uint64_t bias = 0;
    if (header.type == ELF_TYPE_SHARED) {
        if (pie_base % PAGE_SIZE != 0)
            return -LINUX_ENOEXEC;
        bias = pie_base;
    }
    memset(image, 0, sizeof(*image));
    image->load_bias = bias;
    image->entry = header.entry + bias;
    image->program_header_size = header.program_header_size;
    image->program_header_count = header.program_header_count;

    uint64_t headers_in_load = 0, headers_from_phdr = 0;
    bool found_in_load = false, found_phdr = false;
    uint64_t previous_end = 0;
    for (unsigned i = 0; i < header.program_header_count; i++) {
        memcpy(&segment, table + i * sizeof(segment), sizeof(segment));
        if (segment.type == ELF_SEGMENT_PROGRAM_HEADERS && !found_phdr) {
            headers_from_phdr = segment.address + bias;
            found_phdr = true;
        }
        if (segment.type != ELF_SEGMENT_LOAD || segment.memory_size == 0)
            continue;
        if (!segment_is_loadable(&segment, file_size, bias, previous_end, limit) ||
            image->segment_count == ELF_IMAGE_MAX_SEGMENTS)
            return -LINUX_ENOEXEC;
        struct elf_segment *loaded = &image->segments[image->segment_count++];
        loaded->address = segment.address + bias;
        loaded->memory_size = segment.memory_size;
        loaded->file_offset = segment.offset;
        loaded->file_size = segment.file_size;
        loaded->prot = prot_from_flags(segment.flags);
        /* Below the limit, so rounding up cannot overflow. */
        previous_end = page_down(loaded->address + loaded->memory_size + PAGE_SIZE - 1);
        if (!found_in_load && segment.offset <= header.program_header_offset &&
            header.program_header_offset - segment.offset < segment.file_size) {
            headers_in_load = loaded->address + (header.program_header_offset - segment.offset);
            found_in_load = true;
        }
    }
    if (image->segment_count == 0)
        return -LINUX_ENOEXEC;
    image->end = previous_end;
    image->program_headers = found_phdr ? headers_from_phdr : headers_in_load;
    return 0;
}
