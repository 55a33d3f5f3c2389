/* libsys's ELF parser, which init and procmgr's execve use: what it
 * accepts, what it describes, and the errno for everything else.
 * Arguments: a static musl program (ET_EXEC) and a static PIE (ET_DYN),
 * both aarch64. */
#include <elf.h>

#include "check.h"
#include "sys/elf_image.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"

static const char *static_program_path;
static const char *static_pie_path;

/* A hand-made executable: the ELF header, room for 20 program headers, then
 * a text page and a data page in the file. Tests change it before parsing. */
enum { PROGRAM_HEADER_ROOM = 20, FILE_SIZE = 0x3000 };
static uint8_t file[FILE_SIZE];
static Elf64_Ehdr *header = (Elf64_Ehdr *)file;
static Elf64_Phdr *segments = (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr));
static struct elf_image image;

static void set_segment(unsigned index, uint32_t type, uint32_t flags, uint64_t offset,
                        uint64_t address, uint64_t file_size, uint64_t memory_size)
{
    segments[index] = (Elf64_Phdr){
        .p_type = type, .p_flags = flags, .p_offset = offset, .p_vaddr = address,
        .p_paddr = address, .p_filesz = file_size, .p_memsz = memory_size, .p_align = 0x1000,
    };
}

/* A static executable at 0x400000: text (R+X, holding the headers) and
 * data (R+W, with .bss beyond the file). */
static void make_executable(uint16_t type, uint64_t base)
{
    memset(file, 0, sizeof(file));
    memcpy(header->e_ident, ELFMAG, SELFMAG);
    header->e_ident[EI_CLASS] = ELFCLASS64;
    header->e_ident[EI_DATA] = ELFDATA2LSB;
    header->e_ident[EI_VERSION] = EV_CURRENT;
    header->e_type = type;
    header->e_machine = EM_AARCH64;
    header->e_version = EV_CURRENT;
    header->e_entry = base + 0x120;
    header->e_phoff = sizeof(Elf64_Ehdr);
    header->e_ehsize = sizeof(Elf64_Ehdr);
    header->e_phentsize = sizeof(Elf64_Phdr);
    header->e_phnum = 2;
    set_segment(0, PT_LOAD, PF_R | PF_X, 0, base, 0x1800, 0x1800);
    set_segment(1, PT_LOAD, PF_R | PF_W, 0x2010, base + 0x12010, 0xff0, 0x3000);
}

static int parse(void)
{
    return elf_image_parse(file, sizeof(file), LINUX_PIE_BASE, &image);
}

static void static_executable_is_described(void)
{
    make_executable(ET_EXEC, 0x400000);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.load_bias, 0);
    CHECK_EQ_U64(image.entry, 0x400120);
    CHECK_EQ_U64(image.program_headers, 0x400000 + sizeof(Elf64_Ehdr));
    CHECK_EQ_U64(image.program_header_size, sizeof(Elf64_Phdr));
    CHECK_EQ_U64(image.program_header_count, 2);
    CHECK_EQ_U64(image.segment_count, 2);
    CHECK_EQ_U64(image.segments[0].address, 0x400000);
    CHECK_EQ_U64(image.segments[0].memory_size, 0x1800);
    CHECK_EQ_U64(image.segments[0].file_offset, 0);
    CHECK_EQ_U64(image.segments[0].file_size, 0x1800);
    CHECK_EQ_U64(image.segments[0].prot, LINUX_PROT_READ | LINUX_PROT_EXEC);
    CHECK_EQ_U64(image.segments[1].address, 0x412010);
    CHECK_EQ_U64(image.segments[1].memory_size, 0x3000);
    CHECK_EQ_U64(image.segments[1].file_offset, 0x2010);
    CHECK_EQ_U64(image.segments[1].file_size, 0xff0);
    CHECK_EQ_U64(image.segments[1].prot, LINUX_PROT_READ | LINUX_PROT_WRITE);
}

static void brk_starts_at_the_page_after_the_highest_segment(void)
{
    make_executable(ET_EXEC, 0x400000);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.end, 0x416000);     /* 0x412010 + 0x3000, rounded up */
}

static void pie_is_moved_by_the_pie_base(void)
{
    make_executable(ET_DYN, 0);
    header->e_entry = 0x120;
    set_segment(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1800, 0x1800);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.load_bias, LINUX_PIE_BASE);
    CHECK_EQ_U64(image.entry, LINUX_PIE_BASE + 0x120);
    CHECK_EQ_U64(image.segments[0].address, LINUX_PIE_BASE);
    CHECK_EQ_U64(image.segments[1].address, LINUX_PIE_BASE + 0x12010);
    CHECK_EQ_U64(image.program_headers, LINUX_PIE_BASE + sizeof(Elf64_Ehdr));
    CHECK_EQ_U64(image.end, LINUX_PIE_BASE + 0x16000);
}

static void executable_ignores_the_pie_base(void)
{
    make_executable(ET_EXEC, 0x400000);
    CHECK_EQ_U64(elf_image_parse(file, sizeof(file), 0x123, &image), 0);
    CHECK_EQ_U64(image.load_bias, 0);
    CHECK_EQ_U64(image.entry, 0x400120);
}

static void pie_base_must_be_page_aligned(void)
{
    make_executable(ET_DYN, 0);
    CHECK_EQ_U64(elf_image_parse(file, sizeof(file), LINUX_PIE_BASE + 8, &image), -LINUX_ENOEXEC);
}

static void pt_phdr_gives_the_program_headers_address(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = 3;
    set_segment(0, PT_PHDR, PF_R, 0x40, 0x400040, 3 * sizeof(Elf64_Phdr), 3 * sizeof(Elf64_Phdr));
    set_segment(1, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1800, 0x1800);
    set_segment(2, PT_LOAD, PF_R | PF_W, 0x2010, 0x412010, 0xff0, 0x3000);
    segments[0].p_vaddr = 0x400abc;    /* PT_PHDR wins even if it disagrees */
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.program_headers, 0x400abc);
    CHECK_EQ_U64(image.segment_count, 2);
}

static void headers_outside_every_segment_give_no_address(void)
{
    make_executable(ET_EXEC, 0x400000);
    set_segment(0, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x800, 0x800);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.program_headers, 0);
}

static void headers_found_in_a_later_segment(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phoff = 0x2100;
    memcpy(file + 0x2100, segments, 2 * sizeof(Elf64_Phdr));
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.program_headers, 0x412100);
}

static void empty_load_segments_are_skipped(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = 3;
    set_segment(2, PT_LOAD, PF_R, 0, 0x300000, 0, 0);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.segment_count, 2);
}

static void other_segment_types_are_ignored(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = 4;
    set_segment(2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
    set_segment(3, PT_TLS, PF_R, 0x2010, 0x412010, 0x10, 0x20);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.segment_count, 2);
}

static void sixteen_segments_are_accepted(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = ELF_IMAGE_MAX_SEGMENTS;
    for (unsigned i = 0; i < ELF_IMAGE_MAX_SEGMENTS; i++)
        set_segment(i, PT_LOAD, PF_R, 0, 0x400000 + i * 0x10000, 0x100, 0x100);
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.segment_count, ELF_IMAGE_MAX_SEGMENTS);
    CHECK_EQ_U64(image.end, 0x400000 + 15 * 0x10000 + 0x1000);
}

static void seventeen_segments_are_too_many(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = ELF_IMAGE_MAX_SEGMENTS + 1;
    for (unsigned i = 0; i <= ELF_IMAGE_MAX_SEGMENTS; i++)
        set_segment(i, PT_LOAD, PF_R, 0, 0x400000 + i * 0x10000, 0x100, 0x100);
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void interpreter_means_enoent(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = 3;
    set_segment(2, PT_INTERP, PF_R, 0x1000, 0x401000, 0x1b, 0x1b);
    CHECK_EQ_U64(parse(), -LINUX_ENOENT);
}

static void header_errors_come_before_the_interpreter(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = 3;
    set_segment(2, PT_INTERP, PF_R, 0x1000, 0x401000, 0x1b, 0x1b);
    header->e_machine = EM_X86_64;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void short_file_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    CHECK_EQ_U64(elf_image_parse(file, sizeof(Elf64_Ehdr) - 1, 0, &image), -LINUX_ENOEXEC);
    CHECK_EQ_U64(elf_image_parse(file, 0, 0, &image), -LINUX_ENOEXEC);
}

static void bad_magic_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    file[0] = '#';
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
    make_executable(ET_EXEC, 0x400000);
    file[3] = 'f';
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void elf32_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_ident[EI_CLASS] = ELFCLASS32;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void big_endian_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_ident[EI_DATA] = ELFDATA2MSB;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void unknown_elf_version_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_ident[EI_VERSION] = 2;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void other_machine_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_machine = EM_X86_64;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void relocatable_and_core_files_are_not_executable(void)
{
    make_executable(ET_REL, 0x400000);
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
    make_executable(ET_CORE, 0x400000);
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void program_header_size_must_be_elf64s(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phentsize = sizeof(Elf64_Phdr) + 8;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void no_program_headers_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phnum = 0;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void program_headers_past_the_file_are_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    header->e_phoff = FILE_SIZE - sizeof(Elf64_Phdr);
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
    header->e_phoff = UINT64_MAX - 8;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void no_load_segment_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[0].p_type = PT_NOTE;
    segments[1].p_type = PT_NOTE;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void file_size_above_memory_size_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_memsz = segments[1].p_filesz - 1;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void segment_past_the_file_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_filesz = FILE_SIZE - 0x2010 + 1;
    segments[1].p_memsz = 0x4000;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_offset = UINT64_MAX & ~0xfffULL;
    segments[1].p_vaddr = 0x412000;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void offset_and_address_must_agree_within_a_page(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_vaddr = 0x412018;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void segments_sharing_a_page_are_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_vaddr = 0x401010;        /* text ends in the page 0x401000 */
    segments[1].p_offset = 0x2010;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void descending_segments_are_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    Elf64_Phdr text = segments[0];
    segments[0] = segments[1];
    segments[1] = text;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void segment_below_the_lowest_address_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[0].p_vaddr = ELF_IMAGE_LOWEST_ADDRESS - 0x1000;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void segment_reaching_the_mmap_top_is_not_executable(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_vaddr = LINUX_MMAP_TOP - 0x1ff0;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
    segments[1].p_vaddr = UINT64_MAX - 0xfef;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void segment_ending_at_the_mmap_top_is_accepted(void)
{
    make_executable(ET_EXEC, 0x400000);
    segments[1].p_vaddr = LINUX_MMAP_TOP - 0x3000 + 0x10;
    segments[1].p_memsz = 0x3000 - 0x10;
    CHECK_EQ_U64(parse(), 0);
    CHECK_EQ_U64(image.end, LINUX_MMAP_TOP);
}

static void pie_bias_overflow_is_not_executable(void)
{
    make_executable(ET_DYN, 0);
    segments[1].p_vaddr = LINUX_MMAP_TOP - LINUX_PIE_BASE;
    CHECK_EQ_U64(parse(), -LINUX_ENOEXEC);
}

static void musl_static_program_is_described(void)
{
    size_t size;
    uint8_t *bytes = check_read_file(static_program_path, &size);
    CHECK_EQ_U64(elf_image_parse(bytes, size, LINUX_PIE_BASE, &image), 0);
    const Elf64_Ehdr *real = (const Elf64_Ehdr *)bytes;
    CHECK_EQ_U64(image.load_bias, 0);
    CHECK_EQ_U64(image.entry, real->e_entry);
    CHECK_EQ_U64(image.segment_count, 2);
    CHECK_EQ_U64(image.segments[0].address, 0x400000);
    CHECK_EQ_U64(image.segments[0].prot, LINUX_PROT_READ | LINUX_PROT_EXEC);
    CHECK_EQ_U64(image.segments[1].prot, LINUX_PROT_READ | LINUX_PROT_WRITE);
    CHECK(image.segments[1].file_size < image.segments[1].memory_size);  /* .bss */
    CHECK_EQ_U64(image.program_headers, 0x400000 + real->e_phoff);
    CHECK_EQ_U64(image.program_header_count, real->e_phnum);
    CHECK_EQ_U64(image.end % 4096, 0);
    CHECK(image.end >= image.segments[1].address + image.segments[1].memory_size);
    free(bytes);
}

static void musl_static_pie_is_moved(void)
{
    size_t size;
    uint8_t *bytes = check_read_file(static_pie_path, &size);
    CHECK_EQ_U64(elf_image_parse(bytes, size, LINUX_PIE_BASE, &image), 0);
    const Elf64_Ehdr *real = (const Elf64_Ehdr *)bytes;
    CHECK_EQ_U64(real->e_type, ET_DYN);
    CHECK_EQ_U64(image.load_bias, LINUX_PIE_BASE);
    CHECK_EQ_U64(image.entry, LINUX_PIE_BASE + real->e_entry);
    CHECK_EQ_U64(image.segments[0].address, LINUX_PIE_BASE);
    CHECK_EQ_U64(image.program_headers, LINUX_PIE_BASE + real->e_phoff);
    free(bytes);
}

static void truncated_musl_program_is_not_executable(void)
{
    size_t size;
    uint8_t *bytes = check_read_file(static_program_path, &size);
    CHECK_EQ_U64(elf_image_parse(bytes, 0x1000, 0, &image), -LINUX_ENOEXEC);
    free(bytes);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s static-program static-pie\n", argv[0]);
        return EXIT_FAILURE;
    }
    static_program_path = argv[1];
    static_pie_path = argv[2];
    RUN_TEST(static_executable_is_described);
    RUN_TEST(brk_starts_at_the_page_after_the_highest_segment);
    RUN_TEST(pie_is_moved_by_the_pie_base);
    RUN_TEST(executable_ignores_the_pie_base);
    RUN_TEST(pie_base_must_be_page_aligned);
    RUN_TEST(pt_phdr_gives_the_program_headers_address);
    RUN_TEST(headers_outside_every_segment_give_no_address);
    RUN_TEST(headers_found_in_a_later_segment);
    RUN_TEST(empty_load_segments_are_skipped);
    RUN_TEST(other_segment_types_are_ignored);
    RUN_TEST(sixteen_segments_are_accepted);
    RUN_TEST(seventeen_segments_are_too_many);
    RUN_TEST(interpreter_means_enoent);
    RUN_TEST(header_errors_come_before_the_interpreter);
    RUN_TEST(short_file_is_not_executable);
    RUN_TEST(bad_magic_is_not_executable);
    RUN_TEST(elf32_is_not_executable);
    RUN_TEST(big_endian_is_not_executable);
    RUN_TEST(unknown_elf_version_is_not_executable);
    RUN_TEST(other_machine_is_not_executable);
    RUN_TEST(relocatable_and_core_files_are_not_executable);
    RUN_TEST(program_header_size_must_be_elf64s);
    RUN_TEST(no_program_headers_is_not_executable);
    RUN_TEST(program_headers_past_the_file_are_not_executable);
    RUN_TEST(no_load_segment_is_not_executable);
    RUN_TEST(file_size_above_memory_size_is_not_executable);
    RUN_TEST(segment_past_the_file_is_not_executable);
    RUN_TEST(offset_and_address_must_agree_within_a_page);
    RUN_TEST(segments_sharing_a_page_are_not_executable);
    RUN_TEST(descending_segments_are_not_executable);
    RUN_TEST(segment_below_the_lowest_address_is_not_executable);
    RUN_TEST(segment_reaching_the_mmap_top_is_not_executable);
    RUN_TEST(segment_ending_at_the_mmap_top_is_accepted);
    RUN_TEST(pie_bias_overflow_is_not_executable);
    RUN_TEST(musl_static_program_is_described);
    RUN_TEST(musl_static_pie_is_moved);
    RUN_TEST(truncated_musl_program_is_not_executable);
    return check_report();
}
