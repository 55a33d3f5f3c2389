/*
 * Writing the initial stack. The strings go down from the top in one copy:
 * in the block, argument strings are followed by environment strings in
 * order, which is exactly how Linux leaves them in memory, with the program
 * path above them. The pointer table is written last, once the addresses of
 * all strings are known, by walking the block a second time.
 */
#include "linux_stack.h"

#include <stdbool.h>

#include "sys/linux_abi.h"
#include "sys/runtime.h"

static const char platform[] = "aarch64";

/* The stack grows down from `top`; `position` is its lowest byte so far. */
struct stack_writer {
    uint8_t *image;
    uint64_t base;      /* the address image[0] stands for */
    uint64_t position;
};

static bool push(struct stack_writer *writer, const void *bytes, uint64_t length)
{
    if (length > writer->position - writer->base)
        return false;
    writer->position -= length;
    memcpy(writer->image + (writer->position - writer->base), bytes, length);
    return true;
}

static void put_word(struct stack_writer *writer, uint64_t address, uint64_t value)
{
    memcpy(writer->image + (address - writer->base), &value, sizeof(value));
}

/* The length of the string at text, or -1 if no NUL comes within available
 * bytes. */
static int64_t bounded_length(const char *text, uint64_t available)
{
    for (uint64_t length = 0; length < available; length++) {
        if (text[length] == '\0')
            return (int64_t)length;
    }
    return -1;
}

/* Checks that count strings start at offset in the block; returns the
 * offset after them, or a negated errno. */
static int64_t measure_strings(const char *block, uint64_t block_length, uint64_t offset,
                               uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        int64_t length = bounded_length(block + offset, block_length - offset);
        if (length < 0)
            return -LINUX_EFAULT;
        if ((uint64_t)length + 1 > LINUX_STACK_MAX_STRING)
            return -LINUX_E2BIG;
        offset += (uint64_t)length + 1;
    }
    return (int64_t)offset;
}

/* Writes `count` pointers to consecutive strings starting at
 * strings_address (whose bytes are block[offset...]) from table_address up,
 * then a NULL; returns the address after the NULL. */
static uint64_t put_string_pointers(struct stack_writer *writer, uint64_t table_address,
                                    const char *block, uint64_t offset, uint64_t strings_address,
                                    uint64_t count)
{
    uint64_t string = strings_address;
    for (uint64_t i = 0; i < count; i++) {
        put_word(writer, table_address, string);
        table_address += 8;
        uint64_t length = strlen(block + offset) + 1;
        offset += length;
        string += length;
    }
    put_word(writer, table_address, 0);
    return table_address + 8;
}

int linux_stack_build(uint8_t *image, uint64_t image_size, uint64_t stack_top,
                      const char *block, uint64_t block_length, unsigned argc, unsigned envc,
                      const struct linux_stack_facts *facts, uint64_t *stack_pointer)
{
    if (image_size > stack_top)
        return -LINUX_EINVAL;
    int64_t path_end = measure_strings(block, block_length, 0, 1);
    if (path_end < 0)
        return (int)path_end;
    int64_t arguments_end = measure_strings(block, block_length, (uint64_t)path_end, argc);
    if (arguments_end < 0)
        return (int)arguments_end;
    int64_t environment_end = measure_strings(block, block_length, (uint64_t)arguments_end, envc);
    if (environment_end < 0)
        return (int)environment_end;

    struct stack_writer writer = { image, stack_top - image_size, stack_top };
    static const uint8_t zeros[8];
    const uint64_t strings_length = (uint64_t)(environment_end - path_end);
    if (!push(&writer, zeros, sizeof(zeros)) ||
        !push(&writer, block, (uint64_t)path_end))
        return -LINUX_E2BIG;
    const uint64_t execfn = writer.position;
    if (!push(&writer, block + path_end, strings_length))
        return -LINUX_E2BIG;
    uint64_t arguments = writer.position;
    const uint64_t environment = arguments + (uint64_t)(arguments_end - path_end);
    /* argv[0] = "" for an empty argv, below the other strings. */
    const char *argument_block = block;
    uint64_t argument_offset = (uint64_t)path_end;
    if (argc == 0) {
        if (!push(&writer, zeros, 1))
            return -LINUX_E2BIG;
        arguments = writer.position;
        argument_block = (const char *)zeros;
        argument_offset = 0;
        argc = 1;
    }

    writer.position &= ~15ULL;
    if (writer.position < writer.base || !push(&writer, platform, sizeof(platform)))
        return -LINUX_E2BIG;
    const uint64_t platform_address = writer.position;
    if (!push(&writer, facts->random, sizeof(facts->random)))
        return -LINUX_E2BIG;
    const uint64_t random_address = writer.position;

    const uint64_t auxv[][2] = {
        { LINUX_AUXV_HWCAP, facts->hwcap },
        { LINUX_AUXV_PAGESZ, 4096 },
        { LINUX_AUXV_CLKTCK, 100 },
        { LINUX_AUXV_PHDR, facts->program_headers },
        { LINUX_AUXV_PHENT, facts->program_header_size },
        { LINUX_AUXV_PHNUM, facts->program_header_count },
        { LINUX_AUXV_BASE, 0 },
        { LINUX_AUXV_FLAGS, 0 },
        { LINUX_AUXV_ENTRY, facts->entry },
        { LINUX_AUXV_UID, facts->uid },
        { LINUX_AUXV_EUID, facts->euid },
        { LINUX_AUXV_GID, facts->gid },
        { LINUX_AUXV_EGID, facts->egid },
        { LINUX_AUXV_SECURE, facts->secure },
        { LINUX_AUXV_RANDOM, random_address },
        { LINUX_AUXV_HWCAP2, facts->hwcap2 },
        { LINUX_AUXV_EXECFN, execfn },
        { LINUX_AUXV_PLATFORM, platform_address },
        { LINUX_AUXV_NULL, 0 },
    };
    const uint64_t table_words = 1 + ((uint64_t)argc + 1) + ((uint64_t)envc + 1) +
                                 sizeof(auxv) / sizeof(uint64_t);
    if (table_words * 8 > writer.position - writer.base)
        return -LINUX_E2BIG;
    const uint64_t sp = (writer.position - table_words * 8) & ~15ULL;
    if (sp < writer.base)
        return -LINUX_E2BIG;

    put_word(&writer, sp, argc);
    uint64_t table = put_string_pointers(&writer, sp + 8, argument_block, argument_offset,
                                         arguments, argc);
    table = put_string_pointers(&writer, table, block, (uint64_t)arguments_end, environment, envc);
    for (unsigned i = 0; i < sizeof(auxv) / sizeof(auxv[0]); i++) {
        put_word(&writer, table, auxv[i][0]);
        put_word(&writer, table + 8, auxv[i][1]);
        table += 16;
    }
    *stack_pointer = sp;
    return 0;
}
