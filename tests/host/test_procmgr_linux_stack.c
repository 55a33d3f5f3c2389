/* The initial stack of a Linux program: the layout musl's start-up reads
 * (argc, argv, envp, auxv), where the strings go, and the errors. */
#include "check.h"
#include "linux_stack.h"
#include "sys/linux_abi.h"

#define STACK_TOP 0x7ff0000000ULL
#define IMAGE_SIZE 0x4000ULL

static uint8_t image[IMAGE_SIZE];
static const uint64_t image_base = STACK_TOP - IMAGE_SIZE;
static uint64_t sp;

static const char path_and_strings[] = "/bin/echo\0echo\0hello\0HOME=/\0TERM=dumb\0PATH=/bin";
static const struct linux_stack_facts facts = {
    .entry = 0x400120, .program_headers = 0x400040, .program_header_size = 56,
    .program_header_count = 7, .uid = 1000, .euid = 1001, .gid = 100, .egid = 101,
    .secure = 0, .hwcap = 0xef, .hwcap2 = 0x2,
    .random = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
};

static int build(const char *block, uint64_t length, unsigned argc, unsigned envc)
{
    memset(image, 0xa5, sizeof(image));
    return linux_stack_build(image, IMAGE_SIZE, STACK_TOP, block, length, argc, envc, &facts, &sp);
}

static int build_echo(void)
{
    return build(path_and_strings, sizeof(path_and_strings), 2, 3);
}

static int in_image(uint64_t address, uint64_t length)
{
    return address >= image_base && address <= STACK_TOP && STACK_TOP - address >= length;
}

static uint64_t word_at(uint64_t address)
{
    uint64_t value = 0;
    if (in_image(address, 8))
        memcpy(&value, image + (address - image_base), 8);
    return value;
}

/* The string at a stack address, or "(outside)". */
static const char *string_at(uint64_t address)
{
    if (!in_image(address, 1))
        return "(outside)";
    const char *text = (const char *)image + (address - image_base);
    if (memchr(text, '\0', STACK_TOP - address) == NULL)
        return "(unterminated)";
    return text;
}

/* Reads the stack as musl's __init_libc does. */
static uint64_t argv_address(void) { return sp + 8; }
static uint64_t envp_address(void) { return argv_address() + (word_at(sp) + 1) * 8; }
static uint64_t auxv_address(void)
{
    uint64_t address = envp_address();
    while (word_at(address) != 0 && in_image(address, 8))
        address += 8;
    return address + 8;
}
static uint64_t auxv_value(uint64_t type)
{
    for (uint64_t address = auxv_address(); in_image(address, 16); address += 16) {
        if (word_at(address) == type)
            return word_at(address + 8);
        if (word_at(address) == LINUX_AUXV_NULL)
            break;
    }
    return UINT64_MAX;
}

static void stack_pointer_is_16_byte_aligned_inside_the_image(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    CHECK_EQ_U64(sp % 16, 0);
    CHECK(in_image(sp, 8));
}

static void argc_and_argv_are_at_the_stack_pointer(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    CHECK_EQ_U64(word_at(sp), 2);
    CHECK_EQ_STR(string_at(word_at(argv_address())), "echo");
    CHECK_EQ_STR(string_at(word_at(argv_address() + 8)), "hello");
    CHECK_EQ_U64(word_at(argv_address() + 16), 0);
}

static void environment_follows_argv(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    CHECK_EQ_STR(string_at(word_at(envp_address())), "HOME=/");
    CHECK_EQ_STR(string_at(word_at(envp_address() + 8)), "TERM=dumb");
    CHECK_EQ_STR(string_at(word_at(envp_address() + 16)), "PATH=/bin");
    CHECK_EQ_U64(word_at(envp_address() + 24), 0);
}

static void auxv_has_linux_order_and_values(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    const uint64_t expected_types[] = {
        LINUX_AUXV_HWCAP, LINUX_AUXV_PAGESZ, LINUX_AUXV_CLKTCK, LINUX_AUXV_PHDR,
        LINUX_AUXV_PHENT, LINUX_AUXV_PHNUM, LINUX_AUXV_BASE, LINUX_AUXV_FLAGS,
        LINUX_AUXV_ENTRY, LINUX_AUXV_UID, LINUX_AUXV_EUID, LINUX_AUXV_GID, LINUX_AUXV_EGID,
        LINUX_AUXV_SECURE, LINUX_AUXV_RANDOM, LINUX_AUXV_HWCAP2, LINUX_AUXV_EXECFN,
        LINUX_AUXV_PLATFORM, LINUX_AUXV_NULL,
    };
    uint64_t address = auxv_address();
    for (unsigned i = 0; i < sizeof(expected_types) / sizeof(expected_types[0]); i++)
        CHECK_EQ_U64(word_at(address + 16 * i), expected_types[i]);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_HWCAP), 0xef);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_PAGESZ), 4096);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_CLKTCK), 100);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_PHDR), 0x400040);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_PHENT), 56);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_PHNUM), 7);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_BASE), 0);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_FLAGS), 0);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_ENTRY), 0x400120);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_UID), 1000);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_EUID), 1001);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_GID), 100);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_EGID), 101);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_SECURE), 0);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_HWCAP2), 2);
}

static void auxv_types_have_linux_numbers(void)
{
    CHECK_EQ_U64(LINUX_AUXV_PHDR, 3);
    CHECK_EQ_U64(LINUX_AUXV_PAGESZ, 6);
    CHECK_EQ_U64(LINUX_AUXV_ENTRY, 9);
    CHECK_EQ_U64(LINUX_AUXV_PLATFORM, 15);
    CHECK_EQ_U64(LINUX_AUXV_HWCAP, 16);
    CHECK_EQ_U64(LINUX_AUXV_SECURE, 23);
    CHECK_EQ_U64(LINUX_AUXV_RANDOM, 25);
    CHECK_EQ_U64(LINUX_AUXV_HWCAP2, 26);
    CHECK_EQ_U64(LINUX_AUXV_EXECFN, 31);
}

static void at_random_points_at_its_16_bytes(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    uint64_t random = auxv_value(LINUX_AUXV_RANDOM);
    CHECK(in_image(random, 16));
    CHECK(random > auxv_address());
    if (in_image(random, 16))
        CHECK(memcmp(image + (random - image_base), facts.random, 16) == 0);
}

static void at_execfn_is_the_program_path(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    CHECK_EQ_STR(string_at(auxv_value(LINUX_AUXV_EXECFN)), "/bin/echo");
}

static void at_platform_is_aarch64(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    CHECK_EQ_STR(string_at(auxv_value(LINUX_AUXV_PLATFORM)), "aarch64");
}

static void strings_sit_at_the_top_as_in_linux(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    /* Top 8 bytes zero, the path just below, then argv[0] upwards through
     * the last environment string, contiguous. */
    CHECK_EQ_U64(word_at(STACK_TOP - 8), 0);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_EXECFN), STACK_TOP - 8 - sizeof("/bin/echo"));
    uint64_t argv0 = word_at(argv_address());
    CHECK_EQ_U64(argv0 + sizeof(path_and_strings) - sizeof("/bin/echo"),
                 auxv_value(LINUX_AUXV_EXECFN));
    CHECK_EQ_U64(word_at(envp_address()), argv0 + sizeof("echo") + sizeof("hello"));
    /* Platform and random bytes lie between the table and the strings. */
    uint64_t platform = auxv_value(LINUX_AUXV_PLATFORM);
    CHECK_EQ_U64(platform, (argv0 & ~15ULL) - 8);
    CHECK_EQ_U64(auxv_value(LINUX_AUXV_RANDOM), platform - 16);
}

static void table_ends_right_below_the_random_bytes(void)
{
    CHECK_EQ_U64(build_echo(), 0);
    /* 1 + 3 + 4 + 19 * 2 words = 46 words = 368 bytes, then rounded down. */
    uint64_t random = auxv_value(LINUX_AUXV_RANDOM);
    CHECK_EQ_U64(sp, (random - 46 * 8) & ~15ULL);
}

static void empty_argv_gets_an_empty_argv0(void)
{
    static const char block[] = "/bin/true\0A=1";
    CHECK_EQ_U64(build(block, sizeof(block), 0, 1), 0);
    CHECK_EQ_U64(word_at(sp), 1);
    CHECK_EQ_STR(string_at(word_at(argv_address())), "");
    CHECK_EQ_U64(word_at(argv_address() + 8), 0);
    CHECK_EQ_STR(string_at(word_at(envp_address())), "A=1");
    CHECK_EQ_U64(word_at(envp_address() + 8), 0);
}

static void no_environment_gives_an_empty_envp(void)
{
    static const char block[] = "/init\0init";
    CHECK_EQ_U64(build(block, sizeof(block), 1, 0), 0);
    CHECK_EQ_U64(word_at(sp), 1);
    CHECK_EQ_STR(string_at(word_at(argv_address())), "init");
    CHECK_EQ_U64(word_at(envp_address()), 0);
    CHECK_EQ_U64(word_at(auxv_address()), LINUX_AUXV_HWCAP);
}

static void unaligned_stack_top_still_aligns_the_stack_pointer(void)
{
    memset(image, 0, sizeof(image));
    CHECK_EQ_U64(linux_stack_build(image, IMAGE_SIZE - 7, STACK_TOP - 7, path_and_strings,
                                   sizeof(path_and_strings), 2, 3, &facts, &sp), 0);
    CHECK_EQ_U64(sp % 16, 0);
}

static void bytes_after_the_last_string_are_ignored(void)
{
    static const char block[] = "/a\0a\0junk";
    CHECK_EQ_U64(build(block, sizeof(block), 1, 0), 0);
    CHECK_EQ_U64(word_at(auxv_value(LINUX_AUXV_EXECFN) + 3), 0);    /* the 8 zero bytes */
}

static void unterminated_path_is_efault(void)
{
    CHECK_EQ_U64(build("/bin/echo", 9, 0, 0), -LINUX_EFAULT);
}

static void unterminated_argument_is_efault(void)
{
    CHECK_EQ_U64(build(path_and_strings, sizeof("/bin/echo") + 4, 2, 0), -LINUX_EFAULT);
}

static void too_many_arguments_for_the_block_is_efault(void)
{
    CHECK_EQ_U64(build(path_and_strings, sizeof(path_and_strings), 6, 0), -LINUX_EFAULT);
}

static void unterminated_environment_is_efault(void)
{
    CHECK_EQ_U64(build(path_and_strings, sizeof(path_and_strings) - 1, 2, 3), -LINUX_EFAULT);
}

static void empty_block_is_efault(void)
{
    CHECK_EQ_U64(build(path_and_strings, 0, 0, 0), -LINUX_EFAULT);
}

/* "/" then one argument of `characters` bytes, in a block of exactly its size. */
static char *block_with_argument(uint64_t characters, uint64_t *length)
{
    *length = 2 + characters + 1;
    char *block = malloc(*length);
    memcpy(block, "/", 2);
    memset(block + 2, 'x', characters);
    block[*length - 1] = '\0';
    return block;
}

static void overlong_string_is_e2big(void)
{
    uint64_t length;
    char *block = block_with_argument(LINUX_STACK_MAX_STRING, &length);
    CHECK_EQ_U64(build(block, length, 1, 0), -LINUX_E2BIG);
    free(block);
}

static void string_at_the_length_limit_is_accepted(void)
{
    uint64_t length;
    char *block = block_with_argument(LINUX_STACK_MAX_STRING - 1, &length);
    uint64_t size = 2 * LINUX_STACK_MAX_STRING;
    uint8_t *large = malloc(size);
    CHECK_EQ_U64(linux_stack_build(large, size, STACK_TOP, block, length, 1, 0, &facts, &sp), 0);
    free(large);
    free(block);
}

/* Every image size either holds the whole stack or gives E2BIG, never a
 * write outside the image (ASan watches the exact-size buffer). */
static void small_images_give_e2big(void)
{
    uint64_t needed = 0;
    for (uint64_t size = 0; size <= 1024 && needed == 0; size++) {
        uint8_t *small = malloc(size ? size : 1);
        int result = linux_stack_build(small, size, STACK_TOP, path_and_strings,
                                       sizeof(path_and_strings), 2, 3, &facts, &sp);
        if (result == 0) {
            needed = size;
            CHECK(sp >= STACK_TOP - size);
        } else {
            CHECK_EQ_U64(result, -LINUX_E2BIG);
        }
        free(small);
    }
    CHECK(needed > 0);
    CHECK_EQ_U64(needed, STACK_TOP - sp);
}

static void image_larger_than_the_stack_top_is_einval(void)
{
    CHECK_EQ_U64(linux_stack_build(image, IMAGE_SIZE, IMAGE_SIZE - 1, path_and_strings,
                                   sizeof(path_and_strings), 2, 3, &facts, &sp),
                 -LINUX_EINVAL);
}

int main(void)
{
    RUN_TEST(stack_pointer_is_16_byte_aligned_inside_the_image);
    RUN_TEST(argc_and_argv_are_at_the_stack_pointer);
    RUN_TEST(environment_follows_argv);
    RUN_TEST(auxv_has_linux_order_and_values);
    RUN_TEST(auxv_types_have_linux_numbers);
    RUN_TEST(at_random_points_at_its_16_bytes);
    RUN_TEST(at_execfn_is_the_program_path);
    RUN_TEST(at_platform_is_aarch64);
    RUN_TEST(strings_sit_at_the_top_as_in_linux);
    RUN_TEST(table_ends_right_below_the_random_bytes);
    RUN_TEST(empty_argv_gets_an_empty_argv0);
    RUN_TEST(no_environment_gives_an_empty_envp);
    RUN_TEST(unaligned_stack_top_still_aligns_the_stack_pointer);
    RUN_TEST(bytes_after_the_last_string_are_ignored);
    RUN_TEST(unterminated_path_is_efault);
    RUN_TEST(unterminated_argument_is_efault);
    RUN_TEST(too_many_arguments_for_the_block_is_efault);
    RUN_TEST(unterminated_environment_is_efault);
    RUN_TEST(empty_block_is_efault);
    RUN_TEST(overlong_string_is_e2big);
    RUN_TEST(string_at_the_length_limit_is_accepted);
    RUN_TEST(small_images_give_e2big);
    RUN_TEST(image_larger_than_the_stack_top_is_einval);
    return check_report();
}
